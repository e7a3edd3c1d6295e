package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"
)

// The consistency step: an event's data must say what the resource says when it is read back at that
// moment, on every field they share. A field is shared when the resource has a field of the same name, or of
// the name the event's field is known by on the resource (the event writes card_status and card_name, the card
// reads status and name). Fields that mean something else on each side (an event's status is the outcome of
// the operation, SUCCESS or FAILURE) are left out. The step fails when they share fewer than two fields (the id and one more), as
// such a comparison proves nothing, and names every field that differs.
//
//	the last "update-1" event for the card agrees with the card as it reads now
//	the last "provision-1" event for the stored card agrees with the stored card as it reads now
//	the last "notification-1" event of the token agrees with the token as it reads now
func (s *Steps) registerConsistency(sc *godog.ScenarioContext) {
	sc.Step(`^the last "([^"]*)" event (?:for|of) the (previous card|stored card|card|token) agrees with the (?:previous card|stored card|card|token) as it reads now$`, s.agrees)
}

// resourceView is how one kind of resource is compared with its events.
type resourceView struct {
	aliases map[string]string // event field -> resource field, where the names differ
	skip    []string          // event fields whose meaning differs from the resource's field of that name
}

var views = map[string]resourceView{
	"card": {
		aliases: map[string]string{
			"card_id": "id", "card_name": "name", "card_status": "status", "card_type": "type", "card_hash": "hash",
			"card_last_four_numbers": "last_4_digits", "card_printed_name": "printed_name", "card_bin": "bin",
			"card_brand": "brand",
		},
		skip: []string{"status", "reason", "operation_type"},
	},
	"stored card": {
		skip: []string{"status", "reason"}, // a verification's status is the validation's, not the card's
	},
	"token": {
		aliases: map[string]string{"token_status": "status"},
		skip:    []string{"status"},
	},
}

// minShared is how many fields an event and its resource must share for the comparison to mean something:
// the id and at least one more.
const minShared = 2

func (s *Steps) agrees(ctx context.Context, eventType, which string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	ev, whose, err := s.oneEvent(ctx, st, which, eventType)
	if err != nil {
		return err
	}
	view := views[which]
	if which == "previous card" {
		view = views["card"]
	}
	resource, err := s.readResource(ctx, st, which)
	if err != nil {
		return err
	}
	data, _ := ev["data"].(map[string]any)
	if data == nil {
		return fmt.Errorf("%s last %s event has no data", whose, eventType)
	}
	var shared, diffs []string
	for _, field := range sortedKeys(data) {
		if slices.Contains(view.skip, field) {
			continue
		}
		name := field
		if alias, ok := view.aliases[field]; ok {
			name = alias
		}
		got, ok := resource[name]
		if !ok {
			continue
		}
		shared = append(shared, field)
		if !sameValue(data[field], got) {
			diffs = append(diffs, fmt.Sprintf("%s is %s in the event but %s %s as it reads now", field, text(data[field]), name, text(got)))
		}
	}
	if len(shared) < minShared {
		return fmt.Errorf("%s last %s event shares only %d fields with the %s (%s): too few to compare", whose, eventType, len(shared), which, strings.Join(shared, ", "))
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%s last %s event disagrees with the %s as it reads now: %s", whose, eventType, which, strings.Join(diffs, "; "))
	}
	return nil
}

// readResource reads the card, stored card or token back, with a token of its account; the read leaves the
// last response alone.
func (s *Steps) readResource(ctx context.Context, st *scenario, which string) (map[string]any, error) {
	last := st.last
	defer func() { st.last = last }()
	switch which {
	case "card", "previous card":
		prefix := ""
		if which == "previous card" {
			prefix = "previous "
		}
		c, err := st.pick(prefix)
		if err != nil {
			return nil, err
		}
		if c.account == 0 {
			return nil, fmt.Errorf("card %d has no account yet: a noname card is read back once it is bound", c.id)
		}
		tok, _, err := s.token(ctx, c.tenant, c.account)
		if err != nil {
			return nil, err
		}
		ex, err := s.do(ctx, &scenario{token: tok}, "GET", fmt.Sprintf("/wallet/v1/cards/%d", c.id), nil, customerHeader(c.customer))
		if err != nil {
			return nil, err
		}
		var out map[string]any
		if ex.status != http.StatusOK || json.Unmarshal(ex.body, &out) != nil {
			return nil, fmt.Errorf("expected to read card %d back (200), but %s", c.id, ex)
		}
		return out, nil
	case "stored card":
		ex, err := s.storedGet(ctx)
		if err != nil {
			return nil, err
		}
		var out []map[string]any
		if ex.status != http.StatusOK || json.Unmarshal(ex.body, &out) != nil || len(out) != 1 {
			return nil, fmt.Errorf("expected to read the stored card back (200, one card), but the answer was %d", ex.status)
		}
		return out[0], nil
	case "token":
		ts, err := tokenOf(ctx)
		if err != nil {
			return nil, err
		}
		id, err := ts.token()
		if err != nil {
			return nil, err
		}
		_, t, err := s.tokenCard(ctx, st, id)
		return t, err
	}
	return nil, errors.New("unknown resource " + which)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// sameValue compares an event's value with a resource's: equal as text, or the same instant, or the same
// number written two ways ("500.00" and 500); objects and arrays compare as JSON.
func sameValue(a, b any) bool {
	ta, tb := text(a), text(b)
	if ta == tb {
		return true
	}
	if x, err := time.Parse(time.RFC3339Nano, ta); err == nil {
		if y, err := time.Parse(time.RFC3339Nano, tb); err == nil {
			return x.Equal(y)
		}
	}
	if x, err := strconv.ParseFloat(ta, 64); err == nil {
		if y, err := strconv.ParseFloat(tb, 64); err == nil {
			return x == y
		}
	}
	return false
}
