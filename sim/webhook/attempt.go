package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/store"
)

// JobAttempt is the job kind that makes a waiting message due: its retry after a failed attempt, or its first
// attempt after the subscription's delay. Its subject is the message (kind webhook_message).
const JobAttempt = "webhook.attempt"

func scheduleAttempt(tx store.Tx, m Message) error {
	_, err := tx.Schedule(job.Job{Kind: JobAttempt, Subject: messageSubject(m), Due: m.Due})
	return err
}

// RunAttempt runs a JobAttempt job: the message's lane wakes and sends it.
func (d *Dispatcher) RunAttempt(ctx context.Context, tx store.Tx, j job.Job) error {
	repo := d.store.Webhooks(tx)
	m, err := repo.Message(ctx, j.Subject.ID)
	if err != nil {
		return fmt.Errorf("%s job %d: %w", j.Kind, j.ID, err)
	}
	if m.Status != StatusPending {
		return nil
	}
	s := Subscription{ID: m.Subscription} // a routed domain's lanes are ordered
	if _, routed := d.routeOf(m.Subscription); !routed {
		if s, err = repo.Subscription(ctx, m.Subscription); err != nil {
			return fmt.Errorf("%s job %d: %w", j.Kind, j.ID, err)
		}
	}
	d.wake(j.Tenant, s, m)
	return nil
}

// attempt makes one attempt at a message and says what its lane does next.
func (d *Dispatcher) attempt(ctx context.Context, tenant, key string) (outcome, error) {
	var m Message
	var s Subscription
	var r event.Record
	next := outcome(-1)
	err := d.store.View(ctx, tenant, func(tx store.Tx) error {
		repo := d.store.Webhooks(tx)
		var err error
		if m, err = repo.Message(ctx, key); err != nil {
			return err
		}
		now := d.cfg.Clocks.For(tenant).Now()
		if m.Status != StatusPending {
			next = done
			return nil
		}
		if _, ok := d.routeOf(m.Subscription); ok {
			s = Subscription{ID: m.Subscription, Enabled: true}
			r, err = tx.Event(m.EventID)
			return err
		}
		s, err = repo.Subscription(ctx, m.Subscription)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return nil // deleted: the update below fails the message
		case err != nil:
			return err
		case !s.Enabled, !m.Due.IsZero() && now.Before(m.Due):
			next = park
			return nil
		}
		r, err = tx.Event(m.EventID)
		return err
	})
	if err != nil || next >= 0 {
		return next, err
	}
	if s.ID == "" {
		return d.record(ctx, tenant, key, []Attempt{{Error: "the subscription was deleted"}}, true)
	}
	if route, ok := d.routeOf(s.ID); ok {
		a, sent := d.sendRouted(ctx, route, r)
		if !sent {
			return d.skip(ctx, tenant, key)
		}
		return d.record(ctx, tenant, key, []Attempt{a}, false)
	}
	if s.Mode.FailNext > 0 {
		return d.record(ctx, tenant, key, []Attempt{{Error: "injected failure (fail_next): not sent", Injected: true}}, false)
	}
	now := d.cfg.Clocks.For(tenant).Now()
	a := d.send(ctx, s, r, now)
	attempts := []Attempt{a}
	if a.Error == "" && d.duplicate(tenant, s, m) {
		dup := d.send(ctx, s, r, d.cfg.Clocks.For(tenant).Now())
		dup.Duplicate = true
		attempts = append(attempts, dup)
	}
	if ctx.Err() != nil {
		return park, nil // shutting down: the message stays pending
	}
	return d.record(ctx, tenant, key, attempts, false)
}

