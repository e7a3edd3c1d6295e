package d1

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// Registration is the admin API's stand-in for an issuer registering a processor card with D1 and its end user
// digitizing it: the D1 card to make, the processor card it stands for, its end user, and the digital cards
// to make on it.
type Registration struct {
	// IssuerID is the tenant's issuer; empty means its first.
	IssuerID        string
	CardID          string
	ProcessorCardID int64
	// State is the D1 card's state; empty means the state that matches the processor card's status.
	State        State
	ConsumerID   string
	EndUser      EndUserState
	DigitalCards []DigitalCard
}

var cardIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,48}$`)

// Register makes a D1 card for a processor card of the tenant, recording a REGISTER operation by the issuer
// and a DIGITIZE operation by the end user for each digital card. The card id must not be a live card's (a
// DELETED or REPLACED card's id may be reused), and a processor card has one live D1 card at most.
func (s *Service) Register(ctx context.Context, tenant string, reg Registration) (Card, error) {
	var c Card
	err := s.update(ctx, tenant, func(tx store.Tx, repo Repository) error {
		var err error
		c, err = s.register(ctx, tx, repo, reg)
		return err
	})
	if err != nil {
		return Card{}, fmt.Errorf("register D1 card %s: %w", reg.CardID, err)
	}
	return c, nil
}

func (s *Service) register(ctx context.Context, tx store.Tx, repo Repository, reg Registration) (Card, error) {
	o := tx.Org()
	if reg.IssuerID == "" && len(o.D1Issuers) > 0 {
		reg.IssuerID = o.D1Issuers[0].IssuerID
	}
	if _, ok := o.D1Issuer(reg.IssuerID); !ok {
		return Card{}, rule.NotFound("/issuerId", "issuer %q is not the tenant's; GET /_sim/fixtures lists its d1_issuers", reg.IssuerID)
	}
	if !cardIDPattern.MatchString(reg.CardID) {
		return Card{}, rule.Invalid("/cardId", "pattern", "cardId must be 1 to 48 letters, digits, _ or -")
	}
	pc, err := s.store.Cards(tx).Get(ctx, reg.ProcessorCardID)
	if errors.Is(err, store.ErrNotFound) {
		return Card{}, rule.NotFound("/processorCardId", "processor card %d not found", reg.ProcessorCardID)
	}
	if err != nil {
		return Card{}, err
	}
	existing, err := repo.Card(ctx, reg.IssuerID, reg.CardID)
	switch {
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return Card{}, err
	case err == nil && existing.State.Live():
		return Card{}, rule.Conflict("/cardId", "unique", "card %s of issuer %s exists and is %s", reg.CardID, reg.IssuerID, existing.State)
	}
	linked, err := repo.LinkedTo(ctx, pc.ID)
	if err != nil {
		return Card{}, err
	}
	for _, l := range linked {
		if l.State.Live() {
			return Card{}, rule.Conflict("/processorCardId", "unique", "processor card %d is already D1 card %s", pc.ID, l.ID)
		}
	}
	c := Card{IssuerID: reg.IssuerID, ID: reg.CardID, State: reg.State, ProcessorCardID: pc.ID, ConsumerID: reg.ConsumerID,
		EndUser: reg.EndUser, LastFour: pc.LastFour, Expiry: pc.ExpirationDate.Format("0106"), Created: tx.Meta().Time.UTC()}
	if c.State == "" {
		c.State = Expected(pc.Status)[0]
	}
	if c.EndUser == "" {
		c.EndUser = EndUserActive
	}
	if c.ConsumerID == "" {
		c.ConsumerID = strconv.FormatInt(pc.CustomerID, 10)
	}
	if err := s.record(ctx, tx, repo, &Operation{IssuerID: c.IssuerID, CardID: c.ID, Type: OpRegister, Status: StatusSuccessful,
		Requestor: Requestor{Type: RequestorIssuer, ID: c.IssuerID}}); err != nil {
		return Card{}, err
	}
	for i, dc := range reg.DigitalCards {
		dc.ID = "DC" + s.src.UUID("d1-digital-card", tx.Meta().Tenant, c.Key(), strconv.Itoa(i))[:18]
		c.DigitalCards = append(c.DigitalCards, dc)
		if err := s.record(ctx, tx, repo, &Operation{IssuerID: c.IssuerID, CardID: c.ID, Type: OpDigitize, Status: StatusSuccessful,
			Requestor: Requestor{Type: RequestorUser, ID: c.ConsumerID}, DigitalCard: &dc}); err != nil {
			return Card{}, err
		}
	}
	return c, repo.PutCard(ctx, c)
}

// Expected returns the D1 states that agree with a processor card's status, the most likely first: an
// initial card is INACTIVE, an active one ACTIVE, a temporarily blocked or INOPERATIVE one SUSPENDED, a
// terminated one DELETED [inf: the vendor asks issuers to keep the two in step but publishes no mapping].
func Expected(status card.Status) []State {
	switch status.Group() {
	case card.GroupInitial:
		return []State{StateInactive}
	case card.GroupActive:
		return []State{StateActive}
	case card.GroupTemporary, card.GroupValidity:
		return []State{StateSuspended}
	case card.GroupTermination:
		return []State{StateDeleted}
	}
	return []State{StateInactive}
}
