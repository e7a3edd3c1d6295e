package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/token"
)

// tokenTable keeps a tenant's network tokens by id, indexed by card. The document holds the token's number
// and any OTP themselves (encode.go).
var tokenTable = newTable[int64, token.Token]("network_tokens", index[token.Token]{col: "card", key: token.Token.CardKey})

// tokenSettingsTable keeps each card's tokenization settings by card id.
var tokenSettingsTable = newTable[int64, token.Settings]("token_settings")

// enrollmentTable keeps each customer's Click to Pay enrollment by customer id.
var enrollmentTable = newTable[int64, token.Enrollment]("click_to_pay_enrollments")

var _ token.Store = (*Store)(nil)

// Tokens returns the token repository of a transaction this store began.
func (s *Store) Tokens(tx store.Tx) token.Repository { return tokens{tx.(*Tx)} }

type tokens struct{ tx *Tx }

func (r tokens) Get(ctx context.Context, id int64) (token.Token, error) {
	t, ok, err := tokenTable.read(ctx, r.tx, id)
	if err == nil && !ok {
		err = fmt.Errorf("token %d in tenant %s: %w", id, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return t, err
}

func (r tokens) Put(ctx context.Context, t token.Token) error {
	if err := r.tx.writable(fmt.Sprintf("put token %d", t.ID)); err != nil {
		return err
	}
	return tokenTable.write(ctx, r.tx, t.ID, t)
}

func (r tokens) NextID(context.Context) (int64, error) { return r.tx.next("token") }

func (r tokens) ByCard(ctx context.Context, cardID int64) ([]token.Token, error) {
	return tokenTable.scan(ctx, r.tx, "card", strconv.FormatInt(cardID, 10))
}

func (r tokens) Settings(ctx context.Context, cardID int64) (token.Settings, error) {
	s, ok, err := tokenSettingsTable.read(ctx, r.tx, cardID)
	if err != nil || ok {
		return s, err
	}
	return token.Settings{CardID: cardID}, nil
}

func (r tokens) PutSettings(ctx context.Context, s token.Settings) error {
	if err := r.tx.writable(fmt.Sprintf("put the token settings of card %d", s.CardID)); err != nil {
		return err
	}
	return tokenSettingsTable.write(ctx, r.tx, s.CardID, s)
}

func (r tokens) Enrollment(ctx context.Context, customerID int64) (token.Enrollment, error) {
	e, ok, err := enrollmentTable.read(ctx, r.tx, customerID)
	if err == nil && !ok {
		err = fmt.Errorf("click to pay enrollment of customer %d in tenant %s: %w", customerID, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return e, err
}

func (r tokens) PutEnrollment(ctx context.Context, e token.Enrollment) error {
	if err := r.tx.writable(fmt.Sprintf("put the click to pay enrollment of customer %d", e.CustomerID)); err != nil {
		return err
	}
	return enrollmentTable.write(ctx, r.tx, e.CustomerID, e)
}

func (r tokens) DeleteEnrollment(ctx context.Context, customerID int64) error {
	if err := r.tx.writable(fmt.Sprintf("delete the click to pay enrollment of customer %d", customerID)); err != nil {
		return err
	}
	return enrollmentTable.delete(ctx, r.tx, customerID)
}
