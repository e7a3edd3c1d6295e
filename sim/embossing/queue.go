package embossing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// Kind says which of the vendor's two families of embossing endpoints a request came through: the nominal
// ones take an account token and a card of that account; the noname ones an org token and a card a bulk issued.
type Kind int

// Endpoint kinds.
const (
	Nominal Kind = iota
	Noname
)

// load returns the pipeline record of a card the caller may reach through the endpoint kind; a card that has not
// entered the pipeline (before embossing_card_ingress-1) is the vendor's 404.
func (s *Service) load(ctx context.Context, tx store.Tx, caller access.Caller, k Kind, id int64) (card.Card, Record, error) {
	cards := s.store.Cards(tx)
	var c card.Card
	var err error
	if k == Nominal {
		c, err = card.Owned(ctx, tx, cards, caller, access.Scope{}, id)
		if errors.Is(err, rule.ErrForbidden) { // the embossing API knows no 403: another account's card is not found
			return card.Card{}, Record{}, rule.NotFound(access.FieldCard, "card %d not found in the token's account", id)
		}
	} else {
		c, err = cards.Get(ctx, id)
		if errors.Is(err, store.ErrNotFound) || err == nil && c.BulkID == nil {
			return card.Card{}, Record{}, rule.NotFound(access.FieldCard, "card %d is not a noname card of org %s", id, tx.Org().ID)
		}
	}
	if err != nil {
		return card.Card{}, Record{}, err
	}
	r, err := s.store.Embossing(tx).Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return card.Card{}, Record{}, rule.NotFound(access.FieldCard, "card %d has not entered the embossing pipeline: only a PLASTIC card does, once numbered (embossing_card_ingress-1)", id)
	}
	return c, r, err
}

// change runs fn on the record of a card the caller may reach, in one transaction, and saves the record.
func (s *Service) change(ctx context.Context, caller access.Caller, k Kind, id int64, fn func(store.Tx, card.Card, *Record) error) error {
	return s.update(ctx, caller.Tenant, func(tx store.Tx, emb Repository) error {
		c, r, err := s.load(ctx, tx, caller, k, id)
		if err != nil {
			return err
		}
		if err := fn(tx, c, &r); err != nil {
			return err
		}
		r.UpdatedAt = tx.Meta().Time
		return emb.Put(ctx, r)
	})
}

// done reports whether a record has been embossed (or rejected after it was).
func (r Record) done() bool { return r.State == StateEmbossed || r.State == StateRejected }

// Queue puts a card in its configuration's next run on demand (no event); from then on a PIN change no longer
// queues it. A card already embossed is the vendor's 406.
func (s *Service) Queue(ctx context.Context, caller access.Caller, id int64) error {
	return s.change(ctx, caller, Nominal, id, func(tx store.Tx, _ card.Card, r *Record) error {
		if r.done() {
			return rule.NotAcceptable(access.FieldCard, "embossed", "card %d has already been embossed: re-emboss it instead", id)
		}
		r.OnDemand = true
		if r.State == StateReady {
			return nil
		}
		r.State, r.Trigger = StateReady, TriggerOnDemand
		return s.scheduleRun(ctx, tx, r.ConfigID)
	})
}

// Unqueue takes a card out of its configuration's next run (no event); a card already embossed is the vendor's
// 406. A card that was not queued stays as it is.
func (s *Service) Unqueue(ctx context.Context, caller access.Caller, id int64) error {
	return s.change(ctx, caller, Nominal, id, func(_ store.Tx, _ card.Card, r *Record) error {
		if r.done() {
			return rule.NotAcceptable(access.FieldCard, "embossed", "card %d has already been embossed", id)
		}
		r.OnDemand = true // the API took charge of the card: its PIN change no longer queues it
		r.State = StateWaiting
		return nil
	})
}

// SetGroup moves a card not yet embossed to another embossing configuration (group) of its program and kind, or
// to the default one when group is empty. No event.
func (s *Service) SetGroup(ctx context.Context, caller access.Caller, k Kind, id int64, group string) error {
	return s.change(ctx, caller, k, id, func(tx store.Tx, _ card.Card, r *Record) error {
		if r.done() {
			return rule.Conflict(access.FieldCard, "embossed", "card %d has already been embossed: its group no longer changes", id)
		}
		cfg, ok := tx.Org().EmbossingGroup(r.ProgramID, kind(*r), group)
		if !ok {
			return rule.NotFound("/embossing_group", "config invalid: no enabled %s embossing group %q embosses program %d", kind(*r), group, r.ProgramID)
		}
		r.ConfigID = cfg.ID
		if r.State == StateReady {
			return s.scheduleRun(ctx, tx, cfg.ID)
		}
		return nil
	})
}

// SetAddress sends a card not yet embossed to another address of its account. No event.
func (s *Service) SetAddress(ctx context.Context, caller access.Caller, id int64, addressID string) error {
	n, err := strconv.ParseInt(addressID, 10, 64)
	if err != nil || n <= 0 {
		return rule.Invalid("/address_id", "pattern", "address_id must be a positive number, got %q", addressID)
	}
	return s.change(ctx, caller, Nominal, id, func(_ store.Tx, _ card.Card, r *Record) error {
		if r.done() {
			return rule.NotAcceptable(access.FieldCard, "embossed", "address setting for embossed card %d not allowed", id)
		}
		r.AddressID = &n
		return nil
	})
}

// Reemboss sends cards already embossed (or rejected) to their configuration's next run again; that run's
// embossing-1 carries reembossing=true and the card's counter. Every card must be the caller's, embossed, and in
// a live status, or nothing changes.
func (s *Service) Reemboss(ctx context.Context, caller access.Caller, ids []int64) error {
	return s.update(ctx, caller.Tenant, func(tx store.Tx, emb Repository) error {
		for i, id := range ids {
			field := fmt.Sprintf("/cards/%d", i)
			c, r, err := s.load(ctx, tx, caller, Nominal, id)
			if err != nil {
				return rule.Invalid(field, "exists", "%s", err.Error())
			}
			switch {
			case !r.done():
				return rule.Invalid(field, "embossed", "card %d has not been embossed yet: it goes to its first run", id)
			case !slices.Contains(embossable, c.Status) || c.Status == card.StatusUnbound:
				return rule.Invalid(field, "status", "card %d is %s: a card is re-embossed when CREATED, NORMAL, BLOCKED, PENDING or WARNING", id, c.Status)
			}
			r.Reembossing = true
			r.Reembossings++
			if err := s.ready(ctx, tx, &r, TriggerOnDemand); err != nil {
				return err
			}
		}
		return nil
	})
}
