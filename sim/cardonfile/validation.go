package cardonfile

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// ValidationStatus is where a validation is.
type ValidationStatus string

// The validation statuses the API names.
const (
	ValidationInProgress ValidationStatus = "IN_PROGRESS"
	ValidationSuccess    ValidationStatus = "SUCCESS"
	ValidationFailed     ValidationStatus = "FAILED"
)

// Validation is a small charge on a stored card the cardholder must read back: the amount, the tries left and
// the deadline.
type Validation struct {
	UUID            string
	Type            string // INVOICE
	Status          ValidationStatus
	AmountCents     int64
	ExpirationHours int
	RemainingTries  int
	StartedAt       time.Time
	ExpiresAt       time.Time
	ActivatedAt     *time.Time
	CanceledAt      *time.Time
	RefundedAt      *time.Time
	RefundID        string
	Tries           []Try
}

// Try is one reading of the amount the cardholder sent.
type Try struct {
	At          time.Time
	AmountCents int64
}

func (v Validation) clone() Validation {
	for _, p := range []**time.Time{&v.ActivatedAt, &v.CanceledAt, &v.RefundedAt} {
		if *p != nil {
			t := **p
			*p = &t
		}
	}
	v.Tries = append([]Try(nil), v.Tries...)
	return v
}

// Amount is the charge in currency units.
func (v Validation) Amount() float64 { return float64(v.AmountCents) / 100 }

// JobValidationExpiry is the job kind that fails a validation still in progress at its deadline: the card leaves
// the wallet (verification-1 FAILED, exclusion-1). Its subject is the stored card, its data the validation.
const JobValidationExpiry = "cardonfile.validation_expiry"

type expiryData struct {
	Validation string `json:"validation"`
}

// ValidationInput is a create-validation request; zero values take the vendor's defaults (96 hours, 3 tries).
type ValidationInput struct {
	ExpirationHours int
	RemainingTries  int
}

// StartValidation charges a stored card of the caller's account a seeded amount between 1.00 and 5.00 and
// gives the cardholder the tries and hours to read it back; verification-1 (PENDING) tells of it. A card already
// verified, or with a validation in progress, is refused.
func (s *Service) StartValidation(ctx context.Context, caller access.Caller, id string, in ValidationInput) (CardOnFile, Validation, error) {
	var c CardOnFile
	var v Validation
	err := s.change(ctx, caller, id, func(tx store.Tx, r Repository, card *CardOnFile) error {
		if card.Verified {
			return rule.Invalid("uuid", "verified", "card on file %s is verified already", id)
		}
		for _, old := range card.Validations {
			if old.Status == ValidationInProgress {
				return rule.Invalid("uuid", "in_progress", "card on file %s has validation %s in progress", id, old.UUID)
			}
		}
		if in.ExpirationHours == 0 {
			in.ExpirationHours = 96
		}
		if in.RemainingTries == 0 {
			in.RemainingTries = 3
		}
		n, err := r.NextSeq(ctx)
		if err != nil {
			return err
		}
		now := tx.Meta().Time
		gen := s.fake.For(tx.Org().ID, "card on file validation", n)
		cents := 100 + int64(digits(gen.Digits(3))%401) // 1.00 to 5.00
		v = Validation{UUID: s.fake.UUID(tx.Org().ID, "card on file validation", itoa(n)), Type: "INVOICE",
			Status: ValidationInProgress, AmountCents: cents, ExpirationHours: in.ExpirationHours,
			RemainingTries: in.RemainingTries, StartedAt: now, ExpiresAt: now.Add(time.Duration(in.ExpirationHours) * time.Hour)}
		card.Validations = append(card.Validations, v)
		data, err := json.Marshal(expiryData{Validation: v.UUID})
		if err != nil {
			return err
		}
		if _, err := tx.Schedule(job.Job{Kind: JobValidationExpiry, Subject: card.Subject(), Due: v.ExpiresAt, Data: data}); err != nil {
			return err
		}
		c = *card
		return tx.Emit(verified(*card, VerificationPending, now))
	})
	return c, v, err
}

