package card

import (
	"time"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
)

// The card's lifecycle rules beyond a status update (pismo.md D): each method applies one vendor rule to the
// card and returns the status-history line of the change it made, if any. A refusal is a rule.Violation that
// names the card (access.FieldCard) or the request field at fault.

// Activate makes a PLASTIC card usable: CREATED becomes NORMAL, the only way to that transition.
func (c *Card) Activate(at time.Time) (StatusChange, error) {
	if c.Type != TypePlastic {
		return StatusChange{}, rule.Conflict(access.FieldCard, "physical", "card %d is %s: only PLASTIC cards are activated", c.ID, c.Type)
	}
	if c.Status != StatusCreated {
		return StatusChange{}, rule.Conflict(access.FieldCard, "transition", "card %d is %s: only a CREATED card can be activated", c.ID, c.Status)
	}
	c.ActivationDate = &at
	return c.move(StatusNormal, at, OpActivate), nil
}

// ResetPasswordTries sets the wrong-PIN counter back to zero. A BLOCKED card becomes NORMAL (changed=true); a
// NORMAL, PENDING or WARNING card keeps its status; any other status refuses with the vendor's 406.
func (c *Card) ResetPasswordTries(at time.Time) (change StatusChange, changed bool, err error) {
	switch c.Status {
	case StatusBlocked:
		c.PasswordTries = 0
		return c.move(StatusNormal, at, OpResetPasswordTries), true, nil
	case StatusNormal, StatusPending, StatusWarning:
		c.PasswordTries = 0
		return StatusChange{}, false, nil
	}
	return StatusChange{}, false, rule.NotAcceptable(access.FieldCard, "status", "card %d is %s: password tries reset only on BLOCKED, NORMAL, PENDING or WARNING cards", c.ID, c.Status)
}

// IncreasePasswordTries counts one more wrong PIN. When the count reaches the program's maximum and block is
// set, an active or temporarily blocked card becomes BLOCKED (blocked=true); a card in another status only
// counts (a CREATED card keeps its status, as the vendor documents).
func (c *Card) IncreasePasswordTries(prog org.Program, block bool, at time.Time) (change StatusChange, blocked bool) {
	c.PasswordTries++
	if !block || c.PasswordTries < prog.MaxPasswordTries {
		return StatusChange{}, false
	}
	switch c.Status {
	case StatusNormal, StatusReissued, StatusPending, StatusWarning:
		return c.move(StatusBlocked, at, OpIncreasePasswordTries), true
	}
	return StatusChange{}, false
}

// validityStatuses are the statuses whose cards keep their status when their validity is renewed or removed.
var validityStatuses = map[Status]bool{StatusNormal: true, StatusReissued: true, StatusBlocked: true, StatusPending: true, StatusWarning: true}

// RenewValidity gives the card a new validity of hours from at. VIRTUAL and activated PLASTIC cards renew with
// CARD_VALIDITY_RENEWAL, TEMPORARY cards with TEMPORARY_CARD_RENEWAL_EVENT; an INOPERATIVE card becomes NORMAL
// (changed=true), the statuses in validityStatuses stay. It returns the operation the renewal is announced as.
func (c *Card) RenewValidity(hours int, at time.Time) (op Operation, change StatusChange, changed bool, err error) {
	switch {
	case c.Type == TypePlastic && c.ActivationDate == nil:
		return "", StatusChange{}, false, rule.Conflict(access.FieldCard, "activation", "card %d is a PLASTIC card not activated yet: activate it before renewing its validity", c.ID)
	case c.Type == TypeRecurring:
		return "", StatusChange{}, false, rule.Conflict(access.FieldCard, "type", "card %d is RECURRING: its validity cannot be renewed", c.ID)
	case c.Status != StatusInoperative && !validityStatuses[c.Status]:
		return "", StatusChange{}, false, rule.Conflict(access.FieldCard, "status", "card %d is %s: only NORMAL, REISSUED, BLOCKED, PENDING, WARNING or INOPERATIVE cards renew their validity", c.ID, c.Status)
	}
	if err := CheckLimits(&hours, "", nil, at, c.ExpirationDate); err != nil {
		return "", StatusChange{}, false, err
	}
	op = renewalOperation(*c)
	until := at.Add(time.Duration(hours) * time.Hour)
	c.ValidityPeriodHours, c.ValidUntil = &hours, &until
	if c.Status == StatusInoperative {
		return op, c.move(StatusNormal, at, historyOperation(op)), true, nil
	}
	c.PreviousStatus = c.Status
	return op, StatusChange{}, false, nil
}

