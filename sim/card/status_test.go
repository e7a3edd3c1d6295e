package card_test

import (
	"errors"
	"testing"

	"github.com/issuersim/issuersim/sim/card"
)

// TestCheckSetWalksTheWholeTable checks every (from, to) pair of statuses against the lifecycle rules written
// out independently here, so a change to the table shows up as a named pair.
func TestCheckSetWalksTheWholeTable(t *testing.T) {
	settable := map[card.Status]bool{}
	for _, s := range []card.Status{card.StatusNormal, card.StatusBlocked, card.StatusPending, card.StatusWarning,
		card.StatusLost, card.StatusRobbed, card.StatusCanceled, card.StatusFraud, card.StatusDamaged, card.StatusExpired,
		card.StatusDeleted, card.StatusBroken, card.StatusTheft, card.StatusDefect} {
		settable[s] = true
	}
	want := func(from, to card.Status) bool {
		if !settable[to] || from == to {
			return false
		}
		switch from.Group() {
		case card.GroupTermination:
			return to.Group() == card.GroupTermination
		case card.GroupValidity:
			return false
		case card.GroupInitial:
			if from == card.StatusCreated {
				return to.Group() == card.GroupTemporary || to.Group() == card.GroupTermination
			}
			return to.Group() == card.GroupTermination
		case card.GroupActive:
			return to.Group() != card.GroupActive
		case card.GroupTemporary:
			return true
		}
		return false
	}
	all := card.AllStatuses()
	if len(all) != 25 {
		t.Fatalf("%d statuses, want the vendor's 24 plus UNNUMBERED", len(all))
	}
	allowed := 0
	for _, from := range all {
		for _, to := range all {
			err := card.CheckSet(from, to)
			if got := err == nil; got != want(from, to) {
				t.Errorf("CheckSet(%s, %s) = %v, want allowed=%v", from, to, err, want(from, to))
			}
			var te *card.TransitionError
			if err != nil && (!errors.As(err, &te) || te.From != from || te.To != to || te.Why == "") {
				t.Errorf("CheckSet(%s, %s) error %v does not name the change and why", from, to, err)
			}
			if err == nil {
				allowed++
			}
		}
	}
	if allowed == 0 {
		t.Fatal("no transition allowed")
	}
}

// TestKeyTransitions spells out the cases integrators ask about.
func TestKeyTransitions(t *testing.T) {
	for _, tc := range []struct {
		from, to card.Status
		ok       bool
	}{
		{card.StatusNormal, card.StatusBlocked, true},
		{card.StatusBlocked, card.StatusNormal, true},
		{card.StatusBlocked, card.StatusWarning, true},
		{card.StatusCreated, card.StatusNormal, false}, // only activation
		{card.StatusLost, card.StatusNormal, false},
		{card.StatusLost, card.StatusTheft, true},
		{card.StatusNormal, card.StatusNormal, false},
		{card.StatusInoperative, card.StatusNormal, false}, // only validity renewal
		{card.StatusUnbound, card.StatusCanceled, true},
		{card.StatusNormal, card.StatusReissued, false}, // reissue sets it
	} {
		if err := card.CheckSet(tc.from, tc.to); (err == nil) != tc.ok {
			t.Errorf("%s -> %s: %v, want ok=%v", tc.from, tc.to, err, tc.ok)
		}
	}
}

// TestEventNameSpellsUnboundAsTheSchemasDo pins the vendor's UMBOUND typo in events.
func TestEventNameSpellsUnboundAsTheSchemasDo(t *testing.T) {
	if card.StatusUnbound.EventName() != "UMBOUND" || card.StatusNormal.EventName() != "NORMAL" {
		t.Fatal("event spelling changed")
	}
}
