package pci

import (
	"context"
	"errors"
	"fmt"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// A card's network benefits (Mastercard's segments and their bundles). The vendor announces each change with
// cards benefits_allocation-1, whose fields it does not publish: the simulator keeps the state and emits no
// event (docs/fidelity.md).

// BenefitResult is what a benefits operation answers: the bundles it assigned or canceled and the network's
// correlation id of the change.
type BenefitResult struct {
	Bundles              []string
	NetworkCorrelationID string
}

// bundles are the benefit bundles a segment gives, derived from its code (the network decides them).
func bundles(segment string) []string {
	return []string{segment + "-TRAVEL", segment + "-CONCIERGE"}
}

// benefits runs fn on a card's PCI data and answers the bundles it returns, with a network correlation id.
func (s *Service) benefits(ctx context.Context, caller access.Caller, scope access.Scope, id int64, field string, fn func(*Data) ([]string, error)) (BenefitResult, error) {
	var out BenefitResult
	err := s.update(ctx, caller.Tenant, func(tx store.Tx, r repos) error {
		_, d, err := load(ctx, tx, r, caller, scope, id)
		if err != nil {
			return cardField(err, field)
		}
		if out.Bundles, err = fn(&d); err != nil {
			return err
		}
		out.NetworkCorrelationID = s.fake.UUID("benefits", tx.Meta().Tenant, seq(id, len(d.Benefits.Bundles)), tx.Meta().CID)
		return r.data.Put(ctx, d)
	})
	return out, err
}

// cardField names the body field a benefits request carried the card in.
func cardField(err error, field string) error {
	var v *rule.Violation
	if errors.As(err, &v) && v.Field == access.FieldCard {
		v.Field = field
	}
	return err
}

// AssignSegment gives a card a segment and its bundles; a card that has one already is refused (replace it).
func (s *Service) AssignSegment(ctx context.Context, caller access.Caller, id int64, segments []string) (BenefitResult, error) {
	return s.benefits(ctx, caller, access.Scope{}, id, "/card_id", func(d *Data) ([]string, error) {
		if len(segments) != 1 {
			return nil, rule.Invalid("/segments", "maxItems", "exactly one segment is assigned at a time")
		}
		if d.Benefits.Segment != "" {
			return nil, rule.Invalid("/segments", "assigned", "card %d has segment %s already: replace it", id, d.Benefits.Segment)
		}
		d.Benefits.Segment, d.Benefits.Bundles = segments[0], bundles(segments[0])
		return d.Benefits.Bundles, nil
	})
}

// ReplaceSegment cancels a card's segment and its bundles and assigns another.
func (s *Service) ReplaceSegment(ctx context.Context, caller access.Caller, id int64, old, next string) (BenefitResult, error) {
	return s.benefits(ctx, caller, access.Scope{}, id, "/card_id", func(d *Data) ([]string, error) {
		if d.Benefits.Segment != old {
			return nil, rule.Invalid("/old_segment_code", "match", "card %d's segment is %q, not %q", id, d.Benefits.Segment, old)
		}
		d.Benefits.Segment, d.Benefits.Bundles = next, bundles(next)
		return d.Benefits.Bundles, nil
	})
}

// CancelSegment cancels a card's segment and answers the bundles it canceled.
func (s *Service) CancelSegment(ctx context.Context, caller access.Caller, id int64, code string) (BenefitResult, error) {
	return s.benefits(ctx, caller, access.Scope{}, id, "/card_id", func(d *Data) ([]string, error) {
		if d.Benefits.Segment != code || code == "" {
			return nil, rule.Invalid("/code", "match", "card %d's segment is %q, not %q", id, d.Benefits.Segment, code)
		}
		canceled := d.Benefits.Bundles
		d.Benefits = Benefits{Frozen: d.Benefits.Frozen}
		return canceled, nil
	})
}

// FreezeBenefits freezes or unfreezes a card's benefits.
func (s *Service) FreezeBenefits(ctx context.Context, caller access.Caller, id int64, frozen bool) error {
	_, err := s.benefits(ctx, caller, access.Scope{}, id, "/card_id", func(d *Data) ([]string, error) {
		d.Benefits.Frozen = frozen
		return nil, nil
	})
	return err
}

// MoveBenefits replaces the card a customer's benefits belong to: the old card's are canceled and the same set
// is given to the new card.
func (s *Service) MoveBenefits(ctx context.Context, caller access.Caller, customer int64, oldID, newID int64) (BenefitResult, error) {
	var out BenefitResult
	err := s.update(ctx, caller.Tenant, func(tx store.Tx, r repos) error {
		scope := access.Scope{CustomerID: customer}
		_, old, err := load(ctx, tx, r, caller, scope, oldID)
		if err != nil {
			return cardField(err, "/old_card_id")
		}
		_, fresh, err := load(ctx, tx, r, caller, scope, newID)
		if err != nil {
			return cardField(err, "/new_card_id")
		}
		if old.Benefits.Segment == "" {
			return rule.Invalid("/old_card_id", "benefits", "card %d has no benefits to move", oldID)
		}
		fresh.Benefits, old.Benefits = old.Benefits, Benefits{}
		out = BenefitResult{Bundles: fresh.Benefits.Bundles,
			NetworkCorrelationID: s.fake.UUID("benefits", tx.Meta().Tenant, fmt.Sprintf("%d>%d", oldID, newID), tx.Meta().CID)}
		if err := r.data.Put(ctx, old); err != nil {
			return err
		}
		return r.data.Put(ctx, fresh)
	})
	return out, err
}