// SubmitTry checks the cardholder's reading of a validation's amount: the right amount verifies the card
// (ACTIVE, verification-1 VERIFIED); a wrong one spends a try (verification-1 PENDING), and the last wrong try
// fails the validation and drops the card (verification-1 FAILED, exclusion-1).
func (s *Service) SubmitTry(ctx context.Context, caller access.Caller, id, validationID string, amount float64, at *time.Time) error {
	return s.update(ctx, caller.Tenant, func(tx store.Tx, r Repository) error {
		c, err := load(ctx, tx, r, caller, id)
		if err != nil {
			return err
		}
		v, err := c.validation(validationID)
		if err != nil {
			return err
		}
		if v.Status != ValidationInProgress {
			return rule.Invalid("validationid", "status", "validation %s is %s: it takes no more tries", validationID, v.Status)
		}
		now := tx.Meta().Time
		when := now
		if at != nil {
			when = *at
		}
		cents := int64(math.Round(amount * 100))
		v.Tries = append(v.Tries, Try{At: when, AmountCents: cents})
		if cents == v.AmountCents {
			v.Status, v.ActivatedAt = ValidationSuccess, &now
			s.refund(tx, v)
			c.Status, c.Verified = StatusActive, true
			if _, err := tx.CancelJobs(JobValidationExpiry, c.Subject()); err != nil {
				return err
			}
			if err := r.Put(ctx, c); err != nil {
				return err
			}
			return tx.Emit(verified(c, VerificationVerified, v.StartedAt))
		}
		v.RemainingTries--
		if v.RemainingTries > 0 {
			if err := r.Put(ctx, c); err != nil {
				return err
			}
			return tx.Emit(verified(c, VerificationPending, v.StartedAt))
		}
		return s.fail(ctx, tx, r, c, v)
	})
}

// RunExpiry runs a JobValidationExpiry job: a validation still in progress fails and the card leaves the wallet.
func (s *Service) RunExpiry(ctx context.Context, tx store.Tx, j job.Job) error {
	var d expiryData
	if err := json.Unmarshal(j.Data, &d); err != nil {
		return fmt.Errorf("%s job %d: data: %w", j.Kind, j.ID, err)
	}
	r := s.store.CardsOnFile(tx)
	c, err := r.Get(ctx, j.Subject.ID)
	if err != nil {
		return fmt.Errorf("%s job %d: %w", j.Kind, j.ID, err)
	}
	v, err := c.validation(d.Validation)
	if err != nil {
		return fmt.Errorf("%s job %d: %w", j.Kind, j.ID, err)
	}
	if v.Status != ValidationInProgress {
		return nil
	}
	return s.fail(ctx, tx, r, c, v)
}

// fail ends a validation as FAILED, refunds its charge and drops the card from the wallet.
func (s *Service) fail(ctx context.Context, tx store.Tx, r Repository, c CardOnFile, v *Validation) error {
	now := tx.Meta().Time
	v.Status, v.CanceledAt = ValidationFailed, &now
	s.refund(tx, v)
	if _, err := tx.CancelJobs(JobValidationExpiry, c.Subject()); err != nil {
		return err
	}
	if err := r.Remove(ctx, c.UUID); err != nil {
		return err
	}
	if err := tx.Emit(verified(c, VerificationFailed, v.StartedAt)); err != nil {
		return err
	}
	return tx.Emit(excluded(c, OriginCRM))
}

// refund returns a finished validation's charge, with a seeded refund id.
func (s *Service) refund(tx store.Tx, v *Validation) {
	now := tx.Meta().Time
	v.RefundedAt = &now
	v.RefundID = s.fake.UUID(tx.Org().ID, "card on file refund", v.UUID)
}

// validation returns the card's validation with that id; an unknown one names the path parameter.
func (c *CardOnFile) validation(id string) (*Validation, error) {
	for i := range c.Validations {
		if c.Validations[i].UUID == id {
			return &c.Validations[i], nil
		}
	}
	return nil, rule.Invalid("validationid", "exists", "card on file %s has no validation %s", c.UUID, id)
}

// Validation returns one validation of a stored card of the caller's account.
func (s *Service) Validation(ctx context.Context, caller access.Caller, id, validationID string) (Validation, error) {
	var v Validation
	err := s.view(ctx, caller.Tenant, func(tx store.Tx, r Repository) error {
		c, err := load(ctx, tx, r, caller, id)
		if err != nil {
			return err
		}
		found, err := c.validation(validationID)
		if err == nil {
			v = found.clone()
		}
		return err
	})
	return v, err
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}
