package postgres

import (
	"context"
	"fmt"

	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/store"
)

// pciTable keeps each card's PCI data by card id, indexed by the PAN's hash for search by PAN. The document
// holds the PAN, CVV and PIN themselves (encode.go), never their masked forms.
var pciTable = newTable[int64, pci.Data]("pci_data", index[pci.Data]{col: "pan_hash", key: func(d pci.Data) string { return d.PAN.Hash() }})

var _ pci.Store = (*Store)(nil)

// PCI returns the PCI data repository of a transaction this store began.
func (s *Store) PCI(tx store.Tx) pci.Repository { return pcis{tx.(*Tx)} }

type pcis struct{ tx *Tx }

func (r pcis) Get(ctx context.Context, cardID int64) (pci.Data, error) {
	d, ok, err := pciTable.read(ctx, r.tx, cardID)
	if err == nil && !ok {
		err = fmt.Errorf("PCI data of card %d in tenant %s: %w", cardID, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return d, err
}

func (r pcis) Put(ctx context.Context, d pci.Data) error {
	if err := r.tx.writable(fmt.Sprintf("put the PCI data of card %d", d.CardID)); err != nil {
		return err
	}
	return pciTable.write(ctx, r.tx, d.CardID, d)
}

func (r pcis) ByPANHash(ctx context.Context, hash string) (pci.Data, bool, error) {
	return pciTable.first(ctx, r.tx, "pan_hash", hash)
}
