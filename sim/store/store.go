// Package store is the contract between the simulator's domains and the backends that keep their state. A
// command runs as one transaction over one tenant: it reads and writes its aggregates through their
// repositories, emits events into the outbox and schedules jobs, and all of it commits together or not at all.
// Each domain defines its own repository interface; a backend (store/memory, store/postgres)
// implements the transactions, the outbox, the jobs and every repository, and runs store/storetest to prove it.
// Domains import this package, never a backend.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/correlation"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/org"
)

// Errors every backend returns, wrapped with what was asked for; callers branch with errors.Is.
var (
	// ErrNotFound: no entity with that id (card, event, job) in the tenant.
	ErrNotFound = errors.New("not found")
	// ErrUnknownTenant: the store holds no tenant with that id.
	ErrUnknownTenant = errors.New("unknown tenant")
	// ErrReadOnly: a write inside View.
	ErrReadOnly = errors.New("write in a read-only transaction")
)

// Meta is what a command tells the store about itself: the tenant it runs over, the correlation id of the
// request (or job) behind it, and its logical time on the tenant's clock. The outbox seals the command's events
// with it; the store looks nothing up for itself.
type Meta struct {
	Tenant string
	CID    string
	Time   time.Time
}

// NewMeta returns the metadata of a command run now: the request's correlation id from ctx and the time on
// the tenant's clock.
func NewMeta(ctx context.Context, tenant string, clk clock.Clock) Meta {
	return Meta{Tenant: tenant, CID: correlation.From(ctx), Time: clk.Now()}
}

// Tx is one tenant's state inside a transaction, as every domain sees it. A domain's own aggregates are
// reached through its repository, which the backend hands out for the transaction.
type Tx interface {
	// Meta returns the command's metadata.
	Meta() Meta
	// Org returns the tenant's reference data (programs, accounts, customers); it must not be changed.
	Org() *org.Org
	// Emit appends an event to the outbox. At commit it is numbered within the tenant, enveloped with the
	// command's metadata and checked against its schema; an event that breaks its schema fails the commit.
	Emit(event.Event) error
	// Schedule writes a job to run when due. The store assigns the job's id when it has none and fills its
	// tenant, and its correlation id from the command when empty; the returned job is what was written.
	Schedule(job.Job) (job.Job, error)
	// TakeJob removes a pending job and returns it (ErrNotFound when no such job is pending): the scheduler
	// takes a job in the transaction that runs it, so the job and its effects commit together.
	TakeJob(id int64) (job.Job, error)
	// CancelJobs removes the pending jobs of a kind for a subject and says how many there were.
	CancelJobs(kind string, subject event.Subject) (int, error)
	// Event returns a committed event of the tenant by its id (ErrNotFound when there is none).
	Event(id string) (event.Record, error)
}

// Transactor runs commands as transactions over one tenant.
type Transactor interface {
	// Update runs fn in a transaction: if fn returns nil, every write, event and job it made is committed
	// together; if it returns an error or panics, nothing changes and the tenant stays usable.
	Update(ctx context.Context, meta Meta, fn func(Tx) error) error
	// View runs fn over a consistent snapshot of the tenant; writes fail with ErrReadOnly.
	View(ctx context.Context, tenant string, fn func(Tx) error) error
}

// EventFilter selects events from a tenant's log; the zero value selects all.
type EventFilter struct {
	Type    string        // event_type such as update-1
	Subject event.Subject // the entity the events are about
	AfterID string        // only events committed after the event with this id (ErrNotFound if unknown)
	Since   time.Time     // only events stamped at or after this time
}

// Backend is everything a store offers the simulator beside the domains' repositories: transactions, the
// tenants, the event log and the pending jobs.
type Backend interface {
	Transactor
	org.Directory
	// Events returns a tenant's committed events that match the filter, oldest first.
	Events(ctx context.Context, tenant string, f EventFilter) ([]event.Record, error)
	// Jobs returns a tenant's pending and failed jobs, by due time and then id.
	Jobs(ctx context.Context, tenant string) ([]job.Job, error)
}

// Commit is what one transaction committed: its events, sealed, and its jobs, as stored.
type Commit struct {
	Tenant string
	Events []event.Record
	Jobs   []job.Job
}

// Observer learns of every commit, in each tenant's commit order (the dispatcher delivers the events; the
// scheduler arms the jobs' timers). Committed is called while the tenant is still locked, so it must not
// block or call back into the store.
type Observer interface {
	Committed(Commit)
}

// UpdateWith runs fn as a command of the tenant, at the time of the tenant's clock and with the request's
// correlation id (NewMeta), handing fn the domain repository repo picks from the transaction: the prologue every
// domain service's commands share.
func UpdateWith[R any](ctx context.Context, t Transactor, clocks *clock.Tenants, tenant string, repo func(Tx) R, fn func(Tx, R) error) error {
	return t.Update(ctx, NewMeta(ctx, tenant, clocks.For(tenant)), func(tx Tx) error { return fn(tx, repo(tx)) })
}

// ViewWith runs fn over a snapshot of the tenant with the domain repository repo picks from the transaction.
func ViewWith[R any](ctx context.Context, t Transactor, tenant string, repo func(Tx) R, fn func(Tx, R) error) error {
	return t.View(ctx, tenant, func(tx Tx) error { return fn(tx, repo(tx)) })
}
