package card_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/issuersim/issuersim/fixtures"
	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/scheduler"
	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/store/memory"
)

// service builds the card service of a seed over a memory store holding the default fixtures.
func service(t testing.TB, seed uint64) (*card.Service, *memory.Store, org.Dataset) {
	t.Helper()
	src := fake.New(seed)
	d, err := org.Parse(fixtures.Default, src)
	if err != nil {
		t.Fatal(err)
	}
	v, err := event.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	st, err := memory.New(d, memory.Options{Sealer: event.NewSealer(src, v)})
	if err != nil {
		t.Fatal(err)
	}
	clocks := clock.NewTenants(clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	return card.NewService(st, clocks, pci.NewService(st, clocks, src, pci.Options{}), card.Options{}), st, d
}

// stored reads a card as the store keeps it, PCI data included.
func stored(t *testing.T, st *memory.Store, tenant string, id int64) card.Card {
	t.Helper()
	var c card.Card
	err := st.View(context.Background(), tenant, func(tx store.Tx) error {
		var err error
		c, err = st.Cards(tx).Get(context.Background(), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestUpdateStatusReturnsTheHistoryLine proves the card's rule applies the lifecycle table, moves the status
// and previous status, and returns the history line of the change; a refused change leaves the card alone.
func TestUpdateStatusReturnsTheHistoryLine(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := card.Card{Status: card.StatusNormal, PreviousStatus: card.StatusNormal}
	got, err := c.UpdateStatus(card.StatusBlocked, at)
	want := card.StatusChange{From: card.StatusNormal, To: card.StatusBlocked, At: at, Operation: card.OpUpdateStatusPut}
	if err != nil || got != want || c.Status != card.StatusBlocked || c.PreviousStatus != card.StatusNormal {
		t.Fatalf("UpdateStatus = %+v, %v; card %s (was %s)", got, err, c.Status, c.PreviousStatus)
	}
	if _, err := c.UpdateStatus(card.StatusBlocked, at); err == nil {
		t.Fatal("setting the same status again was allowed")
	}
	if c.Status != card.StatusBlocked || c.PreviousStatus != card.StatusNormal {
		t.Fatalf("a refused change moved the card to %s (was %s)", c.Status, c.PreviousStatus)
	}
}

// TestUniqueKey pins which cards hold a uniqueness key: live VIRTUAL cards by customer and alias, one live
// PLASTIC card per customer, nothing for other types or terminated cards.
func TestUniqueKey(t *testing.T) {
	for _, tc := range []struct {
		c    card.Card
		want string
	}{
		{card.Card{Type: card.TypeVirtual, CustomerID: 7, Name: "Trips", Status: card.StatusBlocked}, "virtual/7/Trips"},
		{card.Card{Type: card.TypePlastic, CustomerID: 7, Name: "PLASTIC", Status: card.StatusCreated}, "plastic/7"},
		{card.Card{Type: card.TypeVirtual, CustomerID: 7, Name: "Trips", Status: card.StatusCanceled}, ""},
		{card.Card{Type: card.TypeTemporary, CustomerID: 7, Name: "x", Status: card.StatusNormal}, ""},
	} {
		if got := tc.c.UniqueKey(); got != tc.want {
			t.Errorf("%s %s %s: UniqueKey = %q, want %q", tc.c.Type, tc.c.Name, tc.c.Status, got, tc.want)
		}
	}
}

// seed creates n VIRTUAL cards for one customer of the first org, as a suite that piles up cards would.
func seed(b *testing.B, svc *card.Service, d org.Dataset, n int) access.Caller {
	b.Helper()
	o := d.Orgs[0]
	caller := access.Caller{Tenant: o.ID, AccountID: o.Accounts[0].ID}
	for i := range n {
		in := card.CreateInput{CustomerID: o.Accounts[0].Customers[0].ID, Name: fmt.Sprintf("seeded %d", i), Type: card.TypeVirtual}
		if _, _, err := svc.Create(context.Background(), caller, in); err != nil {
			b.Fatal(err)
		}
	}
	return caller
}

// BenchmarkCreateWithCards measures one create (uniqueness checks, PAN, create-1 sealed and schema-checked)
// for a customer who already has 1, 10,000 or 100,000 cards: the lookups read indexes, so the figures match.
func BenchmarkCreateWithCards(b *testing.B) {
	for _, n := range []int{1, 10_000, 100_000} {
		b.Run(fmt.Sprintf("cards=%d", n), func(b *testing.B) {
			svc, _, d := service(b, 1)
			caller := seed(b, svc, d, n)
			customer := d.Orgs[0].Accounts[0].Customers[0].ID
			i := 0
			for b.Loop() {
				i++
				in := card.CreateInput{CustomerID: customer, Name: fmt.Sprintf("bench %d", i), Type: card.TypeVirtual}
				if _, _, err := svc.Create(context.Background(), caller, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkListFirstPage measures the first page of 10 of a customer's cards with 1,000 or 100,000 cards.
func BenchmarkListFirstPage(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("cards=%d", n), func(b *testing.B) {
			svc, _, d := service(b, 1)
			caller := seed(b, svc, d, n)
			scope := access.Scope{CustomerID: d.Orgs[0].Accounts[0].Customers[0].ID}
			for b.Loop() {
				page, err := svc.List(context.Background(), caller, scope, card.ListFilter{PerPage: 10})
				if err != nil || len(page) != 10 {
					b.Fatalf("%d cards, %v", len(page), err)
				}
			}
		})
	}
}

// TestBind proves an UNBOUND noname card bound to a customer becomes CREATED and the customer's, and that the
// job that follows emits bind_card-1 (BIND_NONAME, UNBOUND to CREATED); that binding it again is refused; and
// that a bind replacing a card cancels that card, which gets update-1 (BIND_REISSUE), with bind_card-1 first.
// Noname cards come from bulks; here they are written to the store as a bulk start would.
func TestBind(t *testing.T) {
	src := fake.New(1)
	d, err := org.Parse(fixtures.Default, src)
	if err != nil {
		t.Fatal(err)
	}
	v, err := event.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	clocks := clock.NewTenants(clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	sched := scheduler.New(clocks, nil)
	st, err := memory.New(d, memory.Options{Sealer: event.NewSealer(src, v), Observers: []store.Observer{sched}})
	if err != nil {
		t.Fatal(err)
	}
	sched.Bind(st)
	svc := card.NewService(st, clocks, pci.NewService(st, clocks, src, pci.Options{}), card.Options{})
	sched.Register(card.JobBind, svc.RunBind)
	ctx := context.Background()
	o := d.Orgs[0]
	tenant := o.ID
	caller := access.Caller{Tenant: tenant, AccountID: 8675310}
	scope := access.Scope{AccountID: 8675310, CustomerID: 103625635}
	bulk := "bulk-1"
	noname := func(id int64) {
		t.Helper()
		err := st.Update(ctx, store.Meta{Tenant: tenant, Time: clocks.For(tenant).Now()}, func(tx store.Tx) error {
			return st.Cards(tx).Put(ctx, card.Card{ID: id, ProgramID: 3001, Type: card.TypePlastic, Name: "PLASTIC", BIN: "231038",
				Status: card.StatusUnbound, PreviousStatus: card.StatusUnbound, BulkID: &bulk, PINLength: 4,
				IssuingDate: clocks.For(tenant).Now(), ExpirationDate: time.Date(2032, 1, 1, 0, 0, 0, 0, time.UTC)})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	events := func() []string {
		t.Helper()
		evs, err := st.Events(ctx, tenant, store.EventFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range evs {
			out = append(out, fmt.Sprintf("%s %s", r.Type, r.Subject.ID))
		}
		return out
	}
	noname(100)
	c, err := svc.Bind(ctx, caller, scope, 100, nil)
	if err != nil || c.Status != card.StatusCreated || c.CustomerID != 103625635 || c.AccountID != 8675310 {
		t.Fatalf("Bind = %+v, %v", c, err)
	}
	if got := events(); len(got) != 0 {
		t.Fatalf("events before the job: %v", got)
	}
	if _, ran, _ := sched.Advance(tenant, time.Second); len(ran) != 1 || ran[0].Err != nil {
		t.Fatalf("the bind job: %+v", ran)
	}
	if got := events(); len(got) != 1 || got[0] != "bind_card-1 100" {
		t.Fatalf("events %v, want bind_card-1 of card 100", got)
	}
	evs, _ := st.Events(ctx, tenant, store.EventFilter{})
	for _, want := range []string{`"card_status":"CREATED"`, `"card_previous_status":"UMBOUND"`, `"operation_type":"BIND_NONAME"`, `"bulk_id":"bulk-1"`, `"customer_id":103625635`} {
		if !strings.Contains(string(evs[0].Envelope), want) {
			t.Errorf("bind_card-1 lacks %s: %s", want, evs[0].Envelope)
		}
	}
	if _, err := svc.Bind(ctx, caller, scope, 100, nil); !errors.Is(err, rule.ErrConflict) {
		t.Fatalf("binding a bound card: %v, want a conflict", err)
	}

	noname(101) // the customer's second PLASTIC card: it must replace the first
	if _, err := svc.Bind(ctx, caller, scope, 101, nil); !errors.Is(err, rule.ErrConflict) {
		t.Fatalf("a second live PLASTIC card for the customer: %v, want a conflict", err)
	}
	replaced := int64(100)
	if _, err := svc.Bind(ctx, caller, scope, 101, &replaced); err != nil {
		t.Fatal(err)
	}
	sched.Advance(tenant, time.Second)
	if got := events(); len(got) != 3 || got[1] != "bind_card-1 101" || got[2] != "update-1 100" {
		t.Fatalf("events %v, want bind_card-1 of 101 then update-1 of 100", got)
	}
	evs, _ = st.Events(ctx, tenant, store.EventFilter{})
	for _, want := range []string{`"operation_type":"BIND_REISSUE"`, `"card_status":"CANCELED"`, `"new_card_id":101`} {
		if !strings.Contains(string(evs[2].Envelope), want) {
			t.Errorf("the replaced card's update-1 lacks %s: %s", want, evs[2].Envelope)
		}
	}
	if got := stored(t, st, tenant, 101); got.ReissuedCardID == nil || *got.ReissuedCardID != 100 {
		t.Errorf("the bound card does not name the card it replaced: %+v", got.ReissuedCardID)
	}
}
