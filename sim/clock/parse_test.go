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
