package card

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// JobBind is the job kind that announces a bind: bind_card-1 for the bound card and, when it replaced one,
// update-1 (BIND_REISSUE) for the replaced card. The vendor answers a bind 202 and emits these afterwards.
const JobBind = "card.bind"

// bindData is a JobBind job's data.
type bindData struct {
	Replaced *int64 `json:"replaced_card_id,omitempty"`
}

// Bind gives an UNBOUND noname card of the account's program to a customer of the caller's account (the
// scope): the card becomes CREATED and the customer's. With replaces, that card of the same customer is
// CANCELED and the bound card takes its place (reissued_card_id). The events follow from a JobBind job.
func (s *Service) Bind(ctx context.Context, caller access.Caller, scope access.Scope, id int64, replaces *int64) (Card, error) {
	var c Card
	var failed failure
	err := s.update(ctx, caller.Tenant, func(tx store.Tx, cards Repository) error {
		owner, err := caller.Resolve(tx.Org(), scope)
		if err != nil {
			return err
		}
		c, err = cards.Get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return rule.NotFound(access.FieldCard, "card %d not found", id)
		}
		if err != nil {
			return err
		}
		if c.AccountID != 0 && c.AccountID != owner.Account.ID {
			return rule.Forbidden(access.FieldCard, "account", "card %d belongs to another account", id)
		}
		if stop, err := failed.check(ctx, s, tx, c, Bound(c, OpBindNoname)); stop || err != nil {
			return err
		}
		change, err := c.Bind(owner.Account.ID, owner.Customer.ID, now(tx))
		if err != nil {
			return err
		}
		if c.ProgramID != owner.Account.ProgramID {
			return rule.Conflict(access.FieldCard, "program", "card %d is of program %d; account %d is of program %d", id, c.ProgramID, owner.Account.ID, owner.Account.ProgramID)
		}
		op := OpBindNoname
		if replaces != nil {
			op = OpBindReissue
			old, err := Owned(ctx, tx, cards, caller, scope, *replaces)
			if err != nil {
				return reissuedField(err)
			}
			retired, changed := old.Replace(c.ID, true, OpBindReissue, now(tx))
			if err := save(ctx, cards, old, retired, changed); err != nil {
				return err
			}
			if err := scheduleExpiry(tx, old); err != nil {
				return err
			}
			c.ReissuedCardID = &old.ID
		}
		if key := c.UniqueKey(); key != "" {
			if other, taken, err := cards.ByUniqueKey(ctx, key); err != nil {
				return err
			} else if taken {
				return rule.Conflict("/reissued_card_id", "unique", "customer %d already has a live %s card (%d): bind with reissued_card_id to replace it", owner.Customer.ID, c.Type, other.ID)
			}
		}
		change.Operation = op
		if err := save(ctx, cards, c, change, true); err != nil {
			return err
		}
		if err := scheduleExpiry(tx, c); err != nil {
			return err
		}
		data, err := json.Marshal(bindData{Replaced: replaces})
		if err != nil {
			return err
		}
		_, err = tx.Schedule(job.Job{Kind: JobBind, Subject: c.Subject(), Due: tx.Meta().Time, Data: data})
		return err
	})
	return c, failed.or(err)
}

// reissuedField points a refusal about the card to replace at the body field that named it.
func reissuedField(err error) error {
	var v *rule.Violation
	if errors.As(err, &v) && v.Field == access.FieldCard {
		v.Field = "/reissued_card_id"
	}
	return err
}

// RunBind runs a JobBind job: bind_card-1 for the bound card, then update-1 for the card it replaced.
func (s *Service) RunBind(ctx context.Context, tx store.Tx, j job.Job) error {
	id, err := strconv.ParseInt(j.Subject.ID, 10, 64)
	if err != nil {
		return fmt.Errorf("%s job %d: subject %s is not a card", j.Kind, j.ID, j.Subject)
	}
	var data bindData
	if err := json.Unmarshal(j.Data, &data); err != nil {
		return fmt.Errorf("%s job %d: data: %w", j.Kind, j.ID, err)
	}
	cards := s.store.Cards(tx)
	c, err := cards.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("%s job %d: %w", j.Kind, j.ID, err)
	}
	op := OpBindNoname
	if data.Replaced != nil {
		op = OpBindReissue
	}
	c.PreviousStatus = StatusUnbound // the event tells of the bind, whatever happened to the card since
	if err := tx.Emit(Bound(c, op)); err != nil {
		return err
	}
	if data.Replaced == nil {
		return nil
	}
	old, err := cards.Get(ctx, *data.Replaced)
	if err != nil {
		return fmt.Errorf("%s job %d: the replaced card: %w", j.Kind, j.ID, err)
	}
	return announce(tx, old, Updated(old, OpBindReissue))
}
