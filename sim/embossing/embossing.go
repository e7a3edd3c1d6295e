// Package embossing is the physical card pipeline: a PLASTIC card enters it once numbered
// (embossing_card_ingress-1), becomes ready for its configuration's next run (a nominal card once its PIN is
// changed or it is queued on demand, a noname card at once), and the run, a daily job on the tenant's clock or
// one the trigger endpoint starts, writes a file per program (embossing-1 per card, embossing_summary-1 per
// file). The embosser may reject a card (card_rejection-1); re-embossing sends cards to the next run again.
// Issuers that emboss themselves fetch a card's encrypted embossing data instead.
package embossing

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

// State is where a card is in the pipeline.
type State string

// Pipeline states.
const (
	// StateWaiting: in the pipeline, not yet in a run (a nominal card whose PIN has not been changed).
	StateWaiting State = "WAITING"
	// StateReady: queued for its configuration's next run.
	StateReady State = "READY"
	// StateEmbossed: written to an embossing file, or its data fetched for the issuer's own embossing.
	StateEmbossed State = "EMBOSSED"
	// StateRejected: the embosser rejected it (card_rejection-1).
	StateRejected State = "REJECTED"
)

// Trigger origins and types, as the vendor's embossing history names them.
const (
	OriginScheduled = "AUTOMATIC_SCHEDULING"
	OriginAPI       = "API"
	TriggerPassword = "PASSWORD"
	TriggerOnDemand = "ONDEMAND"
)

// Record is one card's place in the pipeline.
type Record struct {
	CardID     int64
	ProgramID  int64
	AccountID  int64
	CustomerID int64
	// Noname is a card a bulk issued: it goes to noname configurations and the noname endpoints.
	Noname bool
	// ConfigID is the embossing configuration (group) the card goes to.
	ConfigID string
	State    State
	// Trigger is why the card is ready: PASSWORD (its PIN changed) or ONDEMAND (queued by the API, or noname).
	Trigger string
	// OnDemand is set once the card was queued by the API: from then on a PIN change no longer queues it.
	OnDemand  bool
	AddressID *int64
	// FileName is the last file the card was written to.
	FileName string
	// Reembossing marks a card queued again after it was embossed; Reembossings counts such resends.
	Reembossing  bool
	Reembossings int
	// Fetched counts the times the issuer fetched the card's encrypted embossing data (each gets its own IV).
	Fetched   int
	History   []Entry
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Entry is one time a card was embossed, as the vendor's embossing history lists it.
type Entry struct {
	FileName       string
	ConfigID       string
	Group          string
	Embosser       string
	AddressID      *int64
	TriggerOrigin  string
	TriggerType    string
	Sequential     int64
	GenerationDate time.Time
	EmbossingTime  time.Time
	Reembossing    bool
}

// Clone returns a copy that shares nothing with r.
func (r Record) Clone() Record {
	r.AddressID = clonePtr(r.AddressID)
	r.History = slices.Clone(r.History)
	for i := range r.History {
		r.History[i].AddressID = clonePtr(r.History[i].AddressID)
	}
	return r
}

// Queue is the index key of the records ready for a configuration's run.
func (r Record) Queue() string {
	if r.State != StateReady {
		return ""
	}
	return r.ConfigID
}

// Subject names the record's card.
func (r Record) Subject() event.Subject { return event.CardSubject(r.CardID) }

// File is an embossing file a run wrote: one program's ready cards of one configuration.
type File struct {
	ID          string
	Name        string
	ConfigID    string
	ProgramID   int64
	Type        string // NOMINAL or NONAME
	Sequential  int64
	GeneratedAt time.Time
	Embossed    int
	Unembossed  int
	// Content is the file as the embosser receives it, in the layout of docs/embossing.md.
	Content string
}

// Clone returns a copy of f; it holds no reference types.
func (f File) Clone() File { return f }

// Repository keeps a tenant's pipeline inside a transaction.
type Repository interface {
	// Get returns a card's record, or an error wrapping store.ErrNotFound.
	Get(ctx context.Context, cardID int64) (Record, error)
	// Put writes a card's record.
	Put(ctx context.Context, r Record) error
	// Ready returns the records queued for a configuration's next run, by card id.
	Ready(ctx context.Context, configID string) ([]Record, error)
	// PutFile writes a new embossing file.
	PutFile(ctx context.Context, f File) error
	// FilesOn returns the files generated on a day (UTC), in the order they were written.
	FilesOn(ctx context.Context, day time.Time) ([]File, error)
	// FileByName returns a configuration's file of that name, if any.
	FileByName(ctx context.Context, configID, name string) (File, bool, error)
	// NextFileSeq returns a configuration's next file sequential number, from 1.
	NextFileSeq(ctx context.Context, configID string) (int64, error)
	// PendingRun returns when a configuration's next daily run is scheduled, if it is.
	PendingRun(ctx context.Context, configID string) (time.Time, bool, error)
	// SetPendingRun records a configuration's scheduled daily run; nil clears it once the run runs.
	SetPendingRun(ctx context.Context, configID string, due *time.Time) error
}

// Store is what the pipeline runs on: the PCI domain's store (cards and their PCI data) and the pipeline itself.
type Store interface {
	pci.Store
	// Embossing returns the pipeline repository of the transaction.
	Embossing(tx store.Tx) Repository
}

// Service runs the pipeline's operations, one file each: ingress.go, run.go, queue.go, rejection.go,
// encrypted.go, query.go.
type Service struct {
	store  Store
	clocks *clock.Tenants
	fake   *fake.Source
}

// NewService returns an embossing Service over the store, the tenants' clocks and the fake-data source.
func NewService(st Store, clocks *clock.Tenants, src *fake.Source) *Service {
	return &Service{store: st, clocks: clocks, fake: src}
}

func (s *Service) update(ctx context.Context, tenant string, fn func(store.Tx, Repository) error) error {
	return store.UpdateWith(ctx, s.store, s.clocks, tenant, s.store.Embossing, fn)
}

func (s *Service) view(ctx context.Context, tenant string, fn func(store.Tx, Repository) error) error {
	return store.ViewWith(ctx, s.store, tenant, s.store.Embossing, fn)
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
