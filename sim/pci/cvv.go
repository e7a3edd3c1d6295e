package pci

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// GuardWindow is the vendor's rotation guard: a CVV rotated within two minutes of the previous rotation still
// changes, but sets no new schedule.
const GuardWindow = 2 * time.Minute

// rotatable refuses CVV operations on a card that is not VIRTUAL: the vendor rotates virtual cards' CVVs only.
func rotatable(c card.Card) error {
	if c.Type != card.TypeVirtual {
		return rule.Invalid(access.FieldCard, "type", "card %d is %s: CVV rotation applies to VIRTUAL cards only", c.ID, c.Type)
	}
	return nil
}

// rotate gives the card a new CVV from its own seeded generator and, outside the guard window, a new schedule.
// It returns the next rotation date the event announces.
func (s *Service) rotate(tx store.Tx, c card.Card, d *Data, now time.Time) (time.Time, error) {
	d.CVVRotations++
	d.CVV = CVV(s.fake.For(tx.Meta().Tenant, "cvv/"+strconv.Itoa(d.CVVRotations), c.ID).Digits(3))
	guarded := d.CVVRotatedAt != nil && now.Sub(*d.CVVRotatedAt) < GuardWindow
	d.CVVRotatedAt = &now
	if !guarded {
		if err := scheduleRotation(tx, c, d, now); err != nil {
			return time.Time{}, err
		}
	}
	if d.CVVNextRotation == nil {
		return now, nil // no automatic rotation: the event still needs a date, and now is when it changed
	}
	return *d.CVVNextRotation, nil
}

// RotateCVV forces a new CVV on a VIRTUAL card (rotate_cvv-1, MANUAL), with the service code given, if any.
func (s *Service) RotateCVV(ctx context.Context, caller access.Caller, id int64, serviceCode string) error {
	_, err := s.change(ctx, caller, id, func(tx store.Tx, _ repos, c card.Card, d *Data) error {
		if err := rotatable(c); err != nil {
			return err
		}
		if serviceCode != "" {
			d.ServiceCode = serviceCode
		}
		next, err := s.rotate(tx, c, d, tx.Meta().Time.Truncate(time.Second))
		if err != nil {
			return err
		}
		return tx.Emit(CVVChanged(c, next, RotationManual, ""))
	})
	return err
}

// RunRotation runs a JobCVVRotation job: the CVV rotates (rotate_cvv-1, AUTOMATIC) unless the schedule moved
// or the card left rotation since.
func (s *Service) RunRotation(ctx context.Context, tx store.Tx, j job.Job) error {
	id, err := strconv.ParseInt(j.Subject.ID, 10, 64)
	if err != nil {
		return fmt.Errorf("%s job %d: subject %s is not a card", j.Kind, j.ID, j.Subject)
	}
	r := repos{cards: s.store.Cards(tx), data: s.store.PCI(tx)}
	c, err := r.cards.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	d, err := r.data.Get(ctx, id)
	if err != nil {
		return err
	}
	if d.CVVNextRotation == nil || !d.CVVNextRotation.Equal(j.Due) || c.Status.Group() == card.GroupTermination {
		return nil
	}
	next, err := s.rotate(tx, c, &d, j.Due)
	if err != nil {
		return err
	}
	if err := tx.Emit(CVVChanged(c, next, RotationAutomatic, "")); err != nil {
		return err
	}
	return r.data.Put(ctx, d)
}

// ChangeRotation sets a VIRTUAL card's rotation interval and restarts its schedule from now (rotate_cvv-1,
// CHANGE_CVV_ROTATION).
func (s *Service) ChangeRotation(ctx context.Context, caller access.Caller, id int64, hours int) (card.Card, error) {
	var changed card.Card
	_, err := s.change(ctx, caller, id, func(tx store.Tx, r repos, c card.Card, d *Data) error {
		if err := rotatable(c); err != nil {
			return err
		}
		c.CVVRotationIntervalHours = &hours
		changed = c
		if err := r.cards.Put(ctx, c); err != nil {
			return err
		}
		if err := scheduleRotation(tx, c, d, tx.Meta().Time); err != nil {
			return err
		}
		next := tx.Meta().Time
		if d.CVVNextRotation != nil {
			next = *d.CVVNextRotation
		}
		return tx.Emit(CVVChanged(c, next, RotationManual, OpChangeRotation))
	})
	return changed, err
}

// DeleteRotation stops a VIRTUAL card's automatic rotation (rotate_cvv-1, DELETE_CVV_ROTATION, announcing the
// rotation that will no longer happen).
func (s *Service) DeleteRotation(ctx context.Context, caller access.Caller, id int64) error {
	_, err := s.change(ctx, caller, id, func(tx store.Tx, r repos, c card.Card, d *Data) error {
		if err := rotatable(c); err != nil {
			return err
		}
		if d.CVVNextRotation == nil {
			return rule.Invalid(access.FieldCard, "cvv_rotation", "card %d has no CVV rotation to delete", c.ID)
		}
		cancelled := *d.CVVNextRotation
		c.CVVRotationIntervalHours = nil
		if err := r.cards.Put(ctx, c); err != nil {
			return err
		}
		if err := scheduleRotation(tx, c, d, tx.Meta().Time); err != nil {
			return err
		}
		return tx.Emit(CVVChanged(c, cancelled, RotationManual, OpDeleteRotation))
	})
	return err
}

// ValidateNonameCVV checks the CVV of a noname card (one issued in a bulk): the vendor's 400 when it does not
// match. The card need not belong to the caller's account, since a noname card belongs to no account until
// bound.
func (s *Service) ValidateNonameCVV(ctx context.Context, caller access.Caller, id int64, cvv string) error {
	return s.view(ctx, caller.Tenant, func(tx store.Tx, r repos) error {
		c, err := r.cards.Get(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && c.AccountID != 0 && c.AccountID != caller.AccountID) {
			return rule.NotFound(access.FieldCard, "card %d not found", id)
		}
		if err != nil {
			return err
		}
		if c.BulkID == nil {
			return rule.Invalid(access.FieldCard, "noname", "card %d is not a noname card", id)
		}
		d, err := r.data.Get(ctx, id)
		if err != nil {
			return rule.NotFound(access.FieldCard, "card %d has no PCI data yet", id)
		}
		if d.CVV.Reveal() != cvv {
			return rule.Invalid("/cvv", "match", "the CVV does not match the card's")
		}
		return nil
	})
}
