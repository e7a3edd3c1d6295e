// Package feed tells waiters that a tenant committed events: the live event stream waits on it instead of
// polling the log. It is a store.Observer and never blocks the commit it hears of.
package feed

import (
	"sync"

	"github.com/issuersim/issuersim/sim/store"
)

// Feed wakes the waiters of a tenant at each of its commits that carries events.
type Feed struct {
	mu    sync.Mutex
	waits map[string]chan struct{}
}

// New returns an empty Feed.
func New() *Feed { return &Feed{waits: map[string]chan struct{}{}} }

// Wait returns a channel closed at the tenant's next commit with events. Read the log after taking the channel,
// so no commit falls between the read and the wait.
func (f *Feed) Wait(tenant string) <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch, ok := f.waits[tenant]
	if !ok {
		ch = make(chan struct{})
		f.waits[tenant] = ch
	}
	return ch
}

// Committed wakes the tenant's waiters; see store.Observer.
func (f *Feed) Committed(c store.Commit) {
	if len(c.Events) == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if ch, ok := f.waits[c.Tenant]; ok {
		close(ch)
		delete(f.waits, c.Tenant)
	}
}
