// Package webhook delivers committed events to a receiver by HTTP POST, signed as Standard Webhooks specifies,
// and retries failures as jobs on the event's tenant's clock. A domain whose events go elsewhere, in a body of
// their own (D1's notifications to each issuer), gives the dispatcher a Route; its events are queued, retried
// and logged the same way.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/store"
)

// JobRetry is the job kind of a delivery retry; its subject is the event (kind "event", the event id).
const JobRetry = "webhook.retry"

// SubjectEvent is the subject kind of a retry job: the event it delivers again.
const SubjectEvent = "event"

// retryData is a JobRetry job's data.
type retryData struct {
	Attempt int `json:"attempt"`
}

// DefaultBackoff is the wait before each retry of a failed delivery, on the simulator's clock.
var DefaultBackoff = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour}

// Request is where a routed event is sent and what: the URL, the exact body, and the headers.
type Request struct {
	URL    string
	Body   []byte
	Header map[string]string
}

// Route decides where an event of one domain goes instead of URL, and in what body; such requests are not
// signed. ok false means the event has no receiver now, and it is not sent.
type Route func(ctx context.Context, r event.Record) (req Request, ok bool, err error)

// Config configures a Dispatcher.
type Config struct {
	// URL receives every event no route takes (Dispatcher.Route); empty sends only the routed ones.
	URL string
	// Secret signs deliveries: base64, with or without the whsec_ prefix.
	Secret string
	// Clocks are the tenants' clocks retries are scheduled on; required.
	Clocks *clock.Tenants
	// Wall stamps webhook-timestamp with real time so receivers can check their usual tolerance even when the
	// simulator's clock is virtual. Wall defaults to time.Now.
	Wall func() time.Time
	// Client sends the requests; default a client with a 10-second timeout.
	Client *http.Client
	// Backoff lists the waits before retries; default DefaultBackoff.
	Backoff []time.Duration
	Logger  *slog.Logger
}

// Attempt is one try at delivering an event.
type Attempt struct {
	Number int
	At     time.Time
	Status int    // HTTP status, 0 when no response came
	Error  string // transport error or non-2xx summary
}

// Dispatcher delivers events in commit order, one at a time, and keeps one record per attempt. It learns of
// events as a store.Observer and schedules each retry as a JobRetry job in the store it is bound to.
type Dispatcher struct {
	cfg   Config
	hook  *standardwebhooks.Webhook
	store store.Transactor

	routes map[string]Route // by event domain; written before the first delivery, then only read

	mu       sync.Mutex
	queue    []delivery
	wake     chan struct{}
	attempts map[string][]Attempt
}

type delivery struct {
	record  event.Record
	attempt int
}

