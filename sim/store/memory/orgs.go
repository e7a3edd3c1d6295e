package memory

import (
	"context"
	"fmt"

	"github.com/issuersim/issuersim/sim/org"
)

var _ org.Directory = (*Store)(nil)

// AddOrg adds a tenant with no cards, no events and no jobs; see org.Directory.
func (s *Store) AddOrg(_ context.Context, o org.Org) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tenants[o.ID]; ok {
		return fmt.Errorf("org %s: %w", o.ID, org.ErrExists)
	}
	s.tenants[o.ID] = &tenant{org: o, tables: map[any]any{}, seqs: map[string]int64{}}
	s.order = append(s.order, o.ID)
	return nil
}

// Orgs returns every tenant's reference data, in the order they were added.
func (s *Store) Orgs(context.Context) ([]org.Org, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]org.Org, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.tenants[id].org)
	}
	return out, nil
}

// Org returns a tenant's reference data.
func (s *Store) Org(_ context.Context, id string) (org.Org, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.tenants[id]
	if !ok {
		return org.Org{}, fmt.Errorf("org %s: %w", id, org.ErrUnknown)
	}
	return t.org, nil
}
