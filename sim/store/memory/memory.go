// Package memory is the simulator's default store: every tenant's state in process memory, behind one lock per
// tenant. A transaction stages its writes and events and applies them together only when it succeeds.
package memory

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"sync"

	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/correlation"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/org"
)

// ErrUnknownTenant is returned for a tenant the store does not hold.
var ErrUnknownTenant = errors.New("unknown tenant")

// Store holds every tenant: the fixtures' orgs and those added since. Tenants' locks are independent, so one
// tenant's traffic never waits for another's.
type Store struct {
	mu      sync.RWMutex // guards tenants and order, not a tenant's state
	tenants map[string]*tenant
	order   []string
	clock   clock.Clock
	sealer  *event.Sealer
	notify  func(event.Record)
}

type tenant struct {
	mu          sync.RWMutex
	org         org.Org
	cards       map[int64]card.Card
	byAccount   map[int64][]int64 // card ids per account, ascending
	byCustomer  map[int64][]int64 // card ids per customer, ascending
	lastCardID  int64
	idempotency map[string]int64
	events      []event.Record
}

// index records a committed card under its account and customer (a card's owner is set once: at creation, or
// at bind for a noname card).
func (t *tenant) index(c card.Card) {
	prev, existed := t.cards[c.ID]
	if !existed || prev.AccountID != c.AccountID {
		t.byAccount[c.AccountID] = append(t.byAccount[c.AccountID], c.ID)
	}
	if !existed || prev.CustomerID != c.CustomerID {
		t.byCustomer[c.CustomerID] = append(t.byCustomer[c.CustomerID], c.ID)
	}
}

// Options configure a Store.
type Options struct {
	// OnCommit is called, outside the tenant's lock, with each committed event in order (the dispatcher's
	// doorbell). It must not block for long.
	OnCommit func(event.Record)
}

// New returns a store holding the dataset's orgs, with events sealed by sealer and stamped by clk.
func New(d org.Dataset, clk clock.Clock, sealer *event.Sealer, opts Options) *Store {
	s := &Store{tenants: make(map[string]*tenant, len(d.Orgs)), clock: clk, sealer: sealer, notify: opts.OnCommit}
	for _, o := range d.Orgs {
		_ = s.AddOrg(o) // Parse has checked the ids are unique
	}
	return s
}

// AddOrg adds a tenant with no cards and no events; see org.Directory.
func (s *Store) AddOrg(o org.Org) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tenants[o.ID]; ok {
		return fmt.Errorf("%w: %s", org.ErrExists, o.ID)
	}
	s.tenants[o.ID] = &tenant{org: o, cards: map[int64]card.Card{}, byAccount: map[int64][]int64{},
		byCustomer: map[int64][]int64{}, idempotency: map[string]int64{}}
	s.order = append(s.order, o.ID)
	return nil
}

// Tenants returns the ids of every tenant, in the order they were added.
func (s *Store) Tenants() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.order)
}

// Orgs returns every tenant's reference data, in the order they were added.
func (s *Store) Orgs() []org.Org {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]org.Org, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.tenants[id].org)
	}
	return out
}

// Org returns a tenant's reference data.
func (s *Store) Org(id string) (org.Org, bool) {
	t, ok := s.tenant(id)
	if !ok {
		return org.Org{}, false
	}
	return t.org, true
}

func (s *Store) tenant(id string) (*tenant, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.tenants[id]
	return t, ok
}

// Update runs fn in a transaction over one tenant; see card.Store.
func (s *Store) Update(ctx context.Context, tenantID string, fn func(*Tx) error) error {
	t, ok := s.tenant(tenantID)
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownTenant, tenantID)
	}
	t.mu.Lock()
	tx := &Tx{ctx: ctx, store: s, t: t, cards: map[int64]card.Card{}, idempotency: map[string]int64{}, lastCardID: t.lastCardID}
	if err := fn(tx); err != nil {
		t.mu.Unlock()
		return err
	}
	for _, id := range slices.Sorted(maps.Keys(tx.cards)) {
		c := tx.cards[id]
		t.index(c)
		t.cards[id] = c
	}
	maps.Copy(t.idempotency, tx.idempotency)
	t.lastCardID = tx.lastCardID
	t.events = append(t.events, tx.events...)
	t.mu.Unlock()
	if s.notify != nil {
		for _, r := range tx.events {
			s.notify(r)
		}
	}
	return nil
}

// View runs fn over one tenant under a read lock; writes through the Tx are refused.
func (s *Store) View(ctx context.Context, tenantID string, fn func(*Tx) error) error {
	t, ok := s.tenant(tenantID)
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownTenant, tenantID)
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	return fn(&Tx{ctx: ctx, store: s, t: t, readOnly: true})
}

// EventFilter selects events from a tenant's log.
type EventFilter struct {
	Type    string // event_type such as update-1; empty for all
	CardID  int64  // 0 for all
	AfterID string // only events committed after the event with this id; empty for all
}

