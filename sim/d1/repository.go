package d1

import (
	"context"

	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/store"
)

// Repository is the tenant's D1 state inside one transaction. Every method can fail; a card or an operation
// that does not exist is an error wrapping store.ErrNotFound.
type Repository interface {
	// Card returns an issuer's card.
	Card(ctx context.Context, issuerID, cardID string) (Card, error)
	// PutCard writes a card, new or changed.
	PutCard(ctx context.Context, c Card) error
	// Cards returns every D1 card of the tenant, by issuer and card id.
	Cards(ctx context.Context) ([]Card, error)
	// LinkedTo returns the D1 cards linked to a processor card, oldest first.
	LinkedTo(ctx context.Context, processorCardID int64) ([]Card, error)
	// NextOperationSeq reserves the tenant's next operation number.
	NextOperationSeq(ctx context.Context) (int64, error)
	// PutOperation writes an operation to the log.
	PutOperation(ctx context.Context, o Operation) error
	// Operation returns an operation by its id.
	Operation(ctx context.Context, id string) (Operation, error)
	// Operations returns a card's operations, oldest first.
	Operations(ctx context.Context, issuerID, cardID string) ([]Operation, error)
	// DeleteOperation removes an operation from the log (ErrNotFound when it is not there).
	DeleteOperation(ctx context.Context, id string) error
	// Settings returns the issuer's settings as the admin API last set them; ok is false when it never did.
	Settings(ctx context.Context, issuerID string) (s Settings, ok bool, err error)
	// PutSettings writes an issuer's settings.
	PutSettings(ctx context.Context, s Settings) error
}

// Store is what the D1 commands run on: transactions, the D1 repository, and the processor's cards the D1
// cards are linked to.
type Store interface {
	store.Transactor
	// D1 returns the D1 repository of the transaction.
	D1(tx store.Tx) Repository
	// Cards returns the processor's cards repository of the transaction.
	Cards(tx store.Tx) card.Repository
}

// Settings are an issuer's options that the admin API may change at run time; the fixtures give their start.
type Settings struct {
	IssuerID string
	// NotificationURL is the base URL of the issuer's receiver of D1's notifications; empty sends none.
	NotificationURL string
	// Propagate makes a status change of a linked processor card reach the D1 card.
	Propagate bool
}
