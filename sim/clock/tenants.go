package clock

import (
	"context"
	"sync"
	"time"
)

// Tenants hands out each tenant's clock. Over the real clock every tenant shares it; over a virtual clock
// each tenant gets a virtual clock of its own, standing at the base clock's time when the tenant first asks,
// so one test suite advancing its tenant never fires another suite's jobs or expires its tokens.
type Tenants struct {
	base    Clock
	virtual *Virtual // the base when it is virtual

	mu     sync.Mutex
	clocks map[string]*Virtual

	shared Shared // nil: the clocks are this process's alone
}

// Shared keeps the tenants' virtual times where several replicas share them (the PostgreSQL store): the time
// the last advance on any replica reached. A replica reads it every time it hands out a tenant's clock, so a
// request sees an advance another replica made, and stores it after each advance of its own.
type Shared interface {
	// Time returns the tenant's stored time; false when no replica advanced the tenant yet.
	Time(ctx context.Context, tenant string) (time.Time, bool, error)
	// SetTime stores the tenant's time after an advance (never moving it back) and tells the other replicas.
	SetTime(ctx context.Context, tenant string, t time.Time) error
}

// Share makes every tenant's virtual clock follow the shared times; call it before the first request. It has
// no effect over the real clock, which replicas share anyway.
func (t *Tenants) Share(s Shared) { t.shared = s }

// NewTenants returns the tenants' clocks over base: a *Virtual base gives every tenant its own virtual clock,
// anything else is shared as it is.
func NewTenants(base Clock) *Tenants {
	t := &Tenants{base: base, clocks: map[string]*Virtual{}}
	t.virtual, _ = base.(*Virtual)
	return t
}

// Base returns the instance's clock: the one health reports and new tenants start from.
func (t *Tenants) Base() Clock { return t.base }

// For returns the tenant's clock.
func (t *Tenants) For(tenant string) Clock {
	if v, ok := t.Virtual(tenant); ok {
		return v
	}
	return t.base
}

// Virtual returns the tenant's virtual clock, or false when the simulator runs on the real clock.
func (t *Tenants) Virtual(tenant string) (*Virtual, bool) {
	if t.virtual == nil {
		return nil, false
	}
	t.mu.Lock()
	v, ok := t.clocks[tenant]
	if !ok {
		v = NewVirtual(t.virtual.Now())
		t.clocks[tenant] = v
	}
	t.mu.Unlock()
	if t.shared != nil {
		// A failed read keeps this replica's time: the request's own transaction reports the database's trouble.
		if at, ok, err := t.shared.Time(context.Background(), tenant); err == nil && ok {
			v.catchUp(at)
		}
	}
	return v, true
}

// Advanced records that this replica advanced a tenant's virtual clock to now, for the other replicas; it does
// nothing when the clocks are not shared.
func (t *Tenants) Advanced(ctx context.Context, tenant string, now time.Time) error {
	if t.shared == nil || t.virtual == nil {
		return nil
	}
	return t.shared.SetTime(ctx, tenant, now)
}
