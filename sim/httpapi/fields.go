package httpapi

import (
	"errors"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/rule"
)

// vendorFields maps the entities a domain refusal names (access.FieldAccount, FieldCustomer, FieldCard) to the
// vendor's field that carried that id in one operation: the same customer id is the x-customer-id header when
// a card is created and the customerId path parameter when its status changes. The caller's token is always
// the Authorization header.
type vendorFields map[string]string

// rename gives a refusal the vendor's field name, so the error answer names the field the integrator sent.
func (f vendorFields) rename(err error) error {
	var v *rule.Violation
	if !errors.As(err, &v) {
		return err
	}
	if v.Field == access.FieldToken {
		v.Field = "Authorization"
	} else if name, ok := f[v.Field]; ok {
		v.Field = name
	}
	return err
}
