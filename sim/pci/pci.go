// Package pci is a card's PCI data and the operations on it: the PAN, CVV and PIN, their rotation and
// changes, PIN blocks, issuer scripts, search by PAN and benefits. The data lives apart from the card (its own
// table, its own repository), as the vendor keeps it behind its PCI gateway; the card domain asks this package
// to number a card (Service.Number) and keeps only the PAN's hash and last four digits.
//
// PAN, PIN and CVV are types that never print themselves: fmt and slog show them masked.
package pci

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/store"
)

// PIN is a card's PIN. It prints as four asterisks.
type PIN string

// String masks the PIN.
func (PIN) String() string { return "****" }

// LogValue masks the PIN in structured logs.
func (p PIN) LogValue() slog.Value { return slog.StringValue(p.String()) }

// MarshalJSON masks the PIN in any JSON (a log handler's included); responses carry Reveal().
func (p PIN) MarshalJSON() ([]byte, error) { return []byte(`"` + p.String() + `"`), nil }

// GoString masks the PIN in %#v.
func (p PIN) GoString() string { return p.String() }

// Reveal returns the PIN, for the PCI responses that must carry it.
func (p PIN) Reveal() string { return string(p) }

// CVV is a card's security code. It prints as three asterisks.
type CVV string

// String masks the CVV.
func (CVV) String() string { return "***" }

// LogValue masks the CVV in structured logs.
func (c CVV) LogValue() slog.Value { return slog.StringValue(c.String()) }

// MarshalJSON masks the CVV in any JSON (a log handler's included); responses carry Reveal().
func (c CVV) MarshalJSON() ([]byte, error) { return []byte(`"` + c.String() + `"`), nil }

// GoString masks the CVV in %#v.
func (c CVV) GoString() string { return c.String() }

// Reveal returns the CVV, for the PCI responses that must carry it.
func (c CVV) Reveal() string { return string(c) }

// DefaultServiceCode is the service code a card is numbered with (international, chip, normal authorisation).
const DefaultServiceCode = "201"

// Data is one card's PCI data.
type Data struct {
	CardID      int64
	PAN         fake.PAN
	CVV         CVV
	PIN         PIN
	ServiceCode string
	// PasswordUpdated is whether the PIN was set by the cardholder or issuer since the card was numbered.
	PasswordUpdated bool
	// CVVNextRotation is when the CVV rotates next (VIRTUAL cards with a rotation interval); nil for none.
	CVVNextRotation *time.Time
	// CVVRotatedAt is when the CVV last rotated, for the vendor's two-minute guard window.
	CVVRotatedAt *time.Time
	// CVVRotations counts the rotations, so each new CVV has a seeded generator of its own.
	CVVRotations int
	// Scripts are the issuer scripts queued for the card's chip, oldest first.
	Scripts []Script
	// Benefits are the card's network benefits (segment and bundles).
	Benefits Benefits
}

// Script is an issuer script queued for a card: it is sent at the card's next chip authorisation and then
// applied, failed or canceled.
type Script struct {
	ID        string // the card script id
	ScriptID  string // the org's registered script (template_script_id)
	Type      string // ENABLE_APPLICATION, DISABLE_APPLICATION, UPDATE_PIN, SYNC_PIN, UNKNOWN
	State     string // created, sent, applied, failed, canceled
	PIN       PIN    // the PIN an UPDATE_PIN script sets when applied
	CreatedAt time.Time
}

// Script states, as issuer_script-1's script_event_type names them (script_<state>).
const (
	ScriptCreated  = "created"
	ScriptSent     = "sent"
	ScriptApplied  = "applied"
	ScriptFailed   = "failed"
	ScriptCanceled = "canceled"
)

// Benefits is a card's benefit allocation: its segment, the bundles the segment gives, and whether they are
// frozen.
type Benefits struct {
	Segment string
	Bundles []string
	Frozen  bool
}

