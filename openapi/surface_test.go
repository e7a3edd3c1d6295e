package openapi_test

import (
	"bufio"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/issuersim/issuersim/openapi"
)

// notYet are vendor operations the contracts still lack, each with the work that brings it. The list only
// shrinks: an operation listed here that a contract names fails the test too.
var notYet = map[string]string{}

// TestVendorSurface proves every operation of the vendor's card-issuing files (testdata/vendor-operations.txt)
// is in a contract, named by its x-vendor-operation-id, at the vendor's method.
func TestVendorSurface(t *testing.T) {
	ours := map[string]string{} // vendor id -> method
	names, _ := fs.Glob(openapi.FS, "*.yaml")
	for _, name := range names {
		data, _ := openapi.FS.ReadFile(name)
		doc, err := openapi3.NewLoader().LoadFromData(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				if id, ok := op.Extensions["x-vendor-operation-id"].(string); ok {
					ours[id] = method
				}
			}
		}
	}
	f, err := os.Open("testdata/vendor-operations.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 4 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		n++
		id, method := fields[1], fields[2]
		got, ok := ours[id]
		_, pending := notYet[id]
		switch {
		case ok && pending:
			t.Errorf("%s (%s %s) is in a contract: take it off notYet", id, method, fields[3])
		case !ok && !pending:
			t.Errorf("%s (%s %s of %s) is in no contract", id, method, fields[3], fields[0])
		case ok && got != method:
			t.Errorf("%s: the contract serves it with %s, the vendor with %s", id, got, method)
		}
	}
	if n < 80 {
		t.Fatalf("only %d vendor operations read", n)
	}
}
