// Package card is the processor's card: its data, its lifecycle and the commands that change it. Each command
// checks the vendor's rules, moves the card through the status table and, in one store transaction, writes
// the card and the events it causes. The rules live on Card (UpdateStatus, StatusChanges, UniqueKey, Number);
// the commands, one file each, load, apply and save. A card's status history is kept beside it, append-only
// (Repository.AppendStatusChange), so a card costs the same to read however often its status changed.
package card

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/issuersim/issuersim/sim/event"
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

// Card is one card of a tenant. Its PCI data (PAN, CVV, PIN) is the PCI domain's (package pci); the card keeps
// what the vendor's non-PCI API shows of it, the PAN's hash and last four digits, empty until numbered.
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

	// What the card shows of its PAN once numbered.
	Hash     string
	LastFour string

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
	ReissuedCardID *int64 // on a card made by reissue or bind, the card it replaces
	NewCardID      *int64 // on a reissued card, the card that replaces it
	PasswordTries  int

	// Noname cards (issued in bulk, bound to a customer later).
	BulkID     *string
	ExternalID *string

	// Modes are the card's credit and debit modes: one from creation, a second makes it a combination card.
	Modes []Mode
	// ATC is the processor's copy of the chip's application transaction counter.
	ATC int
	// VisaUpdater is whether the card is opted in to the Visa Automatic Updater.
	VisaUpdater bool
}

// Mode is one of a card's modes: a credit or debit side on a program and account.
type Mode struct {
	ID         int64 // numbered within the card
	Kind       ModeKind
	ProgramID  int64
	AccountID  int64
	CustomerID int64
	Suspended  bool
}

// ModeKind is CREDIT or DEBIT.
type ModeKind string

// Mode kinds.
const (
	ModeCredit ModeKind = "CREDIT"
	ModeDebit  ModeKind = "DEBIT"
)

// primaryMode is the mode a card of a program starts with: DEBIT for a DEBIT program, CREDIT for the others
// (CREDIT, COMBO and MULTIPLE programs) [inf].
func primaryMode(programMode string) ModeKind {
	if programMode == string(ModeDebit) {
		return ModeDebit
	}
	return ModeCredit
}

// StatusChange is one line of a card's status history.
type StatusChange struct {
	From      Status
	To        Status
	At        time.Time
	Operation Operation
}

// Operation names what changed a card's status, in the vendor's words (status history and update-1).
type Operation string

// Operations this package performs, as update-1's operation_type and the status history name them.
const (
	OpUpdateStatusPut          Operation = "UPDATE_STATUS_PUT"
	OpUpdateStatusPatch        Operation = "UPDATE_STATUS_PATCH"
	OpActivate                 Operation = "ACTIVATE"
	OpReissue                  Operation = "REISSUE"
	OpResetPasswordTries       Operation = "RESET_PASSWORD_TRIES"
	OpIncreasePasswordTries    Operation = "INCREASE_PASSWORD_TRIES_EXCEEDED"
	OpBindNoname               Operation = "BIND_NONAME"
	OpBindReissue              Operation = "BIND_REISSUE"
	OpValidityRenewal          Operation = "CARD_VALIDITY_RENEWAL"
	OpValidityCancel           Operation = "CARD_VALIDITY_CANCEL"
	OpTemporaryCardRenewal     Operation = "TEMPORARY_CARD_RENEWAL_EVENT"
	OpTemporaryCardInoperative Operation = "TEMPORARY_CARD_INOPERATIVE_EVENT"
	OpPANUpdate                Operation = "PAN_UPDATE"
)

// Subject names the card in the event log and in jobs.
func (c Card) Subject() event.Subject { return event.CardSubject(c.ID) }

// Numbered reports whether the card's PCI data exists.
func (c Card) Numbered() bool { return c.Hash != "" }

// UniqueKey is the key no two live cards of a tenant may share: a customer's VIRTUAL alias, or the customer's
// one PLASTIC card. It is empty when no uniqueness rule applies (other types, terminated cards), so the store
// indexes it and a create looks it up instead of scanning the customer's cards.
func (c Card) UniqueKey() string { return uniqueKey(c.Type, c.CustomerID, c.Name, c.Status) }

func uniqueKey(t Type, customerID int64, name string, s Status) string {
	if !s.Live() || s == StatusReissued {
		return "" // a REISSUED card is being replaced: its successor takes the key
	}
	switch t {
	case TypePlastic:
		return "plastic/" + strconv.FormatInt(customerID, 10)
	case TypeVirtual:
		return "virtual/" + strconv.FormatInt(customerID, 10) + "/" + name
	}
	return ""
}

// UpdateStatus applies a status update as the vendor's PUT .../status does: the lifecycle table decides
// (CheckSet). It returns the line the change adds to the card's status history.
func (c *Card) UpdateStatus(to Status, at time.Time) (StatusChange, error) {
	if err := CheckSet(c.Status, to); err != nil {
		return StatusChange{}, err
	}
	return c.move(to, at, OpUpdateStatusPut), nil
}

// move changes the card's status, as op does, and returns the history line of the change.
func (c *Card) move(to Status, at time.Time, op Operation) StatusChange {
	c.PreviousStatus = c.Status
	c.Status = to
	return StatusChange{From: c.PreviousStatus, To: to, At: at, Operation: op}
}

// Clone returns a deep copy: no pointer, map or slice is shared with c, so a copy kept by the store and one
// changed by a command never alias.
func (c Card) Clone() Card {
	c.CVVRotationIntervalHours = clonePtr(c.CVVRotationIntervalHours)
	c.TransactionLimit = clonePtr(c.TransactionLimit)
	c.Metadata = CloneMetadata(c.Metadata)
	c.EmbossingGroup = clonePtr(c.EmbossingGroup)
	c.EmbossingCustomField = clonePtr(c.EmbossingCustomField)
	c.TemplateID = clonePtr(c.TemplateID)
	c.ModeType = clonePtr(c.ModeType)
	c.ValidityPeriodHours = clonePtr(c.ValidityPeriodHours)
	c.ValidUntil = clonePtr(c.ValidUntil)
	c.ActivationDate = clonePtr(c.ActivationDate)
	c.ReissuedCardID = clonePtr(c.ReissuedCardID)
	c.NewCardID = clonePtr(c.NewCardID)
	c.BulkID = clonePtr(c.BulkID)
	c.ExternalID = clonePtr(c.ExternalID)
	c.Modes = slices.Clone(c.Modes)
	return c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// CloneMetadata copies a decoded JSON object, nested objects and arrays included.
func CloneMetadata(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := maps.Clone(m)
	for k, v := range out {
		out[k] = cloneJSON(v)
	}
	return out
}

func cloneJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return CloneMetadata(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneJSON(e)
		}
		return out
	}
	return v
}

// ExpiryYYMM is the expiry as printed on the card (YYMM): ExpirationDate is the first instant after it.
func (c Card) ExpiryYYMM() string { return c.ExpirationDate.AddDate(0, 0, -1).Format("0601") }
