package clock_test

import (
	"errors"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim/clock"
)

func TestParseAdvance(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		err  error
	}{
		{"90m", 90 * time.Minute, nil},
		{"1h30m", 90 * time.Minute, nil},
		{"1.5h", 90 * time.Minute, nil},
		{"2562047h", clock.MaxAdvance, nil},
		{"2562048h", 0, clock.ErrTooLong},
		{"9999999999h", 0, clock.ErrTooLong},
		{"0s", 0, clock.ErrNotPositive},
		{"-5m", 0, clock.ErrNotPositive},
		{"", 0, clock.ErrSyntax},
		{"5", 0, clock.ErrSyntax},
		{"soon", 0, clock.ErrSyntax},
		{"+5m", 0, clock.ErrSyntax},
	} {
		got, err := clock.ParseAdvance(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("ParseAdvance(%q) = %v, %v; want %v, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestParseStart(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		err  error
	}{
		{"2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", nil},
		{"2026-01-01T02:00:00+02:00", "2026-01-01T00:00:00Z", nil},
		{"9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z", nil},
		{"9999-12-31T23:59:59-01:00", "", clock.ErrTooLong},
		{"0000-01-01T00:00:00Z", "", clock.ErrTooLong},
		{"2026-01-01", "", clock.ErrSyntax},
		{"tomorrow", "", clock.ErrSyntax},
	} {
		got, err := clock.ParseStart(tc.in)
		if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) || (err == nil && got.Format(time.RFC3339) != tc.want) {
			t.Errorf("ParseStart(%q) = %v, %v; want %s, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// FuzzParseAdvance: whatever the text, ParseAdvance never panics; what it accepts is a positive duration a
// clock can move by, the one time.ParseDuration reads; what it refuses carries one of its errors.
func FuzzParseAdvance(f *testing.F) {
	for _, seed := range []string{"90m", "1h30m", "0s", "-5m", "9999999999h", "2562047h", "2562048h", "1.5h", "5", "", "1µs", "1us", "+1h", "1h-1m", "0.0000000001ns"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := clock.ParseAdvance(s)
		if err != nil {
			if !errors.Is(err, clock.ErrSyntax) && !errors.Is(err, clock.ErrNotPositive) && !errors.Is(err, clock.ErrTooLong) {
				t.Fatalf("ParseAdvance(%q): an error of no known kind: %v", s, err)
			}
			return
		}
		want, perr := time.ParseDuration(s)
		if d <= 0 || d > clock.MaxAdvance || perr != nil || want != d {
			t.Fatalf("ParseAdvance(%q) = %v; time.ParseDuration says %v, %v", s, d, want, perr)
		}
	})
}

// FuzzParseStart: what ParseStart accepts is a UTC time RFC 3339 writes and reads back unchanged.
func FuzzParseStart(f *testing.F) {
	for _, seed := range []string{"2026-01-01T00:00:00Z", "2026-01-01T02:00:00+02:00", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-01:00", "0000-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T00:00:00.123456789Z", "x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, err := clock.ParseStart(s)
		if err != nil {
			return
		}
		again, err := time.Parse(time.RFC3339Nano, start.Format(time.RFC3339Nano))
		if start.Location() != time.UTC || err != nil || !again.Equal(start) || start.After(clock.LastTime) {
			t.Fatalf("ParseStart(%q) = %v, which does not round-trip: %v", s, start, err)
		}
	})
}
