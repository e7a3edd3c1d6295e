package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/store"
)

// The jobs table keeps a tenant's pending and failed jobs by id, indexed by kind and subject for CancelJobs and
// by due time for the scheduler.

const upsertJob = `INSERT INTO jobs (tenant, id, kind, subject, due_ns, failed, doc) VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (tenant, id) DO UPDATE SET kind = excluded.kind, subject = excluded.subject, due_ns = excluded.due_ns,
failed = excluded.failed, doc = excluded.doc`

// takeJob deletes a pending job and returns it. The tenant's row lock already serialises the transactions that
// take a tenant's jobs; SKIP LOCKED keeps the statement correct without it, so two replicas never both run one.
const takeJob = `DELETE FROM jobs WHERE tenant = $1 AND id = (
SELECT id FROM jobs WHERE tenant = $1 AND id = $2 AND NOT failed FOR UPDATE SKIP LOCKED) RETURNING doc`

// Schedule writes a job; see store.Tx.
func (tx *Tx) Schedule(j job.Job) (job.Job, error) {
	if err := tx.writable("schedule a " + j.Kind + " job"); err != nil {
		return job.Job{}, err
	}
	j, err := store.NewJob(j, tx.meta, tx.next)
	if err != nil {
		return job.Job{}, err
	}
	doc, err := encode(j)
	if err != nil {
		return job.Job{}, err
	}
	if _, err := tx.db.Exec(tx.ctx, upsertJob, j.Tenant, j.ID, j.Kind, j.Subject.String(), nanos(j.Due), j.Error != "", doc); err != nil {
		return job.Job{}, fmt.Errorf("schedule job %d of tenant %s: %w", j.ID, j.Tenant, err)
	}
	tx.scheduled = append(tx.scheduled, j.ID)
	return j, nil
}

// TakeJob removes a pending job and returns it; see store.Tx.
func (tx *Tx) TakeJob(id int64) (job.Job, error) {
	if err := tx.writable("take a job"); err != nil {
		return job.Job{}, err
	}
	var doc []byte
	err := tx.db.QueryRow(tx.ctx, takeJob, tx.meta.Tenant, id).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return job.Job{}, fmt.Errorf("pending job %d in tenant %s: %w", id, tx.meta.Tenant, store.ErrNotFound)
	}
	if err != nil {
		return job.Job{}, fmt.Errorf("take job %d of tenant %s: %w", id, tx.meta.Tenant, err)
	}
	var j job.Job
	return j, decode(doc, &j)
}

// CancelJobs removes the jobs of a kind for a subject; see store.Tx.
func (tx *Tx) CancelJobs(kind string, subject event.Subject) (int, error) {
	if err := tx.writable("cancel " + kind + " jobs"); err != nil {
		return 0, err
	}
	tag, err := tx.db.Exec(tx.ctx, "DELETE FROM jobs WHERE tenant = $1 AND kind = $2 AND subject = $3", tx.meta.Tenant, kind, subject.String())
	if err != nil {
		return 0, fmt.Errorf("cancel the %s jobs of %s in tenant %s: %w", kind, subject, tx.meta.Tenant, err)
	}
	return int(tag.RowsAffected()), nil
}

// committedJobs returns the jobs the transaction scheduled that it did not also take or cancel, as stored.
func (tx *Tx) committedJobs(ctx context.Context) ([]job.Job, error) {
	if len(tx.scheduled) == 0 {
		return nil, nil
	}
	byID, err := tx.store.jobsByID(ctx, tx.db, tx.meta.Tenant, tx.scheduled, true)
	if err != nil {
		return nil, err
	}
	out := make([]job.Job, 0, len(tx.scheduled))
	for _, id := range tx.scheduled {
		if j, ok := byID[id]; ok {
			out = append(out, j)
		}
	}
	return out, nil
}

// queryer is a connection, a pool or a transaction.
type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// jobsByID reads the tenant's jobs with those ids; failed ones only when withFailed.
func (s *Store) jobsByID(ctx context.Context, q queryer, tenant string, ids []int64, withFailed bool) (map[int64]job.Job, error) {
	rows, err := q.Query(ctx, "SELECT doc FROM jobs WHERE tenant = $1 AND id = ANY($2) AND (failed = false OR $3)", tenant, ids, withFailed)
	if err != nil {
		return nil, fmt.Errorf("read the jobs of tenant %s: %w", tenant, err)
	}
	jobs, err := collectJobs(rows)
	if err != nil {
		return nil, fmt.Errorf("read the jobs of tenant %s: %w", tenant, err)
	}
	out := make(map[int64]job.Job, len(jobs))
	for _, j := range jobs {
		out[j.ID] = j
	}
	return out, nil
}

func collectJobs(rows pgx.Rows) ([]job.Job, error) {
	docs, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, err
	}
	out := make([]job.Job, len(docs))
	for i, doc := range docs {
		if err := decode(doc, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Jobs returns a tenant's pending and failed jobs, by due time and then id.
func (s *Store) Jobs(ctx context.Context, tenant string) ([]job.Job, error) {
	if err := s.known(ctx, tenant); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, "SELECT doc FROM jobs WHERE tenant = $1 ORDER BY due_ns, id", tenant)
	if err != nil {
		return nil, fmt.Errorf("list the jobs of tenant %s: %w", tenant, err)
	}
	out, err := collectJobs(rows)
	if err != nil {
		return nil, fmt.Errorf("list the jobs of tenant %s: %w", tenant, err)
	}
	return out, nil
}

// PendingJobs returns the jobs waiting to run, of one tenant or, when tenant is empty, of every tenant, by due
// time: those a previous process or another replica scheduled, which the scheduler arms at start and before an
// advance (scheduler.Pending).
func (s *Store) PendingJobs(ctx context.Context, tenant string) ([]job.Job, error) {
	rows, err := s.pool.Query(ctx, "SELECT doc FROM jobs WHERE NOT failed AND ($1 = '' OR tenant = $1) ORDER BY due_ns, tenant, id", tenant)
	if err != nil {
		return nil, fmt.Errorf("list the pending jobs: %w", err)
	}
	out, err := collectJobs(rows)
	if err != nil {
		return nil, fmt.Errorf("list the pending jobs: %w", err)
	}
	return out, nil
}
