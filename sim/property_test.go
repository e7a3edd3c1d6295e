package sim_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/issuersim/issuersim/gen/simadminclient"
	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/card"
)

// propertySteps is how many random commands TestCardStateMachineProperty runs: ISSUERSIM_PROPERTY_STEPS, or
// 2000 (300 with -short). ISSUERSIM_PROPERTY_SEED picks the sequence; a failure prints the seed and step.
func propertySteps(t *testing.T) (steps int, seed uint64) {
	steps, seed = 2000, 23
	if testing.Short() {
		steps = 300
	}
	if v, err := strconv.Atoi(os.Getenv("ISSUERSIM_PROPERTY_STEPS")); err == nil && v > 0 {
		steps = v
	}
	if v, err := strconv.ParseUint(os.Getenv("ISSUERSIM_PROPERTY_SEED"), 10, 64); err == nil {
		seed = v
	}
	return steps, seed
}

// settableAndNot are the statuses the property test asks for: every one updateCardStatus may set, and a few
// it may not (the contract refuses them).
var settableAndNot = []string{"NORMAL", "BLOCKED", "PENDING", "WARNING", "LOST", "ROBBED", "CANCELED", "FRAUD", "DAMAGED",
	"EXPIRED", "DELETED", "BROKEN", "THEFT", "DEFECT", "CREATED", "REISSUED", "INOPERATIVE", "BOGUS"}

