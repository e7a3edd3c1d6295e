package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCoverage runs the coverage verb on the built-in features (every row covered), on a folder whose one
// scenario proves one row (it fails, naming the others), and with a report in which that scenario failed.
func TestCoverage(t *testing.T) {
	dir := t.TempDir()
	feature := "Feature: mine\n\n  @createCard\n  Scenario: a card\n    Given a step\n"
	if err := os.WriteFile(filepath.Join(dir, "mine.feature"), []byte(feature), 0o600); err != nil {
		t.Fatal(err)
	}
	failed := filepath.Join(dir, "report.json")
	report := `[{"uri":"mine.feature","elements":[{"type":"scenario","line":4,"steps":[{"result":{"status":"failed"}}]}]}]`
	if err := os.WriteFile(failed, []byte(report), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string
		want    string
	}{
		{"the project's features", nil, "", "D1: 6 of 6 covered"},
		{"a folder of one scenario", []string{"--features", dir}, "bindNonameCard", "mine.feature:4  a card"},
		{"that scenario failed", []string{"--features", dir, "--results", failed}, "createCard", "seed 000: 0 of 18 covered"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), append([]string{"coverage"}, tc.args...), func(string) string { return "" }, &out, &errOut)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err = %v, want one naming %q\n%s", err, tc.wantErr, out.String())
			}
			if !strings.Contains(out.String(), tc.want) {
				t.Fatalf("output lacks %q:\n%s", tc.want, out.String())
			}
		})
	}
}
