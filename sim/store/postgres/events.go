package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/store"
)

// The event log is the events table: a tenant's committed events by sequence, the outbox the dispatcher
// delivers from and the log the admin API lists, indexed by id and by subject.

// timeLayout keeps a time exactly (to the nanosecond) in a text column beside its sortable number.
const timeLayout = time.RFC3339Nano

const insertEvent = `INSERT INTO events (tenant, seq, id, domain, type, cid, subject_kind, subject_id, time_ns, time, envelope)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`

const eventColumns = "seq, id, tenant, domain, type, cid, subject_kind, subject_id, time, envelope"

func scanEvent(row pgx.CollectableRow) (event.Record, error) {
	var r event.Record
	var at string
	var envelope []byte
	if err := row.Scan(&r.Seq, &r.ID, &r.Tenant, &r.Domain, &r.Type, &r.CID, &r.Subject.Kind, &r.Subject.ID, &at, &envelope); err != nil {
		return r, err
	}
	t, err := time.Parse(timeLayout, at)
	if err != nil {
		return r, fmt.Errorf("event %s: stored time %q: %w", r.ID, at, err)
	}
	r.Time, r.Envelope = t.UTC(), envelope
	return r, nil
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
	rows, err := tx.db.Query(tx.ctx, "SELECT "+eventColumns+" FROM events WHERE tenant = $1 AND id = $2", tx.meta.Tenant, id)
	if err != nil {
		return event.Record{}, fmt.Errorf("read event %s of tenant %s: %w", id, tx.meta.Tenant, err)
	}
	r, err := pgx.CollectExactlyOneRow(rows, scanEvent)
	if errors.Is(err, pgx.ErrNoRows) {
		return event.Record{}, fmt.Errorf("event %s in tenant %s: %w", id, tx.meta.Tenant, store.ErrNotFound)
	}
	if err != nil {
		return event.Record{}, fmt.Errorf("read event %s of tenant %s: %w", id, tx.meta.Tenant, err)
	}
	return r, nil
}

// Events returns a tenant's committed events that match the filter, oldest first.
func (s *Store) Events(ctx context.Context, tenant string, f store.EventFilter) ([]event.Record, error) {
	if err := s.known(ctx, tenant); err != nil {
		return nil, err
	}
	var where strings.Builder
	args := []any{tenant}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where.WriteString("tenant = $1")
	if f.AfterID != "" {
		var after int64
		err := s.pool.QueryRow(ctx, "SELECT seq FROM events WHERE tenant = $1 AND id = $2", tenant, f.AfterID).Scan(&after)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("event %s in tenant %s: %w", f.AfterID, tenant, store.ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("read event %s of tenant %s: %w", f.AfterID, tenant, err)
		}
		where.WriteString(" AND seq > " + arg(after))
	}
	if f.Type != "" {
		where.WriteString(" AND type = " + arg(f.Type))
	}
	if f.Subject != (event.Subject{}) {
		where.WriteString(" AND subject_kind = " + arg(f.Subject.Kind) + " AND subject_id = " + arg(f.Subject.ID))
	}
	if !f.Since.IsZero() {
		where.WriteString(" AND time_ns >= " + arg(nanos(f.Since)))
	}
	rows, err := s.pool.Query(ctx, "SELECT "+eventColumns+" FROM events WHERE "+where.String()+" ORDER BY seq", args...)
	if err != nil {
		return nil, fmt.Errorf("list the events of tenant %s: %w", tenant, err)
	}
	out, err := pgx.CollectRows(rows, scanEvent)
	if err != nil {
		return nil, fmt.Errorf("list the events of tenant %s: %w", tenant, err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// known checks that the store holds the tenant.
func (s *Store) known(ctx context.Context, tenant string) error {
	_, err := s.org(ctx, s.pool, tenant)
	if errors.Is(err, org.ErrUnknown) {
		return fmt.Errorf("tenant %q: %w", tenant, store.ErrUnknownTenant)
	}
	return err
}
