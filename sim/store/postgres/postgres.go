// Package postgres is the simulator's PostgreSQL store: state that outlives the process and that several
// replicas share. Every Update is one database transaction that first locks its tenant's row (SELECT … FOR
// UPDATE), which serialises a tenant's commands across replicas as the memory store's lock does within one
// process: the tenant's id sequences, kept in that row, stay gapless and its events are numbered in commit
// order. Each aggregate is a table of JSON documents with a column per lookup (table.go, and one file per
// aggregate, as in the memory store); versioned migrations are embedded and applied at start with goose.
// Nothing is cached across transactions except the orgs, which never change once added.
//
// Commits reach the observers of the replica that made them in the tenant's commit order, while the tenant is
// still locked in this process. The other replicas learn of them by LISTEN/NOTIFY (listen.go): the
// notification is sent inside the transaction, so PostgreSQL delivers it at commit and in commit order.
package postgres

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options configure a Store.
type Options struct {
	// Sealer numbers, envelopes and checks each committed event; required.
	Sealer *event.Sealer
	// Observers learn of this replica's commits, in each tenant's commit order (the scheduler, the dispatcher,
	// the live feed).
	Observers []store.Observer
	// Remote learn of the commits other replicas made, in commit order, once Run is listening: the scheduler
	// arms their jobs, the live feed wakes its streams. The dispatcher is not among them: a commit's messages
	// are taken in by the replica that made it.
	Remote []store.Observer
	// ClockMoved is called, from Run's goroutine, when another replica advanced a tenant's shared clock.
	ClockMoved func(tenant string)
	// MaxConns bounds the connections of the transactions' pool; zero means 16.
	MaxConns int32
	Logger   *slog.Logger
}

// Store is a PostgreSQL database holding every tenant. Open it, Run it to hear the other replicas, Close it.
type Store struct {
	pool       *pgxpool.Pool
	clocks     *pgxpool.Pool // reads of the shared clocks: never queued behind a transaction's connection
	sealer     *event.Sealer
	observers  []store.Observer
	remote     []store.Observer
	clockMoved func(string)
	log        *slog.Logger
	channel    string // the NOTIFY channel of this database schema
	replica    string // this process's name in its notifications

	mu    sync.Mutex
	locks map[string]*sync.Mutex // tenant -> the lock that orders this replica's commits of the tenant
	orgs  map[string]*org.Org    // tenant -> its reference data, which never changes once added
}

var _ store.Backend = (*Store)(nil)

// Open connects to the database at url (a postgres:// URL or a key=value string, as pgx reads it), applies the
// embedded migrations that it lacks, and adds the dataset's orgs that it does not hold yet: a database that
// already holds them keeps every tenant, card, event and job it had.
func Open(ctx context.Context, url string, d org.Dataset, opts Options) (*Store, error) {
	if opts.Sealer == nil {
		return nil, errors.New("postgres store: a sealer is required")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres store: the database URL: %w", err)
	}
	cfg.MaxConns = opts.MaxConns
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = 16
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres store: connect: %w", err)
	}
	ccfg := cfg.Copy()
	ccfg.MaxConns = 4
	clocks, err := pgxpool.NewWithConfig(ctx, ccfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres store: connect: %w", err)
	}
	s := &Store{pool: pool, clocks: clocks, sealer: opts.Sealer, observers: opts.Observers, remote: opts.Remote,
		clockMoved: opts.ClockMoved, log: opts.Logger, locks: map[string]*sync.Mutex{}, orgs: map[string]*org.Org{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := s.start(ctx, d); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) start(ctx context.Context, d org.Dataset) error {
	var schema string
	if err := s.pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return fmt.Errorf("postgres store: connect: %w", err)
	}
	s.channel = "issuersim." + schema
	var name [8]byte
	_, _ = rand.Read(name[:]) // a process name for notifications; no data derives from it
	s.replica = hex.EncodeToString(name[:])
	if err := s.migrate(ctx, schema); err != nil {
		return err
	}
	for _, o := range d.Orgs {
		if err := s.AddOrg(ctx, o); err != nil && !errors.Is(err, org.ErrExists) {
			return err
		}
	}
	return nil
}

// migrate applies the embedded migrations the schema lacks, under a session lock of that schema, so replicas
// starting together migrate once.
func (s *Store) migrate(ctx context.Context, schema string) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	h := fnv.New64a()
	h.Write([]byte("issuersim migrations " + schema))
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 300))
	if err != nil {
		return fmt.Errorf("postgres store: migration lock: %w", err)
	}
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("postgres store: migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("postgres store: migrate: %w", err)
	}
	for _, r := range results {
		s.log.Info("database migrated", "version", r.Source.Version)
	}
	return nil
}

// Close closes the store's connections. Run returns when its context ends; Close does not wait for it.
func (s *Store) Close() {
	s.pool.Close()
	s.clocks.Close()
}

// lock returns the lock that orders this replica's transactions over a tenant, so that its observers hear of
// the tenant's commits in commit order; the tenant's row lock does the same across replicas.
func (s *Store) lock(tenant string) *sync.Mutex {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.locks[tenant]
	if !ok {
		l = &sync.Mutex{}
		s.locks[tenant] = l
	}
	return l
}

