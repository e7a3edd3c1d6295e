package d1

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// Service runs the D1 commands: suspend.go, resume.go, delete.go, renew.go, provision.go, query.go, and the
// jobs and hooks in retention.go and propagate.go.
type Service struct {
	store  Store
	clocks *clock.Tenants
	src    *fake.Source
}

// NewService returns a D1 Service over the store and the tenants' clocks; src derives operation and digital
// card ids.
func NewService(st Store, clocks *clock.Tenants, src *fake.Source) *Service {
	return &Service{store: st, clocks: clocks, src: src}
}

// Caller is who calls D1's inbound API: the tenant and the issuer its access token was issued to.
type Caller struct {
	Tenant   string
	IssuerID string
}

// update runs fn as a command of the tenant, now on its clock, with the D1 repository of the transaction.
func (s *Service) update(ctx context.Context, tenant string, fn func(store.Tx, Repository) error) error {
	meta := store.NewMeta(ctx, tenant, s.clocks.For(tenant))
	return s.store.Update(ctx, meta, func(tx store.Tx) error { return fn(tx, s.store.D1(tx)) })
}

// issuer returns the path's issuer when it is the caller's: a token opens only its own issuer's cards.
func issuer(tx store.Tx, caller Caller, issuerID string) (org.D1Issuer, error) {
	if issuerID != caller.IssuerID {
		return org.D1Issuer{}, rule.Forbidden("issuerId", "issuer", "the access token was issued to issuer %s, not %s", caller.IssuerID, issuerID)
	}
	is, ok := tx.Org().D1Issuer(issuerID)
	if !ok {
		return org.D1Issuer{}, rule.Forbidden("issuerId", "issuer", "issuer %s is not registered in the tenant", issuerID)
	}
	return is, nil
}

// loadCard returns the issuer's card, or a 404 naming cardId.
func loadCard(ctx context.Context, repo Repository, issuerID, cardID string) (Card, error) {
	c, err := repo.Card(ctx, issuerID, cardID)
	if errors.Is(err, store.ErrNotFound) {
		return Card{}, rule.NotFound("cardId", "card %s of issuer %s not found", cardID, issuerID)
	}
	return c, err
}

// record writes an operation of the card, announces it to the issuer and schedules its removal from the log
// three months on. The operation gets its number and its id, derived from the seed, the tenant and the number.
func (s *Service) record(ctx context.Context, tx store.Tx, repo Repository, o *Operation) error {
	seq, err := repo.NextOperationSeq(ctx)
	if err != nil {
		return err
	}
	now := tx.Meta().Time.UTC().Truncate(timeUnit)
	o.Seq, o.ID, o.Start, o.End = seq, s.src.UUID("d1-operation", tx.Meta().Tenant, strconv.FormatInt(seq, 10)), now, &now
	if err := repo.PutOperation(ctx, *o); err != nil {
		return err
	}
	if err := tx.Emit(Notification(*o)); err != nil {
		return err
	}
	_, err = tx.Schedule(job.Job{Kind: JobRetention, Subject: event.Subject{Kind: SubjectOperation, ID: o.ID}, Due: o.Expires()})
	return err
}

// operate runs an issuer operation (suspend, resume, delete) on a loaded card inside tx: a refused one is
// recorded FAILED with its error and returned as the refusal; an allowed one moves the card and is recorded
// SUCCESSFUL.
func (s *Service) operate(ctx context.Context, tx store.Tx, repo Repository, c *Card, op OperationType, who Requestor, reason Reason) (Operation, *Refusal, error) {
	reason = reason.orDefault()
	o := Operation{IssuerID: c.IssuerID, CardID: c.ID, Type: op, Requestor: who, Reason: reason, Status: StatusSuccessful}
	refusal := c.Check(op, reason.Code)
	if refusal != nil {
		o.Status, o.ErrorCode, o.Error = StatusFailed, refusal.Code, refusal.Message
	} else {
		c.apply(op, reason.Code)
		if err := repo.PutCard(ctx, *c); err != nil {
			return Operation{}, nil, err
		}
	}
	if err := s.record(ctx, tx, repo, &o); err != nil {
		return Operation{}, nil, err
	}
	return o, refusal, nil
}

// issuerOperation is the whole of suspend, resume and delete as the issuer calls them: the issuer checked,
// the card loaded, the operation run and recorded. A refusal commits its FAILED operation and then answers 403.
func (s *Service) issuerOperation(ctx context.Context, caller Caller, issuerID, cardID string, op OperationType, reason Reason) (Operation, error) {
	var o Operation
	var refusal *Refusal
	err := s.update(ctx, caller.Tenant, func(tx store.Tx, repo Repository) error {
		if _, err := issuer(tx, caller, issuerID); err != nil {
			return err
		}
		c, err := loadCard(ctx, repo, issuerID, cardID)
		if err != nil {
			return err
		}
		o, refusal, err = s.operate(ctx, tx, repo, &c, op, Requestor{Type: RequestorIssuer, ID: issuerID}, reason)
		return err
	})
	if err != nil {
		return Operation{}, fmt.Errorf("%s card %s: %w", op, cardID, err)
	}
	if refusal != nil {
		return o, refused(refusal)
	}
	return o, nil
}

// refused turns a refusal into the 403 rule violation the HTTP layer answers.
func refused(r *Refusal) error { return rule.Forbidden(r.Field, r.Rule, "%s", r.Message) }

// settings returns an issuer's settings: as the admin API set them, else as the fixtures give them.
func settings(ctx context.Context, tx store.Tx, repo Repository, is org.D1Issuer) (Settings, error) {
	st, ok, err := repo.Settings(ctx, is.IssuerID)
	if err != nil || ok {
		return st, err
	}
	return Settings{IssuerID: is.IssuerID, NotificationURL: is.NotificationURL, Propagate: is.PropagateProcessorEvents}, nil
}
