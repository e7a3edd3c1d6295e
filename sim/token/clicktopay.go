package token

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// Enrollment is a customer's Visa Click to Pay enrollment: who they are at Visa and which of their cards are
// in it, each with its billing address.
type Enrollment struct {
	CustomerID int64
	AccountID  int64
	OwnerBID   string
	Customer   Customer
	// Address is the customer's billing address, the one a card enrolled without its own takes.
	Address    *Address
	Cards      []EnrolledCard
	EnrolledAt time.Time
}

// EnrolledCard is one card in a Click to Pay enrollment.
type EnrolledCard struct {
	CardID  int64
	Address *Address
}

// Customer is the customer as Visa Click to Pay keeps them.
type Customer struct {
	Locale, FirstName, MiddleName, LastName, CountryCode string
	Emails, Phones                                       []string
	NationalIDs                                          []NationalID
	Consent                                              *Consent
}

// NationalID is one of a customer's identity documents.
type NationalID struct{ Type, Value string }

// Consent is when and to what a customer consented.
type Consent struct {
	Time               time.Time
	Version, Presenter string
}

// Address is a billing address as Click to Pay writes it.
type Address struct {
	Line1, Line2, Line3, City, State, PostalCode, CountryCode string
}

// Clone returns a copy that shares nothing with e.
func (e Enrollment) Clone() Enrollment {
	e.Customer = e.Customer.clone()
	e.Address = clonePtr(e.Address)
	e.Cards = slices.Clone(e.Cards)
	for i := range e.Cards {
		e.Cards[i].Address = clonePtr(e.Cards[i].Address)
	}
	return e
}

