package card

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// The tenant's reissue reasons: the fixtures' reasons, overlaid by those the tenant created or changed.

// reasons returns the tenant's reissue reasons by id.
func reasons(ctx context.Context, tx store.Tx, cards Repository) ([]org.ReissueReason, error) {
	changed, err := cards.Reasons(ctx)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(tx.Org().ReissueReasons)
	for _, r := range changed {
		if i := slices.IndexFunc(out, func(f org.ReissueReason) bool { return f.ID == r.ID }); i >= 0 {
			out[i] = r
		} else {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b org.ReissueReason) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

func reason(ctx context.Context, tx store.Tx, cards Repository, id int64) (org.ReissueReason, bool, error) {
	all, err := reasons(ctx, tx, cards)
	if err != nil {
		return org.ReissueReason{}, false, err
	}
	i := slices.IndexFunc(all, func(r org.ReissueReason) bool { return r.ID == id })
	if i < 0 {
		return org.ReissueReason{}, false, nil
	}
	return all[i], true, nil
}

// Reasons returns the tenant's reissue reasons by id.
func (s *Service) Reasons(ctx context.Context, caller access.Caller) ([]org.ReissueReason, error) {
	var out []org.ReissueReason
	err := s.view(ctx, caller.Tenant, func(tx store.Tx, cards Repository) error {
		var err error
		out, err = reasons(ctx, tx, cards)
		return err
	})
	return out, err
}

// ReasonPatch changes a reissue reason: nil fields are left as they are.
type ReasonPatch struct {
	Description *string
	MustBlock   *bool
	MustCharge  *bool
	Cost        *float64
	Type        *string
	Enabled     *bool
}

// CreateReason adds a reissue reason to the tenant, numbered after its highest one; Enabled defaults to true.
func (s *Service) CreateReason(ctx context.Context, caller access.Caller, r org.ReissueReason) (org.ReissueReason, error) {
	err := s.update(ctx, caller.Tenant, func(tx store.Tx, cards Repository) error {
		if err := checkDescription(r.Description); err != nil {
			return err
		}
		all, err := reasons(ctx, tx, cards)
		if err != nil {
			return err
		}
		r.ID = 1
		if n := len(all); n > 0 {
			r.ID = all[n-1].ID + 1
		}
		return cards.PutReason(ctx, r)
	})
	return r, err
}

// UpdateReason changes a reissue reason of the tenant.
func (s *Service) UpdateReason(ctx context.Context, caller access.Caller, id int64, p ReasonPatch) (org.ReissueReason, error) {
	var r org.ReissueReason
	err := s.update(ctx, caller.Tenant, func(tx store.Tx, cards Repository) error {
		var ok bool
		var err error
		if r, ok, err = reason(ctx, tx, cards, id); err != nil {
			return err
		}
		if !ok {
			return rule.NotFound("id", "reissue reason %d not found", id)
		}
		if p.Description != nil {
			if err := checkDescription(*p.Description); err != nil {
				return err
			}
			r.Description = *p.Description
		}
		if p.MustBlock != nil {
			r.MustBlock = *p.MustBlock
		}
		if p.MustCharge != nil {
			r.MustCharge = *p.MustCharge
		}
		if p.Cost != nil {
			r.Cost = *p.Cost
		}
		if p.Type != nil {
			r.Type = *p.Type
		}
		if p.Enabled != nil {
			r.Enabled = *p.Enabled
		}
		return cards.PutReason(ctx, r)
	})
	return r, err
}

func checkDescription(d string) error {
	if strings.TrimSpace(d) == "" {
		return rule.Invalid("/description", "minLength", "description must not be blank")
	}
	return nil
}
