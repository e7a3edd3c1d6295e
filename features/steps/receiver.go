package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"
	"github.com/google/uuid"

	"github.com/issuersim/issuersim/gen/simadminclient"
	"github.com/issuersim/issuersim/sim/webhook/verify"
)

// The webhook steps: a real HTTP endpoint per scenario that the simulator delivers the scenario tenant's
// events to, signed (Standard Webhooks), and the checks of what it received. The endpoint is an httptest
// server on the library's receiver host (127.0.0.1 unless [WithReceiverHost] says otherwise), started by the
// first step that needs it and closed, with its subscription deleted, when the scenario ends. Deliveries are
// asynchronous: every check waits for them up to the library's wait ([WithWait]), never longer, and fails
// naming what it expected and what arrived.
//
//	my webhook endpoint is subscribed to the tenant's events
//	my webhook endpoint is subscribed to the tenant's "cards.*" events
//	my webhook endpoint answers the next 1 delivery with 503
//	my webhook endpoint received the card's events "create-1, update-1", signed
//	my webhook endpoint received every event of the tenant, signed
//	my webhook endpoint received the card's "create-1" event 2 times, with the same webhook id
//	the delivery of the card's "create-1" event has failed and waits for its retry
//	I rotate my webhook endpoint's secret
//	the card's "update-1" event reached my webhook endpoint signed with the old and the new secret
//	I redeliver the card's "create-1" event to my webhook endpoint
//	D1 notifies the issuer's endpoint
//	the issuer's endpoint was notified of the D1 card "card-1"'s operations "REGISTER, SUSPEND SUCCESSFUL"
//
// "The card's events" are those the event log holds for the subject ("card", "previous card", "stored card",
// "token" or "bulk"); the endpoint must have received each of them, in the log's order, each with a
// signature the subscription's secret verifies (sim/webhook/verify), a webhook-id equal to its event_id and a
// body equal to the logged envelope.
func (s *Steps) registerReceiver(sc *godog.ScenarioContext) {
	sc.After(s.closeReceiver)
	sc.Step(`^my webhook endpoint is subscribed to the tenant's events$`, s.subscribeAll)
	sc.Step(`^my webhook endpoint is subscribed to the tenant's "([^"]*)" events$`, s.subscribeTypes)
	sc.Step(`^my webhook endpoint answers the next (\d+) deliver(?:y|ies) with (\d+)$`, s.refuseNext)
	sc.Step(`^my webhook endpoint received the (previous card|stored card|card|token|bulk)'s events "([^"]*)", signed$`, s.receivedSequence)
	sc.Step(`^my webhook endpoint received every event of the tenant, signed$`, s.receivedAll)
	sc.Step(`^my webhook endpoint received the (previous card|stored card|card|token|bulk)'s "([^"]*)" event (\d+) times, with the same webhook id$`, s.receivedTimes)
	sc.Step(`^the delivery of the (previous card|stored card|card|token|bulk)'s "([^"]*)" event has failed and waits for its retry$`, s.deliveryFailed)
	sc.Step(`^I rotate my webhook endpoint's secret$`, s.rotateSecret)
	sc.Step(`^the (previous card|stored card|card|token|bulk)'s "([^"]*)" event reached my webhook endpoint signed with the old and the new secret$`, s.signedWithBoth)
	sc.Step(`^I redeliver the (previous card|stored card|card|token|bulk)'s "([^"]*)" event to my webhook endpoint$`, s.redeliver)
	sc.Step(`^D1 notifies the issuer's endpoint$`, s.d1NotifyEndpoint)
	sc.Step(`^the issuer's endpoint was notified of the D1 card "([^"]*)"'s operations "([^"]*)"$`, s.d1Notified)
}