func (c Customer) clone() Customer {
	c.Emails, c.Phones, c.NationalIDs = slices.Clone(c.Emails), slices.Clone(c.Phones), slices.Clone(c.NationalIDs)
	c.Consent = clonePtr(c.Consent)
	return c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// card returns the enrollment's entry of a card.
func (e *Enrollment) card(id int64) (*EnrolledCard, bool) {
	for i := range e.Cards {
		if e.Cards[i].CardID == id {
			return &e.Cards[i], true
		}
	}
	return nil, false
}

// Fields of the Click to Pay refusals.
const (
	FieldOwnerBID = "/owner_bid"
	fieldCTPCard  = "/card_information/card_id"
)

// CTPCard is one card's status in Click to Pay.
type CTPCard struct {
	CardID int64
	Active bool // ACTIVE while the processor card is NORMAL, DISABLED otherwise
}

// EnrollInput is an enrollment of a customer and one card.
type EnrollInput struct {
	OwnerBID string
	CardID   int64
	Address  *Address
	Customer Customer
}

// Enroll enrolls the scope's customer and one of their Visa cards in Click to Pay. The customer's first and last
// names default to the processor's (the fixtures' name, split at its last space); emails, phones and the billing
// address must be sent, as the processor holds none.
func (s *Service) Enroll(ctx context.Context, caller access.Caller, customerID int64, in EnrollInput) error {
	return s.update(ctx, caller.Tenant, func(r repos) error {
		owner, err := caller.Resolve(r.tx.Org(), access.Scope{CustomerID: customerID})
		if err != nil {
			return err
		}
		switch _, err := r.tokens.Enrollment(ctx, customerID); {
		case err == nil:
			return rule.Invalid(access.FieldCustomer, "enrolled", "customer already on click to pay: customer %d is enrolled", customerID)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		cust := in.Customer
		if cust.FirstName == "" && cust.LastName == "" {
			name := owner.Customer.Name
			if i := strings.LastIndex(name, " "); i > 0 {
				cust.FirstName, cust.LastName = name[:i], name[i+1:]
			}
		}
		for _, f := range []struct {
			name string
			ok   bool
		}{
			{"/customer_information/first_name", cust.FirstName != ""}, {"/customer_information/last_name", cust.LastName != ""},
			{"/customer_information/emails", len(cust.Emails) > 0}, {"/customer_information/phones", len(cust.Phones) > 0},
			{"/card_information/billing_address", in.Address != nil},
		} {
			if !f.ok {
				return rule.Invalid(f.name, "required", "%s is required to enroll in click to pay and the processor does not hold it", strings.TrimPrefix(f.name, "/"))
			}
		}
		if _, err := r.visaCard(ctx, caller, customerID, in.CardID, fieldCTPCard); err != nil {
			return err
		}
		e := Enrollment{CustomerID: customerID, AccountID: owner.Account.ID, OwnerBID: in.OwnerBID, Customer: cust,
			Address: clonePtr(in.Address), Cards: []EnrolledCard{{CardID: in.CardID, Address: clonePtr(in.Address)}}, EnrolledAt: now(r.tx)}
		return r.tokens.PutEnrollment(ctx, e)
	})
}

// EnrollCard adds a Visa card of an enrolled customer; without an address it takes the customer's.
func (s *Service) EnrollCard(ctx context.Context, caller access.Caller, customerID int64, ownerBID string, cardID int64, addr *Address) error {
	return s.changeEnrollment(ctx, caller, customerID, ownerBID, func(r repos, e *Enrollment) error {
		if _, err := r.visaCard(ctx, caller, customerID, cardID, "/card_id"); err != nil {
			return err
		}
		if _, ok := e.card(cardID); ok {
			return rule.Invalid("/card_id", "enrolled", "card %d is already in click to pay", cardID)
		}
		if addr == nil {
			addr = e.Address
		}
		e.Cards = append(e.Cards, EnrolledCard{CardID: cardID, Address: clonePtr(addr)})
		return nil
	})
}

// UpdateCustomer replaces the customer details the update sends; the others keep their value.
func (s *Service) UpdateCustomer(ctx context.Context, caller access.Caller, customerID int64, ownerBID string, in *Customer) error {
	return s.changeEnrollment(ctx, caller, customerID, ownerBID, func(_ repos, e *Enrollment) error {
		if in == nil {
			return nil
		}
		c := &e.Customer
		c.Locale = in.Locale
		setString(&c.FirstName, in.FirstName)
		setString(&c.MiddleName, in.MiddleName)
		setString(&c.LastName, in.LastName)
		setString(&c.CountryCode, in.CountryCode)
		if in.Emails != nil {
			c.Emails = slices.Clone(in.Emails)
		}
		if in.Phones != nil {
			c.Phones = slices.Clone(in.Phones)
		}
		if in.NationalIDs != nil {
			c.NationalIDs = slices.Clone(in.NationalIDs)
		}
		if in.Consent != nil {
			c.Consent = clonePtr(in.Consent)
		}
		return nil
	})
}

// BillingUpdate is one card's new billing address; nil means the customer's.
type BillingUpdate struct {
	OwnerBID string
	CardID   int64
	Address  *Address
}

// UpdateBilling sets the billing address of each listed card; one card not enrolled refuses them all.
func (s *Service) UpdateBilling(ctx context.Context, caller access.Caller, customerID int64, updates []BillingUpdate) error {
	return s.update(ctx, caller.Tenant, func(r repos) error {
		e, err := r.enrollment(ctx, caller, customerID, updates[0].OwnerBID, "/cards/0/owner_bid")
		if err != nil {
			return err
		}
		for i, u := range updates {
			if u.OwnerBID != e.OwnerBID {
				return rule.Invalid(fmt.Sprintf("/cards/%d/owner_bid", i), "owner_bid", "customer %d is enrolled under another owner_bid", customerID)
			}
			ec, ok := e.card(u.CardID)
			if !ok {
				return rule.Invalid(fmt.Sprintf("/cards/%d/card_id", i), "enrolled", "cards not found: card %d is not in click to pay", u.CardID)
			}
			addr := u.Address
			if addr == nil {
				addr = e.Address
			}
			ec.Address = clonePtr(addr)
		}
		return r.tokens.PutEnrollment(ctx, e)
	})
}

// DeleteCustomer ends a customer's enrollment, with all its cards.
func (s *Service) DeleteCustomer(ctx context.Context, caller access.Caller, customerID int64, ownerBID string) error {
	return s.update(ctx, caller.Tenant, func(r repos) error {
		if _, err := r.enrollment(ctx, caller, customerID, ownerBID, FieldOwnerBID); err != nil {
			return err
		}
		return r.tokens.DeleteEnrollment(ctx, customerID)
	})
}

// DeleteCard removes one card from a customer's enrollment.
func (s *Service) DeleteCard(ctx context.Context, caller access.Caller, customerID int64, ownerBID string, cardID int64) error {
	return s.changeEnrollment(ctx, caller, customerID, ownerBID, func(_ repos, e *Enrollment) error {
		if _, ok := e.card(cardID); !ok {
			return rule.Invalid("/card_id", "enrolled", "cards not found: card %d is not in click to pay", cardID)
		}
		e.Cards = slices.DeleteFunc(e.Cards, func(c EnrolledCard) bool { return c.CardID == cardID })
		return nil
	})
}

// ClickToPayCards returns the status of an enrolled customer's cards.
func (s *Service) ClickToPayCards(ctx context.Context, caller access.Caller, customerID int64, ownerBID string) ([]CTPCard, error) {
	var out []CTPCard
	err := s.view(ctx, caller.Tenant, func(r repos) error {
		e, err := r.enrollment(ctx, caller, customerID, ownerBID, "x-owner-bid")
		if err != nil {
			return err
		}
		cards := r.st.Cards(r.tx)
		for _, ec := range e.Cards {
			c, err := cards.Get(ctx, ec.CardID)
			if err != nil {
				return err
			}
			out = append(out, CTPCard{CardID: c.ID, Active: c.Status == card.StatusNormal})
		}
		return nil
	})
	return out, err
}

// changeEnrollment runs fn on an enrolled customer's enrollment and saves it.
func (s *Service) changeEnrollment(ctx context.Context, caller access.Caller, customerID int64, ownerBID string, fn func(repos, *Enrollment) error) error {
	return s.update(ctx, caller.Tenant, func(r repos) error {
		e, err := r.enrollment(ctx, caller, customerID, ownerBID, FieldOwnerBID)
		if err != nil {
			return err
		}
		if err := fn(r, &e); err != nil {
			return err
		}
		return r.tokens.PutEnrollment(ctx, e)
	})
}

// enrollment returns the enrollment of a customer of the caller's account, under the owner business id.
func (r repos) enrollment(ctx context.Context, caller access.Caller, customerID int64, ownerBID, field string) (Enrollment, error) {
	if _, err := caller.Resolve(r.tx.Org(), access.Scope{CustomerID: customerID}); err != nil {
		return Enrollment{}, err
	}
	e, err := r.tokens.Enrollment(ctx, customerID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Enrollment{}, rule.Invalid(access.FieldCustomer, "enrolled", "customer not enabled to click to pay: customer %d is not enrolled", customerID)
	case err != nil:
		return Enrollment{}, err
	case e.OwnerBID != ownerBID:
		return Enrollment{}, rule.Invalid(field, "owner_bid", "customer %d is enrolled under another owner_bid", customerID)
	}
	return e, nil
}

// visaCard returns a Visa card of the customer; field names where the request carried its id.
func (r repos) visaCard(ctx context.Context, caller access.Caller, customerID, cardID int64, field string) (card.Card, error) {
	c, err := r.ownedCard(ctx, caller, access.Scope{CustomerID: customerID}, cardID)
	if err != nil {
		return card.Card{}, rename(err, field)
	}
	if n, _ := NetworkOf(c.Brand); n != NetworkVTS {
		return card.Card{}, rule.Invalid(field, "network", "invalid network: card %d is %s, and click to pay is Visa's", c.ID, c.Brand)
	}
	return c, nil
}

func setString(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}
