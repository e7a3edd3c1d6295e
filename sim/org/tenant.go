package org

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"

	"github.com/issuersim/issuersim/sim/fake"
)

// Directory holds the orgs of a running simulator: the fixtures' and those created since. The store
// implements it.
type Directory interface {
	// Org returns the org with that id, or an error wrapping ErrUnknown.
	Org(ctx context.Context, id string) (Org, error)
	// Orgs returns every org, fixtures first, then in the order they were created.
	Orgs(ctx context.Context) ([]Org, error)
	// AddOrg adds an org; it returns an error wrapping ErrExists if the id is taken.
	AddOrg(ctx context.Context, o Org) error
}

// ErrExists is returned when an org id is already taken.
var ErrExists = errors.New("org already exists")

// ErrUnknown is returned for an org id the directory does not hold.
var ErrUnknown = errors.New("unknown org")

// NewTenant adds a fresh org to the directory, a copy of the template org (its programs, accounts,
// customers and reissue reasons) under a new id, with one credential of its own. Test suites use it to give
// every scenario state no other scenario can see.
//
// The id and the secret derive from the seed, the template, the name and how many tenants of that template
// already carry that name: a suite that names its tenants (as the step library does, after the scenario)
// gets the same ids run after run, whatever other suites create on the same instance meanwhile.
func NewTenant(ctx context.Context, dir Directory, src *fake.Source, template, name string) (Org, error) {
	base, err := dir.Org(ctx, template)
	if err != nil {
		return Org{}, fmt.Errorf("template %q: %w", template, err)
	}
	for n := 1; ; n++ {
		id := "TN-" + src.UUID("tenant", template, name, strconv.Itoa(n))
		o := base
		o.ID = id
		o.Name = name
		if o.Name == "" {
			o.Name = base.Name + " (tenant " + id[3:11] + ")"
		}
		o.Credentials = []Credential{{
			ServerKey:    "tenant-" + id[3:11] + "-server-key",
			ServerSecret: base64.RawURLEncoding.EncodeToString(src.Key("tenant-secret-" + id)),
		}}
		o.D1Issuers = base.tenantD1Issuers(src, id)
		err := dir.AddOrg(ctx, o)
		if errors.Is(err, ErrExists) {
			continue // a tenant of that name exists already: take the next number
		}
		if err != nil {
			return Org{}, fmt.Errorf("add tenant %s: %w", id, err)
		}
		return o, nil
	}
}
