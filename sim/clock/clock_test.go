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
