package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/issuersim/issuersim/sim/cardonfile"
	"github.com/issuersim/issuersim/sim/store"
)

// cardOnFileTable keeps the stored cards by uuid, indexed by account for the wallet listing.
var cardOnFileTable = newTable[string, cardonfile.CardOnFile]("cards_on_file",
	index[cardonfile.CardOnFile]{col: "account", key: func(c cardonfile.CardOnFile) string { return strconv.FormatInt(c.AccountID, 10) }})

// cardOnFileVaultTable keeps the stored cards' PANs apart, as PCI data.
var cardOnFileVaultTable = newTable[string, cardonfile.Vault]("cards_on_file_vault")

var _ cardonfile.Store = (*Store)(nil)

// CardsOnFile returns the wallet repository of a transaction this store began.
func (s *Store) CardsOnFile(tx store.Tx) cardonfile.Repository { return cardsOnFile{tx.(*Tx)} }

type cardsOnFile struct{ tx *Tx }

func (r cardsOnFile) Get(ctx context.Context, uuid string) (cardonfile.CardOnFile, error) {
	c, ok, err := cardOnFileTable.read(ctx, r.tx, uuid)
	if err == nil && !ok {
		err = fmt.Errorf("card on file %s in tenant %s: %w", uuid, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return c, err
}

func (r cardsOnFile) Put(ctx context.Context, c cardonfile.CardOnFile) error {
	if err := r.tx.writable("put card on file " + c.UUID); err != nil {
		return err
	}
	return cardOnFileTable.write(ctx, r.tx, c.UUID, c)
}

func (r cardsOnFile) Remove(ctx context.Context, uuid string) error {
	if err := r.tx.writable("remove card on file " + uuid); err != nil {
		return err
	}
	if err := cardOnFileTable.delete(ctx, r.tx, uuid); err != nil {
		return err
	}
	return cardOnFileVaultTable.delete(ctx, r.tx, uuid)
}

func (r cardsOnFile) ByAccount(ctx context.Context, accountID int64) ([]cardonfile.CardOnFile, error) {
	return cardOnFileTable.scan(ctx, r.tx, "account", strconv.FormatInt(accountID, 10))
}

func (r cardsOnFile) PutVault(ctx context.Context, v cardonfile.Vault) error {
	if err := r.tx.writable("put the vault entry of card on file " + v.UUID); err != nil {
		return err
	}
	return cardOnFileVaultTable.write(ctx, r.tx, v.UUID, v)
}

func (r cardsOnFile) Vault(ctx context.Context, uuid string) (cardonfile.Vault, error) {
	v, ok, err := cardOnFileVaultTable.read(ctx, r.tx, uuid)
	if err == nil && !ok {
		err = fmt.Errorf("vault entry of card on file %s in tenant %s: %w", uuid, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return v, err
}

func (r cardsOnFile) NextSeq(context.Context) (int64, error) { return r.tx.next("card on file") }
