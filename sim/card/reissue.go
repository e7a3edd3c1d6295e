package card

import (
	"context"
	"fmt"
	"time"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// ReissueInput is a reissue request, already checked against the contract: the reason, and what the new card
// does differently from the old one (nil or zero: as the old card).
type ReissueInput struct {
	IdempotencyKey           string
	ReasonID                 int64
	PrintedName              string
	PINLength                int
	CVVRotationIntervalHours *int
	EmbossingGroup           *string
	EmbossingCustomField     *string
	ContactlessEnabled       *bool
	AbuEnabled               *bool
	Metadata                 map[string]any
	TemplateID               *string
	ModeType                 *string
	UpdateTokens             bool
	Unnumbered               bool
	Brand                    string
	GeneratePVV              *bool
	ExpirationDate           string // yymm, or empty for the program's default
	ValidityPeriodHours      *int
	ATMChangeOnlinePIN       *bool
}

// opReissue scopes reissue's idempotency keys.
const opReissue = "reissue"

// Reissue replaces a card with a new one: new PAN under the same BIN, track number one higher, the old card's
// id in reissued_card_id. The reason decides the old card's fate (Card.Replace). It emits update-1 for the old
// card (REISSUE, new_card_id) and then create-1 for the new one (at once, or from the PCI job). Reissuing a
// card that was reissued already, or replaying an idempotency key, returns that new card and emits nothing
// (replay=true).
func (s *Service) Reissue(ctx context.Context, caller access.Caller, scope access.Scope, id int64, in ReissueInput) (fresh Card, replay bool, err error) {
	var failed failure
	err = s.update(ctx, caller.Tenant, func(tx store.Tx, cards Repository) error {
		old, err := Owned(ctx, tx, cards, caller, scope, id)
		if err != nil {
			return err
		}
		if prior, ok, err := s.priorReissue(ctx, cards, old, in.IdempotencyKey); err != nil || ok {
			fresh, replay = prior, ok
			return err
		}
		if stop, err := failed.check(ctx, s, tx, old, Reissued(old, in.UpdateTokens)); stop || err != nil {
			return err
		}
		switch old.Status {
		case StatusUnbound, StatusUnnumbered:
			return rule.Conflict(access.FieldCard, "status", "card %d is %s: only a card with a PAN and an owner can be reissued", old.ID, old.Status)
		}
		why, ok, err := reason(ctx, tx, cards, in.ReasonID)
		switch {
		case err != nil:
			return err
		case !ok:
			return rule.Invalid("/reason_id", "exists", "reissue reason %d does not exist; GET /cards/v1/reissue/reasons lists them", in.ReasonID)
		case !why.Enabled:
			return rule.Invalid("/reason_id", "enabled", "reissue reason %d is disabled", in.ReasonID)
		}
		if err := checkReissue(old, in); err != nil {
			return err
		}
		prog, ok := tx.Org().Program(old.ProgramID)
		if !ok {
			return fmt.Errorf("card %d: program %d missing from the fixtures", old.ID, old.ProgramID)
		}
		if err := CheckLimits(in.ValidityPeriodHours, in.ExpirationDate, in.Metadata, now(tx), expiry(now(tx), prog.ExpiryMonths, in.ExpirationDate)); err != nil {
			return err
		}
		newID, err := cards.NextID(ctx)
		if err != nil {
			return err
		}
		change, changed := old.Replace(newID, why.MustBlock, OpReissue, now(tx))
		if err := save(ctx, cards, old, change, changed); err != nil {
			return err
		}
		if err := scheduleExpiry(tx, old); err != nil {
			return err
		}
		fresh = successor(old, newID, prog, in, now(tx))
		if key := fresh.UniqueKey(); key != "" {
			if other, taken, err := cards.ByUniqueKey(ctx, key); err != nil {
				return err
			} else if taken {
				return rule.Conflict(access.FieldCard, "unique", "customer %d already has another live %s card (%d) the new card would collide with", old.CustomerID, old.Type, other.ID)
			}
		}
		if err := announce(tx, old, Reissued(old, in.UpdateTokens)); err != nil {
			return err
		}
		if err := s.numberOrSchedule(ctx, tx, &fresh); err != nil {
			return err
		}
		if err := cards.Put(ctx, fresh); err != nil {
			return err
		}
		if in.UpdateTokens {
			if err := s.onReissued.Run(ctx, tx, fresh); err != nil {
				return err
			}
		}
		if err := scheduleExpiry(tx, fresh); err != nil {
			return err
		}
		if in.IdempotencyKey != "" {
			return cards.RememberIdempotent(ctx, opReissue, in.IdempotencyKey, fresh.ID)
		}
		return nil
	})
	if err = failed.or(err); err != nil {
		return Card{}, false, err
	}
	return fresh, replay, nil
}

// priorReissue returns the new card of an earlier reissue: the one the idempotency key made, or the one that
// already replaced old.
func (s *Service) priorReissue(ctx context.Context, cards Repository, old Card, key string) (Card, bool, error) {
	id := old.NewCardID
	if key != "" {
		prior, ok, err := cards.Idempotent(ctx, opReissue, key)
		if err != nil {
			return Card{}, false, err
		}
		if ok {
			id = &prior
		}
	}
	if id == nil {
		return Card{}, false, nil
	}
	c, err := cards.Get(ctx, *id)
	if err != nil {
		return Card{}, false, fmt.Errorf("card %d: the card of its earlier reissue: %w", old.ID, err)
	}
	return c, true, nil
}

// checkReissue applies create-card's field rules to what the reissue changes.
func checkReissue(old Card, in ReissueInput) error {
	switch {
	case in.Unnumbered && in.Brand == "":
		return rule.Invalid("/brand", "required", "brand is required when status is UNNUMBERED")
	case old.Type != TypeVirtual && in.CVVRotationIntervalHours != nil:
		return rule.Invalid("/cvv_rotation_interval_hours", "type", "cvv_rotation_interval_hours applies to VIRTUAL cards only; card %d is %s", old.ID, old.Type)
	case in.ValidityPeriodHours != nil && old.Type != TypeVirtual && old.Type != TypePlastic:
		return rule.Invalid("/validity_period_hours", "type", "validity_period_hours applies to VIRTUAL and PLASTIC cards only; card %d is %s", old.ID, old.Type)
	}
	return nil
}

// successor builds the card that replaces old: the old card's owner, program, alias and settings, with the
// reissue's changes, a fresh status and no PCI data yet.
func successor(old Card, id int64, prog org.Program, in ReissueInput, now time.Time) Card {
	c := old.Clone()
	c.ID = id
	c.Hash, c.LastFour = "", "" // the PCI domain numbers the new card
	c.NewCardID, c.ActivationDate, c.PasswordTries = nil, nil, 0
	c.ReissuedCardID = &old.ID
	c.TrackNumber = old.TrackNumber + 1
	c.IssuingDate = now
	c.ExpirationDate = expiry(now, prog.ExpiryMonths, in.ExpirationDate)
	if in.PrintedName != "" {
		c.PrintedName = in.PrintedName
	}
	if in.PINLength != 0 {
		c.PINLength = in.PINLength
	}
	setIf(&c.CVVRotationIntervalHours, in.CVVRotationIntervalHours)
	setIf(&c.EmbossingGroup, in.EmbossingGroup)
	setIf(&c.EmbossingCustomField, in.EmbossingCustomField)
	setIf(&c.TemplateID, in.TemplateID)
	setIf(&c.ModeType, in.ModeType)
	if in.ContactlessEnabled != nil {
		c.ContactlessEnabled = *in.ContactlessEnabled
	}
	if in.AbuEnabled != nil {
		c.AbuEnabled = *in.AbuEnabled
	}
	if in.GeneratePVV != nil {
		c.GeneratePVV = *in.GeneratePVV
	}
	if in.ATMChangeOnlinePIN != nil {
		c.ATMChangeOnlinePIN = *in.ATMChangeOnlinePIN
	}
	if in.Metadata != nil {
		c.Metadata = CloneMetadata(in.Metadata)
	}
	if in.Brand != "" {
		c.Brand = in.Brand
	}
	if in.ValidityPeriodHours != nil {
		c.ValidityPeriodHours = clonePtr(in.ValidityPeriodHours)
	}
	c.ValidUntil = nil
	c.start(now, prog, in.Unnumbered)
	c.ATC, c.VisaUpdater = 0, false
	return c
}

func setIf[T any](dst **T, v *T) {
	if v != nil {
		*dst = clonePtr(v)
	}
}

// numberOrSchedule gives a new card its PCI data and create-1 now, or schedules them after the PCI delay; a
// card created UNNUMBERED gets neither.
func (s *Service) numberOrSchedule(ctx context.Context, tx store.Tx, c *Card) error {
	switch {
	case c.Status == StatusUnnumbered:
		return nil
	case s.pciDelay == 0:
		return s.number(ctx, tx, c)
	}
	_, err := tx.Schedule(job.Job{Kind: JobNumber, Subject: c.Subject(), Due: tx.Meta().Time.Add(s.pciDelay)})
	return err
}
