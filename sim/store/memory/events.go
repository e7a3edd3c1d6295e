package memory

import (
	"context"
	"fmt"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/store"
)

// eventLog is a tenant's committed events, oldest first: the outbox the dispatcher delivers from and the log
// the admin API lists. Indexes by id and by subject keep a cursor or a subject's events from scanning the log.
type eventLog struct {
	records   []event.Record
	byID      map[string]int          // event id -> position
	bySubject map[event.Subject][]int // subject -> positions, ascending
}

// seal turns a transaction's events into records numbered after the log's last one, with the command's
// metadata. It changes nothing, so a schema failure leaves the log as it was.
func (l *eventLog) seal(sealer *event.Sealer, meta store.Meta, events []event.Event) ([]event.Record, error) {
	if len(events) == 0 {
		return nil, nil
	}
	out := make([]event.Record, 0, len(events))
	for i, e := range events {
		r, err := sealer.Seal(meta.Tenant, int64(len(l.records)+i+1), meta.CID, meta.Time, e)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (l *eventLog) append(records []event.Record) {
	if l.byID == nil {
		l.byID, l.bySubject = map[string]int{}, map[event.Subject][]int{}
	}
	for _, r := range records {
		pos := len(l.records)
		l.records = append(l.records, r)
		l.byID[r.ID] = pos
		if r.Subject != (event.Subject{}) {
			l.bySubject[r.Subject] = append(l.bySubject[r.Subject], pos)
		}
	}
}

// Emit stages an event; it is sealed at commit.
func (tx *Tx) Emit(e event.Event) error {
	if err := tx.writable("emit " + e.Type()); err != nil {
		return err
	}
	tx.events = append(tx.events, e)
	return nil
}

// Event returns a committed event of the tenant.
func (tx *Tx) Event(id string) (event.Record, error) {
	pos, ok := tx.t.log.byID[id]
	if !ok {
		return event.Record{}, fmt.Errorf("event %s in tenant %s: %w", id, tx.meta.Tenant, store.ErrNotFound)
	}
	return tx.t.log.records[pos], nil
}

// Events returns a tenant's committed events that match the filter, oldest first.
func (s *Store) Events(ctx context.Context, tenantID string, f store.EventFilter) ([]event.Record, error) {
	t, err := s.tenant(tenantID)
	if err != nil {
		return nil, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	l := &t.log
	after := -1
	if f.AfterID != "" {
		pos, ok := l.byID[f.AfterID]
		if !ok {
			return nil, fmt.Errorf("event %s in tenant %s: %w", f.AfterID, tenantID, store.ErrNotFound)
		}
		after = pos
	}
	keep := func(r event.Record) bool {
		return (f.Type == "" || r.Type == f.Type) && (f.Since.IsZero() || !r.Time.Before(f.Since))
	}
	var out []event.Record
	if f.Subject != (event.Subject{}) {
		for _, pos := range l.bySubject[f.Subject] {
			if r := l.records[pos]; pos > after && keep(r) {
				out = append(out, r)
			}
		}
		return out, nil
	}
	for _, r := range l.records[after+1:] {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out, nil
}
