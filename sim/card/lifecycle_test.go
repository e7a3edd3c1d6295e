package card_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
)

var at = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// outcomes writes out, for one lifecycle rule, what each of the 25 statuses does: the status it moves to, "="
// when it stays, or the kind of refusal ("409", "406"). Every status not listed refuses with the rule's
// default refusal.
type outcomes struct {
	name    string
	refusal string
	moves   map[card.Status]string
	apply   func(c *card.Card) (changed bool, err error)
}

func kind(err error) string {
	switch {
	case errors.Is(err, rule.ErrConflict):
		return "409"
	case errors.Is(err, rule.ErrNotAcceptable):
		return "406"
	case err != nil:
		return "error " + err.Error()
	}
	return ""
}

// TestLifecycleRulesOverEveryStatus applies each lifecycle rule to a card in each status and compares with the
// outcomes written out below (pismo.md D and A.2).
func TestLifecycleRulesOverEveryStatus(t *testing.T) {
	prog := org.Program{MaxPasswordTries: 1}
	until := at.Add(time.Hour)
	for _, tc := range []outcomes{
		{"activate a PLASTIC card", "409", map[card.Status]string{"CREATED": "NORMAL"},
			func(c *card.Card) (bool, error) {
				c.Type = card.TypePlastic
				_, err := c.Activate(at)
				return err == nil, err
			}},
		{"reset password tries", "406", map[card.Status]string{"BLOCKED": "NORMAL", "NORMAL": "=", "PENDING": "=", "WARNING": "="},
			func(c *card.Card) (bool, error) { _, changed, err := c.ResetPasswordTries(at); return changed, err }},
		{"the last wrong PIN, blocking", "=", map[card.Status]string{"NORMAL": "BLOCKED", "REISSUED": "BLOCKED", "PENDING": "BLOCKED", "WARNING": "BLOCKED"},
			func(c *card.Card) (bool, error) {
				_, blocked := c.IncreasePasswordTries(prog, true, at)
				return blocked, nil
			}},
		{"renew a VIRTUAL card's validity", "409", map[card.Status]string{"INOPERATIVE": "NORMAL", "NORMAL": "=", "REISSUED": "=", "BLOCKED": "=", "PENDING": "=", "WARNING": "="},
			func(c *card.Card) (bool, error) { _, _, changed, err := c.RenewValidity(2, at); return changed, err }},
		{"remove a validity", "409", map[card.Status]string{"NORMAL": "=", "REISSUED": "=", "BLOCKED": "=", "PENDING": "=", "WARNING": "="},
			func(c *card.Card) (bool, error) { c.ValidUntil = &until; return false, c.CancelValidity() }},
		{"a validity running out", "=", map[card.Status]string{"NORMAL": "INOPERATIVE", "REISSUED": "INOPERATIVE", "BLOCKED": "INOPERATIVE", "PENDING": "INOPERATIVE", "WARNING": "INOPERATIVE"},
			func(c *card.Card) (bool, error) {
				c.ValidUntil = &until
				_, expired := c.Expire(until, until)
				return expired, nil
			}},
		{"reissue a PLASTIC card that need not be blocked", "=", map[card.Status]string{"NORMAL": "REISSUED"},
			func(c *card.Card) (bool, error) {
				c.Type = card.TypePlastic
				_, changed := c.Replace(9, false, card.OpReissue, at)
				return changed, nil
			}},
		{"reissue a VIRTUAL card", "=", nonTerminal("CANCELED"),
			func(c *card.Card) (bool, error) {
				_, changed := c.Replace(9, false, card.OpReissue, at)
				return changed, nil
			}},
		{"activate the successor of a card", "=", map[card.Status]string{"REISSUED": "CANCELED"},
			func(c *card.Card) (bool, error) { _, changed := c.Retire(at); return changed, nil }},
		{"bind a noname card", "409", map[card.Status]string{"UNBOUND": "CREATED"},
			func(c *card.Card) (bool, error) { _, err := c.Bind(1, 2, at); return err == nil, err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, from := range card.AllStatuses() {
				c := card.Card{ID: 1, Type: card.TypeVirtual, Status: from, PreviousStatus: from}
				changed, err := tc.apply(&c)
				got := kind(err)
				switch {
				case got != "":
				case changed:
					got = string(c.Status)
				case c.Status == from:
					got = "="
				default:
					got = "moved to " + string(c.Status) + " without saying so"
				}
				want, ok := tc.moves[from]
				if !ok {
					want = tc.refusal
				}
				if got != want {
					t.Errorf("from %s: %s, want %s", from, got, want)
				}
				var v *rule.Violation
				if err != nil && (!errors.As(err, &v) || v.Field == "" || v.Rule == "" || !strings.Contains(v.Message, "card 1")) {
					t.Errorf("from %s: refusal %v does not name the field, the rule and the card", from, err)
				}
			}
		})
	}
}

// nonTerminal maps every status but the terminations to the status given.
func nonTerminal(to string) map[card.Status]string {
	out := map[card.Status]string{}
	for _, s := range card.AllStatuses() {
		if s.Group() != card.GroupTermination {
			out[s] = to
		}
	}
	return out
}
