// Package scheduler runs the simulator's jobs (package job) when they fall due on their tenant's clock: each
// as a transaction of its own that takes the job and does its work, so the job and its effects commit
// together. Domains register a handler per job kind; the store tells the scheduler of every job committed, and
// the scheduler arms a timer on the tenant's clock for it. On the real clock jobs run on real time; on a
// virtual clock they run when an advance passes their due time, in due-time order, before the advance returns.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/store"
)

// Handler does a job's work inside the transaction that runs it. An error rolls the work back and marks the
// job failed.
type Handler func(ctx context.Context, tx store.Tx, j job.Job) error

// ErrRealClock is returned by Advance when the simulator runs on the real clock.
var ErrRealClock = errors.New("the clock is real")

// ErrUnknownKind is the failure of a job whose kind no domain registered.
var ErrUnknownKind = errors.New("no handler registered for the job kind")

// Ran is one job an advance ran, and how it ended.
type Ran struct {
	Job job.Job
	Err error // nil when the job succeeded
}

// Scheduler runs due jobs. Build it with New, register the kinds, give it the store with Bind before the
// first request, and it runs every job committed from then on.
type Scheduler struct {
	clocks   *clock.Tenants
	log      *slog.Logger
	handlers map[string]Handler
	store    store.Transactor

	mu       sync.Mutex
	advances map[string]*advance // tenant -> the advance under way, collecting what ran

	// Set by Resume, for a store that outlives the process or is shared by replicas: where the pending jobs
	// are listed, the jobs this process armed (so none is armed twice), and the kinds that run only on the
	// replica that scheduled them.
	pending Pending
	armed   map[armedJob]bool
	local   map[string]bool
}

// Pending lists the jobs waiting to run, of one tenant or, when tenant is empty, of all: a store that outlives
// the process or is shared by several replicas offers it (sim/store/postgres), so the scheduler can arm the jobs
// a previous process or another replica scheduled.
type Pending interface {
	PendingJobs(ctx context.Context, tenant string) ([]job.Job, error)
}

// armedJob names a job this process armed a timer for.
type armedJob struct {
	tenant string
	id     int64
}

// advance serialises the advances of one tenant and collects the jobs they run.
type advance struct {
	mu  sync.Mutex
	ran *[]Ran // nil between advances
}

// New returns a scheduler over the tenants' clocks; log receives the failures of jobs that run on real time.
func New(clocks *clock.Tenants, log *slog.Logger) *Scheduler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{clocks: clocks, log: log, handlers: map[string]Handler{}, advances: map[string]*advance{}}
}

// Register names the handler of a job kind. Registering a kind twice is a programming error and panics.
func (s *Scheduler) Register(kind string, h Handler) {
	if _, dup := s.handlers[kind]; dup {
		panic(fmt.Sprintf("scheduler: job kind %q registered twice", kind))
	}
	s.handlers[kind] = h
}

// Bind gives the scheduler the store its jobs run in. A store that outlives the process also calls Resume;
// the memory store starts with no job.
func (s *Scheduler) Bind(st store.Transactor) { s.store = st }

// KeepLocal names job kinds that run only on the replica that scheduled them (or, after a restart, on any
// replica that starts): their handlers wake work held in that replica's memory, such as a webhook lane. Call
// it before Resume.
func (s *Scheduler) KeepLocal(kinds ...string) {
	if s.local == nil {
		s.local = map[string]bool{}
	}
	for _, k := range kinds {
		s.local[k] = true
	}
}

// Resume arms every job the store holds pending, those of a previous process included, and from then on, before
// each advance, the tenant's pending jobs that other replicas scheduled. Call it after Bind, before the first
// request.
func (s *Scheduler) Resume(ctx context.Context, p Pending) error {
	s.mu.Lock()
	s.pending, s.armed = p, map[armedJob]bool{}
	s.mu.Unlock()
	jobs, err := p.PendingJobs(ctx, "")
	if err != nil {
		return fmt.Errorf("resume the pending jobs: %w", err)
	}
	s.armAll(jobs, true)
	return nil
}

// Committed arms a timer on the tenant's clock for each pending job of a commit; see store.Observer.
func (s *Scheduler) Committed(c store.Commit) { s.armAll(c.Jobs, true) }

// Remote is the observer of the commits other replicas made: it arms their jobs too, whoever's timer fires
// first takes the job (store.Tx.TakeJob), and the kinds kept local are left to the replica that scheduled them.
func (s *Scheduler) Remote() store.Observer { return remote{s} }

type remote struct{ s *Scheduler }

func (r remote) Committed(c store.Commit) { r.s.armAll(c.Jobs, false) }

// armAll arms the pending jobs not armed yet; with local false, not those of the kinds kept local.
func (s *Scheduler) armAll(jobs []job.Job, local bool) {
	for _, j := range jobs {
		if j.Error != "" {
			continue // failed: listed, never run again
		}
		if !s.claim(j, local) {
			continue
		}
		s.arm(s.clocks.For(j.Tenant), j)
	}
}

