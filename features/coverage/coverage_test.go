package coverage_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/issuersim/issuersim/features"
	"github.com/issuersim/issuersim/features/coverage"
)

// TestEveryRowIsProven is the coverage report's verdict on the project's own features: every row of seed 000
// and every D1 operation has a scenario tagged with it.
func TestEveryRowIsProven(t *testing.T) {
	reqs, err := coverage.Requirements()
	if err != nil {
		t.Fatal(err)
	}
	scenarios, err := coverage.Scenarios(features.FS)
	if err != nil {
		t.Fatal(err)
	}
	rep := coverage.Build(reqs, scenarios, nil)
	if err := rep.Check(); err != nil {
		var out strings.Builder
		_ = rep.Write(&out)
		t.Fatalf("%v\n%s", err, out.String())
	}
}

// TestRequirements checks the tables copied from the seeds: 18 rows of seed 000 and D1's 6 operations, each
// with a tag of its own.
func TestRequirements(t *testing.T) {
	reqs, err := coverage.Requirements()
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	tags := map[string]bool{}
	for _, r := range reqs {
		count[r.Table]++
		if r.Tag == "" || tags[r.Tag] {
			t.Errorf("row %q has an empty or repeated tag %q", r.Name, r.Tag)
		}
		tags[r.Tag] = true
	}
	if count["seed 000"] != 18 || count["D1"] != 6 {
		t.Fatalf("rows per table: %v, want 18 of seed 000 and 6 of D1", count)
	}
}

const sample = `@area
Feature: sample

  @createCard
  Scenario: one
    Given a step

  Scenario Outline: two <x>
    Given a step

    @updateCard
    Examples:
      | x |
      | a |
      | b |

  Rule: a rule
    @suspendCard
    Scenario: three
      Given a step
`

// TestBuild walks the parts of a report: tags from the feature, the scenario, the examples and rules; outline
// rows named with their values; a passed-only filter from a cucumber report; and the missing rows.
func TestBuild(t *testing.T) {
	scenarios, err := coverage.Scenarios(fstest.MapFS{"a/sample.feature": {Data: []byte(sample)}, "notes.txt": {Data: []byte("Feature: not read")}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range scenarios {
		got = append(got, s.Ref()+" "+s.Name+" "+strings.Join(s.Tags, ","))
	}
	want := []string{
		"a/sample.feature:5 one area,createCard",
		"a/sample.feature:14 two a area,updateCard",
		"a/sample.feature:15 two b area,updateCard",
		"a/sample.feature:19 three area,suspendCard",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("scenarios:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	reqs := []coverage.Requirement{
		{Table: "seed 000", Tag: "createCard", Name: "Create card"},
		{Table: "seed 000", Tag: "updateCard", Name: "Update card information"},
		{Table: "D1", Tag: "suspendCard", Name: "Suspend"},
		{Table: "D1", Tag: "renewCard", Name: "Renew"},
	}
	for _, tc := range []struct {
		name    string
		report  string // a cucumber report, or "" for none
		missing []string
	}{
		{"tags alone", "", []string{"Renew"}},
		{"only passed scenarios", `[{"uri":"features/sample.feature","elements":[
			{"type":"scenario","line":5,"steps":[{"result":{"status":"passed"}}]},
			{"type":"scenario","line":14,"steps":[{"result":{"status":"passed"}},{"result":{"status":"failed"}}]},
			{"type":"scenario","line":19,"steps":[{"result":{"status":"passed"}}]}]}]`, []string{"Update card information", "Renew"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var passed map[coverage.Key]bool
			if tc.report != "" {
				if passed, err = coverage.Passed(strings.NewReader(tc.report)); err != nil {
					t.Fatal(err)
				}
			}
			rep := coverage.Build(reqs, scenarios, passed)
			var missing []string
			for _, m := range rep.Missing() {
				missing = append(missing, m.Name)
			}
			if strings.Join(missing, ";") != strings.Join(tc.missing, ";") {
				t.Fatalf("missing %v, want %v", missing, tc.missing)
			}
			if err := rep.Check(); !errors.Is(err, coverage.ErrMissing) {
				t.Fatalf("Check: %v, want ErrMissing", err)
			}
			var out strings.Builder
			if err := rep.Write(&out); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "MISSING @renewCard: Renew") || !strings.Contains(out.String(), "D1: 1 of 2 covered") {
				t.Fatalf("report:\n%s", out.String())
			}
		})
	}
}
