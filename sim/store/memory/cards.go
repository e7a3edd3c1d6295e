package memory

import (
	"context"
	"fmt"
	"iter"
	"strconv"

	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/store"
)

// cardsTable keeps a tenant's cards by id, indexed by account, by customer and by Card.UniqueKey, so a create's
// uniqueness rules and a list's page cost the same however many cards the tenant holds.
var cardsTable = &schema[int64, card.Card]{
	name:  "cards",
	clone: card.Card.Clone,
	indexes: []index[card.Card]{
		{name: "account", key: func(c card.Card) string { return strconv.FormatInt(c.AccountID, 10) }},
		{name: "customer", key: func(c card.Card) string { return strconv.FormatInt(c.CustomerID, 10) }},
		{name: "unique", key: card.Card.UniqueKey},
	},
}

// historyTable keeps every card's status history, one row per change, keyed by card and a tenant-wide sequence
// so a card's rows sort in the order they were added; appending costs the same however long the history is.
var historyTable = &schema[string, statusChange]{
	name:    "card status history",
	clone:   func(r statusChange) statusChange { return r },
	indexes: []index[statusChange]{{name: "card", key: func(r statusChange) string { return strconv.FormatInt(r.card, 10) }}},
}

// statusChange is one row of historyTable.
type statusChange struct {
	card   int64
	change card.StatusChange
}

// reasonsTable keeps the reissue reasons a tenant created or changed, by id.
var reasonsTable = &schema[int64, org.ReissueReason]{name: "reissue reasons", clone: func(r org.ReissueReason) org.ReissueReason { return r }}

// idempotencyTable maps an operation's idempotency key to the card it made.
var idempotencyTable = &schema[string, int64]{name: "card idempotency keys", clone: func(id int64) int64 { return id }}

var _ card.Store = (*Store)(nil)

// Cards returns the cards repository of a transaction this store began.
func (s *Store) Cards(tx store.Tx) card.Repository { return cards{tx.(*Tx)} }

// cards implements card.Repository over the transaction's stagings.
type cards struct{ tx *Tx }

func (r cards) Get(_ context.Context, id int64) (card.Card, error) {
	c, ok := open(r.tx, cardsTable).get(id)
	if !ok {
		return card.Card{}, fmt.Errorf("card %d in tenant %s: %w", id, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return c, nil
}

func (r cards) Put(_ context.Context, c card.Card) error {
	if err := r.tx.writable(fmt.Sprintf("put card %d", c.ID)); err != nil {
		return err
	}
	open(r.tx, cardsTable).put(c.ID, c)
	return nil
}

func (r cards) NextID(context.Context) (int64, error) { return r.tx.next("card") }

func (r cards) Owned(_ context.Context, accountID, customerID int64) iter.Seq2[card.Card, error] {
	return func(yield func(card.Card, error) bool) {
		name, key := "account", strconv.FormatInt(accountID, 10)
		if customerID != 0 {
			name, key = "customer", strconv.FormatInt(customerID, 10)
		}
		for c := range open(r.tx, cardsTable).scan(name, key) {
			if c.AccountID == accountID && !yield(c, nil) {
				return
			}
		}
	}
}

func (r cards) AppendStatusChange(_ context.Context, cardID int64, change card.StatusChange) error {
	seq, err := r.tx.next("status change")
	if err != nil {
		return err
	}
	open(r.tx, historyTable).put(fmt.Sprintf("%019d/%019d", cardID, seq), statusChange{card: cardID, change: change})
	return nil
}

func (r cards) StatusChanges(_ context.Context, cardID int64) ([]card.StatusChange, error) {
	var out []card.StatusChange
	for row := range open(r.tx, historyTable).scan("card", strconv.FormatInt(cardID, 10)) {
		out = append(out, row.change)
	}
	return out, nil
}

func (r cards) ByUniqueKey(_ context.Context, key string) (card.Card, bool, error) {
	c, ok := open(r.tx, cardsTable).first("unique", key)
	return c, ok, nil
}

func (r cards) Reasons(context.Context) ([]org.ReissueReason, error) {
	return open(r.tx, reasonsTable).all(), nil
}

func (r cards) PutReason(_ context.Context, reason org.ReissueReason) error {
	if err := r.tx.writable(fmt.Sprintf("put reissue reason %d", reason.ID)); err != nil {
		return err
	}
	open(r.tx, reasonsTable).put(reason.ID, reason)
	return nil
}

func (r cards) Idempotent(_ context.Context, op, key string) (int64, bool, error) {
	id, ok := open(r.tx, idempotencyTable).get(op + "\x00" + key)
	return id, ok, nil
}

func (r cards) RememberIdempotent(_ context.Context, op, key string, id int64) error {
	if err := r.tx.writable("remember an idempotency key"); err != nil {
		return err
	}
	open(r.tx, idempotencyTable).put(op+"\x00"+key, id)
	return nil
}
