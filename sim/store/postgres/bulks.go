package postgres

import (
	"context"
	"fmt"

	"github.com/issuersim/issuersim/sim/bulk"
	"github.com/issuersim/issuersim/sim/store"
)

// bulkTable keeps a tenant's noname bulks by id. External ids are few per tenant and looked up only when a
// bulk is created or grown, so they are scanned rather than indexed, as in the memory store.
var bulkTable = newTable[string, bulk.Bulk]("bulks")

var _ bulk.Store = (*Store)(nil)

// Bulks returns the bulk repository of a transaction this store began.
func (s *Store) Bulks(tx store.Tx) bulk.Repository { return bulks{tx.(*Tx)} }

type bulks struct{ tx *Tx }

func (r bulks) Get(ctx context.Context, id string) (bulk.Bulk, error) {
	b, ok, err := bulkTable.read(ctx, r.tx, id)
	if err == nil && !ok {
		err = fmt.Errorf("bulk %s in tenant %s: %w", id, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return b, err
}

func (r bulks) Put(ctx context.Context, b bulk.Bulk) error {
	if err := r.tx.writable("put bulk " + b.ID); err != nil {
		return err
	}
	return bulkTable.write(ctx, r.tx, b.ID, b)
}

func (r bulks) ByExternalID(ctx context.Context, programID int64, externalID string) (bulk.Bulk, bool, error) {
	all, err := bulkTable.every(ctx, r.tx)
	if err != nil {
		return bulk.Bulk{}, false, err
	}
	for _, b := range all {
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
