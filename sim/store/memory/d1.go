package memory

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/issuersim/issuersim/sim/d1"
	"github.com/issuersim/issuersim/sim/store"
)

// d1CardTable keeps a tenant's D1 cards by issuer and card id, indexed by the processor card they are linked to.
var d1CardTable = &schema[string, d1.Card]{
	name:    "d1 cards",
	clone:   d1.Card.Clone,
	indexes: []index[d1.Card]{{name: "processor card", key: func(c d1.Card) string { return linkKey(c.ProcessorCardID) }}},
}

// d1OperationTable keeps a tenant's D1 operations by number (so a card's scan is in time order), indexed by id
// and by card.
var d1OperationTable = &schema[int64, d1.Operation]{
	name:  "d1 operations",
	clone: d1.Operation.Clone,
	indexes: []index[d1.Operation]{
		{name: "id", key: func(o d1.Operation) string { return o.ID }},
		{name: "card", key: d1.Operation.CardKey},
	},
}

// d1SettingsTable keeps the issuers' settings the admin API set, by issuer id.
var d1SettingsTable = &schema[string, d1.Settings]{name: "d1 settings", clone: func(s d1.Settings) d1.Settings { return s }}

func linkKey(processorCardID int64) string {
	if processorCardID == 0 {
		return ""
	}
	return strconv.FormatInt(processorCardID, 10)
}

var _ d1.Store = (*Store)(nil)

// D1 returns the D1 repository of a transaction this store began.
func (s *Store) D1(tx store.Tx) d1.Repository { return d1s{tx.(*Tx)} }

type d1s struct{ tx *Tx }

func (r d1s) Card(_ context.Context, issuerID, cardID string) (d1.Card, error) {
	c, ok := open(r.tx, d1CardTable).get(d1.Key(issuerID, cardID))
	if !ok {
		return d1.Card{}, fmt.Errorf("D1 card %s of issuer %s in tenant %s: %w", cardID, issuerID, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return c, nil
}

func (r d1s) PutCard(_ context.Context, c d1.Card) error {
	if err := r.tx.writable("put D1 card " + c.Key()); err != nil {
		return err
	}
	open(r.tx, d1CardTable).put(c.Key(), c)
	return nil
}

func (r d1s) Cards(context.Context) ([]d1.Card, error) { return open(r.tx, d1CardTable).all(), nil }

func (r d1s) LinkedTo(_ context.Context, processorCardID int64) ([]d1.Card, error) {
	cards := slices.Collect(open(r.tx, d1CardTable).scan("processor card", linkKey(processorCardID)))
	slices.SortStableFunc(cards, func(a, b d1.Card) int { return a.Created.Compare(b.Created) })
	return cards, nil
}

func (r d1s) NextOperationSeq(context.Context) (int64, error) { return r.tx.next("d1 operation") }

func (r d1s) PutOperation(_ context.Context, o d1.Operation) error {
	if err := r.tx.writable("put D1 operation " + o.ID); err != nil {
		return err
	}
	open(r.tx, d1OperationTable).put(o.Seq, o)
	return nil
}

func (r d1s) Operation(_ context.Context, id string) (d1.Operation, error) {
	o, ok := open(r.tx, d1OperationTable).first("id", id)
	if !ok {
		return d1.Operation{}, fmt.Errorf("D1 operation %s in tenant %s: %w", id, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return o, nil
}

func (r d1s) Operations(_ context.Context, issuerID, cardID string) ([]d1.Operation, error) {
	return slices.Collect(open(r.tx, d1OperationTable).scan("card", d1.Key(issuerID, cardID))), nil
}

func (r d1s) DeleteOperation(ctx context.Context, id string) error {
	o, err := r.Operation(ctx, id)
	if err != nil {
		return err
	}
	if err := r.tx.writable("delete D1 operation " + id); err != nil {
		return err
	}
	open(r.tx, d1OperationTable).remove(o.Seq)
	return nil
}

func (r d1s) Settings(_ context.Context, issuerID string) (d1.Settings, bool, error) {
	s, ok := open(r.tx, d1SettingsTable).get(issuerID)
	return s, ok, nil
}

func (r d1s) PutSettings(_ context.Context, s d1.Settings) error {
	if err := r.tx.writable("put the settings of issuer " + s.IssuerID); err != nil {
		return err
	}
	open(r.tx, d1SettingsTable).put(s.IssuerID, s)
	return nil
}