// Update runs fn in one database transaction over the meta's tenant; see store.Transactor. The transaction
// rolls back however fn ends, a panic included.
func (s *Store) Update(ctx context.Context, meta store.Meta, fn func(store.Tx) error) error {
	l := s.lock(meta.Tenant)
	l.Lock()
	defer l.Unlock()
	db, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin a transaction over tenant %s: %w", meta.Tenant, err)
	}
	defer func() { _ = db.Rollback(context.WithoutCancel(ctx)) }() // a no-op once committed
	var seqs []byte
	err = db.QueryRow(ctx, "SELECT seqs FROM tenants WHERE id = $1 FOR UPDATE", meta.Tenant).Scan(&seqs)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("tenant %q: %w", meta.Tenant, store.ErrUnknownTenant)
	}
	if err != nil {
		return fmt.Errorf("lock tenant %s: %w", meta.Tenant, err)
	}
	o, err := s.org(ctx, db, meta.Tenant)
	if err != nil {
		return err
	}
	tx := &Tx{ctx: ctx, store: s, db: db, meta: meta, org: o}
	if err := decode(seqs, &tx.seqs); err != nil {
		return err
	}
	if tx.seqs == nil {
		tx.seqs = map[string]int64{}
	}
	if err := fn(tx); err != nil {
		return err
	}
	c, err := tx.commit(ctx)
	if err != nil {
		return err
	}
	if len(c.Events) == 0 && len(c.Jobs) == 0 {
		return nil
	}
	for _, o := range s.observers {
		o.Committed(c)
	}
	return nil
}

// View runs fn over a snapshot of one tenant (a read-only, repeatable-read transaction); writes fail with
// store.ErrReadOnly.
func (s *Store) View(ctx context.Context, tenant string, fn func(store.Tx) error) error {
	db, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("begin a snapshot of tenant %s: %w", tenant, err)
	}
	defer func() { _ = db.Rollback(context.WithoutCancel(ctx)) }()
	o, err := s.org(ctx, db, tenant)
	if errors.Is(err, org.ErrUnknown) {
		return fmt.Errorf("tenant %q: %w", tenant, store.ErrUnknownTenant)
	}
	if err != nil {
		return err
	}
	if err := fn(&Tx{ctx: ctx, store: s, db: db, meta: store.Meta{Tenant: tenant}, org: o, readOnly: true}); err != nil {
		return err
	}
	return db.Commit(ctx)
}

// Tx is one tenant's state within a database transaction. It implements store.Tx; each aggregate's repository
// is a view of it (Store.Cards and the others). Writes go to the database at once, inside the transaction, so
// the transaction's reads see them; the events are sealed and written at commit.
type Tx struct {
	ctx      context.Context // the Update's or View's, for the methods of store.Tx that take none
	store    *Store
	db       pgx.Tx
	meta     store.Meta
	org      *org.Org
	readOnly bool

	seqs      map[string]int64 // the tenant's sequences as this transaction moved them
	seqsMoved bool
	events    []event.Event
	scheduled []int64 // ids of the jobs scheduled, in order
}

// Meta returns the command's metadata.
func (tx *Tx) Meta() store.Meta { return tx.meta }

// Org returns the tenant's reference data.
func (tx *Tx) Org() *org.Org { return tx.org }

func (tx *Tx) writable(what string) error {
	if tx.readOnly {
		return fmt.Errorf("%s: %w", what, store.ErrReadOnly)
	}
	return nil
}

// next reserves the next number of a per-tenant sequence; it is written back at commit, so a rolled-back
// transaction loses no number.
func (tx *Tx) next(name string) (int64, error) {
	if err := tx.writable("reserve a " + name + " id"); err != nil {
		return 0, err
	}
	tx.seqs[name]++
	tx.seqsMoved = true
	return tx.seqs[name], nil
}

// eventSeq is the sequence the tenant's events are numbered by.
const eventSeq = "event"

// commit seals the events (a schema failure commits nothing), writes them, the sequences and the notification
// to the other replicas, and commits. It returns what was committed.
func (tx *Tx) commit(ctx context.Context) (store.Commit, error) {
	c := store.Commit{Tenant: tx.meta.Tenant}
	first := tx.seqs[eventSeq] + 1
	for i, e := range tx.events {
		r, err := tx.store.sealer.Seal(tx.meta.Tenant, first+int64(i), tx.meta.CID, tx.meta.Time, e)
		if err != nil {
			return c, err
		}
		c.Events = append(c.Events, r)
	}
	batch := &pgx.Batch{}
	for _, r := range c.Events {
		batch.Queue(insertEvent, r.Tenant, r.Seq, r.ID, r.Domain, r.Type, r.CID, r.Subject.Kind, r.Subject.ID,
			nanos(r.Time), r.Time.Format(timeLayout), []byte(r.Envelope))
	}
	if len(c.Events) > 0 {
		tx.seqs[eventSeq] += int64(len(c.Events))
		tx.seqsMoved = true
	}
	if tx.seqsMoved {
		seqs, err := encode(tx.seqs)
		if err != nil {
			return c, err
		}
		batch.Queue("UPDATE tenants SET seqs = $2 WHERE id = $1", tx.meta.Tenant, seqs)
	}
	jobs, err := tx.committedJobs(ctx)
	if err != nil {
		return c, err
	}
	c.Jobs = jobs
	if len(c.Events) > 0 || len(c.Jobs) > 0 {
		payload, err := tx.store.commitNotice(c)
		if err != nil {
			return c, err
		}
		batch.Queue("SELECT pg_notify($1, $2)", tx.store.channel, payload)
	}
	if batch.Len() > 0 {
		if err := tx.db.SendBatch(ctx, batch).Close(); err != nil {
			return c, fmt.Errorf("commit over tenant %s: %w", tx.meta.Tenant, err)
		}
	}
	if err := tx.db.Commit(ctx); err != nil {
		return c, fmt.Errorf("commit over tenant %s: %w", tx.meta.Tenant, err)
	}
	return c, nil
}

// isUniqueViolation reports a unique-constraint failure.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
