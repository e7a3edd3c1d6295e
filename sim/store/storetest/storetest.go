// Package storetest is the conformance suite of the simulator's stores: every backend (store/memory and
// store/postgres) runs Run against a fresh instance and must pass all of it. It checks what the
// domains rely on: commit and rollback (on an error and on a panic), tenant isolation, idempotency keys, id
// sequences, deep copies, indexes that see a transaction's own writes, the outbox and event log, jobs,
// concurrent commands on one tenant and on many, and every domain's repository (domains.go).
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/issuersim/issuersim/fixtures"
	"github.com/issuersim/issuersim/sim/bulk"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/cardonfile"
	"github.com/issuersim/issuersim/sim/d1"
	"github.com/issuersim/issuersim/sim/embossing"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/token"
	"github.com/issuersim/issuersim/sim/webhook"
)

// Backend is a store under test: the backend and every domain repository it implements.
type Backend interface {
	store.Backend
	embossing.Store // cards and PCI data within
	bulk.Store
	cardonfile.Store
	d1.Store
	token.Store
	webhook.Store
}

// Factory returns a fresh, empty backend holding the dataset's orgs, sealing events with sealer and telling
// obs of every commit.
type Factory func(t *testing.T, d org.Dataset, sealer *event.Sealer, obs store.Observer) Backend

// Run runs the whole suite against backends made by newBackend.
func Run(t *testing.T, newBackend Factory) {
	for _, tc := range []struct {
		name string
		test func(*testing.T, *fixture)
	}{
		{"CommitIsAllOrNothing", testCommitIsAllOrNothing},
		{"PanicRollsBackAndUnlocks", testPanicRollsBackAndUnlocks},
		{"TenantsAreIsolated", testTenantsAreIsolated},
		{"IdempotencyKeys", testIdempotencyKeys},
		{"IDSequences", testIDSequences},
		{"DeepCopies", testDeepCopies},
		{"IndexesSeeTheTransaction", testIndexesSeeTheTransaction},
		{"StatusHistory", testStatusHistory},
		{"ViewIsReadOnly", testViewIsReadOnly},
		{"EventsAreSealedWithTheCommandsMeta", testEventsAreSealedWithTheCommandsMeta},
		{"EventLogFilters", testEventLogFilters},
		{"SchemaFailureChangesNothing", testSchemaFailureChangesNothing},
		{"Jobs", testJobs},
		{"ConcurrentCommandsOnOneTenant", testConcurrentCommandsOnOneTenant},
		{"ConcurrentCommandsOnManyTenants", testConcurrentCommandsOnManyTenants},
		{"Orgs", testOrgs},
		{"PCIData", testPCIData},
		{"Bulks", testBulks},
		{"Embossing", testEmbossing},
		{"CardsOnFile", testCardsOnFile},
		{"D1", testD1},
		{"Tokens", testTokens},
		{"Webhooks", testWebhooks},
		{"Faults", testFaults},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.test(t, newFixture(t, newBackend))
		})
	}
}

// fixture is one fresh backend with the default dataset's two orgs, and what its observer saw.
type fixture struct {
	s       Backend
	a, b    string // the dataset's two tenants
	ctx     context.Context
	now     time.Time
	mu      sync.Mutex
	commits []store.Commit
}

func newFixture(t *testing.T, newBackend Factory) *fixture {
	t.Helper()
	src := fake.New(1)
	d, err := org.Parse(fixtures.Default, src)
	if err != nil {
		t.Fatal(err)
	}
	v, err := event.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{a: d.Orgs[0].ID, b: d.Orgs[1].ID, ctx: context.Background(), now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	f.s = newBackend(t, d, event.NewSealer(src, v), f)
	return f
}

// Committed records what the backend reports; see store.Observer.
func (f *fixture) Committed(c store.Commit) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.commits = append(f.commits, c)
}

func (f *fixture) observed() []store.Commit {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.commits)
}

func (f *fixture) meta(tenant string) store.Meta {
	return store.Meta{Tenant: tenant, CID: "cid-test", Time: f.now}
}

// update runs fn with the cards repository of a transaction over tenant.
func (f *fixture) update(tenant string, fn func(store.Tx, card.Repository) error) error {
	return f.s.Update(f.ctx, f.meta(tenant), func(tx store.Tx) error { return fn(tx, f.s.Cards(tx)) })
}

