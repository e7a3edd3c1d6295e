package card

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/correlation"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
)

// Store runs card commands as transactions over one tenant's state.
type Store interface {
	// Update runs fn in a transaction: if fn returns nil, every card written and event emitted is committed
	// together; otherwise nothing changes.
	Update(ctx context.Context, tenant string, fn func(Tx) error) error
	// View runs fn over a consistent snapshot; fn must not write.
	View(ctx context.Context, tenant string, fn func(Tx) error) error
}

// Tx is one tenant's state inside a transaction.
type Tx interface {
	// Org returns the tenant's reference data.
	Org() *org.Org
	// Card returns the card with that id.
	Card(id int64) (Card, bool)
	// OwnedCards yields an account's cards, or one customer's when customerID is non-zero, oldest first.
	OwnedCards(accountID, customerID int64) iter.Seq[Card]
	// PutCard writes a card.
	PutCard(Card)
	// NextCardID reserves the next card id of the tenant.
	NextCardID() int64
	// IdempotentCard returns the card a create with that key made.
	IdempotentCard(key string) (int64, bool)
	// RememberIdempotentCard records which card a create with that key made.
	RememberIdempotentCard(key string, id int64)
	// Emit appends an event to the transaction; it is sealed (numbered, enveloped, checked) at once and
	// committed with the state.
	Emit(event.Event) error
}

// Caller is who a command acts for, as its token says.
type Caller struct {
	Tenant    string
	AccountID int64 // 0 when the token carries no account
}

// Service runs the card commands.
type Service struct {
	store    Store
	clock    clock.Clock
	fake     *fake.Source
	log      *slog.Logger
	pciDelay time.Duration
}

// Options configure a Service.
type Options struct {
	// PCIDelay is how long after creation a card's PCI data (PAN, CVV, PIN) appears and create-1 is emitted,
	// on the simulator's clock. Zero makes it part of the create itself.
	PCIDelay time.Duration
	// Logger receives the outcome of scheduled work; nil discards it.
	Logger *slog.Logger
}

// NewService returns a card Service over the store, clock and fake-data source.
func NewService(store Store, clk clock.Clock, src *fake.Source, opts Options) *Service {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, clock: clk, fake: src, log: log, pciDelay: opts.PCIDelay}
}

// CreateInput is a create-card request, already checked against the contract.
type CreateInput struct {
	CustomerID               int64
	IdempotencyKey           string
	Name                     string
	Type                     Type
	PrintedName              string
	PINLength                int
	CVVRotationIntervalHours *int
	TransactionLimit         *string
	Metadata                 map[string]any
	EmbossingGroup           *string
	EmbossingCustomField     *string
	ContactlessEnabled       *bool
	AbuEnabled               *bool
	TemplateID               *string
	ModeType                 *string
	GeneratePVV              bool
	ValidityPeriodHours      *int
	Unnumbered               bool
	Brand                    string
	ExpirationDate           string // yymm, or empty for the program's default
	ATMChangeOnlinePIN       bool
}

// Create makes a card for a customer of the caller's account. It reports replay=true when the idempotency
// key was used before, returning that card unchanged.
func (s *Service) Create(ctx context.Context, caller Caller, in CreateInput) (c Card, replay bool, err error) {
	err = s.store.Update(ctx, caller.Tenant, func(tx Tx) error {
		acct, err := account(tx, caller, caller.AccountID, "Authorization")
		if err != nil {
			return err
		}
		cust, err := customer(acct, in.CustomerID, "x-customer-id")
		if err != nil {
			return err
		}
		if in.IdempotencyKey != "" {
			if id, ok := tx.IdempotentCard(in.IdempotencyKey); ok {
				c, _ = tx.Card(id)
				replay = true
				return nil
			}
		}
		prog, ok := tx.Org().Program(acct.ProgramID)
		if !ok {
			return fmt.Errorf("account %d: program %d missing from the fixtures", acct.ID, acct.ProgramID)
		}
		if err := checkCreate(tx, acct.ID, cust.ID, in); err != nil {
			return err
		}
		now := s.clock.Now().Truncate(time.Second)
		c = newCard(tx.NextCardID(), acct, cust, prog, in, now)
		if !in.Unnumbered && s.pciDelay == 0 {
			if err := s.number(tx, &c); err != nil {
				return err
			}
		}
		tx.PutCard(c)
		if in.IdempotencyKey != "" {
			tx.RememberIdempotentCard(in.IdempotencyKey, c.ID)
		}
		return nil
	})
	if err != nil {
		return Card{}, false, err
	}
	if !replay && !in.Unnumbered && s.pciDelay > 0 {
		s.scheduleNumbering(ctx, caller.Tenant, c.ID)
	}
	return c, replay, nil
}