// ErrUnknownEvent is returned when EventFilter.AfterID names no event of the tenant.
var ErrUnknownEvent = errors.New("unknown event id")

// Events returns a tenant's committed events that match the filter, oldest first.
func (s *Store) Events(tenantID string, f EventFilter) ([]event.Record, error) {
	t, ok := s.tenant(tenantID)
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownTenant, tenantID)
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	log := t.events
	if f.AfterID != "" {
		i := slices.IndexFunc(log, func(r event.Record) bool { return r.ID == f.AfterID })
		if i < 0 {
			return nil, fmt.Errorf("%w %q in tenant %s", ErrUnknownEvent, f.AfterID, tenantID)
		}
		log = log[i+1:]
	}
	var out []event.Record
	for _, r := range log {
		if (f.Type != "" && r.Type != f.Type) || (f.CardID != 0 && r.CardID != f.CardID) {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// Tx is one tenant's state within a transaction. It implements card.Tx (and, as domains are added, theirs).
type Tx struct {
	ctx      context.Context
	store    *Store
	t        *tenant
	readOnly bool

	cards       map[int64]card.Card
	idempotency map[string]int64
	lastCardID  int64
	events      []event.Record
}

var errReadOnly = errors.New("write in a read-only transaction")

// Org returns the tenant's reference data.
func (tx *Tx) Org() *org.Org { return &tx.t.org }

// Card returns a card as this transaction sees it.
func (tx *Tx) Card(id int64) (card.Card, bool) {
	if c, ok := tx.cards[id]; ok {
		return c, true
	}
	c, ok := tx.t.cards[id]
	return c, ok
}

// OwnedCards yields the cards of an account, or of one customer when customerID is non-zero, oldest first, as
// this transaction sees them. It walks an index, so its cost follows the owner's cards, not the tenant's, and
// it allocates nothing for cards the caller skips.
func (tx *Tx) OwnedCards(accountID, customerID int64) iter.Seq[card.Card] {
	return func(yield func(card.Card) bool) {
		ids := tx.t.byAccount[accountID]
		if customerID != 0 {
			ids = tx.t.byCustomer[customerID]
		}
		owned := func(c card.Card) bool {
			return c.AccountID == accountID && (customerID == 0 || c.CustomerID == customerID)
		}
		var last int64
		for _, id := range ids {
			if id == last {
				continue // re-indexed after a change of owner
			}
			last = id
			if c, _ := tx.Card(id); owned(c) && !yield(c) {
				return
			}
		}
		// Cards created in this transaction are not indexed yet; their ids are above every committed one.
		for _, id := range slices.Sorted(maps.Keys(tx.cards)) {
			if _, committed := tx.t.cards[id]; committed {
				continue
			}
			if c := tx.cards[id]; owned(c) && !yield(c) {
				return
			}
		}
	}
}

// PutCard stages a card write.
func (tx *Tx) PutCard(c card.Card) {
	if tx.readOnly {
		panic(errReadOnly)
	}
	c.History = slices.Clone(c.History)
	tx.cards[c.ID] = c
}

// NextCardID reserves the tenant's next card id; ids are sequential per tenant.
func (tx *Tx) NextCardID() int64 {
	if tx.readOnly {
		panic(errReadOnly)
	}
	tx.lastCardID++
	return tx.lastCardID
}

// IdempotentCard returns the card a create with that key made.
func (tx *Tx) IdempotentCard(key string) (int64, bool) {
	if id, ok := tx.idempotency[key]; ok {
		return id, true
	}
	id, ok := tx.t.idempotency[key]
	return id, ok
}

// RememberIdempotentCard stages which card a create with that key made.
func (tx *Tx) RememberIdempotentCard(key string, id int64) {
	if tx.readOnly {
		panic(errReadOnly)
	}
	tx.idempotency[key] = id
}

// Emit seals an event at once (so its number and time follow the order of the commands) and stages it.
func (tx *Tx) Emit(e event.Event) error {
	if tx.readOnly {
		return errReadOnly
	}
	seq := int64(len(tx.t.events) + len(tx.events) + 1)
	r, err := tx.store.sealer.Seal(tx.t.org.ID, seq, correlation.From(tx.ctx), tx.store.clock.Now(), e)
	if err != nil {
		return err
	}
	tx.events = append(tx.events, r)
	return nil
}

var _ org.Directory = (*Store)(nil)

// Cards returns the store as card.Store.
func (s *Store) Cards() card.Store { return cardStore{s} }

type cardStore struct{ s *Store }

func (c cardStore) Update(ctx context.Context, tenant string, fn func(card.Tx) error) error {
	return c.s.Update(ctx, tenant, func(tx *Tx) error { return fn(tx) })
}

func (c cardStore) View(ctx context.Context, tenant string, fn func(card.Tx) error) error {
	return c.s.View(ctx, tenant, func(tx *Tx) error { return fn(tx) })
}
