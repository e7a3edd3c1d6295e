package postgres

import (
	"context"
	"fmt"
	"iter"
	"strconv"

	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/store"
)

// cardsTable keeps a tenant's cards by id, indexed by account, by customer and by Card.UniqueKey.
var cardsTable = newTable[int64, card.Card]("cards",
	index[card.Card]{col: "account", key: func(c card.Card) string { return strconv.FormatInt(c.AccountID, 10) }},
	index[card.Card]{col: "customer", key: func(c card.Card) string { return strconv.FormatInt(c.CustomerID, 10) }},
	index[card.Card]{col: "uniq", key: card.Card.UniqueKey},
)

// historyTable keeps every card's status history, one row per change, keyed by card and a tenant-wide sequence
// so a card's rows sort in the order they were added.
var historyTable = newTable[string, statusChange]("card_status_history",
	index[statusChange]{col: "card", key: func(r statusChange) string { return strconv.FormatInt(r.Card, 10) }})

// statusChange is one row of historyTable.
type statusChange struct {
	Card   int64
	Change card.StatusChange
}

// reasonsTable keeps the reissue reasons a tenant created or changed, by id.
var reasonsTable = newTable[int64, org.ReissueReason]("reissue_reasons")

// idempotencyTable maps an operation's idempotency key to the card it made. The key is the operation, a unit
// separator and the caller's key: a text column holds no NUL, which the memory store separates them with.
var idempotencyTable = newTable[string, int64]("card_idempotency_keys")

var _ card.Store = (*Store)(nil)

// Cards returns the cards repository of a transaction this store began.
func (s *Store) Cards(tx store.Tx) card.Repository { return cards{tx.(*Tx)} }

type cards struct{ tx *Tx }

func (r cards) Get(ctx context.Context, id int64) (card.Card, error) {
	c, ok, err := cardsTable.read(ctx, r.tx, id)
	if err == nil && !ok {
		err = fmt.Errorf("card %d in tenant %s: %w", id, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return c, err
}

func (r cards) Put(ctx context.Context, c card.Card) error {
	if err := r.tx.writable(fmt.Sprintf("put card %d", c.ID)); err != nil {
		return err
	}
	return cardsTable.write(ctx, r.tx, c.ID, c)
}

func (r cards) NextID(context.Context) (int64, error) { return r.tx.next("card") }

func (r cards) Owned(ctx context.Context, accountID, customerID int64) iter.Seq2[card.Card, error] {
	return func(yield func(card.Card, error) bool) {
		col, key := "account", strconv.FormatInt(accountID, 10)
		if customerID != 0 {
			col, key = "customer", strconv.FormatInt(customerID, 10)
		}
		// Read whole before yielding: the loop's body may use the transaction's connection.
		rows, err := cardsTable.scan(ctx, r.tx, col, key)
		if err != nil {
			yield(card.Card{}, err)
			return
		}
		for _, c := range rows {
			if c.AccountID == accountID && !yield(c, nil) {
				return
			}
		}
	}
}

func (r cards) AppendStatusChange(ctx context.Context, cardID int64, change card.StatusChange) error {
	seq, err := r.tx.next("status change")
	if err != nil {
		return err
	}
	return historyTable.write(ctx, r.tx, fmt.Sprintf("%019d/%019d", cardID, seq), statusChange{Card: cardID, Change: change})
}

func (r cards) StatusChanges(ctx context.Context, cardID int64) ([]card.StatusChange, error) {
	rows, err := historyTable.scan(ctx, r.tx, "card", strconv.FormatInt(cardID, 10))
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	out := make([]card.StatusChange, len(rows))
	for i, row := range rows {
		out[i] = row.Change
	}
	return out, nil
}

func (r cards) ByUniqueKey(ctx context.Context, key string) (card.Card, bool, error) {
	return cardsTable.first(ctx, r.tx, "uniq", key)
}

func (r cards) Reasons(ctx context.Context) ([]org.ReissueReason, error) {
	return reasonsTable.every(ctx, r.tx)
}

func (r cards) PutReason(ctx context.Context, reason org.ReissueReason) error {
	if err := r.tx.writable(fmt.Sprintf("put reissue reason %d", reason.ID)); err != nil {
		return err
	}
	return reasonsTable.write(ctx, r.tx, reason.ID, reason)
}

func (r cards) Idempotent(ctx context.Context, op, key string) (int64, bool, error) {
	return idempotencyTable.read(ctx, r.tx, idempotencyKey(op, key))
}

func (r cards) RememberIdempotent(ctx context.Context, op, key string, id int64) error {
	if err := r.tx.writable("remember an idempotency key"); err != nil {
		return err
	}
	return idempotencyTable.write(ctx, r.tx, idempotencyKey(op, key), id)
}

func idempotencyKey(op, key string) string { return op + "\x1f" + key }
