package embossing

import (
	"context"
	"errors"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// Rejection is a line of an embosser's rejection file: why the embosser refused a card it received.
type Rejection struct {
	ErrorCode        string
	ErrorDescription string
	ErrorMessage     string
	ErrorType        string
	FieldCode        string
	FieldDescription string
}

// RejectingEmbosser is the one embosser whose rejection files the vendor processes.
const RejectingEmbosser = "EM1"

// Reject feeds an embosser's rejection of an embossed card (the admin API stands in for the rejection file):
// the card becomes REJECTED, may be re-embossed, and card_rejection-1 tells of it.
func (s *Service) Reject(ctx context.Context, tenant string, id int64, rej Rejection) error {
	return s.update(ctx, tenant, func(tx store.Tx, emb Repository) error {
		r, err := emb.Get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return rule.NotFound(access.FieldCard, "card %d has not entered the embossing pipeline", id)
		}
		if err != nil {
			return err
		}
		if r.State != StateEmbossed || len(r.History) == 0 {
			return rule.Conflict(access.FieldCard, "embossed", "card %d is %s: only a card in an embossing file can be rejected", id, r.State)
		}
		last := r.History[len(r.History)-1]
		if last.Embosser != RejectingEmbosser {
			return rule.Conflict(access.FieldCard, "embosser", "card %d went to embosser %s: the vendor processes rejection files from %s only", id, last.Embosser, RejectingEmbosser)
		}
		r.State, r.UpdatedAt = StateRejected, tx.Meta().Time
		if err := emb.Put(ctx, r); err != nil {
			return err
		}
		return tx.Emit(rejected(r, rej))
	})
}
