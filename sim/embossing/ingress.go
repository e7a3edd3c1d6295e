package embossing

import (
	"context"
	"errors"
	"fmt"

	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/store"
)

// Ingress is the card service's card.CardHook for a numbered card: a PLASTIC card enters the pipeline and
// embossing_card_ingress-1 tells of it. A noname card, or a nominal one whose configuration does not wait for
// the PIN, is ready for the next run at once.
func (s *Service) Ingress(ctx context.Context, tx store.Tx, c card.Card) error {
	if c.Type != card.TypePlastic {
		return nil
	}
	r := Record{CardID: c.ID, ProgramID: c.ProgramID, AccountID: c.AccountID, CustomerID: c.CustomerID,
		Noname: c.BulkID != nil, State: StateWaiting, CreatedAt: tx.Meta().Time, UpdatedAt: tx.Meta().Time}
	cfg, ok := configFor(tx.Org(), r, group(c))
	if !ok {
		return tx.Emit(ingress(c.ID, c.AccountID, c.CustomerID, c.ProgramID, "", ErrInternal,
			fmt.Sprintf("no enabled %s embossing configuration embosses program %d", kind(r), c.ProgramID)))
	}
	r.ConfigID = cfg.ID
	if err := tx.Emit(ingress(c.ID, c.AccountID, c.CustomerID, c.ProgramID, "", "", "")); err != nil {
		return err
	}
	if r.Noname || !cfg.RequiresPassword {
		return s.ready(ctx, tx, &r, TriggerOnDemand)
	}
	return s.store.Embossing(tx).Put(ctx, r)
}

// Migrated is the card service's card.CardHook for a program migration: a PLASTIC card not yet embossed moves
// to its new program's configuration and announces embossing_card_ingress-1 (CARD_PROGRAM_MIGRATION), as the
// vendor documents.
func (s *Service) Migrated(ctx context.Context, tx store.Tx, c card.Card) error {
	if c.Type != card.TypePlastic {
		return nil
	}
	emb := s.store.Embossing(tx)
	r, err := emb.Get(ctx, c.ID)
	switch {
	case errors.Is(err, store.ErrNotFound): // not numbered yet: it enters the pipeline under its new program
		return nil
	case err != nil:
		return err
	case r.State == StateEmbossed || r.State == StateRejected:
		return nil
	}
	r.ProgramID = c.ProgramID
	cfg, ok := configFor(tx.Org(), r, "")
	if !ok {
		return tx.Emit(ingress(c.ID, c.AccountID, c.CustomerID, c.ProgramID, "CARD_PROGRAM_MIGRATION", ErrInternal,
			fmt.Sprintf("no enabled %s embossing configuration embosses program %d", kind(r), c.ProgramID)))
	}
	r.ConfigID, r.UpdatedAt = cfg.ID, tx.Meta().Time
	if err := tx.Emit(ingress(c.ID, c.AccountID, c.CustomerID, c.ProgramID, "CARD_PROGRAM_MIGRATION", "", "")); err != nil {
		return err
	}
	if r.State == StateReady {
		return s.ready(ctx, tx, &r, r.Trigger)
	}
	return emb.Put(ctx, r)
}

// PINChanged is the PCI service's hook for a changed PIN: a nominal card waiting for its PIN becomes ready for
// its configuration's next run, unless it was queued on demand before.
func (s *Service) PINChanged(ctx context.Context, tx store.Tx, c card.Card) error {
	r, err := s.store.Embossing(tx).Get(ctx, c.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil || r.State != StateWaiting || r.OnDemand {
		return err
	}
	return s.ready(ctx, tx, &r, TriggerPassword)
}

// ready queues a record for its configuration's next run and makes sure that run is scheduled.
func (s *Service) ready(ctx context.Context, tx store.Tx, r *Record, trigger string) error {
	r.State, r.Trigger, r.UpdatedAt = StateReady, trigger, tx.Meta().Time
	if err := s.store.Embossing(tx).Put(ctx, *r); err != nil {
		return err
	}
	return s.scheduleRun(ctx, tx, r.ConfigID)
}

// configFor returns the configuration a record goes to: its group's, or its program's default one.
func configFor(o *org.Org, r Record, group string) (org.EmbossingConfig, bool) {
	if cfg, ok := o.EmbossingGroup(r.ProgramID, kind(r), group); ok || group == "" {
		return cfg, ok
	}
	return o.EmbossingGroup(r.ProgramID, kind(r), "") // an unknown group at creation falls back to the default
}

// kind is the configuration type a record needs.
func kind(r Record) string {
	if r.Noname {
		return org.EmbossingNoname
	}
	return org.EmbossingNominal
}

func group(c card.Card) string {
	if c.EmbossingGroup == nil {
		return ""
	}
	return *c.EmbossingGroup
}
