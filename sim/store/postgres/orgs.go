package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/issuersim/issuersim/sim/org"
)

var _ org.Directory = (*Store)(nil)

// querier is a connection or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// AddOrg adds a tenant with no cards, no events and no jobs; see org.Directory.
func (s *Store) AddOrg(ctx context.Context, o org.Org) error {
	doc, err := encode(o)
	if err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, "INSERT INTO tenants (id, org) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", o.ID, doc)
	if err != nil {
		return fmt.Errorf("add org %s: %w", o.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("org %s: %w", o.ID, org.ErrExists)
	}
	return nil
}

// Orgs returns every tenant's reference data, in the order they were added.
func (s *Store) Orgs(ctx context.Context) ([]org.Org, error) {
	rows, err := s.pool.Query(ctx, "SELECT org FROM tenants ORDER BY ord")
	if err != nil {
		return nil, fmt.Errorf("list orgs: %w", err)
	}
	docs, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, fmt.Errorf("list orgs: %w", err)
	}
	out := make([]org.Org, len(docs))
	for i, doc := range docs {
		if err := decode(doc, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Org returns a tenant's reference data.
func (s *Store) Org(ctx context.Context, id string) (org.Org, error) {
	o, err := s.org(ctx, s.pool, id)
	if err != nil {
		return org.Org{}, err
	}
	return *o, nil
}

// org returns a tenant's reference data, read once and then kept: an org never changes once added, so no
// replica can make the copy stale. The copy is shared and must not be changed.
func (s *Store) org(ctx context.Context, q querier, id string) (*org.Org, error) {
	s.mu.Lock()
	o, ok := s.orgs[id]
	s.mu.Unlock()
	if ok {
		return o, nil
	}
	var doc []byte
	err := q.QueryRow(ctx, "SELECT org FROM tenants WHERE id = $1", id).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("org %s: %w", id, org.ErrUnknown)
	}
	if err != nil {
		return nil, fmt.Errorf("read org %s: %w", id, err)
	}
	o = &org.Org{}
	if err := decode(doc, o); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.orgs[id] = o
	s.mu.Unlock()
	return o, nil
}