// receiver is a scenario's endpoint: an HTTP server that keeps every request it gets.
type receiver struct {
	srv  *httptest.Server
	base string // the URL the simulator is given, on the advertised host

	mu           sync.Mutex
	got          []delivery
	changed      chan struct{} // closed and replaced at every request
	refuse       int           // answer refuseStatus to this many next requests
	refuseStatus int
	subscription string   // the scenario's webhook subscription, once subscribed
	secrets      []string // every secret the subscription has had, oldest first
	d1Issuer     string   // the D1 issuer whose notifications come here, once set
}

// delivery is one request the endpoint received and what it answered.
type delivery struct {
	path   string
	header http.Header
	body   []byte
	status int
}

// webhookPath and d1Path are where the endpoint takes the subscription's deliveries and D1's notifications.
const (
	webhookPath = "/webhooks"
	d1Path      = "/d1"
)

// endpoint returns the scenario's endpoint, starting it on first use.
func (s *Steps) endpoint(st *scenario) (*receiver, error) {
	if st.hook != nil {
		return st.hook, nil
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(s.receiverHost, "0"))
	if err != nil {
		return nil, fmt.Errorf("start a webhook endpoint on %s: %w", s.receiverHost, err)
	}
	r := &receiver{changed: make(chan struct{})}
	r.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}}
	r.srv.Start()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	r.base = "http://" + net.JoinHostPort(s.receiverAdvertised, port)
	st.hook = r
	return r, nil
}

// ServeHTTP keeps the request and answers 204, or the refusal a step asked for.
func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	status := http.StatusNoContent
	r.mu.Lock()
	switch {
	case err != nil:
		status = http.StatusBadRequest
	case r.refuse > 0:
		r.refuse--
		status = r.refuseStatus
	}
	r.got = append(r.got, delivery{path: req.URL.Path, header: req.Header.Clone(), body: body, status: status})
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
	w.WriteHeader(status)
}

// waitFor returns the endpoint's deliveries once done says they are enough, or, after the wait, the last
// ones it saw and false.
func (r *receiver) waitFor(ctx context.Context, wait time.Duration, done func([]delivery) bool) ([]delivery, bool) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		r.mu.Lock()
		got := append([]delivery(nil), r.got...)
		changed := r.changed
		r.mu.Unlock()
		if done(got) {
			return got, true
		}
		select {
		case <-changed:
		case <-timer.C:
			return got, false
		case <-ctx.Done():
			return got, false
		}
	}
}

// closeReceiver deletes the scenario's subscription and D1 receiver setting and stops its endpoint.
func (s *Steps) closeReceiver(ctx context.Context, _ *godog.Scenario, _ error) (context.Context, error) {
	st, err := state(ctx)
	if err != nil || st.hook == nil {
		return ctx, nil
	}
	r := st.hook
	st.hook = nil
	defer r.srv.Close()
	var errs []error
	if r.subscription != "" {
		resp, err := s.admin.DeleteWebhookSubscriptionWithResponse(ctx, mustUUID(r.subscription), &simadminclient.DeleteWebhookSubscriptionParams{Tenant: &st.tenant})
		if err != nil {
			errs = append(errs, fmt.Errorf("delete the scenario's webhook subscription: %w", err))
		} else if resp.StatusCode() != http.StatusNoContent {
			errs = append(errs, fmt.Errorf("delete the scenario's webhook subscription: %d %s", resp.StatusCode(), resp.Body))
		}
	}
	if r.d1Issuer != "" {
		none := ""
		if _, err := s.admin.UpdateD1IssuerSettingsWithResponse(ctx, r.d1Issuer, simadminclient.D1SettingsRequest{Tenant: &st.tenant, NotificationUrl: &none}); err != nil {
			errs = append(errs, fmt.Errorf("stop D1's notifications to the scenario's endpoint: %w", err))
		}
	}
	return ctx, errors.Join(errs...)
}

func (s *Steps) subscribeAll(ctx context.Context) error { return s.subscribe(ctx, nil) }

func (s *Steps) subscribeTypes(ctx context.Context, types string) error {
	return s.subscribe(ctx, splitList(types))
}

