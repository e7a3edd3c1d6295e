package bulk

import (
	"context"
	"fmt"
	"strconv"

	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// FieldBulk names the bulk a request's path points at; the HTTP layer renames it to bulkID.
const FieldBulk = "bulk"

// CreateInput is a create-bulk request, already checked against the contract.
type CreateInput struct {
	ProgramID   int64
	ExternalIDs []string
	Settings    Settings
}

// Create registers a bulk of the tenant in status CREATED, one pending item per external id; no card exists
// until it is started, and nothing is emitted.
func (s *Service) Create(ctx context.Context, tenant string, in CreateInput) (Bulk, error) {
	var b Bulk
	err := s.update(ctx, tenant, func(tx store.Tx, bulks Repository) error {
		prog, ok := tx.Org().Program(in.ProgramID)
		if !ok {
			return rule.Invalid("/program_id", "exists", "program %d is not a program of org %s", in.ProgramID, tx.Org().ID)
		}
		now := tx.Meta().Time
		if err := card.CheckLimits(in.Settings.ValidityPeriodHours, "", in.Settings.Metadata, now, now.AddDate(0, prog.ExpiryMonths, 0)); err != nil {
			return err
		}
		if t := in.Settings.TemplateID; t != nil {
			if _, ok := tx.Org().Template(*t); !ok {
				return rule.Invalid("/template_id", "exists", "template %s is not a template of org %s", *t, tx.Org().ID)
			}
		}
		n, err := bulks.NextSeq(ctx)
		if err != nil {
			return err
		}
		b = Bulk{ID: s.fake.UUID(tx.Org().ID, "bulk", strconv.FormatInt(n, 10)), ProgramID: in.ProgramID, Settings: in.Settings,
			Status: StatusCreated, CreatedAt: tx.Meta().Time}.Clone()
		if b.Settings.PINLength == 0 {
			b.Settings.PINLength = 4
		}
		if err := addItems(ctx, bulks, &b, in.ExternalIDs); err != nil {
			return err
		}
		return bulks.Put(ctx, b)
	})
	return b, err
}

// Increment adds external ids to a bulk that has not been started.
func (s *Service) Increment(ctx context.Context, tenant, id string, externalIDs []string) (Bulk, error) {
	var b Bulk
	err := s.update(ctx, tenant, func(tx store.Tx, bulks Repository) error {
		var err error
		if b, err = get(ctx, bulks, id); err != nil {
			return err
		}
		if b.Status != StatusCreated {
			return rule.Conflict(FieldBulk, "status", "bulk %s is %s: only a CREATED bulk takes more external ids", id, b.Status)
		}
		if err := addItems(ctx, bulks, &b, externalIDs); err != nil {
			return err
		}
		return bulks.Put(ctx, b)
	})
	return b, err
}

// addItems appends one pending item per external id; an id repeated in the request, or already in a bulk of the
// program, is the vendor's 409.
func addItems(ctx context.Context, bulks Repository, b *Bulk, externalIDs []string) error {
	seen := make(map[string]int, len(externalIDs))
	for i, ext := range externalIDs {
		field := fmt.Sprintf("/external_ids/%d", i)
		if j, dup := seen[ext]; dup {
			return rule.Conflict(field, "unique", "external id %q is listed twice (at %d and %d)", ext, j, i)
		}
		seen[ext] = i
		if _, ok := b.item(ext); ok {
			return rule.Conflict(field, "unique", "external id %q is already in bulk %s", ext, b.ID)
		}
		other, taken, err := bulks.ByExternalID(ctx, b.ProgramID, ext)
		if err != nil {
			return err
		}
		if taken {
			return rule.Conflict(field, "unique", "external id %q is already in bulk %s of program %d", ext, other.ID, b.ProgramID)
		}
		b.Items = append(b.Items, Item{ExternalID: ext, Status: ItemPending})
	}
	return nil
}
