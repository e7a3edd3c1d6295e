// Package webhook delivers committed events to each tenant's subscriptions by HTTP POST, signed as Standard
// Webhooks specifies. Every (subscription, event) pair is a message kept in the store with each attempt made
// for it. By default a subscription gets a subject's events (a card's, say) in commit order even through
// retries: a message waiting for its retry holds back the later messages of its subject, and no other. Retries
// follow Schedule as jobs on the tenant's clock; a message that exhausts them is marked failed, kept, listed and
// redelivered on request. Per subscription a test can switch off ordering, inject duplicates, delay deliveries
// and fail the next N attempts, all deterministically.
package webhook

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/store"
)

// Subscription is where a tenant wants its events: a URL, the event types it takes, the secrets that sign its
// deliveries and how deliveries behave.
type Subscription struct {
	ID  string
	URL string
	// EventTypes select the events: an exact type ("update-1"), a domain wildcard ("cards.*"), or "*"; empty takes
	// every event.
	EventTypes []string
	Enabled    bool
	// Secrets sign every delivery, newest first; a rotated-out secret keeps signing until it expires, so a
	// receiver can switch without losing a message.
	Secrets   []Secret
	Mode      Mode
	CreatedAt time.Time
	// Description is free text for the humans reading the subscription list.
	Description string
}

// Secret is a signing secret in the whsec_ form.
type Secret struct {
	Value     string
	CreatedAt time.Time
	ExpiresAt *time.Time // nil while it is the current secret
}

// Mode is how a subscription's deliveries behave; the zero value is ordered per subject, with no duplicates,
// delay or injected failures.
type Mode struct {
	// Unordered delivers each message on its own, so a retried message no longer holds back its subject.
	Unordered bool
	// DuplicateRate (0 to 1) is the share of delivered messages sent a second time, chosen from the seed.
	DuplicateRate float64
	// Delay holds each message back before its first attempt, on the tenant's clock.
	Delay time.Duration
	// FailNext fails that many of the next attempts without sending them, as if the receiver had answered 500.
	FailNext int
}

// Clone returns a copy that shares nothing with s.
func (s Subscription) Clone() Subscription {
	s.EventTypes = slices.Clone(s.EventTypes)
	s.Secrets = slices.Clone(s.Secrets)
	for i := range s.Secrets {
		if e := s.Secrets[i].ExpiresAt; e != nil {
			t := *e
			s.Secrets[i].ExpiresAt = &t
		}
	}
	return s
}

// Takes reports whether the subscription takes an event of the domain and type.
func (s Subscription) Takes(domain, typ string) bool {
	if len(s.EventTypes) == 0 {
		return true
	}
	for _, f := range s.EventTypes {
		switch {
		case f == "*", f == typ, f == domain+"."+typ:
			return true
		case strings.HasSuffix(f, ".*") && strings.TrimSuffix(f, ".*") == domain:
			return true
		}
	}
	return false
}

// signing returns the secrets that sign at now: the current one and rotated ones not yet expired.
func (s Subscription) signing(now time.Time) []string {
	var out []string
	for _, sec := range s.Secrets {
		if sec.ExpiresAt == nil || now.Before(*sec.ExpiresAt) {
			out = append(out, sec.Value)
		}
	}
	return out
}

// Status is where a message is.
type Status string

// Message statuses.
const (
	// StatusPending: not delivered yet; its next attempt is due now, waits for an earlier message of its subject,
	// or waits for its retry.
	StatusPending Status = "pending"
	// StatusDelivered: a 2xx answer came back.
	StatusDelivered Status = "delivered"
	// StatusFailed: every attempt of the schedule failed; the message is kept for redelivery.
	StatusFailed Status = "failed"
)

// Message is one event for one subscription, with every attempt made to deliver it. Its webhook-id is the
// event id, the same for every attempt and every duplicate.
type Message struct {
	Subscription string
	EventID      string
	Seq          int64 // the event's number in its tenant: commit order
	Type         string
	Subject      event.Subject
	Status       Status
	Attempts     []Attempt
	// Round counts the attempts of the current schedule: a redelivery starts a new round.
	Round int
	// Due is when the next attempt may be made, on the tenant's clock; zero means now.
	Due       time.Time
	CreatedAt time.Time
}

// Key identifies a message within its tenant.
func (m Message) Key() string { return MessageKey(m.Subscription, m.EventID) }

// MessageKey is the key of a subscription's message for an event.
func MessageKey(subscription, eventID string) string { return subscription + "/" + eventID }

// Clone returns a copy that shares nothing with m.
func (m Message) Clone() Message {
	m.Attempts = slices.Clone(m.Attempts)
	return m
}

// Attempt is one try at delivering a message.
type Attempt struct {
	Number int       // across every round
	At     time.Time // the tenant's time when it was made
	// Status is the receiver's HTTP status; 0 when no answer came or the failure was injected.
	Status  int
	Latency time.Duration
	// Excerpt is the start of the receiver's answer, at most 256 bytes.
	Excerpt   string
	Error     string // why it failed; empty when delivered
	Duplicate bool   // a second send of a delivered message (Mode.DuplicateRate)
	Injected  bool   // failed by Mode.FailNext without being sent
}

// Schedule is the wait before each retry of a failed attempt, on the tenant's clock: eight attempts over
// about three days, exponential as the Standard Webhooks guidance suggests.
var Schedule = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 8 * time.Hour, 24 * time.Hour, 36 * time.Hour}

// Repository keeps a tenant's subscriptions and messages inside a transaction.
type Repository interface {
	// Subscription returns a subscription, or an error wrapping store.ErrNotFound.
	Subscription(ctx context.Context, id string) (Subscription, error)
	// PutSubscription writes a subscription.
	PutSubscription(ctx context.Context, s Subscription) error
	// RemoveSubscription deletes a subscription; its messages stay readable.
	RemoveSubscription(ctx context.Context, id string) error
	// Subscriptions returns the tenant's subscriptions, by id.
	Subscriptions(ctx context.Context) ([]Subscription, error)
	// Message returns a message, or an error wrapping store.ErrNotFound.
	Message(ctx context.Context, key string) (Message, error)
	// PutMessage writes a message.
	PutMessage(ctx context.Context, m Message) error
	// Messages returns a subscription's messages in commit order, only those of a status when status is set.
	Messages(ctx context.Context, subscription string, status Status) ([]Message, error)
	// NextSeq returns the tenant's next number for seeded subscription ids and secrets.
	NextSeq(ctx context.Context) (int64, error)
}

// Store is what delivery runs on: transactions and the repository.
type Store interface {
	store.Transactor
	// Webhooks returns the delivery repository of the transaction.
	Webhooks(tx store.Tx) Repository
}
