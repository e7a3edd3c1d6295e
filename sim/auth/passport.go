package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"github.com/issuersim/issuersim/sim/org"
)

// ErrBadCredentials is returned for an unknown server key or a wrong secret (the vendor's 401).
var ErrBadCredentials = errors.New("invalid credentials")

// ErrUnknownAccount is returned when the requested account is not in the credential's org.
var ErrUnknownAccount = errors.New("account not in the org")

// Passport exchanges org server credentials for tokens, as the processor's /passport API does.
type Passport struct {
	authority     *Authority
	orgs          org.Directory
	defaultTenant string
}

// NewPassport returns a Passport over the directory's orgs; defaultTenant is the org a caller gets when it
// names none.
func NewPassport(a *Authority, orgs org.Directory, defaultTenant string) *Passport {
	return &Passport{authority: a, orgs: orgs, defaultTenant: defaultTenant}
}

// Grant is an issued token with what it was issued for.
type Grant struct {
	Org       org.Org
	ServerKey string
	AccountID int64
	Token     string
	Expires   time.Time
}

// Exchange checks a server key and secret and issues a token for their org, scoped to accountID when it is
// non-zero.
func (p *Passport) Exchange(ctx context.Context, serverKey, serverSecret string, accountID int64) (Grant, error) {
	orgs, err := p.orgs.Orgs(ctx)
	if err != nil {
		return Grant{}, fmt.Errorf("look up server key: %w", err)
	}
	for _, o := range orgs {
		for _, c := range o.Credentials {
			if c.ServerKey != serverKey {
				continue
			}
			if subtle.ConstantTimeCompare([]byte(c.ServerSecret), []byte(serverSecret)) != 1 {
				return Grant{}, ErrBadCredentials
			}
			return p.issue(o, serverKey, accountID)
		}
	}
	return Grant{}, ErrBadCredentials
}

// ForTenant issues a token for a tenant without credentials: the admin API's shortcut for tests.
func (p *Passport) ForTenant(ctx context.Context, tenant string, accountID int64) (Grant, error) {
	o, err := p.orgs.Org(ctx, tenant)
	if errors.Is(err, org.ErrUnknown) {
		return Grant{}, fmt.Errorf("tenant %q: %w", tenant, ErrBadCredentials)
	}
	if err != nil {
		return Grant{}, err
	}
	return p.issue(o, "", accountID)
}

// TTL is how long the tokens it issues live.
func (p *Passport) TTL() time.Duration { return p.authority.TTL() }

// DefaultTenant is the org a caller gets when it names none: the first org of the fixtures.
func (p *Passport) DefaultTenant() string { return p.defaultTenant }

func (p *Passport) issue(o org.Org, serverKey string, accountID int64) (Grant, error) {
	if accountID != 0 {
		if _, ok := o.Account(accountID); !ok {
			return Grant{}, fmt.Errorf("account %d: %w %s", accountID, ErrUnknownAccount, o.ID)
		}
	}
	subject := serverKey
	if subject == "" {
		subject = "issuersim-admin"
	}
	tok, exp, err := p.authority.Issue(o.ID, accountID, subject)
	if err != nil {
		return Grant{}, err
	}
	return Grant{Org: o, ServerKey: serverKey, AccountID: accountID, Token: tok, Expires: exp}, nil
}
