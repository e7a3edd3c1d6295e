package card

import (
	"fmt"
	"slices"
)

// Status is a card's lifecycle status, as the processor's status list names it.
type Status string

// Card statuses, grouped as the vendor's lifecycle guide groups them.
const (
	// Initial.
	StatusCreated    Status = "CREATED"
	StatusUnbound    Status = "UNBOUND"
	StatusUnnumbered Status = "UNNUMBERED"
	// Active.
	StatusNormal   Status = "NORMAL"
	StatusReissued Status = "REISSUED"
	// Temporary block.
	StatusBlocked Status = "BLOCKED"
	StatusPending Status = "PENDING"
	StatusWarning Status = "WARNING"
	// Validity.
	StatusInoperative Status = "INOPERATIVE"
	// Termination.
	StatusLost          Status = "LOST"
	StatusRobbed        Status = "ROBBED"
	StatusCanceled      Status = "CANCELED"
	StatusFraud         Status = "FRAUD"
	StatusDamaged       Status = "DAMAGED"
	StatusExpired       Status = "EXPIRED"
	StatusDeleted       Status = "DELETED"
	StatusBroken        Status = "BROKEN"
	StatusTheft         Status = "THEFT"
	StatusDefect        Status = "DEFECT"
	StatusClientOrder   Status = "CLIENT_ORDER"
	StatusReliefLoss    Status = "RELIEF_LOSS"
	StatusShaved        Status = "SHAVED"
	StatusIncorrectName Status = "INCORRECT_NAME"
	StatusRename        Status = "RENAME"
	StatusUnreceived    Status = "UNRECEIVED"
)

// Group is a family of statuses that share lifecycle rules.
type Group int

// Status groups.
const (
	GroupInitial Group = iota + 1
	GroupActive
	GroupTemporary
	GroupValidity
	GroupTermination
)

var groups = map[Status]Group{
	StatusCreated: GroupInitial, StatusUnbound: GroupInitial, StatusUnnumbered: GroupInitial,
	StatusNormal: GroupActive, StatusReissued: GroupActive,
	StatusBlocked: GroupTemporary, StatusPending: GroupTemporary, StatusWarning: GroupTemporary,
	StatusInoperative: GroupValidity,
	StatusLost:        GroupTermination, StatusRobbed: GroupTermination, StatusCanceled: GroupTermination,
	StatusFraud: GroupTermination, StatusDamaged: GroupTermination, StatusExpired: GroupTermination,
	StatusDeleted: GroupTermination, StatusBroken: GroupTermination, StatusTheft: GroupTermination,
	StatusDefect: GroupTermination, StatusClientOrder: GroupTermination, StatusReliefLoss: GroupTermination,
	StatusShaved: GroupTermination, StatusIncorrectName: GroupTermination, StatusRename: GroupTermination,
	StatusUnreceived: GroupTermination,
}

// Group returns the status's group.
func (s Status) Group() Group { return groups[s] }

// Live reports whether a card in this status still counts for the uniqueness rules (one live PLASTIC card per
// customer, unique VIRTUAL aliases): every status but the terminations.
func (s Status) Live() bool { return s.Group() != GroupTermination }

// EventName is the status as the event schemas spell it: the schemas write UNBOUND as UMBOUND (sic).
func (s Status) EventName() string {
	if s == StatusUnbound {
		return "UMBOUND"
	}
	return string(s)
}

// settable are the statuses updateCardStatus may set (the contract's SettableStatus).
var settable = map[Status]bool{
	StatusNormal: true, StatusBlocked: true, StatusPending: true, StatusWarning: true,
	StatusLost: true, StatusRobbed: true, StatusCanceled: true, StatusFraud: true, StatusDamaged: true,
	StatusExpired: true, StatusDeleted: true, StatusBroken: true, StatusTheft: true, StatusDefect: true,
}

// TransitionError says which status change the lifecycle forbids and why.
type TransitionError struct {
	From, To Status
	Why      string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("card status cannot change from %s to %s: %s", e.From, e.To, e.Why)
}

// CheckSet reports whether updateCardStatus may move a card from one status to another. The rules, from the
// vendor's lifecycle guide: a termination is final (it may only become another termination); CREATED becomes
// NORMAL only by activation; a temporary block may return to NORMAL; active, initial and temporary statuses
// may go to any temporary block or termination; INOPERATIVE leaves only by renewing validity; UNBOUND and
// UNNUMBERED cards may only be terminated.
func CheckSet(from, to Status) error {
	deny := func(why string) error { return &TransitionError{From: from, To: to, Why: why} }
	if !settable[to] {
		return deny(string(to) + " is not set by a status update")
	}
	if from == to {
		return deny("the card already has that status")
	}
	toGroup := to.Group()
	switch from.Group() {
	case GroupTermination:
		if toGroup != GroupTermination {
			return deny("a terminated card cannot become active again")
		}
		return nil
	case GroupValidity:
		return deny("an INOPERATIVE card becomes NORMAL only by renewing its validity")
	case GroupInitial:
		if from == StatusCreated && toGroup != GroupActive {
			return nil
		}
		if toGroup == GroupTermination {
			return nil
		}
		if from == StatusCreated {
			return deny("a CREATED card becomes NORMAL only by activation")
		}
		return deny(string(from) + " cards can only be terminated")
	case GroupActive:
		if toGroup == GroupActive {
			return deny("the card is already active")
		}
		return nil
	case GroupTemporary:
		return nil
	}
	return deny("unknown current status")
}

// AllStatuses returns every status the processor's status list names, alphabetically (UNNUMBERED, which
// that list lacks, included).
func AllStatuses() []Status {
	out := make([]Status, 0, len(groups))
	for s := range groups {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}
