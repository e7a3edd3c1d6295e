package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/issuersim/issuersim/gen/simadmin"
	"github.com/issuersim/issuersim/sim/auth"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store/memory"
)

// Admin serves the simulator's own API under /_sim (openapi/simadmin.yaml).
type Admin struct {
	version  string
	clock    clock.Clock
	fake     *fake.Source
	passport *auth.Passport
	store    *memory.Store
}

var _ simadmin.StrictServerInterface = (*Admin)(nil)

// GetHealth reports that the simulator serves.
func (a *Admin) GetHealth(context.Context, simadmin.GetHealthRequestObject) (simadmin.GetHealthResponseObject, error) {
	return simadmin.GetHealth200JSONResponse{Status: "ok", Version: a.version, Clock: a.clock.Now()}, nil
}

// IssueTestToken issues a token for a tenant and optionally an account, without credentials.
func (a *Admin) IssueTestToken(_ context.Context, req simadmin.IssueTestTokenRequestObject) (simadmin.IssueTestTokenResponseObject, error) {
	tenant := deref(req.Body.Tenant)
	if tenant == "" {
		tenant = a.passport.DefaultTenant()
	}
	g, err := a.passport.ForTenant(tenant, deref(req.Body.AccountId))
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		return nil, rule.NotFound("/tenant", "tenant %s is not loaded; GET /_sim/fixtures lists the orgs", tenant)
	case errors.Is(err, auth.ErrUnknownAccount):
		return nil, rule.NotFound("/account_id", "account %d is not in tenant %s", deref(req.Body.AccountId), tenant)
	case err != nil:
		return nil, fmt.Errorf("issue test token: %w", err)
	}
	resp := simadmin.TokenResponse{Token: g.Token, Tenant: g.Org.ID, ExpiresAt: g.Expires}
	if g.AccountID != 0 {
		resp.AccountId = &g.AccountID
	}
	return simadmin.IssueTestToken200JSONResponse(resp), nil
}

// GetClock reports the simulator's time.
func (a *Admin) GetClock(context.Context, simadmin.GetClockRequestObject) (simadmin.GetClockResponseObject, error) {
	_, virtual := a.clock.(*clock.Virtual)
	return simadmin.GetClock200JSONResponse{Now: a.clock.Now(), Virtual: virtual}, nil
}

// AdvanceClock moves the virtual clock forward, running every job that falls due.
func (a *Admin) AdvanceClock(_ context.Context, req simadmin.AdvanceClockRequestObject) (simadmin.AdvanceClockResponseObject, error) {
	v, ok := a.clock.(*clock.Virtual)
	if !ok {
		return nil, rule.Conflict("/duration", "virtual_clock", "the clock is real: start the simulator with --clock <RFC3339 time> to advance it")
	}
	d, err := time.ParseDuration(req.Body.Duration)
	if err != nil || d <= 0 {
		return nil, rule.Invalid("/duration", "duration", "duration %q must be a positive Go duration such as 90m or 36h", req.Body.Duration)
	}
	return simadmin.AdvanceClock200JSONResponse{Now: v.Advance(d), Virtual: true}, nil
}

// ListEvents returns a tenant's events, oldest first, as enveloped.
func (a *Admin) ListEvents(_ context.Context, req simadmin.ListEventsRequestObject) (simadmin.ListEventsResponseObject, error) {
	p := req.Params
	tenant := deref(p.Tenant)
	if tenant == "" {
		tenant = a.passport.DefaultTenant()
	}
	f := memory.EventFilter{Type: deref(p.EventType), CardID: deref(p.CardId)}
	if p.After != nil {
		f.AfterID = p.After.String()
	}
	records, err := a.store.Events(tenant, f)
	switch {
	case errors.Is(err, memory.ErrUnknownTenant):
		return nil, rule.NotFound("tenant", "tenant %s is not loaded", tenant)
	case errors.Is(err, memory.ErrUnknownEvent):
		return nil, rule.NotFound("after", "no event %s in tenant %s", f.AfterID, tenant)
	}
	if err != nil {
		return nil, fmt.Errorf("list events of %s: %w", tenant, err)
	}
	out := simadmin.EventList{Events: make([]simadmin.Envelope, 0, len(records))}
	for _, r := range records {
		if p.Since != nil && r.Time.Before(*p.Since) {
			continue
		}
		out.Events = append(out.Events, simadmin.Envelope(r.Envelope))
	}
	return simadmin.ListEvents200JSONResponse(out), nil
}

// CreateTenant adds a fresh org copied from a template org.
func (a *Admin) CreateTenant(_ context.Context, req simadmin.CreateTenantRequestObject) (simadmin.CreateTenantResponseObject, error) {
	var in simadmin.TenantRequest
	if req.Body != nil {
		in = *req.Body
	}
	template := deref(in.Template)
	if template == "" {
		template = a.passport.DefaultTenant()
	}
	o, err := org.NewTenant(a.store, a.fake, template, deref(in.Name))
	if errors.Is(err, org.ErrUnknown) {
		return nil, rule.NotFound("/template", "template org %s is not loaded; GET /_sim/fixtures lists the orgs", template)
	}
	if err != nil {
		return nil, fmt.Errorf("create tenant: %w", err)
	}
	b, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("encode org %s: %w", o.ID, err)
	}
	return simadmin.CreateTenant201JSONResponse{Tenant: o.ID, Org: b}, nil
}

// ListFixtures returns every org the simulator holds.
func (a *Admin) ListFixtures(context.Context, simadmin.ListFixturesRequestObject) (simadmin.ListFixturesResponseObject, error) {
	orgs := a.store.Orgs()
	out := simadmin.Fixtures{Orgs: make([]json.RawMessage, 0, len(orgs))}
	for _, o := range orgs {
		b, err := json.Marshal(o)
		if err != nil {
			return nil, fmt.Errorf("encode org %s: %w", o.ID, err)
		}
		out.Orgs = append(out.Orgs, b)
	}
	return simadmin.ListFixtures200JSONResponse(out), nil
}
