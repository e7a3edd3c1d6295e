package webhook

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// FieldSubscription names the subscription a request's path points at.
const FieldSubscription = "subscription"

// SubscriptionInput is a subscription as created or changed; nil fields keep their value on a change.
type SubscriptionInput struct {
	URL         *string
	EventTypes  *[]string
	Enabled     *bool
	Description *string
	Unordered   *bool
	Duplicates  *float64
	Delay       *time.Duration
	FailNext    *int
	// Secret is the whsec_ secret to sign with, on create only; one is derived from the seed when empty.
	Secret string
}

var eventFilter = regexp.MustCompile(`^(\*|[a-z][a-z-]*\.\*|([a-z][a-z-]*\.)?[a-z][a-z0-9_-]*-[0-9]+)$`)

// check validates the input's fields, naming the field and the rule.
func (in SubscriptionInput) check() error {
	if in.URL != nil {
		u, err := url.Parse(*in.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return rule.Invalid("/url", "format", "url must be an absolute http or https URL, got %q", *in.URL)
		}
	}
	if in.EventTypes != nil {
		for i, f := range *in.EventTypes {
			if !eventFilter.MatchString(f) {
				return rule.Invalid(fmt.Sprintf("/event_types/%d", i), "pattern", "%q is not an event type (update-1), a domain wildcard (cards.*) or *", f)
			}
		}
	}
	switch {
	case in.Duplicates != nil && (*in.Duplicates < 0 || *in.Duplicates > 1):
		return rule.Invalid("/mode/duplicate_rate", "range", "duplicate_rate must be from 0 to 1")
	case in.Delay != nil && *in.Delay < 0:
		return rule.Invalid("/mode/delay", "range", "delay must not be negative")
	case in.FailNext != nil && *in.FailNext < 0:
		return rule.Invalid("/mode/fail_next", "range", "fail_next must not be negative")
	}
	if in.Secret != "" {
		if _, err := standardwebhooks.NewWebhook(in.Secret); err != nil {
			return rule.Invalid("/secret", "format", "secret must be base64, optionally prefixed whsec_")
		}
	}
	return nil
}

