package token

import (
	"slices"

	"github.com/issuersim/issuersim/sim/rule"
)

// Status is a token's place in its life, as the vendor's TokenStatus names it.
type Status string

// Token statuses. A token is INACTIVE from its authorization until the network activates it, ACTIVE while it
// can pay, SUSPENDED while paused, and DEACTIVATED (deleted) for good.
const (
	StatusInactive    Status = "INACTIVE"
	StatusActive      Status = "ACTIVE"
	StatusSuspended   Status = "SUSPENDED"
	StatusDeactivated Status = "DEACTIVATED"
)

// statuses lists every status, for the tables that walk them.
var statuses = []Status{StatusInactive, StatusActive, StatusSuspended, StatusDeactivated}

// allowed is every status change the networks accept: activation from INACTIVE, suspend and resume between
// ACTIVE and SUSPENDED, and deletion from any status but DEACTIVATED, which is final.
var allowed = map[Status][]Status{
	StatusInactive:    {StatusActive, StatusDeactivated},
	StatusActive:      {StatusSuspended, StatusDeactivated},
	StatusSuspended:   {StatusActive, StatusDeactivated},
	StatusDeactivated: nil,
}

// CanMove reports whether the networks accept a token moving from one status to another.
func CanMove(from, to Status) bool { return slices.Contains(allowed[from], to) }

// Operation is an issuer's request on a token (the vendor's performtokenop operation_type, and the card-wide
// SUSPEND, RESUME and DELETE).
type Operation string

// The operations of the vendor's enum; TOKEN_DEVICE_BIDING_APPROVE keeps the vendor's spelling.
const (
	OpDelete            Operation = "DELETE"
	OpSuspend           Operation = "SUSPEND"
	OpResume            Operation = "RESUME"
	OpCallCenter        Operation = "CALL_CENTER_ACTIVATION"
	OpAppToApp          Operation = "CARDHOLDER_STEPUP_APP_TO_APP"
	OpDeviceApprove     Operation = "TOKEN_DEVICE_BIDING_APPROVE"
	OpDeviceApproveBank Operation = "TOKEN_DEVICE_BINDING_APPROVE_BANK_APP"
)

// target is the status an operation asks for; device approvals ask for none.
func (op Operation) target() (Status, bool) {
	switch op {
	case OpDelete:
		return StatusDeactivated, true
	case OpSuspend:
		return StatusSuspended, true
	case OpResume, OpCallCenter, OpAppToApp:
		return StatusActive, true
	}
	return "", false
}

// FieldOperation is the field a refused operation names: the request body's operation_type.
const FieldOperation = "/operation_type"

// apply checks that the token accepts the operation, as the networks decide, and moves it. Resuming needs a
// SUSPENDED token and activating an INACTIVE one, even where the table would allow the status: a RESUME is not
// an activation, and an activation is not a RESUME.
func (t *Token) apply(op Operation) error {
	to, ok := op.target()
	if !ok {
		return rule.Invalid(FieldOperation, "operation", "%s does not change a token's status", op)
	}
	switch {
	case op == OpCallCenter && t.Network != NetworkVTS:
		return rule.Invalid(FieldOperation, "network", "CALL_CENTER_ACTIVATION is Visa's; token %d is Mastercard's: use CARDHOLDER_STEPUP_APP_TO_APP", t.ID)
	case op == OpAppToApp && t.Network != NetworkMDES:
		return rule.Invalid(FieldOperation, "network", "CARDHOLDER_STEPUP_APP_TO_APP is Mastercard's; token %d is Visa's: use CALL_CENTER_ACTIVATION", t.ID)
	case op == OpResume && t.Status != StatusSuspended:
		return rule.Invalid(FieldOperation, "transition", "token %d is %s: only a SUSPENDED token resumes", t.ID, t.Status)
	case (op == OpCallCenter || op == OpAppToApp) && t.Status != StatusInactive:
		return rule.Invalid(FieldOperation, "transition", "token %d is %s: only an INACTIVE token is activated", t.ID, t.Status)
	case !CanMove(t.Status, to):
		return rule.Invalid(FieldOperation, "transition", "token %d is %s: it cannot become %s", t.ID, t.Status, to)
	}
	t.Status = to
	if to != StatusInactive {
		t.Challenge = nil
	}
	return nil
}
