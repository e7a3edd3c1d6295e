package bulk

import (
	"context"
	"errors"
	"fmt"

	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// JobStart is the job kind that makes a started bulk's cards: one UNBOUND card per pending external id, each
// with create-1 (now or after the PCI delay), then the bulk is COMPLETED. Its subject is the bulk.
const JobStart = "bulk.start"

// Start moves a CREATED bulk to RUNNING and schedules its cards, due at once on the tenant's clock; the vendor
// answers 202 and makes them asynchronously.
func (s *Service) Start(ctx context.Context, tenant, id string) (Bulk, error) {
	var b Bulk
	err := s.update(ctx, tenant, func(tx store.Tx, bulks Repository) error {
		var err error
		if b, err = get(ctx, bulks, id); err != nil {
			return err
		}
		if b.Status != StatusCreated {
			return rule.Conflict(FieldBulk, "status", "bulk %s is %s: a bulk starts once", id, b.Status)
		}
		if pending(b) == 0 {
			return rule.Conflict(FieldBulk, "status", "bulk %s has no external id left to issue: every one was cancelled", id)
		}
		b.Status = StatusRunning
		if err := bulks.Put(ctx, b); err != nil {
			return err
		}
		_, err = tx.Schedule(job.Job{Kind: JobStart, Subject: b.Subject(), Due: tx.Meta().Time})
		return err
	})
	return b, err
}

// RunStart runs a JobStart job: it issues a card for each pending item of the bulk, in the order the external
// ids were given, and completes the bulk.
func (s *Service) RunStart(ctx context.Context, tx store.Tx, j job.Job) error {
	bulks := s.store.Bulks(tx)
	b, err := bulks.Get(ctx, j.Subject.ID)
	if err != nil {
		return fmt.Errorf("%s job %d: %w", j.Kind, j.ID, err)
	}
	set := b.Settings
	for i := range b.Items {
		it := &b.Items[i]
		if it.Status != ItemPending {
			continue
		}
		c, err := s.cards.CreateNoname(ctx, tx, card.NonameInput{
			ProgramID: b.ProgramID, BulkID: b.ID, ExternalID: it.ExternalID, TemplateID: set.TemplateID,
			PINLength: set.PINLength, AbuEnabled: set.AbuEnabled, ContactlessEnabled: set.ContactlessEnabled,
			EmbossingCustomField: set.EmbossingCustomField, EmbossingGroup: set.EmbossingGroup,
			Metadata: set.Metadata, ModeType: set.ModeType, ValidityPeriodHours: set.ValidityPeriodHours,
		})
		if err != nil {
			return fmt.Errorf("%s job %d: external id %q: %w", j.Kind, j.ID, it.ExternalID, err)
		}
		it.CardID, it.Status = c.ID, ItemIssued
	}
	b.Status = StatusCompleted
	return bulks.Put(ctx, b)
}

func pending(b Bulk) int {
	n := 0
	for _, it := range b.Items {
		if it.Status == ItemPending {
			n++
		}
	}
	return n
}

// get returns a bulk of the tenant, or the vendor's 404 naming the bulk.
func get(ctx context.Context, bulks Repository, id string) (Bulk, error) {
	b, err := bulks.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return Bulk{}, rule.NotFound(FieldBulk, "bulk %s not found", id)
	}
	return b, err
}
