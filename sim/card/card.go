// Package card is the processor's card: its data, its lifecycle and the commands that change it. Each command
// checks the vendor's rules, moves the card through the status table and, in one store transaction, writes
// the card and the events it causes.
package card

import (
	"time"

	"github.com/issuersim/issuersim/sim/fake"
)

// Type is a card's type.
type Type string

// Card types; RECURRING is deprecated by the vendor and kept for old cards.
const (
	TypePlastic   Type = "PLASTIC"
	TypeVirtual   Type = "VIRTUAL"
	TypeRecurring Type = "RECURRING"
	TypeTemporary Type = "TEMPORARY"
)

// Card is one card of a tenant. PCI data (PAN, CVV, PIN) is empty until generated; PAN redacts itself in logs.
type Card struct {
	ID         int64
	AccountID  int64
	CustomerID int64
	ProgramID  int64

	Type           Type
	Status         Status
	PreviousStatus Status

	Name        string
	PrintedName string
	Brand       string
	BIN         string
	Mode        string

	// PCI data, generated when the card is numbered.
	PAN      fake.PAN
	Hash     string
	LastFour string
	CVV      string
	PIN      string

	PINLength                int
	CVVRotationIntervalHours *int
	TransactionLimit         *string
	Metadata                 map[string]any
	EmbossingGroup           *string
	EmbossingCustomField     *string
	ContactlessEnabled       bool
	AbuEnabled               bool
	TemplateID               *string
	ModeType                 *string
	GeneratePVV              bool
	ValidityPeriodHours      *int
	ValidUntil               *time.Time
	ATMChangeOnlinePIN       bool

	IssuingDate    time.Time
	ExpirationDate time.Time
	ActivationDate *time.Time

	TrackNumber    int
	ReissuedCardID *int64
	PasswordTries  int

	History []StatusChange
}

// Numbered reports whether the card's PCI data exists.
func (c *Card) Numbered() bool { return c.PAN != "" }

// StatusChange is one line of a card's status history.
type StatusChange struct {
	From      Status
	To        Status
	At        time.Time
	Operation Operation
}

// Operation names what changed a card's status, in the vendor's words (status history and update-1).
type Operation string

// Operations this package performs; later commands add theirs.
const (
	OpCreate          Operation = "CREATE"
	OpUpdateStatusPut Operation = "UPDATE_STATUS_PUT"
)
