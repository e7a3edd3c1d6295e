// Package access decides who may touch what: a caller (the tenant and account its token carries) acts on an
// account of its own and that account's customers, and on the entities they own. Every domain asks here
// before it reads or changes anything, so the rules are the same for cards, PCI data, cards on file and
// tokens.
//
// Refusals name the entity in domain terms (FieldToken, FieldAccount, FieldCustomer, FieldCard); each HTTP
// adapter maps those names to the vendor's field that carried the id in that operation (a path parameter, a
// header, the Authorization header), since the same id travels in different places in different operations.
package access

import (
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
)

// Caller is who a command acts for, as its token says.
type Caller struct {
	Tenant    string
	AccountID int64 // 0 when the token carries no account
}

// Fields a refusal names, in domain terms; adapters rename them to the vendor's field names.
const (
	FieldToken    = "token"    // the caller's token
	FieldAccount  = "account"  // the account the request names
	FieldCustomer = "customer" // the customer the request names
	FieldCard     = "card"     // the card the request names
)

// Scope is the owner a request names: an account and, optionally, one of its customers. A zero AccountID
// means the caller's own account; a zero CustomerID means every customer of the account.
type Scope struct {
	AccountID  int64
	CustomerID int64
}

// Owner is an account and a customer, resolved from the tenant's reference data.
type Owner struct {
	Account  org.Account
	Customer org.Customer // zero when the scope named no customer
}

// Resolve checks that the caller holds an account token, that the scope's account is the token's and that
// the scope's customer is on it, and returns them.
func (c Caller) Resolve(o *org.Org, s Scope) (Owner, error) {
	if c.AccountID == 0 {
		return Owner{}, rule.Forbidden(FieldToken, "account_token", "this operation needs an account token: get one with an account_id")
	}
	id := s.AccountID
	if id == 0 {
		id = c.AccountID
	}
	if id != c.AccountID {
		return Owner{}, rule.Forbidden(FieldAccount, "account", "account %d is not the token's account", id)
	}
	acct, ok := o.Account(id)
	if !ok {
		return Owner{}, rule.Forbidden(FieldAccount, "account", "account %d does not exist in the token's org", id)
	}
	owner := Owner{Account: acct}
	if s.CustomerID != 0 {
		cust, ok := acct.Customer(s.CustomerID)
		if !ok {
			return Owner{}, rule.Forbidden(FieldCustomer, "customer", "customer %d is not on account %d", s.CustomerID, acct.ID)
		}
		owner.Customer = cust
	}
	return owner, nil
}

// Owns checks that an entity owned by accountID and customerID is within the caller's reach and the scope:
// it belongs to the caller's account (and to the scope's account when one is named), and to the scope's
// customer when one is named. field names the entity in the refusal.
func (c Caller) Owns(s Scope, field string, accountID, customerID int64) error {
	if c.AccountID == 0 {
		return rule.Forbidden(FieldToken, "account_token", "this operation needs an account token: get one with an account_id")
	}
	if s.AccountID != 0 && s.AccountID != c.AccountID {
		return rule.Forbidden(FieldAccount, "account", "account %d is not the token's account", s.AccountID)
	}
	if accountID != c.AccountID {
		return rule.Forbidden(field, "account", "the %s belongs to another account", field)
	}
	if s.CustomerID != 0 && customerID != s.CustomerID {
		return rule.Forbidden(FieldCustomer, "customer", "the %s belongs to another customer", field)
	}
	return nil
}
