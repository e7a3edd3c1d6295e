package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/issuersim/issuersim/sim/store"
)

// notice is what a replica tells the others, by NOTIFY on the schema's channel, inside the transaction that
// caused it: a commit's events (by sequence) and jobs (by id), or that a tenant's shared clock moved.
type notice struct {
	Replica string  `json:"r"`
	Tenant  string  `json:"t"`
	First   int64   `json:"f,omitempty"` // the commit's events, first to last sequence
	Last    int64   `json:"l,omitempty"`
	Jobs    []int64 `json:"j,omitempty"`
	AllJobs bool    `json:"a,omitempty"` // too many jobs to list: read the tenant's pending jobs
	Clock   bool    `json:"c,omitempty"`
}

// maxNoticeJobs keeps a notice well under PostgreSQL's 8000-byte payload limit.
const maxNoticeJobs = 400

func (s *Store) commitNotice(c store.Commit) (string, error) {
	n := notice{Replica: s.replica, Tenant: c.Tenant}
	if len(c.Events) > 0 {
		n.First, n.Last = c.Events[0].Seq, c.Events[len(c.Events)-1].Seq
	}
	if len(c.Jobs) > maxNoticeJobs {
		n.AllJobs = true
	} else {
		for _, j := range c.Jobs {
			n.Jobs = append(n.Jobs, j.ID)
		}
	}
	b, err := json.Marshal(n)
	return string(b), err
}

// Run listens for the other replicas' notices until ctx ends, and tells the Remote observers of their commits
// and ClockMoved of their clock moves, in the order PostgreSQL delivers them: commit order. A lost connection
// is made again after a second.
func (s *Store) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		err := s.listen(ctx)
		if ctx.Err() != nil {
			break
		}
		s.log.Error("listening for other replicas failed; retrying", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	return nil
}

func (s *Store) listen(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	for {
		msg, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("wait for a notice: %w", err)
		}
		var n notice
		if err := json.Unmarshal([]byte(msg.Payload), &n); err != nil {
			s.log.Error("a notice that does not parse", "err", err)
			continue
		}
		if n.Replica == s.replica {
			continue
		}
		if n.Clock {
			if s.clockMoved != nil {
				s.clockMoved(n.Tenant)
			}
			continue
		}
		c, err := s.remoteCommit(ctx, n)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log.Error("read another replica's commit", "tenant", n.Tenant, "err", err)
			continue
		}
		for _, o := range s.remote {
			o.Committed(c)
		}
	}
}

// remoteCommit reads what another replica's commit wrote: its events, and those of its jobs still pending.
func (s *Store) remoteCommit(ctx context.Context, n notice) (store.Commit, error) {
	c := store.Commit{Tenant: n.Tenant}
	if n.First > 0 {
		rows, err := s.pool.Query(ctx, "SELECT "+eventColumns+" FROM events WHERE tenant = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq", n.Tenant, n.First, n.Last)
		if err != nil {
			return c, err
		}
		if c.Events, err = pgx.CollectRows(rows, scanEvent); err != nil {
			return c, err
		}
	}
	switch {
	case n.AllJobs:
		jobs, err := s.PendingJobs(ctx, n.Tenant)
		if err != nil {
			return c, err
		}
		c.Jobs = jobs
	case len(n.Jobs) > 0:
		byID, err := s.jobsByID(ctx, s.pool, n.Tenant, n.Jobs, false)
		if err != nil {
			return c, err
		}
		for _, id := range n.Jobs {
			if j, ok := byID[id]; ok {
				c.Jobs = append(c.Jobs, j)
			}
		}
	}
	return c, nil
}

// The shared clocks: a tenant's virtual time, where several replicas share it, is the time the last advance on
// any of them reached, kept in tenant_clocks and read at every request (clock.Shared).

// clockTimeout bounds a read or write of a shared clock, which has no context of its own.
const clockTimeout = 5 * time.Second

// Time returns the tenant's time as stored by the replica that last advanced it; false when none did.
func (s *Store) Time(ctx context.Context, tenant string) (time.Time, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, clockTimeout)
	defer cancel()
	var at string
	err := s.clocks.QueryRow(ctx, "SELECT now FROM tenant_clocks WHERE tenant = $1", tenant).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read the clock of tenant %s: %w", tenant, err)
	}
	t, err := time.Parse(timeLayout, at)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("the clock of tenant %s: stored time %q: %w", tenant, at, err)
	}
	return t.UTC(), true, nil
}

// SetTime stores the tenant's time, never moving it back, and tells the other replicas.
func (s *Store) SetTime(ctx context.Context, tenant string, t time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, clockTimeout)
	defer cancel()
	payload, err := json.Marshal(notice{Replica: s.replica, Tenant: tenant, Clock: true})
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.clocks, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO tenant_clocks (tenant, now_ns, now) VALUES ($1, $2, $3)
ON CONFLICT (tenant) DO UPDATE SET now_ns = excluded.now_ns, now = excluded.now WHERE tenant_clocks.now_ns < excluded.now_ns`,
			tenant, nanos(t), t.UTC().Format(timeLayout)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", s.channel, string(payload))
		return err
	})
	if err != nil {
		return fmt.Errorf("store the clock of tenant %s: %w", tenant, err)
	}
	return nil
}
