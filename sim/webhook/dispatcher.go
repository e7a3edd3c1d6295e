package webhook

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/store"
)

// Config configures a Dispatcher.
type Config struct {
	// Clocks are the tenants' clocks retries and delays run on; required.
	Clocks *clock.Tenants
	// Fake derives subscription ids, secrets and the duplicates a subscription asks for; required.
	Fake *fake.Source
	// Wall stamps webhook-timestamp with real time, so receivers can keep their usual tolerance even when the
	// tenant's clock is virtual. Default time.Now.
	Wall func() time.Time
	// Client sends the requests; default a client with a 10-second timeout.
	Client *http.Client
	// Workers is how many messages are in flight at once, across subjects; default 16.
	Workers int
	Logger  *slog.Logger
	// Shared reads a tenant's subscriptions from the store at every commit instead of keeping them: where
	// several replicas share the store, another one may change them.
	Shared bool
}

// Dispatcher delivers every committed event to the subscriptions that take it. It learns of commits as a
// store.Observer, turns each event into a message per subscription in a transaction of its own, and sends them
// from a pool of workers, one lane per (subscription, subject): a lane sends its messages one at a time, in
// commit order, so a message waiting for a retry holds back only its own subject. In unordered mode every
// message is a lane of its own.
type Dispatcher struct {
	cfg   Config
	store Store

	mu      sync.Mutex
	inbox   []store.Commit
	taking  int                       // commits taken from the inbox whose messages are not queued yet
	subs    map[string][]Subscription // by tenant, loaded on first use, refreshed by every subscription change
	lanes   map[laneKey]*lane
	again   map[string]bool // messages redelivered while an attempt at them was in flight, by key
	ready   []*lane
	signers sync.Map         // secret -> *standardwebhooks.Webhook
	routes  map[string]Route // by event domain (routes.go)
	wakeIn  chan struct{}
	wakeOut chan struct{}
}

// laneKey names a lane: a subscription's messages about one subject, or one message in unordered mode.
type laneKey struct {
	tenant, subscription, subject string
}

// lane is the queue of a lane's pending messages, by message key, oldest first.
type lane struct {
	key    laneKey
	queue  []string
	busy   bool // a worker holds it
	parked bool // its head waits for its due time (a retry or a delay): a job will wake it
	// woken records a wake that came while a worker held the lane: the worker must not park it then, or the
	// wake (the retry's job, which runs once) would be lost.
	woken bool
}

