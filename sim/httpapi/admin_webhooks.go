package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/issuersim/issuersim/gen/simadmin"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/feed"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/webhook"
)

var webhookFields = vendorFields{webhook.FieldSubscription: "subscriptionId", webhook.FieldEvent: "eventId"}

// CreateWebhookSubscription subscribes a URL to a tenant's events; 201 with the secret.
func (a *Admin) CreateWebhookSubscription(ctx context.Context, req simadmin.CreateWebhookSubscriptionRequestObject) (simadmin.CreateWebhookSubscriptionResponseObject, error) {
	b := req.Body
	tenant, err := a.tenant(ctx, b.Tenant, "/tenant")
	if err != nil {
		return nil, err
	}
	in, err := subscriptionInput(&b.Url, b.EventTypes, b.Enabled, b.Description, b.Mode)
	if err != nil {
		return nil, err
	}
	in.Secret = deref(b.Secret)
	s, err := a.webhooks.Create(ctx, tenant, in)
	if err != nil {
		return nil, fmt.Errorf("create a webhook subscription: %w", err)
	}
	return simadmin.CreateWebhookSubscription201JSONResponse(subscription(tenant, s)), nil
}

// ListWebhookSubscriptions lists a tenant's subscriptions.
func (a *Admin) ListWebhookSubscriptions(ctx context.Context, req simadmin.ListWebhookSubscriptionsRequestObject) (simadmin.ListWebhookSubscriptionsResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Params.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	subs, err := a.webhooks.Subscriptions(ctx, tenant)
	if err != nil {
		return nil, fmt.Errorf("list webhook subscriptions: %w", err)
	}
	out := simadmin.WebhookSubscriptionList{Subscriptions: make([]simadmin.WebhookSubscription, len(subs))}
	for i, s := range subs {
		out.Subscriptions[i] = subscription(tenant, s)
	}
	return simadmin.ListWebhookSubscriptions200JSONResponse(out), nil
}

// GetWebhookSubscription reads one subscription.
func (a *Admin) GetWebhookSubscription(ctx context.Context, req simadmin.GetWebhookSubscriptionRequestObject) (simadmin.GetWebhookSubscriptionResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Params.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	s, err := a.webhooks.Subscription(ctx, tenant, req.SubscriptionId.String())
	if err != nil {
		return nil, fmt.Errorf("webhook subscription: %w", webhookFields.rename(err))
	}
	return simadmin.GetWebhookSubscription200JSONResponse(subscription(tenant, s)), nil
}

// UpdateWebhookSubscription changes a subscription.
func (a *Admin) UpdateWebhookSubscription(ctx context.Context, req simadmin.UpdateWebhookSubscriptionRequestObject) (simadmin.UpdateWebhookSubscriptionResponseObject, error) {
	b := req.Body
	tenant, err := a.tenant(ctx, b.Tenant, "/tenant")
	if err != nil {
		return nil, err
	}
	in, err := subscriptionInput(b.Url, b.EventTypes, b.Enabled, b.Description, b.Mode)
	if err != nil {
		return nil, err
	}
	s, err := a.webhooks.Update(ctx, tenant, req.SubscriptionId.String(), in)
	if err != nil {
		return nil, fmt.Errorf("update webhook subscription: %w", webhookFields.rename(err))
	}
	return simadmin.UpdateWebhookSubscription200JSONResponse(subscription(tenant, s)), nil
}

// DeleteWebhookSubscription removes a subscription.
func (a *Admin) DeleteWebhookSubscription(ctx context.Context, req simadmin.DeleteWebhookSubscriptionRequestObject) (simadmin.DeleteWebhookSubscriptionResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Params.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	if err := a.webhooks.Delete(ctx, tenant, req.SubscriptionId.String()); err != nil {
		return nil, fmt.Errorf("delete webhook subscription: %w", webhookFields.rename(err))
	}
	return simadmin.DeleteWebhookSubscription204Response{}, nil
}

// RotateWebhookSecret gives a subscription a new secret.
func (a *Admin) RotateWebhookSecret(ctx context.Context, req simadmin.RotateWebhookSecretRequestObject) (simadmin.RotateWebhookSecretResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Params.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	s, err := a.webhooks.Rotate(ctx, tenant, req.SubscriptionId.String())
	if err != nil {
		return nil, fmt.Errorf("rotate the webhook secret: %w", webhookFields.rename(err))
	}
	return simadmin.RotateWebhookSecret200JSONResponse(subscription(tenant, s)), nil
}

