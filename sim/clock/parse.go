package clock

import (
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Errors of ParseAdvance and ParseStart; callers branch on them to name the rule broken.
var (
	// ErrSyntax is text that is not a Go duration (or not an RFC 3339 time).
	ErrSyntax = errors.New("syntax")
	// ErrNotPositive is a duration of zero or less.
	ErrNotPositive = errors.New("not positive")
	// ErrTooLong is a duration a time.Duration cannot hold (over about 2562047h, 292 years), or a time
	// outside the years 1 to 9999 that RFC 3339 writes.
	ErrTooLong = errors.New("out of range")
)

// durationSyntax is a Go duration's grammar without a sign, as the admin contract writes it.
var durationSyntax = regexp.MustCompile(`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`)

// MaxAdvance is the longest move ParseAdvance accepts: what a time.Duration holds, rounded down to the hour.
const MaxAdvance = time.Duration(1<<63-1) / time.Hour * time.Hour

// ParseAdvance reads how far to move a virtual clock: a positive Go duration such as 90m or 36h. It tells a
// duration too long for a time.Duration (time.ParseDuration calls that "invalid") from one that is not a
// duration at all, so that the caller can say which.
func ParseAdvance(s string) (time.Duration, error) {
	if !durationSyntax.MatchString(s) {
		if d, err := time.ParseDuration(s); err == nil && d <= 0 {
			return 0, fmt.Errorf("duration %q: %w: the clock only moves forward", s, ErrNotPositive)
		}
		return 0, fmt.Errorf("duration %q: %w: must be a Go duration such as 90m, 36h or 1h30m", s, ErrSyntax)
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil: // the grammar is right, so only the size is wrong
		return 0, fmt.Errorf("duration %q: %w: at most %s (about 292 years) at once", s, ErrTooLong, MaxAdvance)
	case d > MaxAdvance:
		return 0, fmt.Errorf("duration %q: %w: at most %s (about 292 years) at once", s, ErrTooLong, MaxAdvance)
	case d <= 0:
		return 0, fmt.Errorf("duration %q: %w: the clock only moves forward", s, ErrNotPositive)
	}
	return d, nil
}

// LastTime is the latest time a clock may show: the end of the year 9999, the last RFC 3339 can write.
var LastTime = time.Date(9999, time.December, 31, 23, 59, 59, 0, time.UTC)

// ParseStart reads the start of a virtual clock: an RFC 3339 time, in UTC from then on.
func ParseStart(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: %w: must be an RFC 3339 time such as 2026-01-01T00:00:00Z", s, ErrSyntax)
	}
	t = t.UTC()
	if t.Year() < 1 || t.After(LastTime) {
		return time.Time{}, fmt.Errorf("time %q: %w: must fall in the years 1 to 9999 once in UTC", s, ErrTooLong)
	}
	return t, nil
}
