package httpapi

import (
	"bytes"
	"testing"
)

// BenchmarkCheckJSON measures the strict JSON check on a body just under the default limit made of many small
// objects, the costliest shape (figures in docs/performance.md).
func BenchmarkCheckJSON(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString(`{"name":"x","type":"VIRTUAL","metadata":{"a":[`)
	for buf.Len() < 1<<20-64 {
		buf.WriteString(`{"k":1},`)
	}
	buf.WriteString(`{"k":1}]}}`)
	body := buf.Bytes()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if f := checkJSON(body); f != nil {
			b.Fatal(f)
		}
	}
}
