package card

import (
	"context"
	"fmt"
	"time"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// NonameInput is a noname card a bulk issues: a PLASTIC card of a program that belongs to no account or
// customer until it is bound.
type NonameInput struct {
	ProgramID            int64
	BulkID               string
	ExternalID           string
	TemplateID           *string
	PINLength            int
	AbuEnabled           bool
	ContactlessEnabled   bool
	EmbossingCustomField *string
	EmbossingGroup       *string
	Metadata             map[string]any
	ModeType             *string
	ValidityPeriodHours  *int
}

// CreateNoname issues a noname card inside the caller's transaction (a bulk's start): UNBOUND, numbered now or
// after the PCI delay, with create-1 carrying its bulk_id and external_id.
func (s *Service) CreateNoname(ctx context.Context, tx store.Tx, in NonameInput) (Card, error) {
	prog, ok := tx.Org().Program(in.ProgramID)
	if !ok {
		return Card{}, fmt.Errorf("program %d missing from the fixtures", in.ProgramID)
	}
	cards := s.store.Cards(tx)
	id, err := cards.NextID(ctx)
	if err != nil {
		return Card{}, err
	}
	at := now(tx)
	bulk, external := in.BulkID, in.ExternalID
	c := Card{
		ID: id, ProgramID: prog.ID, Type: TypePlastic, Status: StatusUnbound, PreviousStatus: StatusUnbound,
		Name: string(TypePlastic), Brand: prog.Brand, BIN: prog.BIN, Mode: prog.Mode, PINLength: in.PINLength,
		TemplateID: in.TemplateID, AbuEnabled: in.AbuEnabled, ContactlessEnabled: in.ContactlessEnabled,
		EmbossingCustomField: in.EmbossingCustomField, EmbossingGroup: in.EmbossingGroup, Metadata: in.Metadata,
		ModeType: in.ModeType, ValidityPeriodHours: in.ValidityPeriodHours, IssuingDate: at,
		ExpirationDate: expiry(at, prog.ExpiryMonths, ""), TrackNumber: 1, BulkID: &bulk, ExternalID: &external,
		Modes: []Mode{{ID: 1, Kind: primaryMode(prog.Mode), ProgramID: prog.ID}},
	}.Clone()
	if c.PINLength == 0 {
		c.PINLength = 4
	}
	if c.ValidityPeriodHours != nil {
		until := at.Add(time.Duration(*c.ValidityPeriodHours) * time.Hour)
		c.ValidUntil = &until
	}
	if err := s.numberOrSchedule(ctx, tx, &c); err != nil {
		return Card{}, err
	}
	if err := cards.Put(ctx, c); err != nil {
		return Card{}, err
	}
	return c, scheduleExpiry(tx, c)
}

// CancelUnbound cancels a noname card that waits for its customer (a bulk's cancellation); a card bound since
// is refused.
func (c *Card) CancelUnbound(at time.Time) (StatusChange, error) {
	if c.Status != StatusUnbound {
		return StatusChange{}, rule.Conflict(access.FieldCard, "status", "card %d is %s: only an UNBOUND card is canceled with its bulk", c.ID, c.Status)
	}
	return c.move(StatusCanceled, at, OpUpdateStatusPut), nil
}

// CancelNoname cancels a bulk's UNBOUND card inside the caller's transaction (a bulk's cancellation) and
// records the change in its status history. The vendor tells of it with noname_cancellation-1 only, which the
// bulk emits; a card bound since is refused with a conflict naming its status.
func (s *Service) CancelNoname(ctx context.Context, tx store.Tx, id int64) (Card, error) {
	cards := s.store.Cards(tx)
	c, err := cards.Get(ctx, id)
	if err != nil {
		return Card{}, fmt.Errorf("cancel noname card %d: %w", id, err)
	}
	change, err := c.CancelUnbound(now(tx))
	if err != nil {
		return c, err
	}
	if err := save(ctx, cards, c, change, true); err != nil {
		return c, err
	}
	return c, scheduleExpiry(tx, c)
}
