package token

import (
	"context"
	"errors"
	"strconv"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// OperationInput is an issuer's operation on a token, already checked against the contract.
type OperationInput struct {
	Operation      Operation
	Reason         string
	ActivationCode string
	OperatorID     string
}

// List returns a card of the caller's account and its tokens, oldest first.
func (s *Service) List(ctx context.Context, caller access.Caller, cardID int64) (card.Card, []Token, error) {
	var c card.Card
	var out []Token
	err := s.view(ctx, caller.Tenant, func(r repos) error {
		var err error
		if c, err = r.ownedCard(ctx, caller, access.Scope{}, cardID); err != nil {
			return err
		}
		out, err = r.tokens.ByCard(ctx, cardID)
		return err
	})
	return c, out, err
}

// Get returns one token of a card of the caller's account, with the card.
func (s *Service) Get(ctx context.Context, caller access.Caller, cardID int64, tokenID string) (card.Card, Token, error) {
	var c card.Card
	var t Token
	err := s.view(ctx, caller.Tenant, func(r repos) error {
		var err error
		c, t, err = r.cardToken(ctx, caller, cardID, tokenID)
		return err
	})
	return c, t, err
}

// Operate runs an issuer's operation on a token: its network applies it (a status change, or the approval of
// the most recently unbound Visa device) and tells of it with notification-1. The networks' refusals of an
// illegal change (resuming a token that is not SUSPENDED, anything on a DEACTIVATED token, Visa's operations on
// a Mastercard token and back) name /operation_type.
func (s *Service) Operate(ctx context.Context, caller access.Caller, cardID int64, tokenID string, in OperationInput) (Token, error) {
	var t Token
	err := s.update(ctx, caller.Tenant, func(r repos) error {
		c, tok, err := r.cardToken(ctx, caller, cardID, tokenID)
		if err != nil {
			return err
		}
		t = tok
		return s.operate(ctx, r, c, &t, in)
	})
	return t, err
}

// operate applies one operation to a token and saves it.
func (s *Service) operate(ctx context.Context, r repos, c card.Card, t *Token, in OperationInput) error {
	from := t.Status
	var call Call
	switch in.Operation {
	case OpDeviceApprove, OpDeviceApproveBank:
		if err := t.approveDevice(); err != nil {
			return err
		}
		call = CallVTSDeviceBinding
	case OpCallCenter:
		if in.ActivationCode == "" {
			return rule.Invalid("/activation_code", "required", "activation_code is required with CALL_CENTER_ACTIVATION")
		}
		fallthrough
	default:
		if err := t.apply(in.Operation); err != nil {
			return err
		}
		call = statusCall(t.Network, from, t.Status)
		switch in.Operation {
		case OpCallCenter:
			call = CallVTSCallCenter
		case OpAppToApp:
			call = CallTC
		}
		if from == StatusInactive {
			if _, err := r.tx.CancelJobs(JobChallengeExpiry, t.Subject()); err != nil {
				return err
			}
		}
	}
	t.UpdatedAt = now(r.tx)
	extra := map[string]any{"entityOfLastAction": "ISSUER", "operationReason": in.Reason}
	if in.OperatorID != "" {
		extra["operatorId"] = in.OperatorID
	}
	if err := r.tx.Emit(notification(*t, call, message(*t, c.LastFour, extra))); err != nil {
		return err
	}
	return r.tokens.Put(ctx, *t)
}

// OperateCard runs SUSPEND, RESUME or DELETE on every token of the card that can take it (ACTIVE tokens
// suspend, SUSPENDED ones resume, any but DEACTIVATED delete), each told by notification-1. A card with no
// such token is refused, as the vendor's "Token not found". A token without an account id may name any card
// of its tenant: the vendor's card-wide operation takes no account token.
func (s *Service) OperateCard(ctx context.Context, caller access.Caller, cardID int64, in OperationInput) ([]Token, error) {
	var done []Token
	err := s.update(ctx, caller.Tenant, func(r repos) error {
		c, err := r.ownedCard(ctx, caller, access.Scope{}, cardID)
		if err != nil {
			return err
		}
		tokens, err := r.tokens.ByCard(ctx, cardID)
		if err != nil {
			return err
		}
		for _, t := range tokens {
			if to, _ := in.Operation.target(); !CanMove(t.Status, to) || (in.Operation == OpResume && t.Status != StatusSuspended) {
				continue
			}
			if err := s.operate(ctx, r, c, &t, in); err != nil {
				return err
			}
			done = append(done, t)
		}
		if len(done) == 0 {
			return rule.Invalid(access.FieldCard, "tokens", "card %d has no token that %s applies to", cardID, in.Operation)
		}
		return nil
	})
	return done, err
}

// approveDevice binds the token's most recently unbound device again (Visa only).
func (t *Token) approveDevice() error {
	if t.Network != NetworkVTS {
		return rule.Invalid(FieldOperation, "network", "device approval is Visa's; token %d is Mastercard's", t.ID)
	}
	if t.Status == StatusDeactivated {
		return rule.Invalid(FieldOperation, "transition", "token %d is DEACTIVATED", t.ID)
	}
	for i := len(t.Devices) - 1; i >= 0; i-- {
		if !t.Devices[i].Bound {
			t.Devices[i].Bound = true
			return nil
		}
	}
	return rule.Invalid(FieldOperation, "device", "token %d has no inactive device to approve", t.ID)
}

// ownedCard returns a card the caller may touch; a caller without an account (the card-wide operation) may
// touch any card of its tenant.
func (r repos) ownedCard(ctx context.Context, caller access.Caller, scope access.Scope, id int64) (card.Card, error) {
	cards := r.st.Cards(r.tx)
	if caller.AccountID != 0 {
		return card.Owned(ctx, r.tx, cards, caller, scope, id)
	}
	c, err := cards.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return card.Card{}, rule.NotFound(access.FieldCard, "card %d not found", id)
	}
	return c, err
}

// cardToken returns a card the caller may touch and one of its tokens; a token of another card is not found,
// as the vendor answers.
func (r repos) cardToken(ctx context.Context, caller access.Caller, cardID int64, tokenID string) (card.Card, Token, error) {
	c, err := r.ownedCard(ctx, caller, access.Scope{}, cardID)
	if err != nil {
		return card.Card{}, Token{}, err
	}
	id, err := strconv.ParseInt(tokenID, 10, 64)
	if err != nil {
		return card.Card{}, Token{}, rule.NotFound(FieldNetworkToken, "token %q not found", tokenID)
	}
	t, err := r.tokens.Get(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound), err == nil && t.CardID != cardID:
		return card.Card{}, Token{}, rule.NotFound(FieldNetworkToken, "token %s not found on card %d", tokenID, cardID)
	case err != nil:
		return card.Card{}, Token{}, err
	}
	return c, t, nil
}
