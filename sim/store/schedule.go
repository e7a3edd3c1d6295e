package store

import (
	"fmt"

	"github.com/issuersim/issuersim/sim/job"
)

// NewJob completes a job a command schedules, the same way on every backend: it must have a kind; it takes
// the next id of the tenant's "job" sequence (next) unless it has one, and the transaction's tenant, and its
// correlation id unless it carries one.
func NewJob(j job.Job, meta Meta, next func(sequence string) (int64, error)) (job.Job, error) {
	if j.Kind == "" {
		return job.Job{}, fmt.Errorf("schedule a job for %s: the job has no kind", j.Subject)
	}
	if j.ID == 0 {
		id, err := next("job")
		if err != nil {
			return job.Job{}, err
		}
		j.ID = id
	}
	j.Tenant = meta.Tenant
	if j.CID == "" {
		j.CID = meta.CID
	}
	return j, nil
}