// New returns a Dispatcher, or an error naming the bad setting. Bind it to its store before Run.
func New(cfg Config) (*Dispatcher, error) {
	if cfg.Clocks == nil || cfg.Fake == nil {
		return nil, errConfig("the tenants' clocks and the fake-data source are required")
	}
	if cfg.Wall == nil {
		cfg.Wall = time.Now
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{cfg: cfg, subs: map[string][]Subscription{}, lanes: map[laneKey]*lane{}, again: map[string]bool{},
		wakeIn: make(chan struct{}, 1), wakeOut: make(chan struct{}, 1)}, nil
}

// Bind gives the dispatcher the store it keeps subscriptions and messages in; call it before the first request.
func (d *Dispatcher) Bind(st Store) { d.store = st }

// Committed queues a commit's events for intake; it never blocks or calls the store. See store.Observer.
func (d *Dispatcher) Committed(c store.Commit) {
	if len(c.Events) == 0 {
		return
	}
	d.mu.Lock()
	d.inbox = append(d.inbox, c)
	d.mu.Unlock()
	signal(d.wakeIn)
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Run takes in committed events and delivers messages until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for range d.cfg.Workers {
		wg.Go(func() { d.work(ctx) })
	}
	d.intake(ctx)
	wg.Wait()
	return nil
}

// intake turns each commit's events into messages of the subscriptions that take them, commit by commit.
func (d *Dispatcher) intake(ctx context.Context) {
	for {
		d.mu.Lock()
		batch := d.inbox
		d.inbox = nil
		d.taking = len(batch)
		d.mu.Unlock()
		for _, c := range batch {
			if err := d.take(ctx, c); err != nil && ctx.Err() == nil {
				d.cfg.Logger.Error("webhook intake failed", "tenant", c.Tenant, "events", len(c.Events), "err", err)
			}
			d.mu.Lock()
			d.taking--
			d.mu.Unlock()
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-d.wakeIn:
		}
	}
}

// take writes the messages of one commit and queues them on their lanes.
func (d *Dispatcher) take(ctx context.Context, c store.Commit) error {
	subs, err := d.subscriptions(ctx, c.Tenant)
	if err != nil {
		return err
	}
	if len(subs) == 0 && !d.anyRouted(c.Events) {
		return nil
	}
	type queued struct {
		key  laneKey
		msg  string
		wait bool
	}
	var out []queued
	meta := store.NewMeta(ctx, c.Tenant, d.cfg.Clocks.For(c.Tenant))
	meta.CID = c.Events[0].CID
	err = d.store.Update(ctx, meta, func(tx store.Tx) error {
		out = out[:0]
		repo := d.store.Webhooks(tx)
		for _, r := range c.Events {
			if d.routed(r.Domain) { // another system's calls: one message on the domain's route, no subscription
				s := Subscription{ID: RouteSubscription(r.Domain), Enabled: true}
				m := Message{Subscription: s.ID, EventID: r.ID, Seq: r.Seq, Type: r.Type, Subject: r.Subject, Status: StatusPending, CreatedAt: meta.Time}
				if err := repo.PutMessage(ctx, m); err != nil {
					return err
				}
				out = append(out, queued{key: laneOf(c.Tenant, s, m), msg: m.Key()})
				continue
			}
			for _, s := range subs {
				if !s.Enabled || !s.Takes(r.Domain, r.Type) {
					continue
				}
				m := Message{Subscription: s.ID, EventID: r.ID, Seq: r.Seq, Type: r.Type, Subject: r.Subject,
					Status: StatusPending, CreatedAt: meta.Time}
				if s.Mode.Delay > 0 {
					m.Due = meta.Time.Add(s.Mode.Delay)
					if err := scheduleAttempt(tx, m); err != nil {
						return err
					}
				}
				if err := repo.PutMessage(ctx, m); err != nil {
					return err
				}
				out = append(out, queued{key: laneOf(c.Tenant, s, m), msg: m.Key(), wait: s.Mode.Delay > 0})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	d.mu.Lock()
	for _, q := range out {
		l := d.lane(q.key)
		l.queue = append(l.queue, q.msg)
		if q.wait && len(l.queue) == 1 {
			l.parked = true
		}
		d.readyLocked(l)
	}
	d.mu.Unlock()
	signal(d.wakeOut)
	return nil
}

// laneOf is the lane a message goes to under its subscription's mode.
func laneOf(tenant string, s Subscription, m Message) laneKey {
	if s.Mode.Unordered {
		return laneKey{tenant, s.ID, "message:" + m.EventID}
	}
	return laneKey{tenant, s.ID, m.Subject.String()}
}

func (d *Dispatcher) lane(k laneKey) *lane {
	l, ok := d.lanes[k]
	if !ok {
		l = &lane{key: k}
		d.lanes[k] = l
	}
	return l
}

// readyLocked puts a lane in the ready queue if it has work and nobody holds it; d.mu is held.
func (d *Dispatcher) readyLocked(l *lane) {
	if l.busy || l.parked || len(l.queue) == 0 {
		return
	}
	l.busy = true
	d.ready = append(d.ready, l)
}

// work runs lanes until ctx ends: it sends the head of a ready lane and decides what the lane does next.
func (d *Dispatcher) work(ctx context.Context) {
	for {
		d.mu.Lock()
		if len(d.ready) == 0 {
			d.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-d.wakeOut:
				continue
			}
		}
		l := d.ready[0]
		d.ready = d.ready[1:]
		head := l.queue[0]
		if len(d.ready) > 0 {
			signal(d.wakeOut) // another worker may take the next lane
		}
		d.mu.Unlock()

		next, err := d.attempt(ctx, l.key.tenant, head)
		if err != nil && ctx.Err() == nil {
			d.cfg.Logger.Error("webhook attempt failed to run", "tenant", l.key.tenant, "subscription", l.key.subscription, "err", err)
			next = park // keep the message; a retry job or a redelivery wakes the lane
		}
		d.mu.Lock()
		if d.again[head] && ctx.Err() == nil {
			// A redelivery came while this attempt was in flight, and the attempt's record overwrote it: the
			// message starts its new round now, from the head of its lane, which stays busy meanwhile.
			delete(d.again, head)
			d.mu.Unlock()
			err := d.redeliver(ctx, l.key.tenant, l.key.subscription, func(repo Repository) ([]Message, error) {
				m, err := repo.Message(ctx, head)
				return []Message{m}, err
			}, &Subscription{})
			if err != nil {
				d.cfg.Logger.Error("webhook redelivery failed to run", "tenant", l.key.tenant, "subscription", l.key.subscription, "err", err)
			} else {
				next = outcome(-1) // neither done nor parked: the lane sends its head again
			}
			d.mu.Lock()
		}
		l.busy = false
		switch {
		case next == done:
			l.queue = l.queue[1:]
		case next == park && !l.woken:
			l.parked = true
		}
		l.woken = false
		if len(l.queue) == 0 && !l.parked {
			delete(d.lanes, l.key)
		} else {
			d.readyLocked(l)
		}
		d.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
	}
}

// outcome is what a lane does after an attempt at its head.
type outcome int

const (
	done outcome = iota // the head is delivered or failed for good: the lane moves on
	park                // the head waits for its due time: the lane sleeps until a job wakes it
)

// wake unparks the lane holding a message, after its retry or delay job ran or a redelivery asked for it; the
// message joins its lane when it is in none (a redelivery of a finished message).
func (d *Dispatcher) wake(tenant string, s Subscription, m Message) {
	d.mu.Lock()
	l := d.lane(laneOf(tenant, s, m))
	key := m.Key()
	found := false
	for _, k := range l.queue {
		if k == key {
			found = true
			break
		}
	}
	if !found {
		l.queue = append(l.queue, key)
	}
	if len(l.queue) > 0 && l.queue[0] == key {
		l.parked = false
		if l.busy {
			l.woken = true
		}
	}
	d.readyLocked(l)
	d.mu.Unlock()
	signal(d.wakeOut)
}

// markAgain notes a redelivery of a message an attempt is being made at, so that its lane sends it again once
// that attempt is recorded (which would otherwise overwrite the redelivery).
func (d *Dispatcher) markAgain(tenant string, s Subscription, m Message) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if l, ok := d.lanes[laneOf(tenant, s, m)]; ok && l.busy && len(l.queue) > 0 && l.queue[0] == m.Key() {
		d.again[m.Key()] = true
	}
}

// wakeSubscription readies every lane of a subscription, when it is enabled again.
func (d *Dispatcher) wakeSubscription(tenant, id string) {
	d.mu.Lock()
	for k, l := range d.lanes {
		if k.tenant == tenant && k.subscription == id {
			d.readyLocked(l)
		}
	}
	d.mu.Unlock()
	signal(d.wakeOut)
}

// Idle reports whether nothing is queued, in flight or waiting for intake; a parked lane (waiting for a retry
// or a delay on the clock) counts as idle. Tests and benchmarks wait for it.
func (d *Dispatcher) Idle() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.inbox) > 0 || d.taking > 0 || len(d.ready) > 0 {
		return false
	}
	for _, l := range d.lanes {
		if l.busy || (!l.parked && len(l.queue) > 0) {
			return false
		}
	}
	return true
}

// subject of the retry and delay jobs: the message.
const SubjectMessage = "webhook_message"

func messageSubject(m Message) event.Subject { return event.Subject{Kind: SubjectMessage, ID: m.Key()} }

// anyRouted reports whether a commit holds an event of a routed domain.
func (d *Dispatcher) anyRouted(events []event.Record) bool {
	for _, r := range events {
		if d.routed(r.Domain) {
			return true
		}
	}
	return false
}
