package token

import (
	"context"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/rule"
)

// FieldProfile is the request body's network card profile.
const FieldProfile = "/network_card_profile"

// Profile returns the network card profile linked to a card of the scope; a card without one is refused with
// the vendor's "Card profile can't be null".
func (s *Service) Profile(ctx context.Context, caller access.Caller, scope access.Scope, cardID int64) (string, error) {
	var profile string
	err := s.view(ctx, caller.Tenant, func(r repos) error {
		if _, err := r.ownedCard(ctx, caller, scope, cardID); err != nil {
			return err
		}
		set, err := r.tokens.Settings(ctx, cardID)
		if err != nil {
			return err
		}
		if set.Profile == "" {
			return rule.Invalid(access.FieldCard, "profile", "card profile can't be null: card %d has no network card profile; assign one first", cardID)
		}
		profile = set.Profile
		return nil
	})
	return profile, err
}

// AssignProfile links a network card profile to a card that has none. Tokens made afterwards carry it; with
// updateTokens the card's live tokens take it too. The vendor documents no event for it.
func (s *Service) AssignProfile(ctx context.Context, caller access.Caller, cardID int64, profile string, updateTokens bool) error {
	return s.setProfile(ctx, caller, access.Scope{}, cardID, profile, updateTokens, false)
}

// ReplaceProfile replaces a card's network card profile; as the vendor says, it shows at the next
// tokenization, so existing tokens keep theirs.
func (s *Service) ReplaceProfile(ctx context.Context, caller access.Caller, scope access.Scope, cardID int64, profile string) error {
	return s.setProfile(ctx, caller, scope, cardID, profile, false, true)
}

func (s *Service) setProfile(ctx context.Context, caller access.Caller, scope access.Scope, cardID int64, profile string, updateTokens, replace bool) error {
	if profile == "" {
		return rule.Invalid(FieldProfile, "required", "card profile can't be null")
	}
	return s.update(ctx, caller.Tenant, func(r repos) error {
		if _, err := r.ownedCard(ctx, caller, scope, cardID); err != nil {
			return err
		}
		set, err := r.tokens.Settings(ctx, cardID)
		if err != nil {
			return err
		}
		switch {
		case replace && set.Profile == "":
			return rule.Invalid(access.FieldCard, "profile", "card %d has no network card profile to replace: assign one with POST", cardID)
		case !replace && set.Profile != "":
			return rule.Invalid(access.FieldCard, "profile", "card %d already has network card profile %s: replace it with PUT", cardID, set.Profile)
		}
		set.Profile = profile
		if err := r.tokens.PutSettings(ctx, set); err != nil {
			return err
		}
		if !updateTokens {
			return nil
		}
		tokens, err := r.tokens.ByCard(ctx, cardID)
		if err != nil {
			return err
		}
		for _, t := range tokens {
			if !t.Live() {
				continue
			}
			t.Profile, t.UpdatedAt = profile, now(r.tx)
			if err := r.tokens.Put(ctx, t); err != nil {
				return err
			}
		}
		return nil
	})
}