func (f *fixture) view(t *testing.T, tenant string, fn func(store.Tx, card.Repository)) {
	t.Helper()
	err := f.s.View(f.ctx, tenant, func(tx store.Tx) error { fn(tx, f.s.Cards(tx)); return nil })
	if err != nil {
		t.Fatalf("view %s: %v", tenant, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// sample is a valid card of the default dataset's first tenant (account 8675309, customer 103625634).
func sample(id int64, name string) card.Card {
	return card.Card{ID: id, AccountID: 8675309, CustomerID: 103625634, ProgramID: 3001, Type: card.TypeVirtual,
		Status: card.StatusNormal, PreviousStatus: card.StatusNormal, Name: name, ContactlessEnabled: true,
		IssuingDate: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// create writes a new card with the next id and emits its update-1 (any schema-valid event would do).
func create(ctx context.Context, tx store.Tx, cards card.Repository, name string) (card.Card, error) {
	id, err := cards.NextID(ctx)
	if err != nil {
		return card.Card{}, err
	}
	c := sample(id, name)
	if err := cards.Put(ctx, c); err != nil {
		return card.Card{}, err
	}
	return c, tx.Emit(card.Updated(c, card.OpUpdateStatusPut))
}

func (f *fixture) events(t *testing.T, tenant string, filter store.EventFilter) []event.Record {
	t.Helper()
	evs, err := f.s.Events(f.ctx, tenant, filter)
	if err != nil {
		t.Fatalf("events of %s: %v", tenant, err)
	}
	return evs
}

func (f *fixture) jobs(t *testing.T, tenant string) []job.Job {
	t.Helper()
	jobs, err := f.s.Jobs(f.ctx, tenant)
	if err != nil {
		t.Fatalf("jobs of %s: %v", tenant, err)
	}
	return jobs
}

func testCommitIsAllOrNothing(t *testing.T, f *fixture) {
	boom := errors.New("boom")
	err := f.update(f.a, func(tx store.Tx, cards card.Repository) error {
		c, err := create(f.ctx, tx, cards, "a")
		if err != nil {
			return err
		}
		must(t, cards.RememberIdempotent(f.ctx, "create", "k", c.ID))
		if _, err := tx.Schedule(job.Job{Kind: "test.kind", Subject: c.Subject(), Due: f.now.Add(time.Minute)}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want the command's error", err)
	}
	f.view(t, f.a, func(tx store.Tx, cards card.Repository) {
		if _, err := cards.Get(f.ctx, 1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("rolled-back card: Get = %v, want ErrNotFound", err)
		}
		if _, ok, err := cards.Idempotent(f.ctx, "create", "k"); ok || err != nil {
			t.Errorf("rolled-back idempotency key: ok=%v err=%v", ok, err)
		}
	})
	if n := len(f.events(t, f.a, store.EventFilter{})); n != 0 {
		t.Errorf("rolled-back events: %d logged", n)
	}
	if n := len(f.jobs(t, f.a)); n != 0 {
		t.Errorf("rolled-back jobs: %d pending", n)
	}
	if n := len(f.observed()); n != 0 {
		t.Errorf("observers told of %d commits after a rollback", n)
	}

	must(t, f.update(f.a, func(tx store.Tx, cards card.Repository) error {
		c, err := create(f.ctx, tx, cards, "a")
		if err != nil {
			return err
		}
		_, err = tx.Schedule(job.Job{Kind: "test.kind", Subject: c.Subject(), Due: f.now.Add(time.Minute)})
		return err
	}))
	f.view(t, f.a, func(tx store.Tx, cards card.Repository) {
		if c, err := cards.Get(f.ctx, 1); err != nil || c.Name != "a" {
			t.Errorf("committed card: %+v, %v", c, err)
		}
	})
	evs := f.events(t, f.a, store.EventFilter{})
	if len(evs) != 1 || evs[0].Seq != 1 || evs[0].Subject != event.CardSubject(1) {
		t.Fatalf("committed events: %+v", evs)
	}
	got := f.observed()
	if len(got) != 1 || got[0].Tenant != f.a || len(got[0].Events) != 1 || len(got[0].Jobs) != 1 || got[0].Events[0].ID != evs[0].ID {
		t.Fatalf("observers saw %+v, want one commit with the event and the job", got)
	}
}

func testPanicRollsBackAndUnlocks(t *testing.T, f *fixture) {
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the command's panic did not reach the caller")
			}
		}()
		_ = f.update(f.a, func(tx store.Tx, cards card.Repository) error {
			if _, err := create(f.ctx, tx, cards, "doomed"); err != nil {
				return err
			}
			panic("command bug")
		})
	}()
	done := make(chan error, 1)
	go func() {
		done <- f.update(f.a, func(tx store.Tx, cards card.Repository) error {
			c, err := create(f.ctx, tx, cards, "after")
			if err == nil && c.ID != 1 {
				err = fmt.Errorf("first card after the panic got id %d, want 1: the panicking command's id leaked", c.ID)
			}
			return err
		})
	}()
	select {
	case err := <-done:
		must(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the tenant is still locked after a command panicked")
	}
	f.view(t, f.a, func(tx store.Tx, cards card.Repository) {
		if c, err := cards.Get(f.ctx, 1); err != nil || c.Name != "after" {
			t.Errorf("card 1 = %+v, %v; want the card written after the panic", c, err)
		}
	})
}

func testTenantsAreIsolated(t *testing.T, f *fixture) {
	must(t, f.update(f.a, func(tx store.Tx, cards card.Repository) error {
		_, err := create(f.ctx, tx, cards, "a's")
		return err
	}))
	must(t, f.update(f.b, func(tx store.Tx, cards card.Repository) error {
		if _, err := cards.Get(f.ctx, 1); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("tenant b reads tenant a's card: %v", err)
		}
		for c, err := range cards.Owned(f.ctx, 8675309, 0) {
			return fmt.Errorf("tenant b lists tenant a's card %d (%v)", c.ID, err)
		}
		if id, err := cards.NextID(f.ctx); err != nil || id != 1 {
			return fmt.Errorf("tenant b's first id = %d, %v; want 1", id, err)
		}
		return nil
	}))
	if n := len(f.events(t, f.b, store.EventFilter{})); n != 0 {
		t.Errorf("tenant b sees %d of tenant a's events", n)
	}
	err := f.s.Update(f.ctx, f.meta("TN-00000000-0000-4000-8000-000000000000"), func(store.Tx) error { return nil })
	if !errors.Is(err, store.ErrUnknownTenant) {
		t.Errorf("Update on an unknown tenant: %v, want ErrUnknownTenant", err)
	}
	if _, err := f.s.Events(f.ctx, "TN-nope", store.EventFilter{}); !errors.Is(err, store.ErrUnknownTenant) {
		t.Errorf("Events of an unknown tenant: %v, want ErrUnknownTenant", err)
	}
}

func testIdempotencyKeys(t *testing.T, f *fixture) {
	must(t, f.update(f.a, func(tx store.Tx, cards card.Repository) error {
		must(t, cards.RememberIdempotent(f.ctx, "create", "key-1", 7))
		if id, ok, err := cards.Idempotent(f.ctx, "create", "key-1"); !ok || err != nil || id != 7 {
			t.Errorf("the transaction does not see its own key: %d %v %v", id, ok, err)
		}
		return nil
	}))
	f.view(t, f.a, func(tx store.Tx, cards card.Repository) {
		if id, ok, err := cards.Idempotent(f.ctx, "create", "key-1"); !ok || err != nil || id != 7 {
			t.Errorf("committed key: %d %v %v", id, ok, err)
		}
		if _, ok, _ := cards.Idempotent(f.ctx, "reissue", "key-1"); ok {
			t.Error("a key of one operation answers for another")
		}
	})
	f.view(t, f.b, func(tx store.Tx, cards card.Repository) {
		if _, ok, _ := cards.Idempotent(f.ctx, "create", "key-1"); ok {
			t.Error("tenant b sees tenant a's idempotency key")
		}
	})
}

func testIDSequences(t *testing.T, f *fixture) {
	var got []int64
	for range 3 {
		must(t, f.update(f.a, func(tx store.Tx, cards card.Repository) error {
			id, err := cards.NextID(f.ctx)
			got = append(got, id)
			return err
		}))
	}
	_ = f.update(f.a, func(tx store.Tx, cards card.Repository) error {
		_, _ = cards.NextID(f.ctx)
		return errors.New("roll back")
	})
	must(t, f.update(f.a, func(tx store.Tx, cards card.Repository) error {
		a, err := cards.NextID(f.ctx)
		if err != nil {
			return err
		}
		b, err := cards.NextID(f.ctx)
		got = append(got, a, b)
		return err
	}))
	if want := []int64{1, 2, 3, 4, 5}; !slices.Equal(got, want) {
		t.Errorf("ids %v, want %v (sequential, and a rolled-back id is not lost)", got, want)
	}
}

func testDeepCopies(t *testing.T, f *fixture) {
	limit := "10.00"
	c := sample(1, "copied")
	c.Metadata = map[string]any{"tags": []any{"a"}, "nested": map[string]any{"k": "v"}}
	c.TransactionLimit = &limit
	must(t, f.update(f.a, func(tx store.Tx, cards card.Repository) error {
		if err := cards.Put(f.ctx, c); err != nil {
			return err
		}
		c.Metadata["nested"].(map[string]any)["k"] = "changed after Put"
		c.Metadata["tags"].([]any)[0] = "changed"
		*c.TransactionLimit = "99.00"
		got, err := cards.Get(f.ctx, 1)
		if err != nil {
			return err
		}
		got.Metadata["nested"].(map[string]any)["k"] = "changed after Get"
		return nil
	}))
	f.view(t, f.a, func(tx store.Tx, cards card.Repository) {
		got, err := cards.Get(f.ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got.Metadata["nested"].(map[string]any)["k"] != "v" || got.Metadata["tags"].([]any)[0] != "a" ||
			*got.TransactionLimit != "10.00" {
			t.Errorf("the stored card shares memory with the command's copies: %+v", got)
		}
	})
}

func testIndexesSeeTheTransaction(t *testing.T, f *fixture) {
	must(t, f.update(f.a, func(tx store.Tx, cards card.Repository) error {
		for _, name := range []string{"one", "two"} {
			if _, err := create(f.ctx, tx, cards, name); err != nil {
				return err
			}
		}
		return nil
	}))
	key := sample(0, "three").UniqueKey()
	must(t, f.update(f.a, func(tx store.Tx, cards card.Repository) error {
		c, err := create(f.ctx, tx, cards, "three")
		if err != nil {
			return err
		}
		if got, ok, err := cards.ByUniqueKey(f.ctx, key); !ok || err != nil || got.ID != c.ID {
			return fmt.Errorf("the unique index does not see the transaction's new card: %+v %v %v", got, ok, err)
		}
		one, err := cards.Get(f.ctx, 1)
		if err != nil {
			return err
		}
		one.Status = card.StatusCanceled // a terminated card frees its alias
		if err := cards.Put(f.ctx, one); err != nil {
			return err
		}
		if _, ok, _ := cards.ByUniqueKey(f.ctx, sample(0, "one").UniqueKey()); ok {
			return errors.New("a terminated card still holds its unique key")
		}
		if _, ok, _ := cards.ByUniqueKey(f.ctx, ""); ok {
			return errors.New("the empty key, which no card holds, found a card")
		}
		if got := ownedIDs(t, f.ctx, cards, 8675309, 103625634); !slices.Equal(got, []int64{1, 2, 3}) {
			return fmt.Errorf("owned in the transaction: %v, want [1 2 3]", got)
		}
		return nil
	}))
	f.view(t, f.a, func(tx store.Tx, cards card.Repository) {
		if _, ok, _ := cards.ByUniqueKey(f.ctx, sample(0, "one").UniqueKey()); ok {
			t.Error("after commit a terminated card still holds its unique key")
		}
		if got, ok, _ := cards.ByUniqueKey(f.ctx, sample(0, "two").UniqueKey()); !ok || got.ID != 2 {
			t.Errorf("after commit the unique key of card 2: %+v %v", got, ok)
		}
		if got := ownedIDs(t, f.ctx, cards, 8675309, 0); !slices.Equal(got, []int64{1, 2, 3}) {
			t.Errorf("the account's cards: %v, want [1 2 3]", got)
		}
		if got := ownedIDs(t, f.ctx, cards, 8675310, 0); len(got) != 0 {
			t.Errorf("another account's cards: %v, want none", got)
		}
	})
	// A card that changes owner (a noname card bound to a customer) moves in the owner indexes.
	must(t, f.update(f.a, func(tx store.Tx, cards card.Repository) error {
		c, err := cards.Get(f.ctx, 2)
		if err != nil {
			return err
		}
		c.CustomerID = 103625636
		return cards.Put(f.ctx, c)
	}))
	f.view(t, f.a, func(tx store.Tx, cards card.Repository) {
		if got := ownedIDs(t, f.ctx, cards, 8675309, 103625634); !slices.Equal(got, []int64{1, 3}) {
			t.Errorf("the first customer's cards after the move: %v, want [1 3]", got)
		}
		if got := ownedIDs(t, f.ctx, cards, 8675309, 103625636); !slices.Equal(got, []int64{2}) {
			t.Errorf("the new customer's cards: %v, want [2]", got)
		}
	})
	// Stopping early reads no further.
	f.view(t, f.a, func(tx store.Tx, cards card.Repository) {
		n := 0
		for range cards.Owned(f.ctx, 8675309, 0) {
			n++
			break
		}
		if n != 1 {
			t.Errorf("early stop yielded %d", n)
		}
	})
}

func testStatusHistory(t *testing.T, f *fixture) {
	at := f.now
	change := func(to card.Status, minutes int) card.StatusChange {
		return card.StatusChange{From: card.StatusNormal, To: to, At: at.Add(time.Duration(minutes) * time.Minute), Operation: card.OpUpdateStatusPut}
	}
	must(t, f.update(f.a, func(tx store.Tx, cards card.Repository) error {
		must(t, cards.AppendStatusChange(f.ctx, 1, change(card.StatusBlocked, 1)))
		must(t, cards.AppendStatusChange(f.ctx, 2, change(card.StatusLost, 2)))
		must(t, cards.AppendStatusChange(f.ctx, 1, change(card.StatusNormal, 3)))
		got, err := cards.StatusChanges(f.ctx, 1)
		if err != nil || len(got) != 2 || got[1].To != card.StatusNormal {
			return fmt.Errorf("the transaction does not see its own history lines: %+v %v", got, err)
		}
		return nil
	}))
	_ = f.update(f.a, func(tx store.Tx, cards card.Repository) error {
		must(t, cards.AppendStatusChange(f.ctx, 1, change(card.StatusFraud, 4)))
		return errors.New("roll back")
	})
	for i := 0; i < 20; i++ { // a long history stays in order
		must(t, f.update(f.a, func(tx store.Tx, cards card.Repository) error {
			return cards.AppendStatusChange(f.ctx, 3, change(card.StatusBlocked, 10+i))
		}))
	}
	f.view(t, f.a, func(tx store.Tx, cards card.Repository) {
		got, err := cards.StatusChanges(f.ctx, 1)
		if err != nil || len(got) != 2 || got[0] != change(card.StatusBlocked, 1) || got[1] != change(card.StatusNormal, 3) {
			t.Errorf("card 1's history: %+v, %v; want the two committed lines, oldest first", got, err)
		}
		if got, _ := cards.StatusChanges(f.ctx, 2); len(got) != 1 || got[0].To != card.StatusLost {
			t.Errorf("card 2's history: %+v", got)
		}
		long, _ := cards.StatusChanges(f.ctx, 3)
		for i, c := range long {
			if !c.At.Equal(at.Add(time.Duration(10+i) * time.Minute)) {
				t.Fatalf("card 3's line %d is out of order: %+v", i, long)
			}
		}
		if len(long) != 20 {
			t.Errorf("card 3 has %d lines, want 20", len(long))
		}
		if got, _ := cards.StatusChanges(f.ctx, 99); len(got) != 0 {
			t.Errorf("a card without history has %+v", got)
		}
	})
	f.view(t, f.b, func(tx store.Tx, cards card.Repository) {
		if got, _ := cards.StatusChanges(f.ctx, 1); len(got) != 0 {
			t.Errorf("tenant b sees tenant a's history: %+v", got)
		}
	})
}

func ownedIDs(t *testing.T, ctx context.Context, cards card.Repository, account, customer int64) []int64 {
	t.Helper()
	var ids []int64
	for c, err := range cards.Owned(ctx, account, customer) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	return ids
}

func testViewIsReadOnly(t *testing.T, f *fixture) {
	err := f.s.View(f.ctx, f.a, func(tx store.Tx) error {
		cards := f.s.Cards(tx)
		for name, err := range map[string]error{
			"Put":      cards.Put(f.ctx, sample(1, "x")),
			"Emit":     tx.Emit(card.Updated(sample(1, "x"), card.OpUpdateStatusPut)),
			"Remember": cards.RememberIdempotent(f.ctx, "create", "k", 1),
			"Append":   cards.AppendStatusChange(f.ctx, 1, card.StatusChange{To: card.StatusBlocked}),
		} {
			if !errors.Is(err, store.ErrReadOnly) {
				t.Errorf("%s in View: %v, want ErrReadOnly", name, err)
			}
		}
		if _, err := cards.NextID(f.ctx); !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("NextID in View: %v, want ErrReadOnly", err)
		}
		if _, err := tx.Schedule(job.Job{Kind: "test.kind"}); !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("Schedule in View: %v, want ErrReadOnly", err)
		}
		return nil
	})
	must(t, err)
}

func testEventsAreSealedWithTheCommandsMeta(t *testing.T, f *fixture) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)
	must(t, f.s.Update(f.ctx, store.Meta{Tenant: f.a, CID: "cid-from-the-command", Time: at}, func(tx store.Tx) error {
		if m := tx.Meta(); m.Tenant != f.a || m.CID != "cid-from-the-command" || !m.Time.Equal(at) {
			t.Errorf("Meta = %+v", m)
		}
		_, err := create(f.ctx, tx, f.s.Cards(tx), "sealed")
		return err
	}))
	evs := f.events(t, f.a, store.EventFilter{})
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	r := evs[0]
	if r.Tenant != f.a || r.CID != "cid-from-the-command" || !r.Time.Equal(at) || r.Type != "update-1" || r.Domain != "cards" {
		t.Errorf("record %+v does not carry the command's metadata", r)
	}
	for _, want := range []string{`"org_id":"` + f.a + `"`, `"cid":"cid-from-the-command"`, `"timestamp":"2026-03-04T05:06:07.890Z"`} {
		if !strings.Contains(string(r.Envelope), want) {
			t.Errorf("envelope lacks %s: %s", want, r.Envelope)
		}
	}
	must(t, f.s.View(f.ctx, f.a, func(tx store.Tx) error {
		got, err := tx.Event(r.ID)
		if err != nil || got.ID != r.ID {
			t.Errorf("tx.Event(%s) = %+v, %v", r.ID, got, err)
		}
		if _, err := tx.Event("no-such-event"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("tx.Event of an unknown id: %v, want ErrNotFound", err)
		}
		return nil
	}))
}

func testEventLogFilters(t *testing.T, f *fixture) {
	for i, name := range []string{"one", "two", "three"} {
		meta := f.meta(f.a)
		meta.Time = f.now.Add(time.Duration(i) * time.Hour)
		must(t, f.s.Update(f.ctx, meta, func(tx store.Tx) error {
			_, err := create(f.ctx, tx, f.s.Cards(tx), name)
			return err
		}))
	}
	must(t, f.update(f.a, func(tx store.Tx, cards card.Repository) error {
		c, err := cards.Get(f.ctx, 2)
		if err != nil {
			return err
		}
		return tx.Emit(card.Created(c))
	}))
	all := f.events(t, f.a, store.EventFilter{})
	if len(all) != 4 {
		t.Fatalf("%d events, want 4", len(all))
	}
	for i, r := range all {
		if r.Seq != int64(i+1) {
			t.Errorf("event %d has seq %d", i, r.Seq)
		}
	}
	ids := func(rs []event.Record) []int64 {
		var out []int64
		for _, r := range rs {
			out = append(out, r.Seq)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		filter store.EventFilter
		want   []int64
	}{
		{"subject", store.EventFilter{Subject: event.CardSubject(2)}, []int64{2, 4}},
		{"type", store.EventFilter{Type: "create-1"}, []int64{4}},
		{"subject and type", store.EventFilter{Subject: event.CardSubject(2), Type: "update-1"}, []int64{2}},
		{"after", store.EventFilter{AfterID: all[1].ID}, []int64{3, 4}},
		{"after and subject", store.EventFilter{AfterID: all[1].ID, Subject: event.CardSubject(2)}, []int64{4}},
		{"since", store.EventFilter{Since: f.now.Add(time.Hour)}, []int64{2, 3}},
		{"other kind of subject", store.EventFilter{Subject: event.Subject{Kind: "bulk", ID: "2"}}, nil},
	} {
		if got := ids(f.events(t, f.a, tc.filter)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if _, err := f.s.Events(f.ctx, f.a, store.EventFilter{AfterID: "no-such-event"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after an unknown id: %v, want ErrNotFound", err)
	}
}

func testSchemaFailureChangesNothing(t *testing.T, f *fixture) {
	err := f.update(f.a, func(tx store.Tx, cards card.Repository) error {
		id, _ := cards.NextID(f.ctx)
		c := sample(id, "bad")
		c.Status = card.StatusUnnumbered // not in update-1's card_status enum
		if err := cards.Put(f.ctx, c); err != nil {
			return err
		}
		return tx.Emit(card.Updated(c, card.OpUpdateStatusPut))
	})
	var se *event.SchemaError
	if !errors.As(err, &se) || se.Type != "update-1" {
		t.Fatalf("err = %v, want a schema error for update-1", err)
	}
	f.view(t, f.a, func(tx store.Tx, cards card.Repository) {
		if _, err := cards.Get(f.ctx, 1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the card of a refused commit exists: %v", err)
		}
	})
	if n := len(f.events(t, f.a, store.EventFilter{})); n != 0 {
		t.Errorf("%d events after a refused commit", n)
	}
}

func testJobs(t *testing.T, f *fixture) {
	subject := event.CardSubject(9)
	err := f.update(f.a, func(tx store.Tx, _ card.Repository) error {
		_, err := tx.Schedule(job.Job{Subject: subject, Due: f.now})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "no kind") {
		t.Errorf("a job without a kind: %v, want it refused", err)
	}
	var scheduled []job.Job
	must(t, f.update(f.a, func(tx store.Tx, _ card.Repository) error {
		for i, due := range []time.Duration{time.Hour, time.Minute, time.Hour} {
			j, err := tx.Schedule(job.Job{Kind: "test.kind", Subject: subject, Due: f.now.Add(due), Data: []byte(fmt.Sprintf(`{"n":%d}`, i))})
			if err != nil {
				return err
			}
			scheduled = append(scheduled, j)
		}
		_, err := tx.Schedule(job.Job{Kind: "other.kind", Subject: subject, Due: f.now, CID: "own-cid"})
		return err
	}))
	for i, j := range scheduled {
		if j.ID != int64(i+1) || j.Tenant != f.a || j.CID != "cid-test" {
			t.Errorf("scheduled job %d = %+v: want id %d, the tenant and the command's cid", i, j, i+1)
		}
	}
	listed := f.jobs(t, f.a)
	var order []int64
	for _, j := range listed {
		order = append(order, j.ID)
	}
	if !slices.Equal(order, []int64{4, 2, 1, 3}) {
		t.Fatalf("jobs listed %v, want by due time then id [4 2 1 3]", order)
	}
	if listed[0].CID != "own-cid" || string(listed[2].Data) != `{"n":0}` {
		t.Errorf("listed jobs lost their fields: %+v", listed)
	}
	if c := f.observed(); len(c) != 1 || len(c[0].Jobs) != 4 {
		t.Errorf("observers saw %+v, want the four jobs", c)
	}
	if n := len(f.jobs(t, f.b)); n != 0 {
		t.Errorf("tenant b has %d of tenant a's jobs", n)
	}

	must(t, f.update(f.a, func(tx store.Tx, _ card.Repository) error {
		j, err := tx.TakeJob(2)
		if err != nil || j.Due != f.now.Add(time.Minute) {
			return fmt.Errorf("TakeJob(2) = %+v, %v", j, err)
		}
		if _, err := tx.TakeJob(2); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("taking a job twice: %v, want ErrNotFound", err)
		}
		n, err := tx.CancelJobs("test.kind", subject)
		if err != nil || n != 2 {
			return fmt.Errorf("CancelJobs = %d, %v; want the two left", n, err)
		}
		return nil
	}))
	if got := f.jobs(t, f.a); len(got) != 1 || got[0].ID != 4 {
		t.Fatalf("after take and cancel: %+v, want job 4 only", got)
	}
	// A failed job stays listed and cannot be taken again.
	must(t, f.update(f.a, func(tx store.Tx, _ card.Repository) error {
		j, err := tx.TakeJob(4)
		if err != nil {
			return err
		}
		j.Error = "it broke"
		_, err = tx.Schedule(j)
		return err
	}))
	got := f.jobs(t, f.a)
	if len(got) != 1 || got[0].ID != 4 || got[0].Error != "it broke" {
		t.Fatalf("failed job: %+v", got)
	}
	err = f.update(f.a, func(tx store.Tx, _ card.Repository) error {
		_, err := tx.TakeJob(4)
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("taking a failed job: %v, want ErrNotFound", err)
	}
	must(t, f.update(f.a, func(tx store.Tx, _ card.Repository) error {
		j, err := tx.Schedule(job.Job{Kind: "test.kind", Due: f.now})
		if err == nil && j.ID != 5 {
			err = fmt.Errorf("next job id %d, want 5: ids are never reused", j.ID)
		}
		return err
	}))
}

func testConcurrentCommandsOnOneTenant(t *testing.T, f *fixture) {
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				errs <- f.update(f.a, func(tx store.Tx, cards card.Repository) error {
					_, err := create(f.ctx, tx, cards, fmt.Sprintf("w%d-%d", w, i))
					return err
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	f.view(t, f.a, func(tx store.Tx, cards card.Repository) {
		ids := ownedIDs(t, f.ctx, cards, 8675309, 0)
		if len(ids) != workers*each || ids[0] != 1 || ids[len(ids)-1] != workers*each {
			t.Errorf("%d cards, ids %d..%d; want 1..%d with none lost or doubled", len(ids), ids[0], ids[len(ids)-1], workers*each)
		}
	})
	evs := f.events(t, f.a, store.EventFilter{})
	if len(evs) != workers*each {
		t.Fatalf("%d events, want %d", len(evs), workers*each)
	}
	for i, r := range evs {
		if r.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d: the log is out of commit order", i, r.Seq)
		}
	}
	seen := map[int64]bool{}
	for _, c := range f.observed() {
		for _, r := range c.Events {
			if seen[r.Seq] {
				t.Fatalf("event %d observed twice", r.Seq)
			}
			if r.Seq != int64(len(seen)+1) {
				t.Fatalf("observers saw event %d after %d: out of commit order", r.Seq, len(seen))
			}
			seen[r.Seq] = true
		}
	}
}

func testConcurrentCommandsOnManyTenants(t *testing.T, f *fixture) {
	base, err := f.s.Org(f.ctx, f.a)
	must(t, err)
	tenants := []string{f.a, f.b}
	for i := range 4 {
		o := base
		o.ID = fmt.Sprintf("TN-00000000-0000-4000-8000-%012d", i+1)
		o.Credentials = nil
		must(t, f.s.AddOrg(f.ctx, o))
		tenants = append(tenants, o.ID)
	}
	const each = 20
	var wg sync.WaitGroup
	errs := make(chan error, len(tenants)*each)
	for _, tenant := range tenants {
		if tenant == f.b {
			continue // tenant b's fixture account ids differ; the others are copies of a
		}
		wg.Go(func() {
			for i := range each {
				errs <- f.update(tenant, func(tx store.Tx, cards card.Repository) error {
					_, err := create(f.ctx, tx, cards, fmt.Sprint(i))
					return err
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	for _, tenant := range tenants {
		want := each
		if tenant == f.b {
			want = 0
		}
		if n := len(f.events(t, tenant, store.EventFilter{})); n != want {
			t.Errorf("tenant %s has %d events, want %d", tenant, n, want)
		}
	}
}

func testOrgs(t *testing.T, f *fixture) {
	orgs, err := f.s.Orgs(f.ctx)
	must(t, err)
	if len(orgs) != 2 || orgs[0].ID != f.a || orgs[1].ID != f.b {
		t.Fatalf("Orgs = %d orgs, want the dataset's two in order", len(orgs))
	}
	if err := f.s.AddOrg(f.ctx, orgs[0]); !errors.Is(err, org.ErrExists) {
		t.Errorf("adding an existing org: %v, want ErrExists", err)
	}
	if _, err := f.s.Org(f.ctx, "TN-nope"); !errors.Is(err, org.ErrUnknown) {
		t.Errorf("an unknown org: %v, want ErrUnknown", err)
	}
	fresh := orgs[0]
	fresh.ID = "TN-00000000-0000-4000-8000-00000000000a"
	must(t, f.s.AddOrg(f.ctx, fresh))
	must(t, f.update(fresh.ID, func(tx store.Tx, cards card.Repository) error {
		if tx.Org().ID != fresh.ID {
			return fmt.Errorf("tx.Org() = %s", tx.Org().ID)
		}
		_, err := create(f.ctx, tx, cards, "fresh")
		return err
	}))
}
