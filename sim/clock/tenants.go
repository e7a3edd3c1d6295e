package clock

import "sync"

// Tenants hands out each tenant's clock. Over the real clock every tenant shares it; over a virtual clock
// each tenant gets a virtual clock of its own, standing at the base clock's time when the tenant first asks,
// so one test suite advancing its tenant never fires another suite's jobs or expires its tokens.
type Tenants struct {
	base    Clock
	virtual *Virtual // the base when it is virtual

	mu     sync.Mutex
	clocks map[string]*Virtual
}

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
	defer t.mu.Unlock()
	v, ok := t.clocks[tenant]
	if !ok {
		v = NewVirtual(t.virtual.Now())
		t.clocks[tenant] = v
	}
	return v, true
}
