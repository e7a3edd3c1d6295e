package postgres

import (
	"context"
	"fmt"

	"github.com/issuersim/issuersim/sim/fault"
	"github.com/issuersim/issuersim/sim/store"
)

// faultsTable keeps a tenant's fault rules by id.
var faultsTable = newTable[int64, fault.Rule]("fault_rules")

var _ fault.Store = (*Store)(nil)

// Faults returns the fault rules of a transaction this store began.
func (s *Store) Faults(tx store.Tx) fault.Repository { return faults{tx.(*Tx)} }

type faults struct{ tx *Tx }

func (r faults) Rules(ctx context.Context) ([]fault.Rule, error) { return faultsTable.every(ctx, r.tx) }

func (r faults) Put(ctx context.Context, rule fault.Rule) error {
	if err := r.tx.writable("put a fault rule"); err != nil {
		return err
	}
	return faultsTable.write(ctx, r.tx, rule.ID, rule)
}

func (r faults) Delete(ctx context.Context, id int64) error {
	if err := r.tx.writable("delete a fault rule"); err != nil {
		return err
	}
	if _, ok, err := faultsTable.read(ctx, r.tx, id); err != nil || !ok {
		if err == nil {
			err = fmt.Errorf("fault rule %d in tenant %s: %w", id, r.tx.meta.Tenant, store.ErrNotFound)
		}
		return err
	}
	return faultsTable.delete(ctx, r.tx, id)
}

func (r faults) NextID(context.Context) (int64, error) { return r.tx.next("fault rule") }