// CancelValidity removes the card's validity period, leaving its status as it is.
func (c *Card) CancelValidity() error {
	switch {
	case c.ValidUntil == nil:
		return rule.Conflict(access.FieldCard, "validity", "card %d has no validity period to remove", c.ID)
	case !validityStatuses[c.Status]:
		return rule.Conflict(access.FieldCard, "status", "card %d is %s: the validity period is removed only from NORMAL, REISSUED, BLOCKED, PENDING or WARNING cards", c.ID, c.Status)
	}
	c.ValidUntil, c.ValidityPeriodHours = nil, nil
	c.PreviousStatus = c.Status
	return nil
}

// Expire applies the validity that ran out at due: a card whose valid_until is still due and whose status
// keeps a validity becomes INOPERATIVE (expired=true). A card renewed, cancelled or terminated since is left
// alone.
func (c *Card) Expire(due time.Time, at time.Time) (change StatusChange, expired bool) {
	if c.ValidUntil == nil || !c.ValidUntil.Equal(due) || !validityStatuses[c.Status] {
		return StatusChange{}, false
	}
	return c.move(StatusInoperative, at, OpTemporaryCardInoperative), true
}

// Replace applies a reissue (op REISSUE) or a bind that replaces a card (op BIND_REISSUE, mustBlock set) to
// the card being replaced by newID. A terminated card keeps its status; otherwise
// a virtual (or any non-PLASTIC) card, or a PLASTIC card whose reason must block it, is CANCELED at once; a
// PLASTIC card that need not be blocked stays usable until its successor is activated: NORMAL becomes
// REISSUED, and a card in another status keeps it.
func (c *Card) Replace(newID int64, mustBlock bool, op Operation, at time.Time) (change StatusChange, changed bool) {
	c.NewCardID = &newID
	c.PreviousStatus = c.Status
	to := c.Status
	switch {
	case c.Status.Group() == GroupTermination:
	case c.Type != TypePlastic || mustBlock:
		to = StatusCanceled
	case c.Status == StatusNormal:
		to = StatusReissued
	}
	if to == c.Status {
		return StatusChange{}, false
	}
	return c.move(to, at, op), true
}

// Retire cancels a REISSUED card whose successor was activated (changed=true); a card in any other status is
// left alone.
func (c *Card) Retire(at time.Time) (change StatusChange, changed bool) {
	if c.Status != StatusReissued {
		return StatusChange{}, false
	}
	return c.move(StatusCanceled, at, OpReissue), true
}

// Bind gives an UNBOUND noname card its owner: the account and customer; the card becomes CREATED.
func (c *Card) Bind(accountID, customerID int64, at time.Time) (StatusChange, error) {
	if c.Status != StatusUnbound {
		return StatusChange{}, rule.Conflict(access.FieldCard, "unbound", "card %d is %s: only an UNBOUND noname card can be bound", c.ID, c.Status)
	}
	c.AccountID, c.CustomerID = accountID, customerID
	return c.move(StatusCreated, at, OpBindNoname), nil
}

// renewalOperation is the operation a renewal of the card's validity is announced as.
func renewalOperation(c Card) Operation {
	if c.Type == TypeTemporary {
		return OpTemporaryCardRenewal
	}
	return OpValidityRenewal
}

// historyOperation is the status-history name of an operation: the vendor's history lists no validity
// operations, so a renewal appears as TEMPORARY_CARD_RENEWAL_EVENT there (docs/fidelity.md).
func historyOperation(op Operation) Operation {
	if op == OpValidityRenewal {
		return OpTemporaryCardRenewal
	}
	return op
}
