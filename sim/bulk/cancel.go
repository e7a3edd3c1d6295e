package bulk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// JobCancel is the job kind that cancels a bulk's external ids and tells of each with noname_cancellation-1.
// Its subject is the bulk; its data the external ids (none for the whole bulk).
const JobCancel = "bulk.cancel"

// cancelData is a JobCancel job's data.
type cancelData struct {
	Full        bool     `json:"full"`
	ExternalIDs []string `json:"external_ids,omitempty"`
}

// Cancel accepts the cancellation of a whole bulk (full) or of the listed external ids; the outcome, per
// external id, follows from a JobCancel job. A bulk still RUNNING cannot be cancelled (the vendor's 406).
func (s *Service) Cancel(ctx context.Context, tenant, id string, full bool, externalIDs []string) error {
	if !full && len(externalIDs) == 0 {
		return rule.Invalid("/external_ids", "required", "external_ids is required when cancel_type is PARTIAL")
	}
	return s.update(ctx, tenant, func(tx store.Tx, bulks Repository) error {
		b, err := get(ctx, bulks, id)
		if err != nil {
			return err
		}
		if b.Status == StatusRunning {
			return rule.NotAcceptable(FieldBulk, "status", "bulk %s is RUNNING: cancel it once its cards exist", id)
		}
		d := cancelData{Full: full}
		if !full {
			d.ExternalIDs = externalIDs
		}
		data, err := json.Marshal(d)
		if err != nil {
			return err
		}
		_, err = tx.Schedule(job.Job{Kind: JobCancel, Subject: b.Subject(), Due: tx.Meta().Time, Data: data})
		return err
	})
}

// RunCancel runs a JobCancel job: each external id asked for is cancelled with its card, if the card is still
// UNBOUND, and gets its noname_cancellation-1, in the order asked (the bulk's order for a full cancellation).
func (s *Service) RunCancel(ctx context.Context, tx store.Tx, j job.Job) error {
	var d cancelData
	if err := json.Unmarshal(j.Data, &d); err != nil {
		return fmt.Errorf("%s job %d: data: %w", j.Kind, j.ID, err)
	}
	bulks := s.store.Bulks(tx)
	b, err := bulks.Get(ctx, j.Subject.ID)
	if err != nil {
		return fmt.Errorf("%s job %d: %w", j.Kind, j.ID, err)
	}
	asked := d.ExternalIDs
	if d.Full {
		asked = make([]string, len(b.Items))
		for i, it := range b.Items {
			asked[i] = it.ExternalID
		}
	}
	for _, ext := range asked {
		out, err := s.cancelItem(ctx, tx, &b, ext)
		if err != nil {
			return fmt.Errorf("%s job %d: external id %q: %w", j.Kind, j.ID, ext, err)
		}
		if err := tx.Emit(cancellation(b, out)); err != nil {
			return err
		}
	}
	return bulks.Put(ctx, b)
}

// outcome is what a cancellation did to one external id.
type outcome struct {
	ExternalID string
	CardID     int64
	Code       MessageCode
}

// cancelItem cancels one external id of the bulk and its card, and says what happened.
func (s *Service) cancelItem(ctx context.Context, tx store.Tx, b *Bulk, ext string) (outcome, error) {
	it, ok := b.item(ext)
	switch {
	case !ok:
		return outcome{ExternalID: ext, Code: CodeNotFound}, nil
	case it.Status == ItemCanceled:
		return outcome{ExternalID: ext, CardID: it.CardID, Code: CodeAlreadyCanceled}, nil
	case it.Status == ItemPending:
		it.Status = ItemCanceled
		return outcome{ExternalID: ext, Code: CodeCanceled}, nil
	}
	out := outcome{ExternalID: ext, CardID: it.CardID}
	_, err := s.cards.CancelNoname(ctx, tx, it.CardID)
	var v *rule.Violation
	switch {
	case errors.Is(err, store.ErrNotFound):
		out.Code = CodeCardNotFound
	case errors.As(err, &v):
		out.Code = CodeInvalidCardStatus
	case err != nil:
		return outcome{}, err
	default:
		it.Status = ItemCanceled
		out.Code = CodeCardCanceled
	}
	return out, nil
}
