package event_test

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
)

// BenchmarkSeal seals the example create-1 and update-1 payloads (openapi/events/examples): marshal, envelope and both schema
// checks (payload and envelope), with and without the checks, so the checks' share of an event's cost shows.
func BenchmarkSeal(b *testing.B) {
	v, err := event.NewValidator()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, name := range []string{"create", "update"} {
		raw, err := os.ReadFile("../../openapi/events/examples/cards/" + name + "-1.json")
		if err != nil {
			b.Fatal(err)
		}
		if !json.Valid(raw) {
			b.Fatalf("example %s-1 is not JSON", name)
		}
		e := event.Event{Domain: "cards", Name: name, Version: 1, Subject: event.CardSubject(1), Data: json.RawMessage(raw)}
		for _, checked := range []bool{true, false} {
			label := name + "-1/checked"
			s := event.NewSealer(fake.New(1), v)
			if !checked {
				label = name + "-1/unchecked"
				s = event.NewSealer(fake.New(1), nil)
			}
			b.Run(label, func(b *testing.B) {
				b.ReportAllocs()
				var seq int64
				for b.Loop() {
					seq++
					if _, err := s.Seal("TN-1", seq, "cid-1", now, e); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
