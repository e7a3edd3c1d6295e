// Package bulk is the processor's noname card bulks: a batch of PLASTIC cards of one program, one per issuer
// external id, made before any customer exists and bound to one later (card.Service.Bind). A bulk is created
// and grown while CREATED, started (RUNNING while its cards are made, then COMPLETED) and cancelled as a whole
// or per external id; starting and cancelling run as jobs, as the vendor answers both with 202.
package bulk

import (
	"context"
	"slices"
	"time"

	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/store"
)

// Status is a bulk's place in its life.
type Status string

// The statuses the vendor's BulkResponse names.
const (
	StatusCreated   Status = "CREATED"
	StatusRunning   Status = "RUNNING"
	StatusCompleted Status = "COMPLETED"
)

// ItemStatus is what became of one external id of a bulk.
type ItemStatus string

// Item statuses: PENDING until the bulk's start makes its card, ISSUED after, CANCELED once cancelled.
const (
	ItemPending  ItemStatus = "PENDING"
	ItemIssued   ItemStatus = "ISSUED"
	ItemCanceled ItemStatus = "CANCELED"
)

// Item is one external id of a bulk and the card made for it.
type Item struct {
	ExternalID string
	CardID     int64 // zero until the bulk's start
	Status     ItemStatus
}

// Settings are what every card of a bulk is made with.
type Settings struct {
	TemplateID           *string
	PINLength            int
	AbuEnabled           bool
	ContactlessEnabled   bool
	EmbossingCustomField *string
	EmbossingGroup       *string
	Metadata             map[string]any
	ModeType             *string
	ValidityPeriodHours  *int
}

// Bulk is a noname card bulk of a tenant.
type Bulk struct {
	ID        string
	ProgramID int64
	Settings  Settings
	Status    Status
	Items     []Item
	CreatedAt time.Time
}

// Subject kind of bulks, for jobs and the admin API's filters.
const SubjectBulk = "bulk"

// Subject names the bulk in jobs.
func (b Bulk) Subject() event.Subject { return event.Subject{Kind: SubjectBulk, ID: b.ID} }

// Clone returns a copy that shares nothing with b.
func (b Bulk) Clone() Bulk {
	b.Items = slices.Clone(b.Items)
	b.Settings.TemplateID = clonePtr(b.Settings.TemplateID)
	b.Settings.EmbossingCustomField = clonePtr(b.Settings.EmbossingCustomField)
	b.Settings.EmbossingGroup = clonePtr(b.Settings.EmbossingGroup)
	b.Settings.ModeType = clonePtr(b.Settings.ModeType)
	b.Settings.ValidityPeriodHours = clonePtr(b.Settings.ValidityPeriodHours)
	b.Settings.Metadata = card.CloneMetadata(b.Settings.Metadata)
	return b
}

// item returns the bulk's item of an external id.
func (b *Bulk) item(externalID string) (*Item, bool) {
	for i := range b.Items {
		if b.Items[i].ExternalID == externalID {
			return &b.Items[i], true
		}
	}
	return nil, false
}

// Repository keeps a tenant's bulks inside a transaction.
type Repository interface {
	// Get returns a bulk by id, or an error wrapping store.ErrNotFound.
	Get(ctx context.Context, id string) (Bulk, error)
	// Put writes a bulk.
	Put(ctx context.Context, b Bulk) error
	// ByExternalID returns the bulk of the program that holds an external id, if any.
	ByExternalID(ctx context.Context, programID int64, externalID string) (Bulk, bool, error)
	// NextSeq returns the tenant's next bulk number, from which the bulk's seeded id is derived.
	NextSeq(ctx context.Context) (int64, error)
}

// Store is what the bulk operations run on: the card domain's store and the bulks inside a transaction.
type Store interface {
	card.Store
	// Bulks returns the bulk repository of the transaction.
	Bulks(tx store.Tx) Repository
}

// Service runs the bulk operations, one file each: create.go, start.go, cancel.go.
type Service struct {
	store  Store
	clocks *clock.Tenants
	fake   *fake.Source
	cards  *card.Service
}

// NewService returns a bulk Service over the store, the tenants' clocks and the fake-data source, making its
// cards with the card service.
func NewService(st Store, clocks *clock.Tenants, src *fake.Source, cards *card.Service) *Service {
	return &Service{store: st, clocks: clocks, fake: src, cards: cards}
}

func (s *Service) update(ctx context.Context, tenant string, fn func(store.Tx, Repository) error) error {
	return store.UpdateWith(ctx, s.store, s.clocks, tenant, s.store.Bulks, fn)
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
