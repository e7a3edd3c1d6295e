package card

import (
	"context"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/store"
)

// save writes a changed card and, when its status changed, the history line of the change.
func save(ctx context.Context, cards Repository, c Card, change StatusChange, changed bool) error {
	if err := cards.Put(ctx, c); err != nil {
		return err
	}
	if !changed {
		return nil
	}
	return cards.AppendStatusChange(ctx, c.ID, change)
}

// announce emits an event about the card, except while the card has no PAN (UNNUMBERED): the vendor's card
// events have no status for such a card and it emits create-1 only once the PAN exists (docs/fidelity.md).
func announce(tx store.Tx, c Card, e event.Event) error {
	if c.Status == StatusUnnumbered || c.PreviousStatus == StatusUnnumbered {
		return nil
	}
	return tx.Emit(e)
}

// JobValidityExpiry is the job kind that makes a card INOPERATIVE when its validity runs out; its subject is
// the card and its due time the card's valid_until.
const JobValidityExpiry = "card.validity_expiry"

// scheduleExpiry keeps the card's expiry job in step with its validity: none for a card without one or a
// terminated card, otherwise one due at valid_until.
func scheduleExpiry(tx store.Tx, c Card) error {
	if _, err := tx.CancelJobs(JobValidityExpiry, c.Subject()); err != nil {
		return err
	}
	if c.ValidUntil == nil || c.Status.Group() == GroupTermination {
		return nil
	}
	_, err := tx.Schedule(job.Job{Kind: JobValidityExpiry, Subject: c.Subject(), Due: *c.ValidUntil})
	return err
}
