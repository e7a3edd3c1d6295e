package memory

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/issuersim/issuersim/sim/cardonfile"
	"github.com/issuersim/issuersim/sim/store"
)

// cardOnFileTable keeps the stored cards by uuid, indexed by account for the wallet listing.
var cardOnFileTable = &schema[string, cardonfile.CardOnFile]{
	name:  "cards on file",
	clone: cardonfile.CardOnFile.Clone,
	indexes: []index[cardonfile.CardOnFile]{{name: "account", key: func(c cardonfile.CardOnFile) string {
		return strconv.FormatInt(c.AccountID, 10)
	}}},
}

// cardOnFileVaultTable keeps the stored cards' PANs apart, as PCI data.
var cardOnFileVaultTable = &schema[string, cardonfile.Vault]{name: "cards on file vault", clone: cardonfile.Vault.Clone}

var _ cardonfile.Store = (*Store)(nil)

// CardsOnFile returns the wallet repository of a transaction this store began.
func (s *Store) CardsOnFile(tx store.Tx) cardonfile.Repository { return cardsOnFile{tx.(*Tx)} }

type cardsOnFile struct{ tx *Tx }

func (r cardsOnFile) Get(_ context.Context, uuid string) (cardonfile.CardOnFile, error) {
	c, ok := open(r.tx, cardOnFileTable).get(uuid)
	if !ok {
		return cardonfile.CardOnFile{}, fmt.Errorf("card on file %s in tenant %s: %w", uuid, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return c, nil
}

func (r cardsOnFile) Put(_ context.Context, c cardonfile.CardOnFile) error {
	if err := r.tx.writable("put card on file " + c.UUID); err != nil {
		return err
	}
	open(r.tx, cardOnFileTable).put(c.UUID, c)
	return nil
}

func (r cardsOnFile) Remove(_ context.Context, uuid string) error {
	if err := r.tx.writable("remove card on file " + uuid); err != nil {
		return err
	}
	open(r.tx, cardOnFileTable).remove(uuid)
	open(r.tx, cardOnFileVaultTable).remove(uuid)
	return nil
}

func (r cardsOnFile) ByAccount(_ context.Context, accountID int64) ([]cardonfile.CardOnFile, error) {
	return slices.Collect(open(r.tx, cardOnFileTable).scan("account", strconv.FormatInt(accountID, 10))), nil
}

func (r cardsOnFile) PutVault(_ context.Context, v cardonfile.Vault) error {
	if err := r.tx.writable("put the vault entry of card on file " + v.UUID); err != nil {
		return err
	}
	open(r.tx, cardOnFileVaultTable).put(v.UUID, v)
	return nil
}

func (r cardsOnFile) Vault(_ context.Context, uuid string) (cardonfile.Vault, error) {
	v, ok := open(r.tx, cardOnFileVaultTable).get(uuid)
	if !ok {
		return cardonfile.Vault{}, fmt.Errorf("vault entry of card on file %s in tenant %s: %w", uuid, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return v, nil
}

func (r cardsOnFile) NextSeq(context.Context) (int64, error) { return r.tx.next("card on file") }
