package cardonfile

import (
	"context"
	"errors"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// load returns a stored card of the caller's account; another account's, or a card no longer on file, is the
// vendor's 400 naming the card's uuid (its API answers no 403 or 404).
func load(ctx context.Context, tx store.Tx, r Repository, caller access.Caller, id string) (CardOnFile, error) {
	if _, err := caller.Resolve(tx.Org(), access.Scope{}); err != nil {
		return CardOnFile{}, err
	}
	c, err := r.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && c.AccountID != caller.AccountID {
		return CardOnFile{}, rule.Invalid("uuid", "exists", "account %d has no card on file %s", caller.AccountID, id)
	}
	return c, err
}

// change runs fn on a stored card of the caller's account in one transaction and saves it.
func (s *Service) change(ctx context.Context, caller access.Caller, id string, fn func(store.Tx, Repository, *CardOnFile) error) error {
	return s.update(ctx, caller.Tenant, func(tx store.Tx, r Repository) error {
		c, err := load(ctx, tx, r, caller, id)
		if err != nil {
			return err
		}
		if err := fn(tx, r, &c); err != nil {
			return err
		}
		return r.Put(ctx, c)
	})
}

// UpdateInput is an update-card-on-file request; nil fields keep their value.
type UpdateInput struct {
	CardName    *string
	CardProfile *string
	Metadata    *string
	Status      *Status // nil or empty: unchanged
}

// Update changes a stored card's name, profile, metadata or status (patch-cards-1); suspending it also causes
// exclusion-1 (origin APP). A PENDING card becomes ACTIVE only through a validation.
func (s *Service) Update(ctx context.Context, caller access.Caller, id string, in UpdateInput) error {
	return s.change(ctx, caller, id, func(tx store.Tx, _ Repository, c *CardOnFile) error {
		suspended := false
		if in.Status != nil && *in.Status != "" && *in.Status != c.Status {
			switch {
			case c.Status == StatusPending && *in.Status == StatusActive:
				return rule.Invalid("/status", "transition", "card on file %s is PENDING: a validation makes it ACTIVE", id)
			case *in.Status == StatusSuspended:
				suspended = true
			}
			c.Status = *in.Status
		}
		if in.CardName != nil {
			c.CardName = *in.CardName
		}
		if in.CardProfile != nil {
			c.CardProfile = *in.CardProfile
		}
		if in.Metadata != nil {
			m := *in.Metadata
			c.Metadata = &m
		}
		if err := tx.Emit(patched(tx.Org().ID, *c)); err != nil {
			return err
		}
		if suspended {
			return tx.Emit(excluded(*c, OriginApp))
		}
		return nil
	})
}

// DeleteMetadata clears a stored card's metadata (delete-metadata-1, carrying what was removed).
func (s *Service) DeleteMetadata(ctx context.Context, caller access.Caller, id string) error {
	return s.change(ctx, caller, id, func(tx store.Tx, _ Repository, c *CardOnFile) error {
		removed := c.Metadata
		c.Metadata = nil
		return tx.Emit(metadataDeleted(tx.Org().ID, *c, removed))
	})
}
