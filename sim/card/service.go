package card

import (
	"context"
	"time"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fault"
	"github.com/issuersim/issuersim/sim/store"
)

// Service runs the card commands, one file each: create.go, status_update.go, query.go, number.go.
type Service struct {
	store      Store
	clocks     *clock.Tenants
	pci        Numberer
	pciDelay   time.Duration
	onNumbered Hooks
	onMigrated Hooks
	onStatus   Hooks
	onReissued Hooks
}

// Hook lets another domain act on a card inside the card command's transaction, so its effects commit with the
// card's (the embossing pipeline takes in a PLASTIC card once it is numbered, and follows it to a new program).
type Hook func(ctx context.Context, tx store.Tx, c Card) error

// Options configure a Service.
type Options struct {
	// PCIDelay is how long after creation a card's PCI data (PAN, CVV, PIN) appears and create-1 is emitted,
	// on the tenant's clock (a JobNumber job). Zero makes it part of the create itself.
	PCIDelay time.Duration
	// OnNumbered run, in order, each time a card is numbered, after its create-1.
	OnNumbered Hooks
	// OnMigrated run, in order, each time a card moves to another program.
	OnMigrated Hooks
	// OnStatusChanged run, in order, each time updateCardStatus changes a card's status (D1 follows a block).
	OnStatusChanged Hooks
	// OnReissued run, in order, with the new card of a reissue that asks to update the card's tokens
	// (update_tokens), once the new card is stored: the token domain moves the old card's tokens to it.
	OnReissued Hooks
}

// NewService returns a card Service over the store and the tenants' clocks, numbering its cards with pci.
func NewService(st Store, clocks *clock.Tenants, pci Numberer, opts Options) *Service {
	return &Service{store: st, clocks: clocks, pci: pci, pciDelay: opts.PCIDelay, onNumbered: opts.OnNumbered, onMigrated: opts.OnMigrated, onStatus: opts.OnStatusChanged, onReissued: opts.OnReissued}
}

// update runs fn as a command of the tenant, now on its clock, with the cards repository of the transaction.
func (s *Service) update(ctx context.Context, tenant string, fn func(store.Tx, Repository) error) error {
	meta := store.NewMeta(ctx, tenant, s.clocks.For(tenant))
	return s.store.Update(ctx, meta, func(tx store.Tx) error { return fn(tx, s.store.Cards(tx)) })
}

// view runs fn over a snapshot of the tenant with its cards repository.
func (s *Service) view(ctx context.Context, tenant string, fn func(store.Tx, Repository) error) error {
	return s.store.View(ctx, tenant, func(tx store.Tx) error { return fn(tx, s.store.Cards(tx)) })
}

// now is the command's time as the card's fields keep it: whole seconds, as the vendor writes them.
func now(tx store.Tx) time.Time { return tx.Meta().Time.Truncate(time.Second) }

// command runs fn on a card of the scope in one transaction of the tenant, now on its clock: the card is loaded
// by the ownership rules (Owned) and, when a fault rule applies to the request, the call fails with the event
// failedAs builds from the card, and fn does not run. Most card commands are one call of it.
func (s *Service) command(ctx context.Context, caller access.Caller, scope access.Scope, id int64, failedAs func(Card) event.Event, fn func(store.Tx, Repository, *Card) error) (Card, error) {
	var c Card
	var failed failure
	err := s.update(ctx, caller.Tenant, func(tx store.Tx, cards Repository) error {
		var err error
		if c, err = Owned(ctx, tx, cards, caller, scope, id); err != nil {
			return err
		}
		if failedAs != nil {
			if stop, err := failed.check(ctx, s, tx, c, failedAs(c)); stop || err != nil {
				return err
			}
		}
		return fn(tx, cards, &c)
	})
	return c, failed.or(err)
}

// failure is a command's injected failure: set when a fault rule applied, and then the command's answer.
type failure struct{ injected *fault.Injected }

// check consumes a fault rule that applies to the request's operation on the card, if any; then it emits e
// as a failure (status FAILURE, the rule's reason, nullable fields null) and reports stop, and the command
// returns at once, so that only that event commits.
func (f *failure) check(ctx context.Context, s *Service, tx store.Tx, c Card, e event.Event) (stop bool, err error) {
	rule, ok, err := fault.Take(ctx, s.store.Faults(tx), c.Subject())
	if err != nil || !ok {
		return false, err
	}
	f.injected = &fault.Injected{Rule: rule}
	return true, announce(tx, c, e.Failed(rule.Reason))
}

// or returns err, or the injected failure when the command itself succeeded.
func (f *failure) or(err error) error {
	if err == nil && f.injected != nil {
		return f.injected
	}
	return err
}

// updateOf is the update-1 a command announces a card with: what a failed call of it announces too.
func updateOf(op Operation) func(Card) event.Event {
	return func(c Card) event.Event { return Updated(c, op) }
}
