// Package memory is the simulator's default store: every tenant's state in process memory, behind one lock per
// tenant. A transaction stages its writes, events and jobs and applies them together only when it succeeds.
//
// The package is split by aggregate: table.go is the one staged, deep-copying table type every aggregate is
// built on; cards.go, events.go, jobs.go and orgs.go each keep one aggregate. A new domain adds a file that
// declares its table's schema and implements its repository over it, and touches nothing else here.
package memory

import (
	"context"
	"fmt"
	"sync"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/store"
)

// Store holds every tenant: the fixtures' orgs and those added since. Tenants' locks are independent, so one
// tenant's traffic never waits for another's.
type Store struct {
	mu        sync.RWMutex // guards tenants and order, not a tenant's state
	tenants   map[string]*tenant
	order     []string
	sealer    *event.Sealer
	observers []store.Observer
}

var _ store.Backend = (*Store)(nil)

// tenant is one tenant's state: its reference data, one table per aggregate, its id sequences and its log.
type tenant struct {
	mu     sync.RWMutex
	org    org.Org
	tables map[any]any // *schema -> *table, created on first write
	seqs   map[string]int64
	log    eventLog
}

// Options configure a Store.
type Options struct {
	// Sealer numbers, envelopes and checks each committed event; required.
	Sealer *event.Sealer
	// Observers learn of every commit, in each tenant's commit order (the scheduler and the dispatcher).
	Observers []store.Observer
}

// New returns a store holding the dataset's orgs.
func New(d org.Dataset, opts Options) (*Store, error) {
	if opts.Sealer == nil {
		return nil, fmt.Errorf("memory store: a sealer is required")
	}
	s := &Store{tenants: make(map[string]*tenant, len(d.Orgs)), sealer: opts.Sealer, observers: opts.Observers}
	for _, o := range d.Orgs {
		if err := s.AddOrg(context.Background(), o); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Store) tenant(id string) (*tenant, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.tenants[id]
	if !ok {
		return nil, fmt.Errorf("tenant %q: %w", id, store.ErrUnknownTenant)
	}
	return t, nil
}

// Update runs fn in a transaction over the meta's tenant; see store.Transactor. The tenant's lock is released
// however fn ends, a panic included, and nothing fn staged survives a failure.
func (s *Store) Update(ctx context.Context, meta store.Meta, fn func(store.Tx) error) error {
	t, err := s.tenant(meta.Tenant)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	tx := newTx(ctx, s, t, meta, false)
	if err := fn(tx); err != nil {
		return err
	}
	return tx.commit()
}

// View runs fn over one tenant under a read lock; writes fail with store.ErrReadOnly.
func (s *Store) View(ctx context.Context, tenantID string, fn func(store.Tx) error) error {
	t, err := s.tenant(tenantID)
	if err != nil {
		return err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	return fn(newTx(ctx, s, t, store.Meta{Tenant: tenantID}, true))
}

// Tx is one tenant's state within a transaction. It implements store.Tx; each aggregate's repository is a view
// of it (Store.Cards and the domains to come).
type Tx struct {
	ctx      context.Context
	store    *Store
	t        *tenant
	meta     store.Meta
	readOnly bool

	tables    map[any]any // *schema -> *staged
	order     []committer // stagings in the order first opened, committed in that order
	seqs      map[string]int64
	events    []event.Event
	scheduled []int64 // ids of the jobs scheduled, in order
}

// committer is a staging that can be applied.
type committer interface{ commit() }

func newTx(ctx context.Context, s *Store, t *tenant, meta store.Meta, readOnly bool) *Tx {
	return &Tx{ctx: ctx, store: s, t: t, meta: meta, readOnly: readOnly, tables: map[any]any{}}
}

// Meta returns the command's metadata.
func (tx *Tx) Meta() store.Meta { return tx.meta }

// Org returns the tenant's reference data.
func (tx *Tx) Org() *org.Org { return &tx.t.org }

func (tx *Tx) writable(what string) error {
	if tx.readOnly {
		return fmt.Errorf("%s: %w", what, store.ErrReadOnly)
	}
	return nil
}

// next reserves the next number of a per-tenant sequence (card ids, job ids).
func (tx *Tx) next(name string) (int64, error) {
	if err := tx.writable("reserve a " + name + " id"); err != nil {
		return 0, err
	}
	if tx.seqs == nil {
		tx.seqs = map[string]int64{}
	}
	n, ok := tx.seqs[name]
	if !ok {
		n = tx.t.seqs[name]
	}
	n++
	tx.seqs[name] = n
	return n, nil
}

// commit seals the staged events (a schema failure changes nothing), then applies every staging, the
// sequences and the log, and tells the observers, all under the tenant's lock.
func (tx *Tx) commit() error {
	records, err := tx.t.log.seal(tx.store.sealer, tx.meta, tx.events)
	if err != nil {
		return err
	}
	for _, st := range tx.order {
		st.commit()
	}
	for name, n := range tx.seqs {
		tx.t.seqs[name] = n
	}
	tx.t.log.append(records)
	c := store.Commit{Tenant: tx.meta.Tenant, Events: records, Jobs: tx.committedJobs()}
	if len(c.Events) == 0 && len(c.Jobs) == 0 {
		return nil
	}
	for _, o := range tx.store.observers {
		o.Committed(c)
	}
	return nil
}