func checkCreate(tx Tx, accountID, customerID int64, in CreateInput) error {
	switch {
	case in.Type == TypeRecurring:
		return rule.Invalid("/type", "deprecated", "RECURRING cards can no longer be created; create a VIRTUAL card")
	case in.Unnumbered && in.Brand == "":
		return rule.Invalid("/brand", "required", "brand is required when status is UNNUMBERED")
	case in.Type != TypeVirtual && in.CVVRotationIntervalHours != nil:
		return rule.Invalid("/cvv_rotation_interval_hours", "type", "cvv_rotation_interval_hours applies to VIRTUAL cards only")
	case in.Type != TypeVirtual && in.TransactionLimit != nil:
		return rule.Invalid("/transaction_limit", "type", "transaction_limit applies to VIRTUAL cards only")
	case in.ValidityPeriodHours != nil && in.Type != TypeVirtual && in.Type != TypePlastic:
		return rule.Invalid("/validity_period_hours", "type", "validity_period_hours applies to VIRTUAL and PLASTIC cards only")
	}
	for other := range tx.OwnedCards(accountID, customerID) {
		if !other.Status.Live() || other.Type != in.Type {
			continue
		}
		if in.Type == TypePlastic {
			return rule.Conflict("/type", "unique", "customer %d already has a live PLASTIC card (%d)", customerID, other.ID)
		}
		if in.Type == TypeVirtual && other.Name == in.Name {
			return rule.Conflict("/name", "unique", "customer %d already has a live VIRTUAL card named %q", customerID, in.Name)
		}
	}
	return nil
}

func newCard(id int64, acct org.Account, cust org.Customer, prog org.Program, in CreateInput, now time.Time) Card {
	c := Card{
		ID:                       id,
		AccountID:                acct.ID,
		CustomerID:               cust.ID,
		ProgramID:                prog.ID,
		Type:                     in.Type,
		Name:                     in.Name,
		PrintedName:              in.PrintedName,
		Brand:                    prog.Brand,
		BIN:                      prog.BIN,
		Mode:                     prog.Mode,
		PINLength:                in.PINLength,
		CVVRotationIntervalHours: in.CVVRotationIntervalHours,
		TransactionLimit:         in.TransactionLimit,
		Metadata:                 maps.Clone(in.Metadata),
		EmbossingGroup:           in.EmbossingGroup,
		EmbossingCustomField:     in.EmbossingCustomField,
		ContactlessEnabled:       in.ContactlessEnabled == nil || *in.ContactlessEnabled,
		AbuEnabled:               in.AbuEnabled != nil && *in.AbuEnabled,
		TemplateID:               in.TemplateID,
		ModeType:                 in.ModeType,
		GeneratePVV:              in.GeneratePVV,
		ValidityPeriodHours:      in.ValidityPeriodHours,
		ATMChangeOnlinePIN:       in.ATMChangeOnlinePIN,
		IssuingDate:              now,
		ExpirationDate:           expiry(now, prog.ExpiryMonths, in.ExpirationDate),
		TrackNumber:              1,
	}
	if c.Type == TypePlastic {
		c.Name = string(TypePlastic) // the vendor stores every PLASTIC card's alias as PLASTIC
	}
	if c.PrintedName == "" {
		c.PrintedName = printable(cust.Name)
	}
	if c.PINLength == 0 {
		c.PINLength = 4
	}
	if in.Brand != "" {
		c.Brand = in.Brand
	}
	if c.ValidityPeriodHours != nil {
		until := now.Add(time.Duration(*c.ValidityPeriodHours) * time.Hour)
		c.ValidUntil = &until
	}
	switch {
	case in.Unnumbered:
		c.Status = StatusUnnumbered
	case c.Type == TypePlastic:
		c.Status = StatusCreated
	default:
		c.Status = StatusNormal
	}
	c.PreviousStatus = c.Status
	c.History = []StatusChange{{To: c.Status, At: now, Operation: OpCreate}}
	return c
}

