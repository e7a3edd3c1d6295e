package memory

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/token"
)

// tokenTable keeps a tenant's network tokens by id, indexed by card.
var tokenTable = &schema[int64, token.Token]{
	name:    "network tokens",
	clone:   token.Token.Clone,
	indexes: []index[token.Token]{{name: "card", key: token.Token.CardKey}},
}

// tokenSettingsTable keeps each card's tokenization settings by card id.
var tokenSettingsTable = &schema[int64, token.Settings]{name: "token settings", clone: token.Settings.Clone}

// enrollmentTable keeps each customer's Click to Pay enrollment by customer id.
var enrollmentTable = &schema[int64, token.Enrollment]{name: "click to pay enrollments", clone: token.Enrollment.Clone}

var _ token.Store = (*Store)(nil)

// Tokens returns the token repository of a transaction this store began.
func (s *Store) Tokens(tx store.Tx) token.Repository { return tokens{tx.(*Tx)} }

type tokens struct{ tx *Tx }

func (r tokens) Get(_ context.Context, id int64) (token.Token, error) {
	t, ok := open(r.tx, tokenTable).get(id)
	if !ok {
		return token.Token{}, fmt.Errorf("token %d in tenant %s: %w", id, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return t, nil
}

func (r tokens) Put(_ context.Context, t token.Token) error {
	if err := r.tx.writable(fmt.Sprintf("put token %d", t.ID)); err != nil {
		return err
	}
	open(r.tx, tokenTable).put(t.ID, t)
	return nil
}

func (r tokens) NextID(context.Context) (int64, error) { return r.tx.next("token") }

func (r tokens) ByCard(_ context.Context, cardID int64) ([]token.Token, error) {
	return slices.Collect(open(r.tx, tokenTable).scan("card", strconv.FormatInt(cardID, 10))), nil
}

func (r tokens) Settings(_ context.Context, cardID int64) (token.Settings, error) {
	if s, ok := open(r.tx, tokenSettingsTable).get(cardID); ok {
		return s, nil
	}
	return token.Settings{CardID: cardID}, nil
}

func (r tokens) PutSettings(_ context.Context, s token.Settings) error {
	if err := r.tx.writable(fmt.Sprintf("put the token settings of card %d", s.CardID)); err != nil {
		return err
	}
	open(r.tx, tokenSettingsTable).put(s.CardID, s)
	return nil
}

func (r tokens) Enrollment(_ context.Context, customerID int64) (token.Enrollment, error) {
	e, ok := open(r.tx, enrollmentTable).get(customerID)
	if !ok {
		return token.Enrollment{}, fmt.Errorf("click to pay enrollment of customer %d in tenant %s: %w", customerID, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return e, nil
}

func (r tokens) PutEnrollment(_ context.Context, e token.Enrollment) error {
	if err := r.tx.writable(fmt.Sprintf("put the click to pay enrollment of customer %d", e.CustomerID)); err != nil {
		return err
	}
	open(r.tx, enrollmentTable).put(e.CustomerID, e)
	return nil
}

func (r tokens) DeleteEnrollment(_ context.Context, customerID int64) error {
	if err := r.tx.writable(fmt.Sprintf("delete the click to pay enrollment of customer %d", customerID)); err != nil {
		return err
	}
	open(r.tx, enrollmentTable).remove(customerID)
	return nil
}