// TestCardStateMachineProperty drives random command sequences (seeded) against the card lifecycle through
// the HTTP API: creating VIRTUAL and PLASTIC cards (some with a validity period), status updates to any
// status, activations, validity renewals, malformed requests and clock advances that expire validity. After
// each step it checks that no answer was a 5xx, that every card touched is in a status of the lifecycle and
// moved only as the lifecycle allows (card.CheckSet for a status update), that every new event passed its
// schema (the harness checks), and that each card's latest event tells the status a GET shows.
func TestCardStateMachineProperty(t *testing.T) {
	steps, seed := propertySteps(t)
	rng := rand.New(rand.NewPCG(seed, 23))
	h := newHarness(t, sim.Config{Seed: seed, TokenTTL: 1_000_000 * time.Hour}) // the clock advances by days
	virtual, plastic := h.cards(t, virtualAcct, virtualCust), h.cards(t, plasticAcct, plasticCust)
	type model struct {
		client *cardClient
		status string // as the last GET showed it
	}
	cards := map[int64]*model{}
	var ids, live []int64             // every card made; the ones not terminated, which the commands pick from
	eventStatus := map[int64]string{} // the status each card's latest event tells
	var cursor *uuid.UUID
	requests, refused, moved := 0, 0, 0
	started := time.Now()

	// read returns a card's status as GET shows it.
	read := func(id int64) string {
		m := cards[id]
		requests++
		return m.client.get(id)["status"].(string)
	}
	// drain reads the events since the last step (each checked against its schema by h.events) and keeps the
	// status each card's latest event tells.
	drain := func() {
		requests++
		for _, raw := range h.events(tenantA, simadminclient.ListEventsParams{After: cursor}) {
			var env struct {
				ID   string         `json:"event_id"`
				Data map[string]any `json:"data"`
			}
			if err := json.Unmarshal(raw, &env); err != nil {
				t.Fatal(err)
			}
			id := uuid.MustParse(env.ID)
			cursor = &id
			cid, okID := env.Data["card_id"].(float64)
			status, okStatus := env.Data["card_status"].(string)
			if okID && okStatus {
				eventStatus[int64(cid)] = strings.Replace(status, "UMBOUND", "UNBOUND", 1)
			}
		}
	}
	// agree checks a card's status against the lifecycle and its latest event.
	agree := func(step int, id int64, what string) {
		t.Helper()
		got := read(id)
		if card.Status(got).Group() == 0 {
			t.Fatalf("seed %d step %d (%s): card %d is in %q, no status of the lifecycle", seed, step, what, id, got)
		}
		if ev, ok := eventStatus[id]; ok && ev != got {
			t.Fatalf("seed %d step %d (%s): card %d is %s but its latest event says %s", seed, step, what, id, got, ev)
		}
		cards[id].status = got
	}
	pick := func() (int64, bool) {
		if len(live) == 0 {
			return 0, false
		}
		return live[rng.IntN(len(live))], true
	}
	for step := range steps {
		var what string
		var touched []int64
		var r response
		switch n := rng.IntN(100); {
		case n < 14 && len(live) < 30: // create a VIRTUAL card, maybe with a validity period, maybe a name taken before
			body := map[string]any{"name": fmt.Sprintf("v%d", rng.IntN(12)), "type": "VIRTUAL"}
			if rng.IntN(3) == 0 {
				body["validity_period_hours"] = 1 + rng.IntN(72)
			}
			what = fmt.Sprintf("create %v", body)
			r = h.do("POST", "/wallet/v2/cards", virtual.hdr(), body)
			if r.status == 201 {
				id := int64(r.json(t)["id"].(float64))
				cards[id] = &model{client: virtual}
				ids, live = append(ids, id), append(live, id)
				touched = append(touched, id)
			}
		case n < 20 && len(live) < 30: // create a PLASTIC card: one live card per customer
			what = "create PLASTIC"
			r = h.do("POST", "/wallet/v2/cards", plastic.hdr(), map[string]any{"name": "p", "type": "PLASTIC"})
			if r.status == 201 {
				id := int64(r.json(t)["id"].(float64))
				cards[id] = &model{client: plastic}
				ids, live = append(ids, id), append(live, id)
				touched = append(touched, id)
			}
		case n < 70: // a status update to any status
			id, ok := pick()
			if !ok {
				continue
			}
			to := settableAndNot[rng.IntN(len(settableAndNot))]
			if rng.IntN(3) > 0 { // mostly the reversible ones, so that cards live long enough to meet the rest
				to = settableAndNot[rng.IntN(4)]
			}
			from := cards[id].status
			what = fmt.Sprintf("card %d %s -> %s", id, from, to)
			r = h.do("PUT", cards[id].client.path(id, "status"), bearer(cards[id].client.tok), map[string]any{"status": to})
			drain()
			got := read(id)
			switch {
			case r.status == 200 && got != to:
				t.Fatalf("seed %d step %d (%s): answered 200 but the card is %s", seed, step, what, got)
			case r.status == 200 && card.CheckSet(card.Status(from), card.Status(to)) != nil:
				t.Fatalf("seed %d step %d (%s): the lifecycle forbids it, yet it was done", seed, step, what)
			case r.status != 200 && got != from:
				t.Fatalf("seed %d step %d (%s): refused with %d, yet the card moved to %s", seed, step, what, r.status, got)
			case r.status == 200:
				moved++
			}
			touched = append(touched, id)
		case n < 78: // activate
			id, ok := pick()
			if !ok {
				continue
			}
			from := cards[id].status
			what = fmt.Sprintf("activate card %d (%s)", id, from)
			r = h.do("PUT", cards[id].client.path(id, "activate"), cards[id].client.hdr(), nil)
			drain()
			if got := read(id); r.status == 200 && (from != "CREATED" || got != "NORMAL") || r.status != 200 && got != from {
				t.Fatalf("seed %d step %d (%s): answered %d and the card is %s", seed, step, what, r.status, got)
			}
			touched = append(touched, id)
		case n < 84: // renew the validity
			id, ok := pick()
			if !ok {
				continue
			}
			what = fmt.Sprintf("renew card %d (%s)", id, cards[id].status)
			r = h.do("PATCH", fmt.Sprintf("/wallet/v2/cards/%d/validity/renew", id), cards[id].client.hdr(), map[string]any{"validity_period_hours": 1 + rng.IntN(48)})
			touched = append(touched, id)
		case n < 95: // a malformed request: nothing may change
			id, ok := pick()
			if !ok {
				continue
			}
			what = fmt.Sprintf("malformed update of card %d", id)
			r = h.do("PUT", cards[id].client.path(id, "status"), bearer(cards[id].client.tok), `{"status":"BLOCKED","status":"NORMAL"}`)
			if r.status != 400 {
				t.Fatalf("seed %d step %d (%s): %d %s", seed, step, what, r.status, r.body)
			}
			touched = append(touched, id)
		default: // time passes: validity periods end
			d := fmt.Sprintf("%dh", 1+rng.IntN(24))
			what = "advance " + d
			h.advance(tenantA, d)
			requests++
			touched = live
		}
		requests++
		if r.status >= 500 {
			t.Fatalf("seed %d step %d (%s): %d %s", seed, step, what, r.status, r.body)
		}
		if r.status >= 400 {
			refused++
		}
		drain()
		for _, id := range touched {
			agree(step, id, what)
		}
		live = slices.DeleteFunc(live, func(id int64) bool { return !card.Status(cards[id].status).Live() })
	}
	drain()
	for _, id := range ids {
		agree(steps, id, "final sweep")
	}
	if len(ids) < 10 || moved < steps/20 {
		t.Fatalf("seed %d: only %d cards and %d status changes in %d steps: the sequence tested little", seed, len(ids), moved, steps)
	}
	statuses := map[string]int{}
	for _, m := range cards {
		statuses[m.status]++
	}
	t.Logf("seed %d: %d steps, %d requests (%d refused, %d status changes), %d cards, in %s; final statuses %v", seed, steps, requests, refused, moved, len(ids),
		time.Since(started).Round(time.Millisecond), statuses)
}