// expiry is the card's expiry: the requested yymm (the first instant of the month after it), or the
// program's validity in months from issue.
func expiry(issued time.Time, months int, yymm string) time.Time {
	if len(yymm) == 4 {
		year := 2000 + int(yymm[0]-'0')*10 + int(yymm[1]-'0')
		month := time.Month(int(yymm[2]-'0')*10 + int(yymm[3]-'0'))
		return time.Date(year, month+1, 1, 0, 0, 0, 0, time.UTC)
	}
	d := issued.AddDate(0, months, 0)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// printable turns a customer's name into a printed name: letters and spaces, at most 26 characters.
func printable(name string) string {
	var b strings.Builder
	for _, r := range name {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == ' ' {
			b.WriteRune(r)
		}
	}
	s := strings.Join(strings.Fields(b.String()), " ")
	if len(s) > 26 {
		s = strings.TrimSpace(s[:26])
	}
	return s
}

// number generates the card's PCI data from its own seeded generator and emits create-1, which the vendor
// sends only once that data exists.
func (s *Service) number(tx Tx, c *Card) error {
	prog, ok := tx.Org().Program(c.ProgramID)
	if !ok {
		return fmt.Errorf("card %d: program %d missing", c.ID, c.ProgramID)
	}
	gen := s.fake.For(tx.Org().ID, "card", c.ID)
	pan, err := gen.PAN(c.BIN, prog.PANLength)
	if err != nil {
		return fmt.Errorf("number card %d: %w", c.ID, err)
	}
	c.PAN = pan
	c.Hash = pan.Hash()
	c.LastFour = pan.LastFour()
	c.CVV = gen.Digits(3)
	c.PIN = gen.Digits(c.PINLength)
	return tx.Emit(Created(*c))
}

// scheduleNumbering generates the card's PCI data after the configured delay on the simulator's clock,
// carrying the request's correlation id into the event.
func (s *Service) scheduleNumbering(ctx context.Context, tenant string, id int64) {
	cid := correlation.From(ctx)
	s.clock.AfterFunc(s.pciDelay, func() {
		jobCtx := correlation.With(context.Background(), cid)
		err := s.store.Update(jobCtx, tenant, func(tx Tx) error {
			c, ok := tx.Card(id)
			if !ok || c.Numbered() {
				return nil
			}
			if err := s.number(tx, &c); err != nil {
				return err
			}
			tx.PutCard(c)
			return nil
		})
		if err != nil {
			s.log.Error("generate card PCI data", "tenant", tenant, "card_id", id, "err", err)
		}
	})
}

// Get returns a card of the caller's account. accountHeader, when non-zero, must be the caller's account.
func (s *Service) Get(ctx context.Context, caller Caller, id, customerID, accountHeader int64) (Card, error) {
	var c Card
	err := s.store.View(ctx, caller.Tenant, func(tx Tx) error {
		if accountHeader != 0 && accountHeader != caller.AccountID {
			return rule.Forbidden("x-account-id", "account", "x-account-id %d is not the token's account", accountHeader)
		}
		var err error
		c, err = owned(tx, caller, id, customerID, "x-customer-id")
		return err
	})
	return c, err
}

// History returns a card's status changes, newest first. The vendor's history lists changes only, so the
// status a card was created with is not among them.
func (s *Service) History(ctx context.Context, caller Caller, id, customerID int64) ([]StatusChange, error) {
	c, err := s.Get(ctx, caller, id, customerID, 0)
	if err != nil {
		return nil, err
	}
	out := make([]StatusChange, 0, len(c.History))
	for _, h := range slices.Backward(c.History) {
		if h.Operation != OpCreate {
			out = append(out, h)
		}
	}
	return out, nil
}

// ListFilter selects and pages cards. Empty Statuses means CREATED, NORMAL and BLOCKED; AllStatuses lifts the
// status filter. PerPage 0 returns everything.
type ListFilter struct {
	CustomerID  int64 // 0: every customer of the account
	AccountID   int64 // must be the caller's account
	Statuses    []Status
	AllStatuses bool
	Types       []Type
	Modes       []string
	Page        int
	PerPage     int
}

// defaultStatuses are the statuses a card list shows when the request names none.
var defaultStatuses = []Status{StatusCreated, StatusNormal, StatusBlocked}

// List returns the caller's cards that match the filter, oldest first.
func (s *Service) List(ctx context.Context, caller Caller, f ListFilter) ([]Card, error) {
	var out []Card
	err := s.store.View(ctx, caller.Tenant, func(tx Tx) error {
		acct, err := account(tx, caller, f.AccountID, "accountId")
		if err != nil {
			return err
		}
		if f.CustomerID != 0 {
			if _, err := customer(acct, f.CustomerID, "customerId"); err != nil {
				return err
			}
		}
		statuses := f.Statuses
		if len(statuses) == 0 {
			statuses = defaultStatuses
		}
		for c := range tx.OwnedCards(acct.ID, f.CustomerID) {
			switch {
			case !f.AllStatuses && !slices.Contains(statuses, c.Status),
				len(f.Types) > 0 && !slices.Contains(f.Types, c.Type),
				len(f.Modes) > 0 && !slices.Contains(f.Modes, c.Mode):
				continue
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if f.PerPage > 0 {
		start := min(f.Page*f.PerPage, len(out))
		out = out[start:min(start+f.PerPage, len(out))]
	}
	return out, nil
}

// SetStatus moves a card to another status as the lifecycle allows and emits update-1 (UPDATE_STATUS_PUT).
func (s *Service) SetStatus(ctx context.Context, caller Caller, customerID, accountID, id int64, to Status) (Card, error) {
	var c Card
	err := s.store.Update(ctx, caller.Tenant, func(tx Tx) error {
		acct, err := account(tx, caller, accountID, "accountId")
		if err != nil {
			return err
		}
		if _, err := customer(acct, customerID, "customerId"); err != nil {
			return err
		}
		if c, err = owned(tx, caller, id, customerID, "customerId"); err != nil {
			return err
		}
		if err := CheckSet(c.Status, to); err != nil {
			return rule.Conflict("/status", "transition", "%s", err.Error())
		}
		c.PreviousStatus = c.Status
		c.Status = to
		c.History = append(c.History, StatusChange{From: c.PreviousStatus, To: to, At: s.clock.Now().Truncate(time.Second), Operation: OpUpdateStatusPut})
		tx.PutCard(c)
		return tx.Emit(Updated(c, OpUpdateStatusPut))
	})
	return c, err
}

// account returns the caller's account, refusing a token without one or a request for another account.
func account(tx Tx, caller Caller, id int64, field string) (org.Account, error) {
	if caller.AccountID == 0 {
		return org.Account{}, rule.Forbidden("Authorization", "account_token", "this operation needs an account token: get one with an account_id")
	}
	if id != caller.AccountID {
		return org.Account{}, rule.Forbidden(field, "account", "account %d is not the token's account", id)
	}
	acct, ok := tx.Org().Account(id)
	if !ok {
		return org.Account{}, rule.Forbidden(field, "account", "account %d does not exist in the token's org", id)
	}
	return acct, nil
}

func customer(acct org.Account, id int64, field string) (org.Customer, error) {
	cust, ok := acct.Customer(id)
	if !ok {
		return org.Customer{}, rule.Forbidden(field, "customer", "customer %d is not on account %d", id, acct.ID)
	}
	return cust, nil
}

// owned returns a card that belongs to the caller's account and, when customerID is non-zero, to that customer.
func owned(tx Tx, caller Caller, id, customerID int64, customerField string) (Card, error) {
	if caller.AccountID == 0 {
		return Card{}, rule.Forbidden("Authorization", "account_token", "this operation needs an account token: get one with an account_id")
	}
	c, ok := tx.Card(id)
	if !ok {
		return Card{}, rule.NotFound("cardId", "card %d not found", id)
	}
	if c.AccountID != caller.AccountID {
		return Card{}, rule.Forbidden("cardId", "account", "card %d belongs to another account", id)
	}
	if customerID != 0 && c.CustomerID != customerID {
		return Card{}, rule.Forbidden(customerField, "customer", "card %d belongs to another customer", id)
	}
	return c, nil
}
