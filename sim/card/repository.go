package card

import (
	"context"
	"iter"

	"github.com/issuersim/issuersim/sim/fault"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/store"
)

// Repository is the tenant's cards inside one transaction. Every method can fail (a database backend's can);
// a card that does not exist is an error wrapping store.ErrNotFound. Every lookup reads an index, so a
// command costs the same with one card in the tenant and with a hundred thousand.
type Repository interface {
	// Get returns a card. The copy is the caller's: changing it changes nothing until Put.
	Get(ctx context.Context, id int64) (Card, error)
	// Put writes a card, new or changed, as of the end of the transaction.
	Put(ctx context.Context, c Card) error
	// NextID reserves the tenant's next card id; ids are sequential per tenant and never reused.
	NextID(ctx context.Context) (int64, error)
	// Owned yields an account's cards, or one customer's of the account when customerID is non-zero, oldest
	// first. The caller may stop early; cards after the one it stops at are not read.
	Owned(ctx context.Context, accountID, customerID int64) iter.Seq2[Card, error]
	// AppendStatusChange adds a line to a card's status history, which only grows.
	AppendStatusChange(ctx context.Context, cardID int64, change StatusChange) error
	// StatusChanges returns a card's status history, oldest first.
	StatusChanges(ctx context.Context, cardID int64) ([]StatusChange, error)
	// ByUniqueKey returns the live card holding a Card.UniqueKey, if any.
	ByUniqueKey(ctx context.Context, key string) (Card, bool, error)
	// Reasons returns the reissue reasons the tenant created or changed, by id; the fixtures' reasons that
	// were never changed are not among them.
	Reasons(ctx context.Context) ([]org.ReissueReason, error)
	// PutReason writes a reissue reason, new or changed.
	PutReason(ctx context.Context, r org.ReissueReason) error
	// Idempotent returns the card an operation ("create", "reissue") made with that idempotency key.
	Idempotent(ctx context.Context, op, key string) (int64, bool, error)
	// RememberIdempotent records which card an operation made with that idempotency key.
	RememberIdempotent(ctx context.Context, op, key string, id int64) error
}

// Store is what the card commands run on: transactions over a tenant, its cards inside one, and the fault
// rules the commands honour.
type Store interface {
	fault.Store
	// Cards returns the cards repository of the transaction.
	Cards(tx store.Tx) Repository
}
