package main

import (
	"io"
	"strings"
	"testing"
)

// TestServeStoreFlag reads --store and ISSUERSIM_STORE, and refuses anything but a postgres:// URL.
func TestServeStoreFlag(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  string
		want string // the store, or the start of the error
	}{
		{"default: in memory", nil, "", ""},
		{"flag", []string{"--store", "postgres://localhost/issuersim"}, "", "postgres://localhost/issuersim"},
		{"environment", nil, "postgresql://db/x?sslmode=disable", "postgresql://db/x?sslmode=disable"},
		{"flag over environment", []string{"--store", "postgres://a/b"}, "postgres://c/d", "postgres://a/b"},
		{"another database", []string{"--store", "mysql://localhost/x"}, "", "error: --store"},
		{"a file", []string{"--store", "/var/lib/issuersim"}, "", "error: --store"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parseServeFlags(tc.args, func(k string) string {
				if k == "ISSUERSIM_STORE" {
					return tc.env
				}
				return ""
			}, io.Discard)
			got := f.store
			if err != nil {
				got = "error: " + err.Error()
			}
			if !strings.HasPrefix(got, tc.want) || (tc.want == "" && got != "") {
				t.Errorf("store = %q, want %q", got, tc.want)
			}
		})
	}
}