// subscribe creates the scenario's subscription to its tenant's events (of the types, or all).
func (s *Steps) subscribe(ctx context.Context, types []string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	r, err := s.endpoint(st)
	if err != nil {
		return err
	}
	if r.subscription != "" {
		return errors.New("my webhook endpoint is subscribed already")
	}
	url, desc := r.base+webhookPath, "step library endpoint"
	req := simadminclient.WebhookSubscriptionRequest{Tenant: &st.tenant, Url: url, Description: &desc}
	if len(types) > 0 {
		req.EventTypes = &types
	}
	resp, err := s.admin.CreateWebhookSubscriptionWithResponse(ctx, req)
	if err != nil {
		return fmt.Errorf("subscribe %s: %w", url, err)
	}
	if resp.JSON201 == nil {
		return fmt.Errorf("expected a webhook subscription (201), but POST /_sim/webhooks answered %d %s", resp.StatusCode(), resp.Body)
	}
	r.mu.Lock()
	r.subscription, r.secrets = resp.JSON201.Id, []string{resp.JSON201.Secret}
	r.mu.Unlock()
	return nil
}

// subscribed returns the scenario's endpoint, which must be subscribed.
func subscribed(ctx context.Context) (*scenario, *receiver, error) {
	st, err := state(ctx)
	if err != nil {
		return nil, nil, err
	}
	if st.hook == nil || st.hook.subscription == "" {
		return nil, nil, errors.New(`my webhook endpoint is not subscribed: add "Given my webhook endpoint is subscribed to the tenant's events"`)
	}
	return st, st.hook, nil
}

func (s *Steps) refuseNext(ctx context.Context, n, status int) error {
	_, r, err := subscribed(ctx)
	if err != nil {
		return err
	}
	if status < 300 || status > 599 {
		return fmt.Errorf("a refusal is a status from 300 to 599, not %d", status)
	}
	r.mu.Lock()
	r.refuse, r.refuseStatus = n, status
	r.mu.Unlock()
	return nil
}

// webhooks returns the deliveries of the subscription among all the endpoint received.
func webhooks(got []delivery) []delivery {
	var out []delivery
	for _, d := range got {
		if d.path == webhookPath {
			out = append(out, d)
		}
	}
	return out
}

// byID groups deliveries by webhook-id, keeping the order of first receipt.
func byID(got []delivery) (ids []string, by map[string][]delivery) {
	by = map[string][]delivery{}
	for _, d := range got {
		id := d.header.Get("webhook-id")
		if _, seen := by[id]; !seen {
			ids = append(ids, id)
		}
		by[id] = append(by[id], d)
	}
	return ids, by
}

