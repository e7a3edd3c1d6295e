package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/store"
)

// jobsTable keeps a tenant's pending and failed jobs by id, indexed by kind and subject for CancelJobs.
var jobsTable = &schema[int64, job.Job]{
	name: "jobs",
	clone: func(j job.Job) job.Job {
		j.Data = slices.Clone(j.Data)
		return j
	},
	indexes: []index[job.Job]{{name: "subject", key: func(j job.Job) string { return jobKey(j.Kind, j.Subject) }}},
}

func jobKey(kind string, s event.Subject) string { return kind + "\x00" + s.String() }

// Schedule stages a job; see store.Tx.
func (tx *Tx) Schedule(j job.Job) (job.Job, error) {
	if err := tx.writable("schedule a " + j.Kind + " job"); err != nil {
		return job.Job{}, err
	}
	j, err := store.NewJob(j, tx.meta, tx.next)
	if err != nil {
		return job.Job{}, err
	}
	open(tx, jobsTable).put(j.ID, j)
	tx.scheduled = append(tx.scheduled, j.ID)
	return j, nil
}

// TakeJob removes a pending job and returns it; see store.Tx.
func (tx *Tx) TakeJob(id int64) (job.Job, error) {
	if err := tx.writable("take a job"); err != nil {
		return job.Job{}, err
	}
	jobs := open(tx, jobsTable)
	j, ok := jobs.get(id)
	if !ok || j.Error != "" {
		return job.Job{}, fmt.Errorf("pending job %d in tenant %s: %w", id, tx.meta.Tenant, store.ErrNotFound)
	}
	jobs.remove(id)
	return j, nil
}

// CancelJobs removes the jobs of a kind for a subject; see store.Tx.
func (tx *Tx) CancelJobs(kind string, subject event.Subject) (int, error) {
	if err := tx.writable("cancel " + kind + " jobs"); err != nil {
		return 0, err
	}
	jobs := open(tx, jobsTable)
	ids := slices.Collect(jobs.lookup("subject", jobKey(kind, subject)))
	for _, id := range ids {
		jobs.remove(id)
	}
	return len(ids), nil
}

// committedJobs returns the jobs the transaction scheduled that it did not also take or cancel, as stored.
func (tx *Tx) committedJobs() []job.Job {
	if len(tx.scheduled) == 0 {
		return nil
	}
	rows := tx.t.tables[jobsTable].(*table[int64, job.Job]).rows
	out := make([]job.Job, 0, len(tx.scheduled))
	for _, id := range tx.scheduled {
		if j, ok := rows[id]; ok {
			out = append(out, jobsTable.clone(j))
		}
	}
	return out
}

// Jobs returns a tenant's pending and failed jobs, by due time and then id.
func (s *Store) Jobs(ctx context.Context, tenantID string) ([]job.Job, error) {
	t, err := s.tenant(tenantID)
	if err != nil {
		return nil, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	jobs, ok := t.tables[jobsTable].(*table[int64, job.Job])
	if !ok {
		return nil, nil
	}
	out := make([]job.Job, 0, len(jobs.rows))
	for _, j := range jobs.rows {
		out = append(out, jobsTable.clone(j))
	}
	slices.SortFunc(out, func(a, b job.Job) int { return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}
