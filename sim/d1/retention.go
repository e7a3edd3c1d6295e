package d1

import (
	"context"
	"errors"
	"fmt"

	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/store"
)

// JobRetention is the job kind that removes an operation from the log three months after it started; its
// subject is the operation.
const JobRetention = "d1.operation_retention"

// RunRetention runs a JobRetention job: the operation leaves the log. One already gone is not an error.
func (s *Service) RunRetention(ctx context.Context, tx store.Tx, j job.Job) error {
	err := s.store.D1(tx).DeleteOperation(ctx, j.Subject.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s job %d: %w", j.Kind, j.ID, err)
	}
	return nil
}
