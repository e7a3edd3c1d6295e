package webhook

import (
	"context"
	"fmt"
	"strings"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/store"
)

// Request is where a routed event is sent and what: the URL, the exact body, and the headers.
type Request struct {
	URL    string
	Body   []byte
	Header map[string]string
}

// Route decides where an event of one domain goes, in what body: a domain whose events are another system's
// calls (D1's notifications to each issuer) routes them instead of offering them to the subscriptions. Such
// requests are not signed. ok false means the event has no receiver now: its message is skipped.
type Route func(ctx context.Context, r event.Record) (req Request, ok bool, err error)

// StatusSkipped is a routed message whose route had no receiver at its attempt.
const StatusSkipped Status = "skipped"

// routePrefix marks the pseudo-subscription of a routed domain's messages.
const routePrefix = "route:"

// RouteSubscription is the subscription id a routed domain's messages are kept under.
func RouteSubscription(domain string) string { return routePrefix + domain }

// Route sends a domain's events where r says instead of to the subscriptions; call it before Run. Routing a
// domain twice is a programming error and panics.
func (d *Dispatcher) Route(domain string, r Route) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.routes == nil {
		d.routes = map[string]Route{}
	}
	if _, dup := d.routes[domain]; dup {
		panic(fmt.Sprintf("webhook: domain %q routed twice", domain))
	}
	d.routes[domain] = r
}

// routeOf returns the route of a routed message's domain.
func (d *Dispatcher) routeOf(subscription string) (Route, bool) {
	domain, ok := strings.CutPrefix(subscription, routePrefix)
	if !ok {
		return nil, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	r, ok := d.routes[domain]
	return r, ok
}

// routed returns the route of an event's domain, if it has one.
func (d *Dispatcher) routed(domain string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.routes[domain]
	return ok
}

// sendRouted makes one attempt at a routed message.
func (d *Dispatcher) sendRouted(ctx context.Context, route Route, r event.Record) (Attempt, bool) {
	req, ok, err := route(ctx, r)
	switch {
	case err != nil:
		return Attempt{Error: "route: " + err.Error()}, true
	case !ok:
		return Attempt{}, false
	}
	return d.post(ctx, req), true
}

// Attempts returns the attempts made at a routed event, for the admin API of the domain that routes it.
func (d *Dispatcher) Attempts(ctx context.Context, tenant, domain, eventID string) ([]Attempt, error) {
	var out []Attempt
	err := d.store.View(ctx, tenant, func(tx store.Tx) error {
		m, err := d.store.Webhooks(tx).Message(ctx, MessageKey(RouteSubscription(domain), eventID))
		if err == nil {
			out = m.Attempts
		}
		return nil // no message: no attempt yet
	})
	return out, err
}
