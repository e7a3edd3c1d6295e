// Package clock gives the simulator its sense of time: the real clock by default, or a virtual one that only
// moves when told to and fires due timers in time order, so tests can make asynchronous work happen on demand.
package clock

import (
	"container/heap"
	"sync"
	"time"
)

// Clock is what every component reads time from and schedules work on; nothing in the simulator calls
// time.Now or time.Sleep directly.
type Clock interface {
	// Now returns the current time in UTC.
	Now() time.Time
	// AfterFunc runs f once d has passed on this clock and returns a Timer that can cancel it.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending call scheduled with AfterFunc.
type Timer interface {
	// Stop cancels the call; it reports false if the call already ran or was stopped.
	Stop() bool
}

// Real is the wall clock.
type Real struct{}

// Now returns the wall-clock time in UTC.
func (Real) Now() time.Time { return time.Now().UTC() }

// AfterFunc runs f on its own goroutine after d of real time.
func (Real) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// Virtual is a clock that stands still until Advance or AdvanceTo moves it. Due timers fire synchronously,
// in the goroutine that advances the clock, ordered by due time and then by the order they were scheduled;
// while one fires, Now reports its due time, so work scheduled at a time sees that time. Timers wait in a
// heap, so scheduling and firing cost O(log n) in the number pending.
type Virtual struct {
	mu      sync.Mutex
	advance sync.Mutex // serialises Advance calls so timers fire in one order
	now     time.Time
	seq     uint64
	timers  timerHeap
}

// NewVirtual returns a virtual clock standing at start (converted to UTC).
func NewVirtual(start time.Time) *Virtual { return &Virtual{now: start.UTC()} }

// Now returns the clock's current time.
func (v *Virtual) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

// AfterFunc schedules f at Now()+d. A d of zero or less makes f due at the next advance, even one of zero.
func (v *Virtual) AfterFunc(d time.Duration, f func()) Timer {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.seq++
	t := &virtualTimer{clock: v, due: v.now.Add(max(d, 0)), seq: v.seq, f: f}
	heap.Push(&v.timers, t)
	return t
}

// Advance moves the clock forward by d, firing every timer that falls due on the way. A negative d is
// treated as zero.
func (v *Virtual) Advance(d time.Duration) time.Time {
	return v.AdvanceTo(v.Now().Add(max(d, 0)))
}

// AdvanceTo moves the clock to t (never backwards), firing due timers in order, including timers that fired
// work scheduled while advancing. It returns the new time.
func (v *Virtual) AdvanceTo(t time.Time) time.Time {
	v.advance.Lock()
	defer v.advance.Unlock()
	t = t.UTC()
	for {
		v.mu.Lock()
		if len(v.timers) == 0 || v.timers[0].due.After(t) {
			if t.After(v.now) {
				v.now = t
			}
			now := v.now
			v.mu.Unlock()
			return now
		}
		next := heap.Pop(&v.timers).(*virtualTimer)
		if next.due.After(v.now) {
			v.now = next.due
		}
		v.mu.Unlock()
		next.f()
	}
}

// catchUp moves the clock forward to t, if it is behind, without firing the timers it passes: another replica
// advanced the tenant and ran what fell due. They fire at this clock's next advance, where a job already run
// finds nothing to take.
func (v *Virtual) catchUp(t time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if t.After(v.now) {
		v.now = t.UTC()
	}
}

// Pending reports how many timers are scheduled and not yet fired.
func (v *Virtual) Pending() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.timers)
}

type virtualTimer struct {
	clock *Virtual
	due   time.Time
	seq   uint64
	f     func()
	index int // position in the heap; -1 once fired or stopped
}

func (t *virtualTimer) Stop() bool {
	v := t.clock
	v.mu.Lock()
	defer v.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&v.timers, t.index)
	return true
}

// timerHeap orders timers by due time, then by the order they were scheduled.
type timerHeap []*virtualTimer

func (h timerHeap) Len() int { return len(h) }

func (h timerHeap) Less(i, j int) bool {
	if !h[i].due.Equal(h[j].due) {
		return h[i].due.Before(h[j].due)
	}
	return h[i].seq < h[j].seq
}

func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}

func (h *timerHeap) Push(x any) {
	t := x.(*virtualTimer)
	t.index = len(*h)
	*h = append(*h, t)
}

func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	t.index = -1
	*h = old[:len(old)-1]
	return t
}
