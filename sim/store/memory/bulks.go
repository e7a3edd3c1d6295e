package memory

import (
	"context"
	"fmt"

	"github.com/issuersim/issuersim/sim/bulk"
	"github.com/issuersim/issuersim/sim/store"
)

// bulkTable keeps a tenant's noname bulks by id. External ids are few per tenant and looked up only when a
// bulk is created or grown, so they are scanned rather than indexed.
var bulkTable = &schema[string, bulk.Bulk]{name: "bulks", clone: bulk.Bulk.Clone}

var _ bulk.Store = (*Store)(nil)

// Bulks returns the bulk repository of a transaction this store began.
func (s *Store) Bulks(tx store.Tx) bulk.Repository { return bulks{tx.(*Tx)} }

type bulks struct{ tx *Tx }

func (r bulks) Get(_ context.Context, id string) (bulk.Bulk, error) {
	b, ok := open(r.tx, bulkTable).get(id)
	if !ok {
		return bulk.Bulk{}, fmt.Errorf("bulk %s in tenant %s: %w", id, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return b, nil
}

func (r bulks) Put(_ context.Context, b bulk.Bulk) error {
	if err := r.tx.writable("put bulk " + b.ID); err != nil {
		return err
	}
	open(r.tx, bulkTable).put(b.ID, b)
	return nil
}

func (r bulks) ByExternalID(_ context.Context, programID int64, externalID string) (bulk.Bulk, bool, error) {
	for _, b := range open(r.tx, bulkTable).all() {
		if b.ProgramID != programID {
			continue
		}
		for _, it := range b.Items {
			if it.ExternalID == externalID {
				return b, true, nil
			}
		}
	}
	return bulk.Bulk{}, false, nil
}

func (r bulks) NextSeq(context.Context) (int64, error) { return r.tx.next("bulk") }