// New returns a Dispatcher, or an error naming the bad setting.
func New(cfg Config) (*Dispatcher, error) {
	if cfg.URL != "" && !strings.HasPrefix(cfg.URL, "http://") && !strings.HasPrefix(cfg.URL, "https://") {
		return nil, fmt.Errorf("webhook url %q: must be an http or https URL", cfg.URL)
	}
	if cfg.Clocks == nil {
		return nil, fmt.Errorf("webhook dispatcher: the tenants' clocks are required for retries")
	}
	hook, err := standardwebhooks.NewWebhook(cfg.Secret)
	if err != nil {
		return nil, fmt.Errorf("webhook secret: must be base64, optionally prefixed whsec_: %w", err)
	}
	if cfg.Wall == nil {
		cfg.Wall = time.Now
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Backoff == nil {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{cfg: cfg, hook: hook, routes: map[string]Route{}, wake: make(chan struct{}, 1), attempts: map[string][]Attempt{}}, nil
}

// Bind gives the dispatcher the store its retry jobs are written in; call it before the first delivery.
func (d *Dispatcher) Bind(st store.Transactor) { d.store = st }

// Route sends the events of a domain where r says instead of to the URL (D1's notifications go to each
// issuer's receiver); call it before the first delivery. Registering a domain twice is a programming error
// and panics.
func (d *Dispatcher) Route(domain string, r Route) {
	if _, dup := d.routes[domain]; dup {
		panic(fmt.Sprintf("webhook: domain %q routed twice", domain))
	}
	d.routes[domain] = r
}

// Committed queues a commit's events for delivery, in commit order; it never blocks. See store.Observer.
func (d *Dispatcher) Committed(c store.Commit) {
	for _, r := range c.Events {
		if d.routes[r.Domain] == nil && d.cfg.URL == "" {
			continue // nowhere to send it
		}
		d.push(delivery{record: r, attempt: 1})
	}
}

// RunRetry runs a JobRetry job: it queues the event's next attempt.
func (d *Dispatcher) RunRetry(_ context.Context, tx store.Tx, j job.Job) error {
	var data retryData
	if err := json.Unmarshal(j.Data, &data); err != nil || data.Attempt < 2 {
		return fmt.Errorf("%s job %d: data %s does not name the attempt", j.Kind, j.ID, j.Data)
	}
	r, err := tx.Event(j.Subject.ID)
	if err != nil {
		return fmt.Errorf("%s job %d: %w", j.Kind, j.ID, err)
	}
	d.push(delivery{record: r, attempt: data.Attempt})
	return nil
}

func (d *Dispatcher) push(x delivery) {
	d.mu.Lock()
	d.queue = append(d.queue, x)
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Attempts returns the attempts made for an event so far.
func (d *Dispatcher) Attempts(eventID string) []Attempt {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Attempt(nil), d.attempts[eventID]...)
}

// Run delivers queued events until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) error {
	for {
		d.mu.Lock()
		if len(d.queue) == 0 {
			d.mu.Unlock()
			select {
			case <-ctx.Done():
				return nil
			case <-d.wake:
				continue
			}
		}
		next := d.queue[0]
		d.queue = d.queue[1:]
		d.mu.Unlock()
		d.deliver(ctx, next)
	}
}

func (d *Dispatcher) deliver(ctx context.Context, x delivery) {
	r := x.record
	a := Attempt{Number: x.attempt, At: d.cfg.Wall().UTC()}
	if route := d.routes[r.Domain]; route != nil {
		req, ok, err := route(ctx, r)
		switch {
		case err != nil:
			a.Error = "route: " + err.Error()
		case !ok:
			return // no receiver for it now; it stays in the event log
		default:
			a.Status, a.Error = d.post(ctx, req)
		}
	} else {
		a.Status, a.Error = d.send(ctx, r, a.At)
	}
	d.mu.Lock()
	d.attempts[r.ID] = append(d.attempts[r.ID], a)
	d.mu.Unlock()
	log := d.cfg.Logger.With("event_id", r.ID, "event_type", r.Type, "attempt", a.Number)
	if a.Error == "" {
		log.Debug("webhook delivered", "status", a.Status)
		return
	}
	if ctx.Err() != nil {
		return
	}
	if x.attempt > len(d.cfg.Backoff) {
		log.Error("webhook delivery failed for good", "status", a.Status, "err", a.Error)
		return
	}
	wait := d.cfg.Backoff[x.attempt-1]
	log.Warn("webhook delivery failed; will retry", "status", a.Status, "err", a.Error, "retry_in", wait)
	if err := d.scheduleRetry(ctx, r, x.attempt+1, wait); err != nil {
		log.Error("webhook retry not scheduled", "err", err)
	}
}

// scheduleRetry writes the retry job of an event's next attempt, due after wait on its tenant's clock.
func (d *Dispatcher) scheduleRetry(ctx context.Context, r event.Record, attempt int, wait time.Duration) error {
	data, err := json.Marshal(retryData{Attempt: attempt})
	if err != nil {
		return err
	}
	meta := store.NewMeta(ctx, r.Tenant, d.cfg.Clocks.For(r.Tenant))
	meta.CID = r.CID
	return d.store.Update(ctx, meta, func(tx store.Tx) error {
		_, err := tx.Schedule(job.Job{Kind: JobRetry, Subject: event.Subject{Kind: SubjectEvent, ID: r.ID}, Due: meta.Time.Add(wait), Data: data})
		return err
	})
}

// send posts the envelope bytes exactly as stored, signed over those bytes.
func (d *Dispatcher) send(ctx context.Context, r event.Record, at time.Time) (int, string) {
	sig, err := d.hook.Sign(r.ID, at, r.Envelope)
	if err != nil {
		return 0, "sign: " + err.Error()
	}
	return d.post(ctx, Request{URL: d.cfg.URL, Body: r.Envelope, Header: map[string]string{
		"Content-Type":                          "application/json",
		standardwebhooks.HeaderWebhookID:        r.ID,
		standardwebhooks.HeaderWebhookTimestamp: strconv.FormatInt(at.Unix(), 10),
		standardwebhooks.HeaderWebhookSignature: sig,
	}})
}

// post sends one request and reports the receiver's status, or what went wrong.
func (d *Dispatcher) post(ctx context.Context, r Request) (int, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return 0, "build request: " + err.Error()
	}
	req.Header.Set("User-Agent", "issuersim-webhook")
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	resp, err := d.cfg.Client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Sprintf("receiver answered %d", resp.StatusCode)
	}
	return resp.StatusCode, ""
}
