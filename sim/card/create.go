package card

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/fault"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// CreateInput is a create-card request, already checked against the contract.
type CreateInput struct {
	CustomerID               int64
	IdempotencyKey           string
	Name                     string
	Type                     Type
	PrintedName              string
	PINLength                int
	CVVRotationIntervalHours *int
	TransactionLimit         *string
	Metadata                 map[string]any
	EmbossingGroup           *string
	EmbossingCustomField     *string
	ContactlessEnabled       *bool
	AbuEnabled               *bool
	TemplateID               *string
	ModeType                 *string
	GeneratePVV              bool
	ValidityPeriodHours      *int
	Unnumbered               bool
	Brand                    string
	ExpirationDate           string // yymm, or empty for the program's default
	ATMChangeOnlinePIN       bool
}

// opCreate scopes create-card's idempotency keys.
const opCreate = "create"

// Create makes a card for a customer of the caller's account. It reports replay=true when the idempotency
// key was used before, returning that card unchanged. With a PCI delay the card's PCI data and create-1 come
// from a JobNumber job; otherwise they are part of the create.
func (s *Service) Create(ctx context.Context, caller access.Caller, in CreateInput) (c Card, replay bool, err error) {
	err = s.update(ctx, caller.Tenant, func(tx store.Tx, cards Repository) error {
		owner, err := caller.Resolve(tx.Org(), access.Scope{CustomerID: in.CustomerID})
		if err != nil {
			return err
		}
		if in.IdempotencyKey != "" {
			id, ok, err := cards.Idempotent(ctx, opCreate, in.IdempotencyKey)
			if err != nil {
				return err
			}
			if ok {
				c, err = cards.Get(ctx, id)
				replay = true
				return err
			}
		}
		prog, ok := tx.Org().Program(owner.Account.ProgramID)
		if !ok {
			return fmt.Errorf("account %d: program %d missing from the fixtures", owner.Account.ID, owner.Account.ProgramID)
		}
		if err := checkCreate(ctx, cards, owner.Customer.ID, in); err != nil {
			return err
		}
		if err := CheckLimits(in.ValidityPeriodHours, in.ExpirationDate, in.Metadata, now(tx), expiry(now(tx), prog.ExpiryMonths, in.ExpirationDate)); err != nil {
			return err
		}
		id, err := cards.NextID(ctx)
		if err != nil {
			return err
		}
		c = newCard(id, owner.Account, owner.Customer, prog, in, now(tx))
		// A fault rule fails the PCI data as the vendor's older pages describe: the card exists without it,
		// and create-1 tells of the failure.
		if rule, failed, err := fault.Take(ctx, s.store.Faults(tx), c.Subject()); err != nil {
			return err
		} else if failed {
			if err := announce(tx, c, Created(c).Failed(rule.Reason)); err != nil {
				return err
			}
		} else if err := s.numberOrSchedule(ctx, tx, &c); err != nil {
			return err
		}
		if err := cards.Put(ctx, c); err != nil {
			return err
		}
		if err := scheduleExpiry(tx, c); err != nil {
			return err
		}
		if in.IdempotencyKey != "" {
			return cards.RememberIdempotent(ctx, opCreate, in.IdempotencyKey, c.ID)
		}
		return nil
	})
	if err != nil {
		return Card{}, false, err
	}
	return c, replay, nil
}

// checkCreate applies the vendor's create rules; the uniqueness rules read the UniqueKey index.
func checkCreate(ctx context.Context, cards Repository, customerID int64, in CreateInput) error {
	switch {
	case in.Unnumbered && in.Brand == "":
		return rule.Invalid("/brand", "required", "brand is required when status is UNNUMBERED")
	case in.Type != TypeVirtual && in.CVVRotationIntervalHours != nil:
		return rule.Invalid("/cvv_rotation_interval_hours", "type", "cvv_rotation_interval_hours applies to VIRTUAL cards only")
	case in.Type != TypeVirtual && in.TransactionLimit != nil:
		return rule.Invalid("/transaction_limit", "type", "transaction_limit applies to VIRTUAL cards only")
	case in.ValidityPeriodHours != nil && in.Type != TypeVirtual && in.Type != TypePlastic:
		return rule.Invalid("/validity_period_hours", "type", "validity_period_hours applies to VIRTUAL and PLASTIC cards only")
	}
	key := uniqueKey(in.Type, customerID, in.Name, StatusNormal) // a new card is live whatever its first status
	if key == "" {
		return nil
	}
	other, taken, err := cards.ByUniqueKey(ctx, key)
	switch {
	case err != nil:
		return err
	case !taken:
		return nil
	case in.Type == TypePlastic:
		return rule.Conflict("/type", "unique", "customer %d already has a live PLASTIC card (%d)", customerID, other.ID)
	default:
		return rule.Conflict("/name", "unique", "customer %d already has a live VIRTUAL card named %q", customerID, in.Name)
	}
}

