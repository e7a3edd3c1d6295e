package org

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"

	"github.com/issuersim/issuersim/sim/fake"
)

// Directory holds the orgs of a running simulator: the fixtures' and those created since. The store
// implements it.
type Directory interface {
	// Org returns the org with that id.
	Org(id string) (Org, bool)
	// Orgs returns every org, fixtures first, then in the order they were created.
	Orgs() []Org
	// AddOrg adds an org; it returns ErrExists if the id is taken.
	AddOrg(Org) error
}

// ErrExists is returned when an org id is already taken.
var ErrExists = errors.New("org already exists")

// ErrUnknown is returned for an org id the directory does not hold.
var ErrUnknown = errors.New("unknown org")

// NewTenant adds a fresh org to the directory, a copy of the template org (its programs, accounts,
// customers and reissue reasons) under a new id, with one credential of its own. Ids and secrets derive from
// the seed and the number of orgs, so the same request sequence creates the same tenants. Test suites use it
// to give every scenario state no other scenario can see.
func NewTenant(dir Directory, src *fake.Source, template, name string) (Org, error) {
	base, ok := dir.Org(template)
	if !ok {
		return Org{}, fmt.Errorf("template %q: %w", template, ErrUnknown)
	}
	for n := len(dir.Orgs()) + 1; ; n++ {
		id := "TN-" + src.UUID("tenant", strconv.Itoa(n))
		o := base
		o.ID = id
		o.Name = name
		if o.Name == "" {
			o.Name = base.Name + " (tenant " + strconv.Itoa(n) + ")"
		}
		o.Credentials = []Credential{{
			ServerKey:    "tenant-" + strconv.Itoa(n) + "-server-key",
			ServerSecret: base64.RawURLEncoding.EncodeToString(src.Key("tenant-secret-" + id)),
		}}
		err := dir.AddOrg(o)
		if errors.Is(err, ErrExists) {
			continue // created concurrently: take the next number
		}
		if err != nil {
			return Org{}, fmt.Errorf("add tenant %s: %w", id, err)
		}
		return o, nil
	}
}
