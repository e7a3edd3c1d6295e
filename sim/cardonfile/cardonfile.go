// Package cardonfile is the processor's cards-on-file wallet: an account stores cards (its issuer's or anyone
// else's) under a uuid, proves it holds them with a small charge read back within a number of tries and hours
// (validations), and suspends or drops them. The PAN lives apart from the stored card, in the wallet's vault
// table, as PCI data; the CVV is checked and never kept.
package cardonfile

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/store"
)

// Status is a stored card's status.
type Status string

// The statuses the vendor lists: PENDING until a validation succeeds (or when stored without one, ACTIVE).
const (
	StatusActive    Status = "ACTIVE"
	StatusSuspended Status = "SUSPENDED"
	StatusPending   Status = "PENDING"
)

// Network is the card network a PAN belongs to.
type Network string

// Networks the vendor names.
const (
	NetworkVisa       Network = "VISA"
	NetworkMastercard Network = "MASTERCARD"
	NetworkAmex       Network = "AMEX"
	NetworkUnknown    Network = "UNKNOWN"
)

// CardOnFile is a card stored in an account's wallet.
type CardOnFile struct {
	UUID           string
	AccountID      int64
	CardName       string
	PrintedName    string
	Acquirer       string
	CardProfile    string
	DefaultCard    bool
	DocumentNumber string
	Verified       bool
	Metadata       *string // the client's string, typically serialised JSON
	Status         Status
	ExpirationDate string // mmyy
	First6, Last4  string
	PANHash        string
	Network        Network
	// IssuerCard is a card the processor issued in the org; PismoCardID, CustomerID, ProgramID and CardType are
	// then the processor card's.
	IssuerCard  bool
	PismoCardID int64
	CustomerID  int64
	ProgramID   int64
	CardType    string
	CreatedAt   time.Time
	Validations []Validation
}

// Vault is a stored card's PCI data: its PAN, kept in a table of its own.
type Vault struct {
	UUID string
	PAN  fake.PAN
}

// Clone returns a copy of v; it holds no reference types.
func (v Vault) Clone() Vault { return v }

// Subject kind of stored cards in the event log.
const SubjectCardOnFile = "card_on_file"

// Subject names the stored card in events and jobs.
func (c CardOnFile) Subject() event.Subject {
	return event.Subject{Kind: SubjectCardOnFile, ID: c.UUID}
}

// Clone returns a copy that shares nothing with c.
func (c CardOnFile) Clone() CardOnFile {
	if c.Metadata != nil {
		m := *c.Metadata
		c.Metadata = &m
	}
	c.Validations = slices.Clone(c.Validations)
	for i := range c.Validations {
		c.Validations[i] = c.Validations[i].clone()
	}
	return c
}

// Repository keeps a tenant's wallets inside a transaction.
type Repository interface {
	// Get returns a stored card by uuid, or an error wrapping store.ErrNotFound.
	Get(ctx context.Context, uuid string) (CardOnFile, error)
	// Put writes a stored card.
	Put(ctx context.Context, c CardOnFile) error
	// Remove drops a stored card and its vault entry from the wallet.
	Remove(ctx context.Context, uuid string) error
	// ByAccount returns an account's stored cards, by uuid.
	ByAccount(ctx context.Context, accountID int64) ([]CardOnFile, error)
	// PutVault writes a stored card's PAN.
	PutVault(ctx context.Context, v Vault) error
	// Vault returns a stored card's PAN, or an error wrapping store.ErrNotFound.
	Vault(ctx context.Context, uuid string) (Vault, error)
	// NextSeq returns the tenant's next number for seeded ids (stored cards and validations).
	NextSeq(ctx context.Context) (int64, error)
}

// Store is what the wallet runs on: the PCI domain's store (to know the org's own cards by PAN) and the wallet.
type Store interface {
	pci.Store
	// CardsOnFile returns the wallet repository of the transaction.
	CardsOnFile(tx store.Tx) Repository
}

// Service runs the wallet's operations, one file each: create.go, update.go, query.go, validation.go,
// metadata.go.
type Service struct {
	store  Store
	clocks *clock.Tenants
	fake   *fake.Source
}

// NewService returns a cards-on-file Service over the store, the tenants' clocks and the fake-data source.
func NewService(st Store, clocks *clock.Tenants, src *fake.Source) *Service {
	return &Service{store: st, clocks: clocks, fake: src}
}

func (s *Service) update(ctx context.Context, tenant string, fn func(store.Tx, Repository) error) error {
	return store.UpdateWith(ctx, s.store, s.clocks, tenant, s.store.CardsOnFile, fn)
}

func (s *Service) view(ctx context.Context, tenant string, fn func(store.Tx, Repository) error) error {
	return store.ViewWith(ctx, s.store, tenant, s.store.CardsOnFile, fn)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
