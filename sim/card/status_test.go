package card_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/issuersim/issuersim/sim/card"
)

// allowedSets is the whole status-update matrix, written out: for each status, the statuses a PUT .../status
// may move a card to (pismo.md D: initial, active and temporary statuses go to any temporary block or
// termination; a temporary block returns to NORMAL; CREATED leaves for NORMAL only by activation; a
// termination only becomes another termination; INOPERATIVE leaves only by renewal; UNBOUND and UNNUMBERED
// only to a termination). A change to the rules shows up here as a named pair.
var allowedSets = map[card.Status]string{
	"BLOCKED":        "BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST NORMAL PENDING ROBBED THEFT WARNING",
	"BROKEN":         "CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST ROBBED THEFT",
	"CANCELED":       "BROKEN DAMAGED DEFECT DELETED EXPIRED FRAUD LOST ROBBED THEFT",
	"CLIENT_ORDER":   "BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST ROBBED THEFT",
	"CREATED":        "BLOCKED BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST PENDING ROBBED THEFT WARNING",
	"DAMAGED":        "BROKEN CANCELED DEFECT DELETED EXPIRED FRAUD LOST ROBBED THEFT",
	"DEFECT":         "BROKEN CANCELED DAMAGED DELETED EXPIRED FRAUD LOST ROBBED THEFT",
	"DELETED":        "BROKEN CANCELED DAMAGED DEFECT EXPIRED FRAUD LOST ROBBED THEFT",
	"EXPIRED":        "BROKEN CANCELED DAMAGED DEFECT DELETED FRAUD LOST ROBBED THEFT",
	"FRAUD":          "BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED LOST ROBBED THEFT",
	"INCORRECT_NAME": "BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST ROBBED THEFT",
	"INOPERATIVE":    "",
	"LOST":           "BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD ROBBED THEFT",
	"NORMAL":         "BLOCKED BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST PENDING ROBBED THEFT WARNING",
	"PENDING":        "BLOCKED BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST NORMAL ROBBED THEFT WARNING",
	"REISSUED":       "BLOCKED BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST PENDING ROBBED THEFT WARNING",
	"RELIEF_LOSS":    "BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST ROBBED THEFT",
	"RENAME":         "BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST ROBBED THEFT",
	"ROBBED":         "BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST THEFT",
	"SHAVED":         "BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST ROBBED THEFT",
	"THEFT":          "BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST ROBBED",
	"UNBOUND":        "BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST ROBBED THEFT",
	"UNNUMBERED":     "BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST ROBBED THEFT",
	"UNRECEIVED":     "BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST ROBBED THEFT",
	"WARNING":        "BLOCKED BROKEN CANCELED DAMAGED DEFECT DELETED EXPIRED FRAUD LOST NORMAL PENDING ROBBED THEFT",
}

// TestCheckSetWalksTheWholeTable checks CheckSet against allowedSets for all 625 pairs, and that every refusal
// names the change and why.
func TestCheckSetWalksTheWholeTable(t *testing.T) {
	all := card.AllStatuses()
	if len(all) != 25 || len(allowedSets) != 25 {
		t.Fatalf("%d statuses and %d rows, want the vendor's 24 plus UNNUMBERED", len(all), len(allowedSets))
	}
	for _, from := range all {
		row, ok := allowedSets[from]
		if !ok {
			t.Fatalf("no row for %s", from)
		}
		allowed := strings.Fields(row)
		for _, to := range all {
			err := card.CheckSet(from, to)
			if want := slices.Contains(allowed, string(to)); (err == nil) != want {
				t.Errorf("CheckSet(%s, %s) = %v, want allowed=%v", from, to, err, want)
			}
			var te *card.TransitionError
			if err != nil && (!errors.As(err, &te) || te.From != from || te.To != to || te.Why == "") {
				t.Errorf("CheckSet(%s, %s) error %v does not name the change and why", from, to, err)
			}
		}
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
