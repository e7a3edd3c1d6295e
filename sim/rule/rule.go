// Package rule is how domain commands say no: a Violation names the kind of refusal (which the HTTP layer
// turns into the vendor's status code), the field involved and the rule broken.
package rule

import (
	"errors"
	"fmt"
)

// Kinds of refusal. Callers branch with errors.Is; the HTTP layer maps each to one status code.
var (
	ErrInvalid   = errors.New("invalid request")         // 400
	ErrForbidden = errors.New("forbidden")               // 403
	ErrNotFound  = errors.New("not found")               // 404
	ErrConflict  = errors.New("conflict with the state") // 409
	// ErrNotAcceptable is the vendor's 406 for an operation the entity's state does not accept (reset password
	// tries on a card that is neither blocked nor active).
	ErrNotAcceptable = errors.New("not acceptable") // 406
)

// Violation is a business rule the request breaks.
type Violation struct {
	Kind error
	// Field is a JSON pointer into the request body (/name) or a parameter's name (x-customer-id).
	Field string
	// Rule is a short name for what failed (required, unique, transition, account).
	Rule string
	// Message says it in a sentence an integrator can act on.
	Message string
}

func (v *Violation) Error() string { return v.Message }

// Unwrap lets errors.Is match the kind.
func (v *Violation) Unwrap() error { return v.Kind }

// Invalid is a request the contract allows but a business rule refuses.
func Invalid(field, rule, format string, args ...any) error {
	return &Violation{Kind: ErrInvalid, Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)}
}

// Forbidden is a request for something the caller's token may not touch.
func Forbidden(field, rule, format string, args ...any) error {
	return &Violation{Kind: ErrForbidden, Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)}
}

// NotFound is a request for an entity the caller's tenant does not have.
func NotFound(field, format string, args ...any) error {
	return &Violation{Kind: ErrNotFound, Field: field, Rule: "exists", Message: fmt.Sprintf(format, args...)}
}

// Conflict is a change the entity's state or a uniqueness rule forbids.
func Conflict(field, rule, format string, args ...any) error {
	return &Violation{Kind: ErrConflict, Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)}
}

// NotAcceptable is the vendor's 406: the entity's state does not accept the operation at all.
func NotAcceptable(field, rule, format string, args ...any) error {
	return &Violation{Kind: ErrNotAcceptable, Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)}
}