// claim reports whether this process should arm the job, and records that it does.
func (s *Scheduler) claim(j job.Job, local bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.armed == nil {
		return true // the memory store: every job is committed, and armed, once
	}
	k := armedJob{j.Tenant, j.ID}
	if s.armed[k] || (!local && s.local[j.Kind]) {
		return false
	}
	s.armed[k] = true
	return true
}

func (s *Scheduler) arm(clk clock.Clock, j job.Job) {
	clk.AfterFunc(j.Due.Sub(clk.Now()), func() { s.fire(j.Tenant, j.ID, j.CID) })
}

// fire runs a job that fell due and records it for the advance under way, if any.
func (s *Scheduler) fire(tenant string, id int64, cid string) {
	s.mu.Lock()
	if s.armed != nil {
		delete(s.armed, armedJob{tenant, id})
	}
	s.mu.Unlock()
	j, ran, err := s.run(context.Background(), tenant, id, cid)
	if !ran {
		return
	}
	if err != nil {
		s.log.Error("scheduled job failed", "tenant", tenant, "job_id", j.ID, "kind", j.Kind, "subject", j.Subject.String(), "err", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.advances[tenant]; a != nil && a.ran != nil {
		*a.ran = append(*a.ran, Ran{Job: j, Err: err})
	}
}

// run takes the job and runs its handler in one transaction, at the tenant's time and with the correlation id
// of the request that caused the job, so its events carry that id. It reports ran=false when the job is no
// longer pending (cancelled, or taken by another run). When the handler fails, a second transaction keeps the
// job, marked failed, so the failure stays visible.
func (s *Scheduler) run(ctx context.Context, tenant string, id int64, cid string) (j job.Job, ran bool, err error) {
	meta := store.Meta{Tenant: tenant, CID: cid, Time: s.clocks.For(tenant).Now()}
	err = s.store.Update(ctx, meta, func(tx store.Tx) error {
		var err error
		if j, err = tx.TakeJob(id); err != nil {
			return err
		}
		ran = true
		h, ok := s.handlers[j.Kind]
		if !ok {
			return fmt.Errorf("job %d: %w: %s", j.ID, ErrUnknownKind, j.Kind)
		}
		return h(ctx, tx, j)
	})
	if errors.Is(err, store.ErrNotFound) && !ran {
		return j, false, nil
	}
	if err == nil || !ran {
		return j, ran, err
	}
	failed := j
	failed.Error = err.Error()
	if ferr := s.store.Update(ctx, meta, func(tx store.Tx) error {
		if _, err := tx.TakeJob(id); err != nil {
			return err
		}
		_, err := tx.Schedule(failed)
		return err
	}); ferr != nil {
		return j, true, errors.Join(err, fmt.Errorf("record the failure of job %d: %w", id, ferr))
	}
	return j, true, err
}

// Advance moves a tenant's virtual clock forward by d and returns only when every job due by the new time has
// run, jobs those jobs schedule included, in due-time order; it returns the new time and what ran. On the real
// clock it returns ErrRealClock.
func (s *Scheduler) Advance(tenant string, d time.Duration) (time.Time, []Ran, error) {
	v, ok := s.clocks.Virtual(tenant)
	if !ok {
		return time.Time{}, nil, ErrRealClock
	}
	s.mu.Lock()
	a, ok := s.advances[tenant]
	if !ok {
		a = &advance{}
		s.advances[tenant] = a
	}
	s.mu.Unlock()
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := s.armOthers(tenant); err != nil {
		return time.Time{}, nil, err
	}
	var ran []Ran
	s.mu.Lock()
	a.ran = &ran
	s.mu.Unlock()
	now := v.Advance(d)
	s.mu.Lock()
	a.ran = nil
	s.mu.Unlock()
	if err := s.clocks.Advanced(context.Background(), tenant, now); err != nil {
		return now, ran, fmt.Errorf("share the clock: %w", err)
	}
	return now, ran, nil
}

// armOthers arms, before an advance, the tenant's pending jobs that another replica scheduled and this one has
// not heard of yet, so that the advance runs every job due by its end.
func (s *Scheduler) armOthers(tenant string) error {
	s.mu.Lock()
	p := s.pending
	s.mu.Unlock()
	if p == nil {
		return nil
	}
	jobs, err := p.PendingJobs(context.Background(), tenant)
	if err != nil {
		return fmt.Errorf("list the pending jobs of %s: %w", tenant, err)
	}
	s.armAll(jobs, false)
	return nil
}

// CatchUp fires, on its own goroutine, the timers of a tenant's clock that another replica's advance passed:
// those of the jobs kept local to this replica (the others' jobs that advance ran already). It is how a replica
// follows a shared clock (sim/store/postgres tells it).
func (s *Scheduler) CatchUp(tenant string) {
	go func() {
		v, ok := s.clocks.Virtual(tenant) // now at the shared time
		if !ok {
			return
		}
		s.mu.Lock()
		a, ok := s.advances[tenant]
		if !ok {
			a = &advance{}
			s.advances[tenant] = a
		}
		s.mu.Unlock()
		a.mu.Lock()
		defer a.mu.Unlock()
		v.AdvanceTo(v.Now())
	}()
}
