package httpapi

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheckJSON feeds arbitrary bodies to the strict JSON check. It must never panic; what it accepts must be
// exactly one JSON value that encoding/json reads without replacing anything (valid UTF-8, no NUL, no key
// twice) and what encoding/json refuses it must refuse; a fault's pointer is a JSON pointer.
func FuzzCheckJSON(f *testing.F) {
	for _, seed := range []string{
		`{"name":"x","type":"VIRTUAL"}`,
		`{"name":"x","type":"VIRTUAL"} trailing garbage`,
		`{"name":"x"}{"name":"y"}`,
		`{"name":"a\u0000b"}`,
		"{\"name\":\"a\xffb\"}",
		`{"name":"a\ud800b"}`,
		`{"name":"a\ud83d\ude00b"}`,
		`{"name":"x","name":"y"}`,
		`{"a":{"b":[1,{"c":1,"c":2}]}}`,
		`{"a/b~c":{"x":1,"x":1}}`,
		`[` + strings.Repeat(`[`, 70) + strings.Repeat(`]`, 70) + `]`,
		`"just a string"`, `12`, `null`, ``, ` `, `{`, `{"a":`, `[1,2,]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fault := checkJSON(body)
		if fault != nil {
			if !strings.HasPrefix(fault.Pointer, "/") || fault.Rule == "" || fault.Reason == "" {
				t.Fatalf("fault %+v does not name a place, a rule and a reason", fault)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted a body encoding/json refuses: %q", body)
		}
		if !utf8.Valid(body) {
			t.Fatalf("accepted invalid UTF-8: %q", body)
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("accepted a body that does not decode: %v", err)
		}
		if dec.More() {
			t.Fatalf("accepted a body with a second value: %q", body)
		}
		var walk func(any)
		walk = func(v any) {
			switch x := v.(type) {
			case string:
				if strings.IndexByte(x, 0) >= 0 {
					t.Fatalf("accepted a NUL in %q", body)
				}
			case map[string]any:
				for k, e := range x {
					walk(k)
					walk(e)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			}
		}
		walk(v)
	})
}

// FuzzCanonicalInt: an integer parameter is accepted exactly when it is how strconv writes the number it
// names, so that two spellings never name one id.
func FuzzCanonicalInt(f *testing.F) {
	for _, seed := range []string{"1", "01", "+1", "-1", "-0", "0", "00", " 1", "1 ", "9223372036854775807", "9223372036854775808", "1e3", "0x10", "１"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := strconv.ParseInt(s, 10, 64)
		canonical := err == nil && strconv.FormatInt(n, 10) == s
		if got := isCanonicalInt(s); got != canonical && !(got && err != nil && isDigits(strings.TrimPrefix(s, "-"))) {
			t.Fatalf("isCanonicalInt(%q) = %v; strconv reads it as %d (%v)", s, got, n, err)
		}
	})
}

// isDigits reports whether s is one or more ASCII digits (a canonical integer too large for 64 bits is still
// canonical: the validator refuses its range).
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == "" && (s == "0" || s[0] != '0')
}
