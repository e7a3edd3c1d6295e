package memory

import (
	"context"
	"fmt"

	"github.com/issuersim/issuersim/sim/fault"
	"github.com/issuersim/issuersim/sim/store"
)

// faultsTable keeps a tenant's fault rules by id.
var faultsTable = &schema[int64, fault.Rule]{name: "fault rules", clone: func(r fault.Rule) fault.Rule { return r }}

var _ fault.Store = (*Store)(nil)

// Faults returns the fault rules of a transaction this store began.
func (s *Store) Faults(tx store.Tx) fault.Repository { return faults{tx.(*Tx)} }

type faults struct{ tx *Tx }

func (r faults) Rules(context.Context) ([]fault.Rule, error) {
	return open(r.tx, faultsTable).all(), nil
}

func (r faults) Put(_ context.Context, rule fault.Rule) error {
	if err := r.tx.writable("put a fault rule"); err != nil {
		return err
	}
	open(r.tx, faultsTable).put(rule.ID, rule)
	return nil
}

func (r faults) Delete(_ context.Context, id int64) error {
	if err := r.tx.writable("delete a fault rule"); err != nil {
		return err
	}
	t := open(r.tx, faultsTable)
	if _, ok := t.get(id); !ok {
		return fmt.Errorf("fault rule %d in tenant %s: %w", id, r.tx.meta.Tenant, store.ErrNotFound)
	}
	t.remove(id)
	return nil
}

func (r faults) NextID(context.Context) (int64, error) { return r.tx.next("fault rule") }