func (in SubscriptionInput) apply(s *Subscription) {
	set(&s.URL, in.URL)
	set(&s.EventTypes, in.EventTypes)
	set(&s.Enabled, in.Enabled)
	set(&s.Description, in.Description)
	set(&s.Mode.Unordered, in.Unordered)
	set(&s.Mode.DuplicateRate, in.Duplicates)
	set(&s.Mode.Delay, in.Delay)
	set(&s.Mode.FailNext, in.FailNext)
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// Create adds a subscription to a tenant, enabled unless the input says otherwise, and returns it with its
// secret; from the next commit on, the events it takes are delivered to it.
func (d *Dispatcher) Create(ctx context.Context, tenant string, in SubscriptionInput) (Subscription, error) {
	if in.URL == nil {
		return Subscription{}, rule.Invalid("/url", "required", "url is required")
	}
	if err := in.check(); err != nil {
		return Subscription{}, err
	}
	var s Subscription
	err := d.change(ctx, tenant, func(tx store.Tx, repo Repository) error {
		n, err := repo.NextSeq(ctx)
		if err != nil {
			return err
		}
		now := tx.Meta().Time
		s = Subscription{ID: d.cfg.Fake.UUID(tenant, "webhook subscription", fmt.Sprint(n)), Enabled: true, CreatedAt: now}
		in.apply(&s)
		secret := in.Secret
		if secret == "" {
			secret = d.newSecret(tenant, s.ID, 0)
		}
		s.Secrets = []Secret{{Value: secret, CreatedAt: now}}
		return repo.PutSubscription(ctx, s)
	})
	return s, err
}

// Update changes a subscription; enabling it again resumes the deliveries it held.
func (d *Dispatcher) Update(ctx context.Context, tenant, id string, in SubscriptionInput) (Subscription, error) {
	if in.Secret != "" {
		return Subscription{}, rule.Invalid("/secret", "rotate", "a secret changes by rotation (POST …/rotate-secret), not by update")
	}
	if err := in.check(); err != nil {
		return Subscription{}, err
	}
	var s Subscription
	err := d.change(ctx, tenant, func(tx store.Tx, repo Repository) error {
		var err error
		if s, err = get(ctx, repo, id); err != nil {
			return err
		}
		in.apply(&s)
		return repo.PutSubscription(ctx, s)
	})
	if err == nil && s.Enabled {
		d.wakeSubscription(tenant, id)
	}
	return s, err
}

// Delete removes a subscription; its pending messages fail at their next attempt, and every message stays
// listed.
func (d *Dispatcher) Delete(ctx context.Context, tenant, id string) error {
	err := d.change(ctx, tenant, func(_ store.Tx, repo Repository) error {
		if _, err := get(ctx, repo, id); err != nil {
			return err
		}
		return repo.RemoveSubscription(ctx, id)
	})
	if err == nil {
		d.wakeSubscription(tenant, id)
	}
	return err
}

// RotationOverlap is how long a rotated-out secret keeps signing, on the tenant's clock.
const RotationOverlap = 24 * time.Hour

// Rotate gives a subscription a new secret; the old one keeps signing for RotationOverlap, so deliveries carry
// both signatures meanwhile.
func (d *Dispatcher) Rotate(ctx context.Context, tenant, id string) (Subscription, error) {
	var s Subscription
	err := d.change(ctx, tenant, func(tx store.Tx, repo Repository) error {
		var err error
		if s, err = get(ctx, repo, id); err != nil {
			return err
		}
		now := tx.Meta().Time
		until := now.Add(RotationOverlap)
		for i := range s.Secrets {
			if s.Secrets[i].ExpiresAt == nil {
				s.Secrets[i].ExpiresAt = &until
			}
		}
		s.Secrets = append([]Secret{{Value: d.newSecret(tenant, id, len(s.Secrets)), CreatedAt: now}}, s.Secrets...)
		return repo.PutSubscription(ctx, s)
	})
	return s, err
}

// Subscriptions lists a tenant's subscriptions.
func (d *Dispatcher) Subscriptions(ctx context.Context, tenant string) ([]Subscription, error) {
	var out []Subscription
	err := d.store.View(ctx, tenant, func(tx store.Tx) error {
		var err error
		out, err = d.store.Webhooks(tx).Subscriptions(ctx)
		return err
	})
	return out, err
}

// Subscription returns one of a tenant's subscriptions.
func (d *Dispatcher) Subscription(ctx context.Context, tenant, id string) (Subscription, error) {
	var s Subscription
	err := d.store.View(ctx, tenant, func(tx store.Tx) error {
		var err error
		s, err = get(ctx, d.store.Webhooks(tx), id)
		return err
	})
	return s, err
}

// change runs a subscription command and refreshes the tenant's cached subscriptions after it commits.
func (d *Dispatcher) change(ctx context.Context, tenant string, fn func(store.Tx, Repository) error) error {
	meta := store.NewMeta(ctx, tenant, d.cfg.Clocks.For(tenant))
	var all []Subscription
	err := d.store.Update(ctx, meta, func(tx store.Tx) error {
		repo := d.store.Webhooks(tx)
		if err := fn(tx, repo); err != nil {
			return err
		}
		var err error
		all, err = repo.Subscriptions(ctx)
		return err
	})
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.subs[tenant] = all
	d.mu.Unlock()
	return nil
}

// subscriptions returns a tenant's subscriptions from the cache, loading them on first use (from the store
// every time when the store is shared).
func (d *Dispatcher) subscriptions(ctx context.Context, tenant string) ([]Subscription, error) {
	if d.cfg.Shared {
		return d.Subscriptions(ctx, tenant)
	}
	d.mu.Lock()
	subs, ok := d.subs[tenant]
	d.mu.Unlock()
	if ok {
		return subs, nil
	}
	subs, err := d.Subscriptions(ctx, tenant)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	if cached, ok := d.subs[tenant]; ok { // a change raced the load: it is newer
		subs = cached
	} else {
		d.subs[tenant] = subs
	}
	d.mu.Unlock()
	return subs, nil
}

// newSecret derives a subscription's n-th secret from the seed.
func (d *Dispatcher) newSecret(tenant, id string, n int) string {
	return "whsec_" + base64.StdEncoding.EncodeToString(d.cfg.Fake.Key(fmt.Sprintf("webhook secret/%s/%s/%d", tenant, id, n)))
}

func get(ctx context.Context, repo Repository, id string) (Subscription, error) {
	s, err := repo.Subscription(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return Subscription{}, rule.NotFound(FieldSubscription, "subscription %s not found", id)
	}
	return s, err
}