// ListWebhookMessages is a subscription's delivery log.
func (a *Admin) ListWebhookMessages(ctx context.Context, req simadmin.ListWebhookMessagesRequestObject) (simadmin.ListWebhookMessagesResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Params.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	id := req.SubscriptionId.String()
	if _, err := a.webhooks.Subscription(ctx, tenant, id); err != nil {
		return nil, fmt.Errorf("webhook messages: %w", webhookFields.rename(err))
	}
	msgs, err := a.webhooks.Messages(ctx, tenant, id, webhook.Status(deref(req.Params.Status)))
	if err != nil {
		return nil, fmt.Errorf("webhook messages: %w", err)
	}
	out := simadmin.WebhookMessageList{Messages: make([]simadmin.WebhookMessage, len(msgs))}
	for i, m := range msgs {
		out.Messages[i] = message(m)
	}
	return simadmin.ListWebhookMessages200JSONResponse(out), nil
}

// GetWebhookMessage is one message's delivery log.
func (a *Admin) GetWebhookMessage(ctx context.Context, req simadmin.GetWebhookMessageRequestObject) (simadmin.GetWebhookMessageResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Params.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	m, err := a.webhooks.Message(ctx, tenant, req.SubscriptionId.String(), req.EventId.String())
	if err != nil {
		return nil, fmt.Errorf("webhook message: %w", webhookFields.rename(err))
	}
	return simadmin.GetWebhookMessage200JSONResponse(message(m)), nil
}

// RedeliverWebhookMessage sends one message again.
func (a *Admin) RedeliverWebhookMessage(ctx context.Context, req simadmin.RedeliverWebhookMessageRequestObject) (simadmin.RedeliverWebhookMessageResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Params.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	if err := a.webhooks.Redeliver(ctx, tenant, req.SubscriptionId.String(), req.EventId.String()); err != nil {
		return nil, fmt.Errorf("redeliver: %w", webhookFields.rename(err))
	}
	return simadmin.RedeliverWebhookMessage202Response{}, nil
}

// RedeliverFailedWebhookMessages sends every failed message of a subscription again.
func (a *Admin) RedeliverFailedWebhookMessages(ctx context.Context, req simadmin.RedeliverFailedWebhookMessagesRequestObject) (simadmin.RedeliverFailedWebhookMessagesResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Params.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	n, err := a.webhooks.RedeliverFailed(ctx, tenant, req.SubscriptionId.String())
	if err != nil {
		return nil, fmt.Errorf("redeliver failed messages: %w", webhookFields.rename(err))
	}
	return simadmin.RedeliverFailedWebhookMessages202JSONResponse{Queued: n}, nil
}

func subscriptionInput(url *string, types *[]string, enabled *bool, description *string, mode *simadmin.WebhookMode) (webhook.SubscriptionInput, error) {
	in := webhook.SubscriptionInput{URL: url, EventTypes: types, Enabled: enabled, Description: description}
	if mode == nil {
		return in, nil
	}
	if mode.Ordered != nil {
		unordered := !*mode.Ordered
		in.Unordered = &unordered
	}
	if mode.DuplicateRate != nil {
		rate := float64(*mode.DuplicateRate)
		in.Duplicates = &rate
	}
	if mode.Delay != nil {
		d, err := time.ParseDuration(*mode.Delay)
		if err != nil {
			return in, rule.Invalid("/mode/delay", "format", "delay %q is not a Go duration such as 30s", *mode.Delay)
		}
		in.Delay = &d
	}
	in.FailNext = mode.FailNext
	return in, nil
}

func subscription(tenant string, s webhook.Subscription) simadmin.WebhookSubscription {
	out := simadmin.WebhookSubscription{Id: s.ID, Tenant: tenant, Url: s.URL, EventTypes: s.EventTypes, Enabled: s.Enabled,
		Description: optionalString(s.Description), CreatedAt: s.CreatedAt}
	if out.EventTypes == nil {
		out.EventTypes = []string{}
	}
	out.Mode.Ordered, out.Mode.DuplicateRate, out.Mode.Delay, out.Mode.FailNext = !s.Mode.Unordered, float32(s.Mode.DuplicateRate), s.Mode.Delay.String(), s.Mode.FailNext
	for _, sec := range s.Secrets {
		out.Secrets = append(out.Secrets, simadmin.WebhookSecret{Secret: sec.Value, CreatedAt: sec.CreatedAt, ExpiresAt: sec.ExpiresAt})
	}
	if len(s.Secrets) > 0 {
		out.Secret = s.Secrets[0].Value
	}
	return out
}