// Clone returns a copy that shares no pointer with d.
func (d Data) Clone() Data {
	if d.CVVNextRotation != nil {
		t := *d.CVVNextRotation
		d.CVVNextRotation = &t
	}
	if d.CVVRotatedAt != nil {
		t := *d.CVVRotatedAt
		d.CVVRotatedAt = &t
	}
	d.Scripts = slices.Clone(d.Scripts)
	d.Benefits.Bundles = slices.Clone(d.Benefits.Bundles)
	return d
}

// Repository is the tenant's PCI data inside one transaction. A card without PCI data is an error wrapping
// store.ErrNotFound.
type Repository interface {
	// Get returns a card's PCI data.
	Get(ctx context.Context, cardID int64) (Data, error)
	// Put writes a card's PCI data.
	Put(ctx context.Context, d Data) error
	// ByPANHash returns the PCI data whose PAN has that hash (fake.PAN.Hash), if any.
	ByPANHash(ctx context.Context, hash string) (Data, bool, error)
}

// Store is what the PCI operations run on: the card domain's store and the PCI data inside a transaction.
type Store interface {
	card.Store
	// PCI returns the PCI data repository of the transaction.
	PCI(tx store.Tx) Repository
}

// Service runs the PCI operations, one file each. It is the card service's card.Numberer.
type Service struct {
	store        Store
	clocks       *clock.Tenants
	fake         *fake.Source
	onPINChanged card.Hooks
}

// Options configure a Service.
type Options struct {
	// OnPINChanged run, in order, in the transaction that changes a card's PIN through the API, after its
	// update_password-1: the embossing pipeline queues a nominal card waiting for its PIN.
	OnPINChanged card.Hooks
}

var _ card.Numberer = (*Service)(nil)

// NewService returns a PCI Service over the store, the tenants' clocks and the fake-data source.
func NewService(st Store, clocks *clock.Tenants, src *fake.Source, opts Options) *Service {
	return &Service{store: st, clocks: clocks, fake: src, onPINChanged: opts.OnPINChanged}
}

// Number generates a card's PCI data from the card's own seeded generator (PAN under its BIN, CVV, PIN of its
// length), stores it, sets the card's hash and last four digits, and starts the automatic CVV rotation of a
// VIRTUAL card that has a rotation interval.
func (s *Service) Number(ctx context.Context, tx store.Tx, c *card.Card) error {
	prog, ok := tx.Org().Program(c.ProgramID)
	if !ok {
		return fmt.Errorf("program %d missing from the fixtures", c.ProgramID)
	}
	gen := s.fake.For(tx.Org().ID, "card", c.ID)
	pan, err := gen.PAN(c.BIN, prog.PANLength)
	if err != nil {
		return err
	}
	d := Data{CardID: c.ID, PAN: pan, CVV: CVV(gen.Digits(3)), PIN: PIN(gen.Digits(c.PINLength)), ServiceCode: DefaultServiceCode}
	c.Hash, c.LastFour = pan.Hash(), pan.LastFour()
	if err := scheduleRotation(tx, *c, &d, tx.Meta().Time); err != nil {
		return err
	}
	return s.store.PCI(tx).Put(ctx, d)
}

// JobCVVRotation is the job kind that rotates a VIRTUAL card's CVV every cvv_rotation_interval_hours
// (rotate_cvv-1, AUTOMATIC). Its subject is the card; its due time the card's cvv_next_rotation_date.
const JobCVVRotation = "pci.cvv_rotation"

// scheduleRotation sets the card's next automatic CVV rotation an interval after from, and its job; a card that
// is not VIRTUAL or has no interval gets neither.
func scheduleRotation(tx store.Tx, c card.Card, d *Data, from time.Time) error {
	if _, err := tx.CancelJobs(JobCVVRotation, c.Subject()); err != nil {
		return err
	}
	d.CVVNextRotation = nil
	if c.Type != card.TypeVirtual || c.CVVRotationIntervalHours == nil || c.Status.Group() == card.GroupTermination {
		return nil
	}
	next := from.Truncate(time.Second).Add(time.Duration(*c.CVVRotationIntervalHours) * time.Hour)
	d.CVVNextRotation = &next
	_, err := tx.Schedule(job.Job{Kind: JobCVVRotation, Subject: c.Subject(), Due: next})
	return err
}