func newCard(id int64, acct org.Account, cust org.Customer, prog org.Program, in CreateInput, now time.Time) Card {
	c := Card{
		ID:                       id,
		AccountID:                acct.ID,
		CustomerID:               cust.ID,
		ProgramID:                prog.ID,
		Type:                     in.Type,
		Name:                     in.Name,
		PrintedName:              in.PrintedName,
		Brand:                    prog.Brand,
		BIN:                      prog.BIN,
		Mode:                     prog.Mode,
		PINLength:                in.PINLength,
		CVVRotationIntervalHours: in.CVVRotationIntervalHours,
		TransactionLimit:         in.TransactionLimit,
		Metadata:                 in.Metadata,
		EmbossingGroup:           in.EmbossingGroup,
		EmbossingCustomField:     in.EmbossingCustomField,
		ContactlessEnabled:       in.ContactlessEnabled == nil || *in.ContactlessEnabled,
		AbuEnabled:               in.AbuEnabled != nil && *in.AbuEnabled,
		TemplateID:               in.TemplateID,
		ModeType:                 in.ModeType,
		GeneratePVV:              in.GeneratePVV,
		ValidityPeriodHours:      in.ValidityPeriodHours,
		ATMChangeOnlinePIN:       in.ATMChangeOnlinePIN,
		IssuingDate:              now,
		ExpirationDate:           expiry(now, prog.ExpiryMonths, in.ExpirationDate),
		TrackNumber:              1,
	}.Clone() // nothing of the request is shared with the card
	if c.Type == TypePlastic {
		c.Name = string(TypePlastic) // the vendor stores every PLASTIC card's alias as PLASTIC
	}
	if c.PrintedName == "" {
		c.PrintedName = printable(cust.Name)
	}
	if c.PINLength == 0 {
		c.PINLength = 4
	}
	if in.Brand != "" {
		c.Brand = in.Brand
	}
	c.start(now, prog, in.Unnumbered)
	c.Modes = []Mode{{ID: 1, Kind: primaryMode(prog.Mode), ProgramID: prog.ID, AccountID: acct.ID, CustomerID: cust.ID}}
	return c
}

// start gives a new card (created or reissued) its validity and first status: valid_until from
// validity_period_hours, or the program's lifetime for a TEMPORARY card; UNNUMBERED without a PAN, CREATED for a
// PLASTIC card, NORMAL otherwise.
func (c *Card) start(now time.Time, prog org.Program, unnumbered bool) {
	switch {
	case c.ValidityPeriodHours != nil:
		until := now.Add(time.Duration(*c.ValidityPeriodHours) * time.Hour)
		c.ValidUntil = &until
	case c.Type == TypeTemporary: // short-lived by nature: the program's lifetime
		until := now.Add(time.Duration(prog.TemporaryHours()) * time.Hour)
		c.ValidUntil = &until
	}
	switch {
	case unnumbered:
		c.Status = StatusUnnumbered
	case c.Type == TypePlastic:
		c.Status = StatusCreated
	default:
		c.Status = StatusNormal
	}
	c.PreviousStatus = c.Status
}

// expiry is the card's expiry: the requested yymm (the first instant of the month after it), or the
// program's validity in months from issue.
func expiry(issued time.Time, months int, yymm string) time.Time {
	if t, err := ParseExpiry(yymm); err == nil {
		return t
	}
	d := issued.AddDate(0, months, 0)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// printable turns a customer's name into a printed name: letters and spaces, at most 26 characters.
func printable(name string) string {
	var b strings.Builder
	for _, r := range name {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == ' ' {
			b.WriteRune(r)
		}
	}
	s := strings.Join(strings.Fields(b.String()), " ")
	if len(s) > 26 {
		s = strings.TrimSpace(s[:26])
	}
	return s
}
