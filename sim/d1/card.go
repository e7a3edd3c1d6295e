// Package d1 is the token platform's (Thales D1) side of an issuer's cards: each D1 card linked to a processor
// card, its states and the rules that move it, its digital cards, the operations log the issuer reads back,
// and the notification D1 sends the issuer about every operation. The commands (one file each) check the
// vendor's rules, record the operation (a refused one too, as FAILED, as the vendor does), change the card and
// announce the operation, all in one store transaction.
package d1

import (
	"fmt"
	"slices"
	"time"
)

// State is a D1 card's state. ACTIVE and INACTIVE are the vendor's cardState enum; SUSPENDED, DELETED and
// REPLACED are the states its life-cycle guide and card API describe.
type State string

// Card states.
const (
	StateActive    State = "ACTIVE"
	StateInactive  State = "INACTIVE"
	StateSuspended State = "SUSPENDED"
	StateDeleted   State = "DELETED"
	StateReplaced  State = "REPLACED"
)

// Live reports whether a card in this state still holds its card id: a DELETED or REPLACED card's id may be
// reused, as the vendor allows.
func (s State) Live() bool { return s != StateDeleted && s != StateReplaced }

// EndUserState is the state of the card's end user (the vendor's consumer); a card of a deactivated end user
// cannot be resumed.
type EndUserState string

// End user states.
const (
	EndUserActive   EndUserState = "ACTIVE"
	EndUserInactive EndUserState = "INACTIVE"
)

// ReasonCode says why an operation is done; absent means ReasonIssuerDecision.
type ReasonCode string

// Reason codes of the card operations.
const (
	ReasonIssuerDecision ReasonCode = "ISSUER_DECISION"
	ReasonCardLost       ReasonCode = "CARD_LOST"
	ReasonCardStolen     ReasonCode = "CARD_STOLEN"
	ReasonCardBroken     ReasonCode = "CARD_BROKEN"
	ReasonCardFound      ReasonCode = "CARD_FOUND"
)

// DigitalCard is a token of the card in a wallet: the device it was digitized on and the token requestor.
type DigitalCard struct {
	ID                 string
	TokenRequestorID   string
	TokenRequestorName string
	DeviceType         string
	DeviceName         string
}

// Card is a card as D1 knows it: its id in the issuer's system, its state, the processor card it stands for,
// its end user and its digital cards.
type Card struct {
	IssuerID string
	ID       string
	State    State
	// SuspendedFor is the reason code of the suspension in force; empty unless the card is SUSPENDED.
	SuspendedFor    ReasonCode
	ProcessorCardID int64
	ConsumerID      string
	EndUser         EndUserState
	DigitalCards    []DigitalCard
	// ReplacedBy is, on a REPLACED card, the id of the card that renewed it.
	ReplacedBy string
	// LastFour and Expiry (MMYY) are what renew's encrypted data told of the card's PAN; never the PAN itself.
	LastFour string
	Expiry   string
	Created  time.Time
}

// Clone returns a copy that shares nothing with c.
func (c Card) Clone() Card {
	c.DigitalCards = slices.Clone(c.DigitalCards)
	return c
}

// Key is the card's key within its tenant: the issuer and the card id.
func (c Card) Key() string { return Key(c.IssuerID, c.ID) }

// Key names a card of an issuer within a tenant.
func Key(issuerID, cardID string) string { return issuerID + "/" + cardID }

// Refusal is an operation D1 refuses for the card's state, its end user or the reason code: the field and rule
// the request broke, and the error code and text the FAILED operation records.
type Refusal struct {
	Field, Rule, Code, Message string
}

func (r *Refusal) Error() string { return r.Message }

// Error codes of refused operations [inf: the vendor's codes are not published].
const (
	CodeCardState  = "INVALID_CARD_STATE"
	CodeEndUser    = "END_USER_NOT_ACTIVE"
	CodeReasonCode = "REASON_CODE_NOT_ALLOWED"
	CodeCardExists = "CARD_ALREADY_EXISTS"
)

