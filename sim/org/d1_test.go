package org_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/issuersim/issuersim/fixtures"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/org"
)

// TestD1IssuersNameTheBrokenRule mutates the D1 issuers of the valid dataset one rule per row.
func TestD1IssuersNameTheBrokenRule(t *testing.T) {
	valid := string(fixtures.Default)
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"issuer id too short", `"issuer_id": "SANDBOXB01"`, `"issuer_id": "SANDBOXB1"`, "d1_issuers[0].issuer_id: must be exactly 10"},
		{"issuer id taken", `"issuer_id": "SECONDBK01"`, `"issuer_id": "SANDBOXB01"`, "d1_issuers[0].issuer_id: used by another issuer"},
		{"public key only", `,"d":"JbEIJ83070OyoFM3JyCVJRAM8XPQmoGb91490xWF8UM"`, ``, "d1_issuers[0].signing_key: must be an EC private key"},
		{"no kid", `"kid":"sandbox-d1-enc-1",`, ``, "d1_issuers[0].encryption_key: kid is required"},
		{"bad notification url", `"issuer_id": "SANDBOXB01",`, `"issuer_id": "SANDBOXB01", "notification_url": "ftp://x",`, "notification_url: must be an http"},
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

// memDir is a directory in a map, enough for NewTenant.
type memDir struct{ orgs []org.Org }

func (d *memDir) Org(_ context.Context, id string) (org.Org, error) {
	for _, o := range d.orgs {
		if o.ID == id {
			return o, nil
		}
	}
	return org.Org{}, org.ErrUnknown
}
func (d *memDir) Orgs(context.Context) ([]org.Org, error) { return d.orgs, nil }
func (d *memDir) AddOrg(_ context.Context, o org.Org) error {
	if _, err := d.Org(context.Background(), o.ID); err == nil {
		return org.ErrExists
	}
	d.orgs = append(d.orgs, o)
	return nil
}

// TestNewTenantGetsItsOwnD1Issuer proves a tenant copied from an org gets the org's D1 keys under an issuer id
// of its own, derived from the seed, so an assertion's issuer names one tenant.
func TestNewTenantGetsItsOwnD1Issuer(t *testing.T) {
	src := fake.New(1)
	d, err := org.Parse(fixtures.Default, src)
	if err != nil {
		t.Fatal(err)
	}
	dir := &memDir{orgs: d.Orgs}
	base := d.Orgs[0]
	a, err := org.NewTenant(context.Background(), dir, src, base.ID, "one")
	if err != nil {
		t.Fatal(err)
	}
	b, err := org.NewTenant(context.Background(), dir, src, base.ID, "two")
	if err != nil {
		t.Fatal(err)
	}
	ia, ib := a.D1Issuers[0], b.D1Issuers[0]
	if ia.IssuerID == base.D1Issuers[0].IssuerID || ia.IssuerID == ib.IssuerID || len(ia.IssuerID) != 10 {
		t.Errorf("issuer ids %q %q (template %q): want distinct 10-character ids", ia.IssuerID, ib.IssuerID, base.D1Issuers[0].IssuerID)
	}
	if ia.SigningKey.KeyID != base.D1Issuers[0].SigningKey.KeyID {
		t.Errorf("the tenant's issuer lost the template's keys")
	}
	again, _ := org.NewTenant(context.Background(), &memDir{orgs: d.Orgs}, fake.New(1), base.ID, "one")
	if again.D1Issuers[0].IssuerID != ia.IssuerID {
		t.Errorf("the same seed and name gave issuer %q, then %q", ia.IssuerID, again.D1Issuers[0].IssuerID)
	}
}
