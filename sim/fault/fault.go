// Package fault makes operations fail on purpose, as the vendor's do, so an integrator can test what its
// code does with a failure. A rule names an operation (the contract's operationId), optionally the entity it
// applies to, and how many of the next calls fail. A command that honours rules consults them inside its own
// transaction: when one applies, the command changes nothing, announces the failure with the event it would
// have emitted (status FAILURE, reason set, nullable fields null) and answers with an Injected error.
package fault

import (
	"context"
	"fmt"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/store"
)

// Rule makes the next Remaining calls of an operation fail, for one subject or (zero Subject) any.
type Rule struct {
	ID        int64
	Operation string
	Subject   event.Subject
	Remaining int
	Reason    string
}

// DefaultReason is the failure reason of a rule that names none.
const DefaultReason = "failure injected by the simulator"

// Repository is the tenant's fault rules inside one transaction.
type Repository interface {
	// Rules returns the tenant's rules, oldest first.
	Rules(ctx context.Context) ([]Rule, error)
	// Put writes a rule.
	Put(ctx context.Context, r Rule) error
	// Delete removes a rule (store.ErrNotFound when there is none with that id).
	Delete(ctx context.Context, id int64) error
	// NextID reserves the tenant's next rule id.
	NextID(ctx context.Context) (int64, error)
}

// Store is what fault rules live in: transactions, and the rules inside one.
type Store interface {
	store.Transactor
	Faults(tx store.Tx) Repository
}

// Injected is the error of a call a rule made fail.
type Injected struct{ Rule Rule }

func (e *Injected) Error() string {
	return fmt.Sprintf("fault rule %d made %s fail: %s; nothing changed", e.Rule.ID, e.Rule.Operation, e.Rule.Reason)
}

type operationKey struct{}

// WithOperation returns a context naming the operation a request called; the gateway sets it.
func WithOperation(ctx context.Context, operation string) context.Context {
	return context.WithValue(ctx, operationKey{}, operation)
}

// Operation returns the operation the context's request called, or "".
func Operation(ctx context.Context) string {
	op, _ := ctx.Value(operationKey{}).(string)
	return op
}

// Take consumes one call of the first rule that applies to the context's operation and the subject, and
// returns it; ok is false when none applies.
func Take(ctx context.Context, faults Repository, subject event.Subject) (r Rule, ok bool, err error) {
	op := Operation(ctx)
	if op == "" {
		return Rule{}, false, nil
	}
	rules, err := faults.Rules(ctx)
	if err != nil {
		return Rule{}, false, err
	}
	for _, r := range rules {
		if r.Operation != op || r.Remaining <= 0 || (r.Subject != (event.Subject{}) && r.Subject != subject) {
			continue
		}
		r.Remaining--
		if r.Remaining == 0 {
			err = faults.Delete(ctx, r.ID)
		} else {
			err = faults.Put(ctx, r)
		}
		return r, err == nil, err
	}
	return Rule{}, false, nil
}

// Service keeps the tenants' fault rules for the admin API.
type Service struct {
	store Store
}

// NewService returns a fault Service over the store.
func NewService(st Store) *Service { return &Service{store: st} }

func (s *Service) update(ctx context.Context, tenant string, fn func(Repository) error) error {
	return s.store.Update(ctx, store.Meta{Tenant: tenant}, func(tx store.Tx) error { return fn(s.store.Faults(tx)) })
}

// Add writes a rule to a tenant and returns it numbered.
func (s *Service) Add(ctx context.Context, tenant string, r Rule) (Rule, error) {
	if r.Reason == "" {
		r.Reason = DefaultReason
	}
	err := s.update(ctx, tenant, func(faults Repository) error {
		var err error
		if r.ID, err = faults.NextID(ctx); err != nil {
			return err
		}
		return faults.Put(ctx, r)
	})
	return r, err
}

// List returns a tenant's rules, oldest first.
func (s *Service) List(ctx context.Context, tenant string) ([]Rule, error) {
	var out []Rule
	err := s.store.View(ctx, tenant, func(tx store.Tx) error {
		var err error
		out, err = s.store.Faults(tx).Rules(ctx)
		return err
	})
	return out, err
}

// Remove deletes a tenant's rule.
func (s *Service) Remove(ctx context.Context, tenant string, id int64) error {
	return s.update(ctx, tenant, func(faults Repository) error { return faults.Delete(ctx, id) })
}
