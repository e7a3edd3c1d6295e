package d1

import (
	"context"
	"errors"
	"fmt"

	"github.com/issuersim/issuersim/sim/store"
)

// Renewal is what renew asks for: the card that replaces this one, in which state, and optionally its new PAN
// and expiry as a JWE. Without encryptedData the vendor fetches them from the issuer's card management system;
// the simulator then keeps what it knew.
type Renewal struct {
	NewCardID     string
	NewCardState  State
	EncryptedData string
	Reason        Reason
}

// Renew replaces a card after expiry or loss. The digital cards move to the new card, which takes the
// requested state and the processor card the old one was linked to; the old card becomes REPLACED. Renewing
// a card into its own id renews it in place. A newCardId that names another live card is refused (403,
// recorded FAILED) [inf].
func (s *Service) Renew(ctx context.Context, caller Caller, issuerID, cardID string, req Renewal) (Operation, error) {
	var o Operation
	var refusal *Refusal
	err := s.update(ctx, caller.Tenant, func(tx store.Tx, repo Repository) error {
		is, err := issuer(tx, caller, issuerID)
		if err != nil {
			return err
		}
		var data CardData
		if req.EncryptedData != "" {
			if data, err = Decrypt(req.EncryptedData, is.DecryptionKey(), is.EncryptionKey.KeyID); err != nil {
				return err
			}
		}
		old, err := loadCard(ctx, repo, issuerID, cardID)
		if err != nil {
			return err
		}
		reason := req.Reason.orDefault()
		o = Operation{IssuerID: issuerID, CardID: cardID, Type: OpRenew, Status: StatusSuccessful, Reason: reason,
			Requestor: Requestor{Type: RequestorIssuer, ID: issuerID}, NewCardID: req.NewCardID, NewCardState: req.NewCardState}
		refusal = old.Check(OpRenew, reason.Code)
		if refusal == nil {
			refusal, err = renew(ctx, tx, repo, &old, req, data)
			if err != nil {
				return err
			}
		}
		if refusal != nil {
			o.Status, o.ErrorCode, o.Error = StatusFailed, refusal.Code, refusal.Message
		}
		return s.record(ctx, tx, repo, &o)
	})
	if err != nil {
		return Operation{}, fmt.Errorf("renew card %s: %w", cardID, err)
	}
	if refusal != nil {
		return o, refused(refusal)
	}
	return o, nil
}

// renew moves a checked card to its successor and writes both; a successor id held by another live card is
// refused.
func renew(ctx context.Context, tx store.Tx, repo Repository, old *Card, req Renewal, data CardData) (*Refusal, error) {
	next := old.Clone()
	if req.NewCardID != old.ID {
		existing, err := repo.Card(ctx, old.IssuerID, req.NewCardID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if err == nil && existing.State.Live() {
			return &Refusal{Field: "/newCardId", Rule: "unique", Code: CodeCardExists,
				Message: fmt.Sprintf("newCardId %s is a live card of the issuer; only a DELETED or REPLACED card's id may be reused", req.NewCardID)}, nil
		}
		next = Card{IssuerID: old.IssuerID, ID: req.NewCardID, ProcessorCardID: old.ProcessorCardID, ConsumerID: old.ConsumerID,
			EndUser: old.EndUser, DigitalCards: old.DigitalCards, LastFour: old.LastFour, Expiry: old.Expiry, Created: tx.Meta().Time.UTC()}
		old.State, old.SuspendedFor, old.ReplacedBy, old.DigitalCards = StateReplaced, "", req.NewCardID, nil
		if err := repo.PutCard(ctx, *old); err != nil {
			return nil, err
		}
	}
	next.State, next.SuspendedFor, next.ReplacedBy = req.NewCardState, "", ""
	if data.PAN != "" {
		next.LastFour, next.Expiry = data.PAN.LastFour(), data.Exp
	}
	return nil, repo.PutCard(ctx, next)
}
