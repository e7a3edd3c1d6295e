package clock_test

import (
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim/clock"
)

var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// TestVirtualFiresDueTimersInOrder proves that advancing fires exactly the due timers, earliest first, with
// Now reporting each timer's due time while it runs.
func TestVirtualFiresDueTimersInOrder(t *testing.T) {
	c := clock.NewVirtual(start)
	var fired []string
	var seen []time.Time
	record := func(name string) func() {
		return func() { fired = append(fired, name); seen = append(seen, c.Now()) }
	}
	c.AfterFunc(90*time.Minute, record("b"))
	c.AfterFunc(30*time.Minute, record("a"))
	c.AfterFunc(3*time.Hour, record("c"))
	c.AfterFunc(90*time.Minute, record("b2"))

	if got := c.Advance(2 * time.Hour); !got.Equal(start.Add(2 * time.Hour)) {
		t.Fatalf("Advance returned %v", got)
	}
	want := []string{"a", "b", "b2"}
	if len(fired) != len(want) {
		t.Fatalf("fired %v, want %v", fired, want)
	}
	for i := range want {
		if fired[i] != want[i] {
			t.Fatalf("fired %v, want %v", fired, want)
		}
	}
	if !seen[0].Equal(start.Add(30*time.Minute)) || !seen[1].Equal(start.Add(90*time.Minute)) {
		t.Errorf("Now during timers = %v", seen)
	}
	if c.Pending() != 1 {
		t.Errorf("pending = %d, want 1", c.Pending())
	}
}

// TestVirtualTimerScheduledByTimer proves that work a timer schedules within the advanced span also fires.
func TestVirtualTimerScheduledByTimer(t *testing.T) {
	c := clock.NewVirtual(start)
	var n int
	c.AfterFunc(time.Minute, func() {
		n++
		c.AfterFunc(time.Minute, func() { n++ })
	})
	c.Advance(5 * time.Minute)
	if n != 2 {
		t.Fatalf("n = %d, want 2", n)
	}
}

// TestVirtualStop proves a stopped timer never fires and Stop reports it.
func TestVirtualStop(t *testing.T) {
	c := clock.NewVirtual(start)
	fired := false
	tm := c.AfterFunc(time.Second, func() { fired = true })
	if !tm.Stop() {
		t.Fatal("Stop = false for a pending timer")
	}
	if tm.Stop() {
		t.Fatal("second Stop = true")
	}
	c.Advance(time.Hour)
	if fired {
		t.Fatal("stopped timer fired")
	}
}

// TestVirtualNeverGoesBack proves AdvanceTo a past time leaves the clock where it is.
func TestVirtualNeverGoesBack(t *testing.T) {
	c := clock.NewVirtual(start)
	c.Advance(time.Hour)
	if got := c.AdvanceTo(start); !got.Equal(start.Add(time.Hour)) {
		t.Fatalf("AdvanceTo past = %v", got)
	}
}

// TestVirtualHeapOrder proves many timers scheduled out of order, some stopped, fire by due time and then by
// scheduling order.
func TestVirtualHeapOrder(t *testing.T) {
	c := clock.NewVirtual(start)
	var fired []int
	var stop []clock.Timer
	for i := range 50 {
		due := time.Duration((i*37)%10) * time.Minute // ten due times, five timers each
		tm := c.AfterFunc(due, func() { fired = append(fired, i) })
		if i%7 == 0 {
			stop = append(stop, tm)
		}
	}
	for _, tm := range stop {
		if !tm.Stop() {
			t.Fatal("Stop = false for a pending timer")
		}
	}
	c.Advance(time.Hour)
	if len(fired) != 50-len(stop) {
		t.Fatalf("%d fired, want %d", len(fired), 50-len(stop))
	}
	for k := 1; k < len(fired); k++ {
		a, b := fired[k-1], fired[k]
		da, db := (a*37)%10, (b*37)%10
		if da > db || (da == db && a > b) {
			t.Fatalf("timer %d (due %dm) fired before %d (due %dm): %v", a, da, b, db, fired)
		}
	}
	if c.Pending() != 0 {
		t.Errorf("pending = %d", c.Pending())
	}
}

// TestTenantsHaveTheirOwnVirtualClocks proves advancing one tenant's clock moves neither another tenant's
// nor the base, and a tenant first seen later starts at the base's time.
func TestTenantsHaveTheirOwnVirtualClocks(t *testing.T) {
	base := clock.NewVirtual(start)
	clocks := clock.NewTenants(base)
	a, ok := clocks.Virtual("A")
	if !ok {
		t.Fatal("a virtual base gave no virtual tenant clock")
	}
	fired := false
	clocks.For("B").AfterFunc(time.Minute, func() { fired = true })
	a.Advance(time.Hour)
	if fired {
		t.Error("advancing A fired B's timer")
	}
	if got := clocks.For("B").Now(); !got.Equal(start) {
		t.Errorf("B's clock moved to %v", got)
	}
	if got := clocks.For("C").Now(); !got.Equal(start) {
		t.Errorf("a new tenant starts at %v, want the base's %v", got, start)
	}
	if clocks.For("A").Now() != start.Add(time.Hour) {
		t.Errorf("A's clock is at %v", clocks.For("A").Now())
	}
}

// TestTenantsShareTheRealClock proves a real base is shared and offers no virtual clock.
func TestTenantsShareTheRealClock(t *testing.T) {
	clocks := clock.NewTenants(clock.Real{})
	if _, ok := clocks.Virtual("A"); ok {
		t.Fatal("real base gave a virtual clock")
	}
	if _, ok := clocks.For("A").(clock.Real); !ok {
		t.Fatalf("For = %T, want clock.Real", clocks.For("A"))
	}
}