// receivedTypes names the event types of deliveries, in order of receipt, for failure messages.
func receivedTypes(got []delivery) string {
	parts := make([]string, 0, len(got))
	for _, d := range got {
		var env struct {
			EventType string `json:"event_type"`
		}
		if json.Unmarshal(d.body, &env) != nil || env.EventType == "" {
			parts = append(parts, "(not an event)")
			continue
		}
		parts = append(parts, env.EventType)
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

func eventID(e map[string]any) string { s, _ := e["event_id"].(string); return s }

// checkDelivered waits until the endpoint has received every one of the logged events, then checks that each
// arrived first in the log's order, and that every delivery of them is signed by one of the subscription's
// secrets, carries the event's id and the logged envelope.
func (s *Steps) checkDelivered(ctx context.Context, r *receiver, whose string, logged []map[string]any) error {
	want := map[string]bool{}
	for _, e := range logged {
		want[eventID(e)] = true
	}
	got, ok := r.waitFor(ctx, s.wait, func(all []delivery) bool {
		_, by := byID(webhooks(all))
		for id := range want {
			if len(by[id]) == 0 {
				return false
			}
		}
		return true
	})
	var mine []delivery
	for _, d := range webhooks(got) {
		if want[d.header.Get("webhook-id")] {
			mine = append(mine, d)
		}
	}
	if !ok {
		return fmt.Errorf("expected my webhook endpoint to receive %s events %s within %s, but it received %s (and, of every subject, %s)",
			whose, types(logged), s.wait, receivedTypes(mine), receivedTypes(webhooks(got)))
	}
	ids, by := byID(mine)
	for i, e := range logged {
		if ids[i] != eventID(e) {
			return fmt.Errorf("expected my webhook endpoint to receive %s events in the order %s, but they arrived as %s", whose, types(logged), receivedTypes(firsts(ids, by)))
		}
	}
	r.mu.Lock()
	secrets := append([]string(nil), r.secrets...)
	r.mu.Unlock()
	for _, e := range logged {
		for n, d := range by[eventID(e)] {
			if err := checkDelivery(d, e, secrets); err != nil {
				return fmt.Errorf("delivery %d of %s %s: %w", n+1, whose, e["event_type"], err)
			}
		}
	}
	return nil
}

func firsts(ids []string, by map[string][]delivery) []delivery {
	out := make([]delivery, 0, len(ids))
	for _, id := range ids {
		out = append(out, by[id][0])
	}
	return out
}

// checkDelivery checks one delivery of a logged event: signed by one of the secrets, with a timestamp within
// the tolerance, and with the logged envelope as its body.
func checkDelivery(d delivery, logged map[string]any, secrets []string) error {
	var errs []error
	verified := false
	for _, secret := range secrets {
		err := verify.Verify(secret, d.header, d.body)
		if err == nil {
			verified = true
			break
		}
		errs = append(errs, err)
	}
	if !verified {
		return fmt.Errorf("its signature does not verify: %w", errors.Join(errs...))
	}
	var body map[string]any
	if err := json.Unmarshal(d.body, &body); err != nil {
		return fmt.Errorf("its body is not JSON: %w", err)
	}
	if !reflect.DeepEqual(body, logged) {
		raw, _ := json.Marshal(logged)
		return fmt.Errorf("its body %s is not the logged event %s", d.body, raw)
	}
	return nil
}

// types lists events' types, comma-separated.
func types(evs []map[string]any) string {
	parts := make([]string, 0, len(evs))
	for _, e := range evs {
		parts = append(parts, fmt.Sprint(e["event_type"]))
	}
	if len(parts) == 0 {
		return "(none)"
	}
	return strings.Join(parts, ", ")
}

func (s *Steps) receivedSequence(ctx context.Context, which, want string) error {
	st, r, err := subscribed(ctx)
	if err != nil {
		return err
	}
	subject, whose, err := s.subjectOf(ctx, st, which)
	if err != nil {
		return err
	}
	logged, err := s.subjectEvents(ctx, st, subject)
	if err != nil {
		return err
	}
	if err := matchSequence(whose, logged, want); err != nil {
		return err
	}
	return s.checkDelivered(ctx, r, whose, logged)
}

// receivedAll checks that every event of the tenant the subscription takes reached the endpoint; D1's
// notifications (domain d1) go to the issuer's endpoint instead and are left out.
func (s *Steps) receivedAll(ctx context.Context) error {
	st, r, err := subscribed(ctx)
	if err != nil {
		return err
	}
	all, err := s.listEvents(ctx, simadminclient.ListEventsParams{Tenant: &st.tenant}, "the tenant's events")
	if err != nil {
		return err
	}
	var logged []map[string]any
	for _, e := range all {
		if e["domain"] != "d1" {
			logged = append(logged, e)
		}
	}
	if len(logged) == 0 {
		return errors.New("expected the tenant to have events for my webhook endpoint, but it has none")
	}
	// The order holds per subject only, so each subject is checked on its own.
	var subjects []string
	bySubject := map[string][]map[string]any{}
	for _, e := range logged {
		k := subjectKey(e)
		if _, ok := bySubject[k]; !ok {
			subjects = append(subjects, k)
		}
		bySubject[k] = append(bySubject[k], e)
	}
	for _, k := range subjects {
		if err := s.checkDelivered(ctx, r, "the tenant's "+k, bySubject[k]); err != nil {
			return err
		}
	}
	return nil
}

// subjectKey approximates an event's subject from its data, for grouping: the card, card on file, token or
// bulk it names, else its type.
func subjectKey(e map[string]any) string {
	data, _ := e["data"].(map[string]any)
	for _, f := range []string{"token_id", "card_stored_uuid", "card_id", "bulk_id"} {
		if v, ok := data[f]; ok && v != nil {
			return f + " " + text(v)
		}
	}
	return fmt.Sprint(e["event_type"])
}

// oneEvent returns the last logged event of a type about a subject.
func (s *Steps) oneEvent(ctx context.Context, st *scenario, which, eventType string) (map[string]any, string, error) {
	subject, whose, err := s.subjectOf(ctx, st, which)
	if err != nil {
		return nil, "", err
	}
	evs, err := s.subjectEvents(ctx, st, subject)
	if err != nil {
		return nil, "", err
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i]["event_type"] == eventType {
			return evs[i], whose, nil
		}
	}
	return nil, "", fmt.Errorf("expected a %s event among %s events, but they are %s", eventType, whose, types(evs))
}

func (s *Steps) receivedTimes(ctx context.Context, which, eventType string, n int) error {
	st, r, err := subscribed(ctx)
	if err != nil {
		return err
	}
	e, whose, err := s.oneEvent(ctx, st, which, eventType)
	if err != nil {
		return err
	}
	id := eventID(e)
	got, ok := r.waitFor(ctx, s.wait, func(all []delivery) bool {
		_, by := byID(webhooks(all))
		return len(by[id]) >= n
	})
	_, by := byID(webhooks(got))
	if !ok || len(by[id]) != n {
		return fmt.Errorf("expected my webhook endpoint to receive %s %s event %d times within %s, but it received it %d times", whose, eventType, n, s.wait, len(by[id]))
	}
	r.mu.Lock()
	secrets := append([]string(nil), r.secrets...)
	r.mu.Unlock()
	for i, d := range by[id] {
		if err := checkDelivery(d, e, secrets); err != nil {
			return fmt.Errorf("delivery %d of %s %s: %w", i+1, whose, eventType, err)
		}
	}
	return nil
}

// deliveryFailed waits until the subscription's delivery log shows the event's message pending after a
// failed attempt, with its retry scheduled: the dispatcher records both after the endpoint answers, so a
// scenario that advances the clock before that could miss the retry.
func (s *Steps) deliveryFailed(ctx context.Context, which, eventType string) error {
	st, r, err := subscribed(ctx)
	if err != nil {
		return err
	}
	e, whose, err := s.oneEvent(ctx, st, which, eventType)
	if err != nil {
		return err
	}
	id := eventID(e)
	deadline := time.Now().Add(s.wait)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	last := "no message yet"
	for {
		resp, err := s.admin.GetWebhookMessageWithResponse(ctx, mustUUID(r.subscription), mustUUID(id), &simadminclient.GetWebhookMessageParams{Tenant: &st.tenant})
		if err != nil {
			return fmt.Errorf("read the delivery log of %s %s: %w", whose, eventType, err)
		}
		if m := resp.JSON200; m != nil {
			failed := len(m.Attempts) > 0 && (m.Attempts[len(m.Attempts)-1].Status < 200 || m.Attempts[len(m.Attempts)-1].Status > 299)
			if m.Status == simadminclient.WebhookMessagePending && failed && m.NextAttemptAt != nil {
				return nil
			}
			last = fmt.Sprintf("status %s after %d attempts", m.Status, len(m.Attempts))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("expected the delivery of %s %s to fail and wait for a retry within %s, but its message is at %s", whose, eventType, s.wait, last)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Steps) rotateSecret(ctx context.Context) error {
	st, r, err := subscribed(ctx)
	if err != nil {
		return err
	}
	resp, err := s.admin.RotateWebhookSecretWithResponse(ctx, mustUUID(r.subscription), &simadminclient.RotateWebhookSecretParams{Tenant: &st.tenant})
	if err != nil {
		return fmt.Errorf("rotate the subscription's secret: %w", err)
	}
	if resp.JSON200 == nil {
		return fmt.Errorf("expected the rotated subscription (200), but the simulator answered %d %s", resp.StatusCode(), resp.Body)
	}
	r.mu.Lock()
	r.secrets = append(r.secrets, resp.JSON200.Secret)
	r.mu.Unlock()
	return nil
}

// signedWithBoth checks that the event's deliveries verify with the subscription's first secret and with its
// current one, each on its own.
func (s *Steps) signedWithBoth(ctx context.Context, which, eventType string) error {
	st, r, err := subscribed(ctx)
	if err != nil {
		return err
	}
	e, whose, err := s.oneEvent(ctx, st, which, eventType)
	if err != nil {
		return err
	}
	if err := s.checkDelivered(ctx, r, whose, []map[string]any{e}); err != nil {
		return err
	}
	r.mu.Lock()
	secrets := append([]string(nil), r.secrets...)
	got := append([]delivery(nil), r.got...)
	r.mu.Unlock()
	if len(secrets) < 2 {
		return errors.New(`the subscription's secret was never rotated: add "I rotate my webhook endpoint's secret"`)
	}
	_, by := byID(webhooks(got))
	d := by[eventID(e)][0]
	for _, secret := range []string{secrets[0], secrets[len(secrets)-1]} {
		if err := verify.Verify(secret, d.header, d.body); err != nil {
			return fmt.Errorf("expected %s %s to be signed with the old and the new secret, but %w (signatures %q)", whose, eventType, err, d.header.Get("webhook-signature"))
		}
	}
	return nil
}

func (s *Steps) redeliver(ctx context.Context, which, eventType string) error {
	st, r, err := subscribed(ctx)
	if err != nil {
		return err
	}
	e, whose, err := s.oneEvent(ctx, st, which, eventType)
	if err != nil {
		return err
	}
	resp, err := s.admin.RedeliverWebhookMessageWithResponse(ctx, mustUUID(r.subscription), mustUUID(eventID(e)), &simadminclient.RedeliverWebhookMessageParams{Tenant: &st.tenant})
	if err != nil {
		return fmt.Errorf("redeliver %s %s: %w", whose, eventType, err)
	}
	if resp.StatusCode() != http.StatusAccepted {
		return fmt.Errorf("expected the redelivery of %s %s to be queued (202), but the simulator answered %d %s", whose, eventType, resp.StatusCode(), resp.Body)
	}
	return nil
}

// d1NotifyEndpoint points the scenario's D1 issuer's notifications at the scenario's endpoint.
func (s *Steps) d1NotifyEndpoint(ctx context.Context) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	if st.d1 == nil {
		return errors.New(`the scenario is no D1 issuer yet: add "I am the tenant's D1 issuer"`)
	}
	r, err := s.endpoint(st)
	if err != nil {
		return err
	}
	url := r.base + d1Path
	resp, err := s.admin.UpdateD1IssuerSettingsWithResponse(ctx, st.d1.id, simadminclient.D1SettingsRequest{Tenant: &st.tenant, NotificationUrl: &url})
	if err != nil {
		return fmt.Errorf("set the issuer's D1 receiver: %w", err)
	}
	if resp.JSON200 == nil {
		return fmt.Errorf("expected the issuer's D1 settings (200), but the simulator answered %d %s", resp.StatusCode(), resp.Body)
	}
	r.mu.Lock()
	r.d1Issuer = st.d1.id
	r.mu.Unlock()
	return nil
}

// d1Notification is one operation of a D1 notification the issuer's endpoint received.
type d1Notification struct {
	OperationID string `json:"operationId"`
	Operation   string `json:"operation"`
	Status      string `json:"status"`
	CardID      string `json:"cardId"`
}

// d1Notifications returns the operations D1 notified the endpoint of about a card, in order of receipt.
func d1Notifications(got []delivery, issuer, cardID string) []d1Notification {
	var out []d1Notification
	path := d1Path + "/notifications/d1/v2/issuers/" + issuer + "/cards"
	for _, d := range got {
		if d.path != path || d.status/100 != 2 {
			continue
		}
		var body struct {
			Operations []d1Notification `json:"operations"`
		}
		if json.Unmarshal(d.body, &body) != nil {
			continue
		}
		for _, o := range body.Operations {
			if o.CardID == cardID {
				out = append(out, o)
			}
		}
	}
	return out
}

// d1Notified waits for D1's notifications of a card's operations, each written "OPERATION" or "OPERATION
// STATUS", in order.
func (s *Steps) d1Notified(ctx context.Context, cardID, want string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	if st.hook == nil || st.hook.d1Issuer == "" {
		return errors.New(`D1 does not notify the issuer's endpoint: add "D1 notifies the issuer's endpoint"`)
	}
	expected := splitList(want)
	render := func(ns []d1Notification, withStatus []bool) string {
		parts := make([]string, 0, len(ns))
		for i, n := range ns {
			if i < len(withStatus) && withStatus[i] {
				parts = append(parts, n.Operation+" "+n.Status)
			} else {
				parts = append(parts, n.Operation)
			}
		}
		return strings.Join(parts, ", ")
	}
	withStatus := make([]bool, len(expected))
	for i, e := range expected {
		withStatus[i] = strings.Contains(e, " ")
	}
	got, ok := st.hook.waitFor(ctx, s.wait, func(all []delivery) bool {
		return len(d1Notifications(all, st.hook.d1Issuer, cardID)) >= len(expected)
	})
	ns := d1Notifications(got, st.hook.d1Issuer, cardID)
	if !ok || render(ns, withStatus) != strings.Join(expected, ", ") {
		return fmt.Errorf("expected D1 to notify the issuer's endpoint of %s's operations %s within %s, but it was notified of %q", cardID, strings.Join(expected, ", "), s.wait, render(ns, withStatus))
	}
	return nil
}

// splitList splits a comma-separated list, trimming each item and dropping empty ones.
func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// subjectOf names a subject the scenario holds, as the event log writes it, and in words for messages.
func (s *Steps) subjectOf(ctx context.Context, st *scenario, which string) (subject, whose string, err error) {
	switch which {
	case "card", "previous card":
		prefix := ""
		if which == "previous card" {
			prefix = "previous "
		}
		c, err := st.pick(prefix)
		if err != nil {
			return "", "", err
		}
		return "card:" + strconv.FormatInt(c.id, 10), "the " + which + "'s", nil
	case "stored card":
		id, err := st.storedCard()
		if err != nil {
			return "", "", err
		}
		return "card_on_file:" + id, "the stored card's", nil
	case "token":
		ts, err := tokenOf(ctx)
		if err != nil {
			return "", "", err
		}
		id, err := ts.token()
		if err != nil {
			return "", "", err
		}
		return "token:" + id, "the token's", nil
	case "bulk":
		if st.bulk == "" {
			return "", "", errors.New(`the scenario has no bulk: start with "I create a noname bulk …"`)
		}
		return "bulk:" + st.bulk, "the bulk's", nil
	}
	return "", "", fmt.Errorf("unknown subject %q: say card, previous card, stored card, token or bulk", which)
}

// mustUUID reads an id the simulator gave as a UUID; one that is not reads as the nil UUID, which the
// simulator answers with 404, named in the step's error.
func mustUUID(id string) uuid.UUID {
	u, err := uuid.Parse(id)
	if err != nil {
		return uuid.Nil
	}
	return u
}