func message(m webhook.Message) simadmin.WebhookMessage {
	out := simadmin.WebhookMessage{SubscriptionId: m.Subscription, EventId: m.EventID, EventType: m.Type, Subject: m.Subject.String(),
		Status: simadmin.WebhookMessageStatus(m.Status), Attempts: make([]simadmin.WebhookAttempt, len(m.Attempts))}
	if m.Status == webhook.StatusPending && !m.Due.IsZero() {
		out.NextAttemptAt = &m.Due
	}
	for i, a := range m.Attempts {
		out.Attempts[i] = simadmin.WebhookAttempt{Number: a.Number, At: a.At, Status: a.Status, LatencyMs: float32(a.Latency.Seconds() * 1000),
			ResponseExcerpt: optionalString(a.Excerpt), Error: optionalString(a.Error), Duplicate: &a.Duplicate, Injected: &a.Injected}
	}
	return out
}

// eventFilter is the admin API's event filter: a type, a subject kind:id, or a card id.
func eventFilter(eventType, subject *string, cardID *int64) (store.EventFilter, error) {
	f := store.EventFilter{Type: deref(eventType)}
	if subject != nil {
		s, ok := event.ParseSubject(*subject)
		if !ok {
			return f, rule.Invalid("subject", "pattern", "subject %q must be kind:id, such as card:42", *subject)
		}
		f.Subject = s
	}
	if cardID != nil {
		if s := event.CardSubject(*cardID); f.Subject == (event.Subject{}) || f.Subject == s {
			f.Subject = s
		} else {
			return f, rule.Invalid("card_id", "subject", "card_id %d and subject %s name different entities", *cardID, f.Subject)
		}
	}
	return f, nil
}

// StreamEvents follows a tenant's events as Server-Sent Events.
func (a *Admin) StreamEvents(ctx context.Context, req simadmin.StreamEventsRequestObject) (simadmin.StreamEventsResponseObject, error) {
	p := req.Params
	tenant, err := a.tenant(ctx, p.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	f, err := eventFilter(p.EventType, p.Subject, p.CardId)
	if err != nil {
		return nil, err
	}
	switch {
	case p.LastEventID != nil:
		f.AfterID = p.LastEventID.String()
	case p.After != nil:
		f.AfterID = p.After.String()
	}
	if f.AfterID != "" {
		if _, err := a.store.Events(ctx, tenant, store.EventFilter{AfterID: f.AfterID}); errors.Is(err, store.ErrNotFound) {
			return nil, rule.NotFound("after", "no event %s in tenant %s", f.AfterID, tenant)
		}
	}
	return eventStream{ctx: ctx, store: a.store, feed: a.feed, tenant: tenant, filter: f}, nil
}

// eventStream writes a tenant's events as SSE until the client goes away.
type eventStream struct {
	ctx    context.Context
	store  store.Backend
	feed   *feed.Feed
	tenant string
	filter store.EventFilter
}

// keepAlive is how often an idle stream sends a comment line.
const keepAlive = 15 * time.Second

func (s eventStream) VisitStreamEventsResponse(w http.ResponseWriter) error {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(w)
	// A stream lives as long as its client: the server's read and write timeouts would end it (an expired
	// read deadline cancels the request), so it lifts them. It ends when the server shuts down.
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	w.WriteHeader(http.StatusOK)
	_ = rc.Flush()
	stop := draining(s.ctx)
	f := s.filter
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		wait := s.feed.Wait(s.tenant) // before the read, so no commit slips between the two
		records, err := s.store.Events(s.ctx, s.tenant, f)
		if err != nil {
			return err
		}
		for _, r := range records {
			if _, err := fmt.Fprintf(w, "id: %s\nevent: %s\ndata: %s\n\n", r.ID, r.Type, r.Envelope); err != nil {
				return nil // the client went away
			}
			f.AfterID = r.ID
		}
		if len(records) > 0 {
			if err := rc.Flush(); err != nil {
				return nil
			}
		}
		if f.AfterID == "" {
			f.AfterID = lastID(s.ctx, s.store, s.tenant)
		}
		select {
		case <-s.ctx.Done():
			return nil
		case <-stop:
			return nil
		case <-wait:
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return nil
			}
		}
	}
}

// lastID is the id of the tenant's newest event, the stream's cursor when the log had nothing to send.
func lastID(ctx context.Context, st store.Backend, tenant string) string {
	all, err := st.Events(ctx, tenant, store.EventFilter{})
	if err != nil || len(all) == 0 {
		return ""
	}
	return all[len(all)-1].ID
}
