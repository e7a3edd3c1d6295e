package memory

import (
	"context"
	"fmt"

	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/store"
)

// pciTable keeps each card's PCI data by card id, indexed by the PAN's hash for search by PAN.
var pciTable = &schema[int64, pci.Data]{
	name:    "pci data",
	clone:   pci.Data.Clone,
	indexes: []index[pci.Data]{{name: "pan", key: func(d pci.Data) string { return d.PAN.Hash() }}},
}

var _ pci.Store = (*Store)(nil)

// PCI returns the PCI data repository of a transaction this store began.
func (s *Store) PCI(tx store.Tx) pci.Repository { return pcis{tx.(*Tx)} }

type pcis struct{ tx *Tx }

func (r pcis) Get(_ context.Context, cardID int64) (pci.Data, error) {
	d, ok := open(r.tx, pciTable).get(cardID)
	if !ok {
		return pci.Data{}, fmt.Errorf("PCI data of card %d in tenant %s: %w", cardID, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return d, nil
}

func (r pcis) Put(_ context.Context, d pci.Data) error {
	if err := r.tx.writable(fmt.Sprintf("put the PCI data of card %d", d.CardID)); err != nil {
		return err
	}
	open(r.tx, pciTable).put(d.CardID, d)
	return nil
}

func (r pcis) ByPANHash(_ context.Context, hash string) (pci.Data, bool, error) {
	d, ok := open(r.tx, pciTable).first("pan", hash)
	return d, ok, nil
}
