package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/issuersim/issuersim/sim/d1"
	"github.com/issuersim/issuersim/sim/store"
)

// d1CardTable keeps a tenant's D1 cards by issuer and card id, indexed by the processor card they are linked to.
var d1CardTable = newTable[string, d1.Card]("d1_cards", index[d1.Card]{col: "processor_card", key: func(c d1.Card) string { return linkKey(c.ProcessorCardID) }})

// d1OperationTable keeps a tenant's D1 operations by number (so a card's scan is in time order), indexed by id
// and by card.
var d1OperationTable = newTable[int64, d1.Operation]("d1_operations",
	index[d1.Operation]{col: "op_id", key: func(o d1.Operation) string { return o.ID }},
	index[d1.Operation]{col: "card", key: d1.Operation.CardKey},
)

// d1SettingsTable keeps the issuers' settings the admin API set, by issuer id.
var d1SettingsTable = newTable[string, d1.Settings]("d1_settings")

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

func (r d1s) Card(ctx context.Context, issuerID, cardID string) (d1.Card, error) {
	c, ok, err := d1CardTable.read(ctx, r.tx, d1.Key(issuerID, cardID))
	if err == nil && !ok {
		err = fmt.Errorf("D1 card %s of issuer %s in tenant %s: %w", cardID, issuerID, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return c, err
}

func (r d1s) PutCard(ctx context.Context, c d1.Card) error {
	if err := r.tx.writable("put D1 card " + c.Key()); err != nil {
		return err
	}
	return d1CardTable.write(ctx, r.tx, c.Key(), c)
}

func (r d1s) Cards(ctx context.Context) ([]d1.Card, error) { return d1CardTable.every(ctx, r.tx) }

func (r d1s) LinkedTo(ctx context.Context, processorCardID int64) ([]d1.Card, error) {
	cards, err := d1CardTable.scan(ctx, r.tx, "processor_card", linkKey(processorCardID))
	slices.SortStableFunc(cards, func(a, b d1.Card) int { return a.Created.Compare(b.Created) })
	return cards, err
}

func (r d1s) NextOperationSeq(context.Context) (int64, error) { return r.tx.next("d1 operation") }

func (r d1s) PutOperation(ctx context.Context, o d1.Operation) error {
	if err := r.tx.writable("put D1 operation " + o.ID); err != nil {
		return err
	}
	return d1OperationTable.write(ctx, r.tx, o.Seq, o)
}

func (r d1s) Operation(ctx context.Context, id string) (d1.Operation, error) {
	o, ok, err := d1OperationTable.first(ctx, r.tx, "op_id", id)
	if err == nil && !ok {
		err = fmt.Errorf("D1 operation %s in tenant %s: %w", id, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return o, err
}

func (r d1s) Operations(ctx context.Context, issuerID, cardID string) ([]d1.Operation, error) {
	return d1OperationTable.scan(ctx, r.tx, "card", d1.Key(issuerID, cardID))
}

func (r d1s) DeleteOperation(ctx context.Context, id string) error {
	o, err := r.Operation(ctx, id)
	if err != nil {
		return err
	}
	if err := r.tx.writable("delete D1 operation " + id); err != nil {
		return err
	}
	return d1OperationTable.delete(ctx, r.tx, o.Seq)
}

func (r d1s) Settings(ctx context.Context, issuerID string) (d1.Settings, bool, error) {
	return d1SettingsTable.read(ctx, r.tx, issuerID)
}

func (r d1s) PutSettings(ctx context.Context, s d1.Settings) error {
	if err := r.tx.writable("put the settings of issuer " + s.IssuerID); err != nil {
		return err
	}
	return d1SettingsTable.write(ctx, r.tx, s.IssuerID, s)
}
