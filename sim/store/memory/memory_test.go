package memory_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/issuersim/issuersim/fixtures"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/store/memory"
)

func newStore(t *testing.T, onCommit func(event.Record)) (*memory.Store, string) {
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
	clk := clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	return memory.New(d, clk, event.NewSealer(src, v), memory.Options{OnCommit: onCommit}), d.Orgs[0].ID
}

func sampleCard(id int64) card.Card {
	return card.Card{ID: id, AccountID: 8675309, CustomerID: 103625634, ProgramID: 3001, Type: card.TypeVirtual,
		Status: card.StatusNormal, PreviousStatus: card.StatusNormal, Name: "a", ContactlessEnabled: true,
		IssuingDate: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// TestUpdateIsAllOrNothing proves a failing transaction leaves no card, no id, no idempotency key and no event,
// and a succeeding one commits them together and rings the doorbell once per event.
func TestUpdateIsAllOrNothing(t *testing.T) {
	var rung []event.Record
	s, tenant := newStore(t, func(r event.Record) { rung = append(rung, r) })
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.Update(ctx, tenant, func(tx *memory.Tx) error {
		c := sampleCard(tx.NextCardID())
		tx.PutCard(c)
		tx.RememberIdempotentCard("k", c.ID)
		if err := tx.Emit(card.Updated(c, card.OpUpdateStatusPut)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	_ = s.View(ctx, tenant, func(tx *memory.Tx) error {
		if _, ok := tx.Card(1); ok {
			t.Error("rolled-back card is visible")
		}
		if _, ok := tx.IdempotentCard("k"); ok {
			t.Error("rolled-back idempotency key is visible")
		}
		return nil
	})
	if evs, _ := s.Events(tenant, memory.EventFilter{}); len(evs) != 0 || len(rung) != 0 {
		t.Fatalf("rolled-back events: %d logged, %d rung", len(evs), len(rung))
	}
	err = s.Update(ctx, tenant, func(tx *memory.Tx) error {
		c := sampleCard(tx.NextCardID())
		tx.PutCard(c)
		return tx.Emit(card.Updated(c, card.OpUpdateStatusPut))
	})
	if err != nil {
		t.Fatal(err)
	}
	evs, _ := s.Events(tenant, memory.EventFilter{})
	if len(evs) != 1 || evs[0].Seq != 1 || evs[0].CardID != 1 || len(rung) != 1 {
		t.Fatalf("committed: %+v, rung %d", evs, len(rung))
	}
}

// TestEmitRefusesAnEventThatBreaksItsSchema proves an invalid payload fails the transaction instead of being
// logged: here update-1 with a status its enum does not list.
func TestEmitRefusesAnEventThatBreaksItsSchema(t *testing.T) {
	s, tenant := newStore(t, nil)
	err := s.Update(context.Background(), tenant, func(tx *memory.Tx) error {
		c := sampleCard(tx.NextCardID())
		c.Status = card.StatusUnnumbered // not in update-1's card_status enum
		tx.PutCard(c)
		return tx.Emit(card.Updated(c, card.OpUpdateStatusPut))
	})
	var se *event.SchemaError
	if !errors.As(err, &se) || se.Type != "update-1" {
		t.Fatalf("err = %v, want a schema error for update-1", err)
	}
}

// TestTenantsAreIsolated proves one tenant's writes are invisible to another and ids restart per tenant.
func TestTenantsAreIsolated(t *testing.T) {
	s, a := newStore(t, nil)
	b := s.Tenants()[1]
	if b == a {
		b = s.Tenants()[0]
	}
	ctx := context.Background()
	_ = s.Update(ctx, a, func(tx *memory.Tx) error { tx.PutCard(sampleCard(tx.NextCardID())); return nil })
	_ = s.Update(ctx, b, func(tx *memory.Tx) error {
		if _, ok := tx.Card(1); ok {
			t.Error("tenant b sees tenant a's card")
		}
		if id := tx.NextCardID(); id != 1 {
			t.Errorf("tenant b's first id = %d", id)
		}
		return nil
	})
	if err := s.Update(ctx, "TN-nope", func(*memory.Tx) error { return nil }); !errors.Is(err, memory.ErrUnknownTenant) {
		t.Errorf("unknown tenant: %v", err)
	}
}

// BenchmarkCommitWithEvent measures one transaction writing a card and sealing, validating and logging its event.
func BenchmarkCommitWithEvent(b *testing.B) {
	src := fake.New(1)
	d, _ := org.Parse(fixtures.Default, src)
	v, _ := event.NewValidator()
	s := memory.New(d, clock.Real{}, event.NewSealer(src, v), memory.Options{})
	tenant := d.Orgs[0].ID
	ctx := context.Background()
	for b.Loop() {
		_ = s.Update(ctx, tenant, func(tx *memory.Tx) error {
			c := sampleCard(tx.NextCardID())
			tx.PutCard(c)
			return tx.Emit(card.Updated(c, card.OpUpdateStatusPut))
		})
	}
}
