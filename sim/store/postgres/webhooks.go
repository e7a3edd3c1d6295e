package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/webhook"
)

// webhookSubscriptionTable keeps a tenant's webhook subscriptions by id.
var webhookSubscriptionTable = newTable[string, webhook.Subscription]("webhook_subscriptions")

// webhookMessageTable keeps every (subscription, event) message by key, indexed by subscription and by
// subscription and status.
var webhookMessageTable = newTable[string, webhook.Message]("webhook_messages",
	index[webhook.Message]{col: "subscription", key: func(m webhook.Message) string { return m.Subscription }},
	index[webhook.Message]{col: "status", key: func(m webhook.Message) string { return m.Subscription + "|" + string(m.Status) }},
)

var _ webhook.Store = (*Store)(nil)

// Webhooks returns the delivery repository of a transaction this store began.
func (s *Store) Webhooks(tx store.Tx) webhook.Repository { return webhooks{tx.(*Tx)} }

type webhooks struct{ tx *Tx }

func (r webhooks) Subscription(ctx context.Context, id string) (webhook.Subscription, error) {
	s, ok, err := webhookSubscriptionTable.read(ctx, r.tx, id)
	if err == nil && !ok {
		err = fmt.Errorf("webhook subscription %s in tenant %s: %w", id, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return s, err
}

func (r webhooks) PutSubscription(ctx context.Context, s webhook.Subscription) error {
	if err := r.tx.writable("put webhook subscription " + s.ID); err != nil {
		return err
	}
	return webhookSubscriptionTable.write(ctx, r.tx, s.ID, s)
}

func (r webhooks) RemoveSubscription(ctx context.Context, id string) error {
	if err := r.tx.writable("remove webhook subscription " + id); err != nil {
		return err
	}
	return webhookSubscriptionTable.delete(ctx, r.tx, id)
}

// Subscriptions reads the whole table: a tenant has a handful.
func (r webhooks) Subscriptions(ctx context.Context) ([]webhook.Subscription, error) {
	return webhookSubscriptionTable.every(ctx, r.tx)
}

func (r webhooks) Message(ctx context.Context, key string) (webhook.Message, error) {
	m, ok, err := webhookMessageTable.read(ctx, r.tx, key)
	if err == nil && !ok {
		err = fmt.Errorf("webhook message %s in tenant %s: %w", key, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return m, err
}

func (r webhooks) PutMessage(ctx context.Context, m webhook.Message) error {
	if err := r.tx.writable("put webhook message " + m.Key()); err != nil {
		return err
	}
	return webhookMessageTable.write(ctx, r.tx, m.Key(), m)
}

func (r webhooks) Messages(ctx context.Context, subscription string, status webhook.Status) ([]webhook.Message, error) {
	var out []webhook.Message
	var err error
	if status == "" {
		out, err = webhookMessageTable.scan(ctx, r.tx, "subscription", subscription)
	} else {
		out, err = webhookMessageTable.scan(ctx, r.tx, "status", subscription+"|"+string(status))
	}
	slices.SortFunc(out, func(a, b webhook.Message) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, err
}

func (r webhooks) NextSeq(context.Context) (int64, error) { return r.tx.next("webhook subscription") }