// record writes the attempts made at a message and moves it on: delivered when the first succeeded, otherwise
// due again after the schedule's next wait (a retry job), or failed once the schedule is spent. gone fails the
// message at once (its subscription was deleted).
func (d *Dispatcher) record(ctx context.Context, tenant, key string, attempts []Attempt, gone bool) (outcome, error) {
	next := done
	meta := store.NewMeta(ctx, tenant, d.cfg.Clocks.For(tenant))
	err := d.store.Update(ctx, meta, func(tx store.Tx) error {
		repo := d.store.Webhooks(tx)
		m, err := repo.Message(ctx, key)
		if err != nil {
			return err
		}
		if attempts[0].Injected {
			s, err := repo.Subscription(ctx, m.Subscription)
			if err != nil {
				return err
			}
			s.Mode.FailNext--
			if err := repo.PutSubscription(ctx, s); err != nil {
				return err
			}
		}
		for _, a := range attempts {
			a.Number = len(m.Attempts) + 1
			a.At = meta.Time
			m.Attempts = append(m.Attempts, a)
		}
		switch {
		case gone:
			m.Status = StatusFailed
		case attempts[0].Error == "":
			m.Status, m.Due = StatusDelivered, time.Time{}
		default:
			m.Round++
			if m.Round > len(Schedule) {
				m.Status = StatusFailed
				d.cfg.Logger.Warn("webhook message failed for good", "tenant", tenant, "subscription", m.Subscription, "event_id", m.EventID, "event_type", m.Type, "attempts", len(m.Attempts))
				break
			}
			m.Due = meta.Time.Add(Schedule[m.Round-1])
			if err := scheduleAttempt(tx, m); err != nil {
				return err
			}
			next = park
		}
		return repo.PutMessage(ctx, m)
	})
	return next, err
}

// duplicate decides, from the seed, whether a delivered message is sent a second time.
func (d *Dispatcher) duplicate(tenant string, s Subscription, m Message) bool {
	if s.Mode.DuplicateRate <= 0 {
		return false
	}
	b := d.cfg.Fake.Key("webhook duplicate/" + tenant + "/" + m.Key())
	return float64(b[0])/256 < s.Mode.DuplicateRate
}

// send posts the envelope bytes exactly as logged, signed with every secret of the subscription that signs now.
func (d *Dispatcher) send(ctx context.Context, s Subscription, r event.Record, now time.Time) Attempt {
	wall := d.cfg.Wall().UTC()
	var sigs []string
	for _, secret := range s.signing(now) {
		sig, err := d.signer(secret).Sign(r.ID, wall, r.Envelope)
		if err != nil {
			return Attempt{Error: "sign: " + err.Error()}
		}
		sigs = append(sigs, sig)
	}
	return d.post(ctx, Request{URL: s.URL, Body: r.Envelope, Header: map[string]string{
		"Content-Type":                          "application/json",
		standardwebhooks.HeaderWebhookID:        r.ID,
		standardwebhooks.HeaderWebhookTimestamp: strconv.FormatInt(wall.Unix(), 10),
		standardwebhooks.HeaderWebhookSignature: strings.Join(sigs, " "),
	}})
}

// post sends one request and records what came back: the status, the start of the answer and the latency.
func (d *Dispatcher) post(ctx context.Context, r Request) Attempt {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return Attempt{Error: "build request: " + err.Error()}
	}
	req.Header.Set("User-Agent", "issuersim-webhook")
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := d.cfg.Client.Do(req)
	a := Attempt{Latency: time.Since(start)}
	if err != nil {
		a.Error = err.Error()
		return a
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	a.Latency = time.Since(start)
	a.Status, a.Excerpt = resp.StatusCode, string(head)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		a.Error = fmt.Sprintf("receiver answered %d", resp.StatusCode)
	}
	return a
}

// skip marks a routed message whose route had no receiver.
func (d *Dispatcher) skip(ctx context.Context, tenant, key string) (outcome, error) {
	meta := store.NewMeta(ctx, tenant, d.cfg.Clocks.For(tenant))
	return done, d.store.Update(ctx, meta, func(tx store.Tx) error {
		repo := d.store.Webhooks(tx)
		m, err := repo.Message(ctx, key)
		if err != nil {
			return err
		}
		m.Status = StatusSkipped
		return repo.PutMessage(ctx, m)
	})
}

// signer returns the Standard Webhooks signer of a secret, made once.
func (d *Dispatcher) signer(secret string) *standardwebhooks.Webhook {
	if w, ok := d.signers.Load(secret); ok {
		return w.(*standardwebhooks.Webhook)
	}
	w, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		panic(fmt.Sprintf("webhook secret stored without the whsec_ base64 form: %v", err)) // checked when stored
	}
	d.signers.Store(secret, w)
	return w
}

type errConfig string

func (e errConfig) Error() string { return "webhook dispatcher: " + string(e) }
