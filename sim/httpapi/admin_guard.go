package httpapi

import (
	"crypto/subtle"
	"net/http"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/issuersim/issuersim/sim/auth"
)

// adminScheme is the security scheme of the admin API (openapi/simadmin.yaml).
const adminScheme = "AdminToken"

// adminGuard keeps the admin API (/_sim) to whoever holds the admin token. The admin API mints tokens for any
// tenant and lists every org's credentials: that is what a test on the same machine needs, and what nobody
// else on a network should get. An empty token leaves it open, as it is on a loopback address.
type adminGuard struct {
	token string
}

// check refuses a request whose Authorization header does not carry the admin token; it compares in constant
// time, and never says how a wrong token differs.
func (a adminGuard) check(r *http.Request) error {
	if a.token == "" {
		return nil
	}
	sent, err := auth.Bearer(r.Header.Get("Authorization"))
	if err == nil && subtle.ConstantTimeCompare([]byte(sent), []byte(a.token)) == 1 {
		return nil
	}
	rule, msg := "admin_token", "Authorization: the admin token is wrong"
	if err != nil {
		rule, msg = tokenRule(err), "Authorization: "+err.Error()
	}
	return &Problem{Status: http.StatusUnauthorized, Code: "unauthorized",
		Message: "the admin API needs the admin token off loopback: send Authorization: Bearer <token>, the token of serve --admin-token or the one serve printed at start",
		Errors:  []FieldError{{Field: "Authorization", In: "header", Rule: rule, Message: msg}}}
}

// needsAdmin reports whether an operation's security requirements name the admin token.
func needsAdmin(security openapi3.SecurityRequirements) bool {
	return slices.ContainsFunc(security, func(req openapi3.SecurityRequirement) bool {
		_, ok := req[adminScheme]
		return ok
	})
}
