package webhook

import (
	"context"
	"errors"

	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// FieldEvent names the event a message request's path points at.
const FieldEvent = "event"

// Messages lists a subscription's messages with their attempts, in commit order; status narrows them.
func (d *Dispatcher) Messages(ctx context.Context, tenant, subscription string, status Status) ([]Message, error) {
	var out []Message
	err := d.store.View(ctx, tenant, func(tx store.Tx) error {
		var err error
		out, err = d.store.Webhooks(tx).Messages(ctx, subscription, status)
		return err
	})
	return out, err
}

// Message returns a subscription's message for an event, with its attempts.
func (d *Dispatcher) Message(ctx context.Context, tenant, subscription, eventID string) (Message, error) {
	var m Message
	err := d.store.View(ctx, tenant, func(tx store.Tx) error {
		var err error
		m, err = message(ctx, d.store.Webhooks(tx), subscription, eventID)
		return err
	})
	return m, err
}

func message(ctx context.Context, repo Repository, subscription, eventID string) (Message, error) {
	m, err := repo.Message(ctx, MessageKey(subscription, eventID))
	if errors.Is(err, store.ErrNotFound) {
		return Message{}, rule.NotFound(FieldEvent, "subscription %s has no message for event %s", subscription, eventID)
	}
	return m, err
}

// Redeliver sends a message again from a new round of the schedule, whatever became of it (a failed one, or a
// delivered one a receiver lost). It joins the back of its lane: a redelivery is later than what followed it.
func (d *Dispatcher) Redeliver(ctx context.Context, tenant, subscription, eventID string) error {
	var m Message
	var s Subscription
	err := d.redeliver(ctx, tenant, subscription, func(repo Repository) ([]Message, error) {
		var err error
		m, err = message(ctx, repo, subscription, eventID)
		return []Message{m}, err
	}, &s)
	if err != nil {
		return err
	}
	d.markAgain(tenant, s, m)
	d.wake(tenant, s, m)
	return nil
}

// RedeliverFailed sends every failed message of a subscription again, in commit order, and says how many.
func (d *Dispatcher) RedeliverFailed(ctx context.Context, tenant, subscription string) (int, error) {
	var failed []Message
	var s Subscription
	err := d.redeliver(ctx, tenant, subscription, func(repo Repository) ([]Message, error) {
		var err error
		failed, err = repo.Messages(ctx, subscription, StatusFailed)
		return failed, err
	}, &s)
	if err != nil {
		return 0, err
	}
	for _, m := range failed {
		d.wake(tenant, s, m)
	}
	return len(failed), nil
}

// redeliver puts the messages pick returns back to pending, at the start of a new round.
func (d *Dispatcher) redeliver(ctx context.Context, tenant, subscription string, pick func(Repository) ([]Message, error), s *Subscription) error {
	meta := store.NewMeta(ctx, tenant, d.cfg.Clocks.For(tenant))
	return d.store.Update(ctx, meta, func(tx store.Tx) error {
		repo := d.store.Webhooks(tx)
		var err error
		if *s, err = get(ctx, repo, subscription); err != nil {
			return err
		}
		msgs, err := pick(repo)
		if err != nil {
			return err
		}
		for i := range msgs {
			if _, err := tx.CancelJobs(JobAttempt, messageSubject(msgs[i])); err != nil {
				return err
			}
			msgs[i].Status, msgs[i].Round, msgs[i].Due = StatusPending, 0, meta.Time
			if err := repo.PutMessage(ctx, msgs[i]); err != nil {
				return err
			}
		}
		return nil
	})
}