// rules lists, per issuer operation, the states it may start from, the state it leaves and the reason codes it
// accepts. From the vendor's pages: suspend deactivates an active card (CARD_LOST, CARD_STOLEN, CARD_BROKEN);
// resume reactivates a suspended card (CARD_FOUND) and never activates a card for the first time; delete is
// irreversible; renew replaces a card. ISSUER_DECISION fits every operation; delete and renew accept only it,
// the one code confirmed for them [inf]. A test walks the whole table.
var rules = map[OperationType]struct {
	from    []State
	to      State
	reasons []ReasonCode
}{
	OpSuspend: {from: []State{StateActive}, to: StateSuspended, reasons: []ReasonCode{ReasonIssuerDecision, ReasonCardLost, ReasonCardStolen, ReasonCardBroken}},
	OpResume:  {from: []State{StateSuspended}, to: StateActive, reasons: []ReasonCode{ReasonIssuerDecision, ReasonCardFound}},
	OpDelete:  {from: []State{StateActive, StateInactive, StateSuspended}, to: StateDeleted, reasons: []ReasonCode{ReasonIssuerDecision}},
	OpRenew:   {from: []State{StateActive, StateInactive, StateSuspended}, to: StateReplaced, reasons: []ReasonCode{ReasonIssuerDecision}},
}

// Check reports whether the operation, for the reason code, may run on the card: the card's state first, then
// (for resume) its end user, then the reason code, which must fit the operation and, for CARD_FOUND, follow a
// CARD_LOST suspension (a CARD_STOLEN card stays suspended until replaced, or until the issuer decides).
func (c Card) Check(op OperationType, reason ReasonCode) *Refusal {
	r, ok := rules[op]
	if !ok {
		return &Refusal{Field: "operation", Rule: "operation", Code: CodeCardState, Message: fmt.Sprintf("%s is not an issuer operation", op)}
	}
	if !slices.Contains(r.from, c.State) {
		return &Refusal{Field: "cardId", Rule: "state", Code: CodeCardState, Message: stateMessage(op, c.State)}
	}
	if op == OpResume && c.EndUser != EndUserActive {
		return &Refusal{Field: "cardId", Rule: "end_user", Code: CodeEndUser,
			Message: fmt.Sprintf("card %s belongs to an end user who is %s; only an ACTIVE end user's card can be resumed", c.ID, c.EndUser)}
	}
	if !slices.Contains(r.reasons, reason) {
		return &Refusal{Field: "/reasonCode", Rule: "reason_code", Code: CodeReasonCode,
			Message: fmt.Sprintf("reasonCode %s does not fit %s; use one of %v", reason, op, r.reasons)}
	}
	if op == OpResume && reason == ReasonCardFound && c.SuspendedFor != ReasonCardLost {
		return &Refusal{Field: "/reasonCode", Rule: "reason_code", Code: CodeReasonCode,
			Message: fmt.Sprintf("reasonCode CARD_FOUND resumes only a card suspended as CARD_LOST; this one was suspended for %s (send ISSUER_DECISION)", c.SuspendedFor)}
	}
	return nil
}

func stateMessage(op OperationType, s State) string {
	switch {
	case s == StateDeleted:
		return fmt.Sprintf("the card is DELETED: delete is irreversible, so it cannot be %s", pastTense[op])
	case op == OpResume && s == StateInactive:
		return "the card is INACTIVE: resume cannot activate a card for the first time"
	case op == OpResume:
		return fmt.Sprintf("the card is %s: only a SUSPENDED card can be resumed", s)
	case op == OpSuspend:
		return fmt.Sprintf("the card is %s: only an ACTIVE card can be suspended", s)
	}
	return fmt.Sprintf("the card is %s and cannot be %s", s, pastTense[op])
}

var pastTense = map[OperationType]string{OpSuspend: "suspended", OpResume: "resumed", OpDelete: "deleted", OpRenew: "renewed"}

// apply moves the card as a checked suspend, resume or delete does. Suspend and resume leave the digital cards
// alone; delete removes them all.
func (c *Card) apply(op OperationType, reason ReasonCode) {
	c.State = rules[op].to
	c.SuspendedFor = ""
	switch op {
	case OpSuspend:
		c.SuspendedFor = reason
	case OpDelete:
		c.DigitalCards = nil
	}
}
