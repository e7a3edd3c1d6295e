package org_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/issuersim/issuersim/fixtures"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/org"
)

// TestDefaultFixtureLoads proves the embedded dataset is valid and fills customer names from the seed.
func TestDefaultFixtureLoads(t *testing.T) {
	d, err := org.Parse(fixtures.Default, fake.New(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Orgs) < 2 {
		t.Fatalf("want at least two orgs to show isolation, got %d", len(d.Orgs))
	}
	c := d.Orgs[0].Accounts[0].Customers[0]
	if c.Name == "" {
		t.Fatal("customer name not generated")
	}
	again, _ := org.Parse(fixtures.Default, fake.New(1))
	if again.Orgs[0].Accounts[0].Customers[0].Name != c.Name {
		t.Fatal("generated name differs for the same seed")
	}
}

// TestParseNamesTheBrokenRule mutates a valid dataset one rule per row.
func TestParseNamesTheBrokenRule(t *testing.T) {
	valid := string(fixtures.Default)
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"bad tenant id", `"TN-5a1f3c2e-8d4b-4f6a-9c3e-2b7d1e0f4a58"`, `"acme"`, "id: must match TN-"},
		{"bad bin", `"bin": "231038"`, `"bin": "23x038"`, "programs[0].bin"},
		{"unknown program", `"id": 8675309, "program_id": 3001`, `"id": 8675309, "program_id": 9999`, "accounts[0].program_id: no program 9999"},
		{"unknown field", `"purpose": "VIRTUAL cards"`, `"porpose": "x"`, "unknown field"},
		{"bad brand", `"brand": "MASTERCARD"`, `"brand": "AMEX"`, "programs[0].brand"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := strings.Replace(valid, tc.from, tc.to, 1)
			if data == valid {
				t.Fatalf("mutation %q did not apply", tc.from)
			}
			_, err := org.Parse([]byte(data), fake.New(1))
			if !errors.Is(err, org.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
		})
	}
}
