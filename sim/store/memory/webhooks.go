package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/webhook"
)

// webhookSubscriptionTable keeps a tenant's webhook subscriptions by id.
var webhookSubscriptionTable = &schema[string, webhook.Subscription]{name: "webhook subscriptions", clone: webhook.Subscription.Clone}

// webhookMessageTable keeps every (subscription, event) message by key, indexed by subscription and by
// subscription and status.
var webhookMessageTable = &schema[string, webhook.Message]{
	name:  "webhook messages",
	clone: webhook.Message.Clone,
	indexes: []index[webhook.Message]{
		{name: "subscription", key: func(m webhook.Message) string { return m.Subscription }},
		{name: "status", key: func(m webhook.Message) string { return m.Subscription + "|" + string(m.Status) }},
	},
}

var _ webhook.Store = (*Store)(nil)

// Webhooks returns the delivery repository of a transaction this store began.
func (s *Store) Webhooks(tx store.Tx) webhook.Repository { return webhooks{tx.(*Tx)} }

type webhooks struct{ tx *Tx }

func (r webhooks) Subscription(_ context.Context, id string) (webhook.Subscription, error) {
	s, ok := open(r.tx, webhookSubscriptionTable).get(id)
	if !ok {
		return webhook.Subscription{}, fmt.Errorf("webhook subscription %s in tenant %s: %w", id, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return s, nil
}

func (r webhooks) PutSubscription(_ context.Context, s webhook.Subscription) error {
	if err := r.tx.writable("put webhook subscription " + s.ID); err != nil {
		return err
	}
	open(r.tx, webhookSubscriptionTable).put(s.ID, s)
	return nil
}

func (r webhooks) RemoveSubscription(_ context.Context, id string) error {
	if err := r.tx.writable("remove webhook subscription " + id); err != nil {
		return err
	}
	open(r.tx, webhookSubscriptionTable).remove(id)
	return nil
}

// Subscriptions reads the whole table: a tenant has a handful.
func (r webhooks) Subscriptions(context.Context) ([]webhook.Subscription, error) {
	return open(r.tx, webhookSubscriptionTable).all(), nil
}

func (r webhooks) Message(_ context.Context, key string) (webhook.Message, error) {
	m, ok := open(r.tx, webhookMessageTable).get(key)
	if !ok {
		return webhook.Message{}, fmt.Errorf("webhook message %s in tenant %s: %w", key, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return m, nil
}

func (r webhooks) PutMessage(_ context.Context, m webhook.Message) error {
	if err := r.tx.writable("put webhook message " + m.Key()); err != nil {
		return err
	}
	open(r.tx, webhookMessageTable).put(m.Key(), m)
	return nil
}

func (r webhooks) Messages(_ context.Context, subscription string, status webhook.Status) ([]webhook.Message, error) {
	t := open(r.tx, webhookMessageTable)
	var out []webhook.Message
	if status == "" {
		out = slices.Collect(t.scan("subscription", subscription))
	} else {
		out = slices.Collect(t.scan("status", subscription+"|"+string(status)))
	}
	slices.SortFunc(out, func(a, b webhook.Message) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

func (r webhooks) NextSeq(context.Context) (int64, error) { return r.tx.next("webhook subscription") }
