package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/issuersim/issuersim/gen/simadmin"
	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/auth"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/d1"
	"github.com/issuersim/issuersim/sim/embossing"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/fault"
	"github.com/issuersim/issuersim/sim/feed"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/scheduler"
	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/token"
	"github.com/issuersim/issuersim/sim/webhook"
)

// Admin serves the simulator's own API under /_sim (openapi/simadmin.yaml). Every operation that takes a
// tenant defaults to the first org of the fixtures.
type Admin struct {
	version   string
	clocks    *clock.Tenants
	fake      *fake.Source
	passport  *auth.Passport
	store     store.Backend
	scheduler *scheduler.Scheduler
	faults    *fault.Service
	pci       *pci.Service
	embossing *embossing.Service
	cards     *card.Service
	webhooks  *webhook.Dispatcher
	feed      *feed.Feed
	d1        *d1.Service // the D1 admin calls (admin_d1.go)
	tokens    *token.Service
}

var _ simadmin.StrictServerInterface = (*Admin)(nil)

// tenant returns the tenant a request names, or the default one, refusing a tenant the simulator does not
// hold; field names where the tenant was sent.
func (a *Admin) tenant(ctx context.Context, named *string, field string) (string, error) {
	tenant := deref(named)
	if tenant == "" {
		return a.passport.DefaultTenant(), nil
	}
	_, err := a.store.Org(ctx, tenant)
	if errors.Is(err, org.ErrUnknown) {
		return "", rule.NotFound(field, "tenant %s is not loaded; GET /_sim/fixtures lists the orgs", tenant)
	}
	if err != nil {
		return "", fmt.Errorf("look up tenant %s: %w", tenant, err)
	}
	return tenant, nil
}

// GetHealth reports that the simulator serves, and the instance's clock (where new tenants' clocks start).
func (a *Admin) GetHealth(context.Context, simadmin.GetHealthRequestObject) (simadmin.GetHealthResponseObject, error) {
	return simadmin.GetHealth200JSONResponse{Status: "ok", Version: a.version, Clock: a.clocks.Base().Now()}, nil
}

// IssueTestToken issues a token for a tenant and optionally an account, without credentials.
func (a *Admin) IssueTestToken(ctx context.Context, req simadmin.IssueTestTokenRequestObject) (simadmin.IssueTestTokenResponseObject, error) {
	tenant := deref(req.Body.Tenant)
	if tenant == "" {
		tenant = a.passport.DefaultTenant()
	}
	g, err := a.passport.ForTenant(ctx, tenant, deref(req.Body.AccountId))
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

// GetClock reports a tenant's time.
func (a *Admin) GetClock(ctx context.Context, req simadmin.GetClockRequestObject) (simadmin.GetClockResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Params.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	_, virtual := a.clocks.Virtual(tenant)
	return simadmin.GetClock200JSONResponse{Tenant: tenant, Now: a.clocks.For(tenant).Now(), Virtual: virtual}, nil
}

// AdvanceClock moves a tenant's virtual clock forward and answers once every job due by then has run.
func (a *Admin) AdvanceClock(ctx context.Context, req simadmin.AdvanceClockRequestObject) (simadmin.AdvanceClockResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Body.Tenant, "/tenant")
	if err != nil {
		return nil, err
	}
	d, err := clock.ParseAdvance(req.Body.Duration)
	switch {
	case errors.Is(err, clock.ErrTooLong):
		return nil, rule.Invalid("/duration", "maximum", "duration %q is longer than a clock moves at once: at most %s (about 292 years)", req.Body.Duration, clock.MaxAdvance)
	case err != nil:
		return nil, rule.Invalid("/duration", "duration", "duration %q must be a positive Go duration such as 90m or 36h", req.Body.Duration)
	}
	if now := a.clocks.For(tenant).Now(); now.Add(d).After(clock.LastTime) {
		return nil, rule.Invalid("/duration", "maximum", "duration %q would move the clock of %s past the year 9999, the last an RFC 3339 time writes", req.Body.Duration, tenant)
	}
	now, ran, err := a.scheduler.Advance(tenant, d)
	if errors.Is(err, scheduler.ErrRealClock) {
		return nil, rule.Conflict("/duration", "virtual_clock", "the clock is real: start the simulator with --clock <RFC3339 time> to advance it")
	}
	if err != nil {
		return nil, fmt.Errorf("advance the clock of %s: %w", tenant, err)
	}
	out := simadmin.AdvanceResult{Tenant: tenant, Now: now, Virtual: true, Ran: make([]simadmin.Job, 0, len(ran))}
	for _, r := range ran {
		j := jobOut(r.Job)
		j.State = simadmin.JobStateDone
		if r.Err != nil {
			j.State, j.Error = simadmin.JobStateFailed, ptr(r.Err.Error())
		}
		out.Ran = append(out.Ran, j)
	}
	return simadmin.AdvanceClock200JSONResponse(out), nil
}

// ListJobs returns a tenant's pending and failed jobs.
func (a *Admin) ListJobs(ctx context.Context, req simadmin.ListJobsRequestObject) (simadmin.ListJobsResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Params.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	jobs, err := a.store.Jobs(ctx, tenant)
	if err != nil {
		return nil, fmt.Errorf("list jobs of %s: %w", tenant, err)
	}
	out := simadmin.JobList{Tenant: tenant, Jobs: make([]simadmin.Job, 0, len(jobs))}
	for _, j := range jobs {
		out.Jobs = append(out.Jobs, jobOut(j))
	}
	return simadmin.ListJobs200JSONResponse(out), nil
}

// jobOut is a job as the admin API shows it: pending, or failed with its error.
func jobOut(j job.Job) simadmin.Job {
	out := simadmin.Job{Id: j.ID, Kind: j.Kind, Subject: simadmin.Subject{Kind: j.Subject.Kind, Id: j.Subject.ID},
		Due: j.Due, State: simadmin.JobStatePending}
	if j.CID != "" {
		out.Cid = &j.CID
	}
	if j.Error != "" {
		out.State, out.Error = simadmin.JobStateFailed, &j.Error
	}
	return out
}

// SeeCardAtChip simulates the card at a chip authorisation: its queued scripts are sent and end with the outcome.
func (a *Admin) SeeCardAtChip(ctx context.Context, req simadmin.SeeCardAtChipRequestObject) (simadmin.SeeCardAtChipResponseObject, error) {
	var body simadmin.ChipRequest
	if req.Body != nil {
		body = *req.Body
	}
	tenant, err := a.tenant(ctx, body.Tenant, "/tenant")
	if err != nil {
		return nil, err
	}
	outcome := pci.OutcomeApplied
	if body.Outcome != nil {
		outcome = string(*body.Outcome)
	}
	moved, err := a.pci.ChipSeen(ctx, tenant, req.CardId, outcome)
	if err != nil {
		return nil, fmt.Errorf("card %d at a chip: %w", req.CardId, err)
	}
	out := simadmin.ChipResult{Tenant: tenant, CardId: req.CardId, Scripts: make([]simadmin.ChipScript, 0, len(moved))}
	for _, sc := range moved {
		out.Scripts = append(out.Scripts, simadmin.ChipScript{CardScriptId: sc.ID, ScriptId: optionalString(sc.ScriptID),
			ScriptType: sc.Type, State: simadmin.ChipScriptState(sc.State)})
	}
	return simadmin.SeeCardAtChip200JSONResponse(out), nil
}

// CreateFault adds a fault rule to a tenant.
func (a *Admin) CreateFault(ctx context.Context, req simadmin.CreateFaultRequestObject) (simadmin.CreateFaultResponseObject, error) {
	b := req.Body
	tenant, err := a.tenant(ctx, b.Tenant, "/tenant")
	if err != nil {
		return nil, err
	}
	r := fault.Rule{Operation: string(b.Operation), Remaining: 1, Reason: deref(b.Reason)}
	if b.Count != nil {
		r.Remaining = *b.Count
	}
	if b.CardId != nil {
		r.Subject = event.CardSubject(*b.CardId)
	}
	if r, err = a.faults.Add(ctx, tenant, r); err != nil {
		return nil, fmt.Errorf("add a fault rule to %s: %w", tenant, err)
	}
	return simadmin.CreateFault201JSONResponse(faultOut(tenant, r)), nil
}

// ListFaults returns a tenant's fault rules.
func (a *Admin) ListFaults(ctx context.Context, req simadmin.ListFaultsRequestObject) (simadmin.ListFaultsResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Params.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	rules, err := a.faults.List(ctx, tenant)
	if err != nil {
		return nil, fmt.Errorf("list the fault rules of %s: %w", tenant, err)
	}
	out := simadmin.FaultList{Tenant: tenant, Faults: make([]simadmin.Fault, 0, len(rules))}
	for _, r := range rules {
		out.Faults = append(out.Faults, faultOut(tenant, r))
	}
	return simadmin.ListFaults200JSONResponse(out), nil
}

// DeleteFault removes a tenant's fault rule.
func (a *Admin) DeleteFault(ctx context.Context, req simadmin.DeleteFaultRequestObject) (simadmin.DeleteFaultResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Params.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	err = a.faults.Remove(ctx, tenant, req.Id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, rule.NotFound("id", "no fault rule %d in tenant %s", req.Id, tenant)
	}
	if err != nil {
		return nil, fmt.Errorf("remove fault rule %d of %s: %w", req.Id, tenant, err)
	}
	return simadmin.DeleteFault204Response{}, nil
}

func faultOut(tenant string, r fault.Rule) simadmin.Fault {
	out := simadmin.Fault{Id: r.ID, Tenant: tenant, Operation: r.Operation, Remaining: r.Remaining, Reason: r.Reason}
	if r.Subject != (event.Subject{}) {
		if id, err := strconv.ParseInt(r.Subject.ID, 10, 64); err == nil {
			out.CardId = &id
		}
	}
	return out
}

// ListEvents returns a tenant's events, oldest first, as enveloped.
func (a *Admin) ListEvents(ctx context.Context, req simadmin.ListEventsRequestObject) (simadmin.ListEventsResponseObject, error) {
	p := req.Params
	tenant, err := a.tenant(ctx, p.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	f, err := eventFilter(p.EventType, p.Subject, p.CardId)
	if err != nil {
		return nil, err
	}
	f.Since = deref(p.Since)
	if p.After != nil {
		f.AfterID = p.After.String()
	}
	records, err := a.store.Events(ctx, tenant, f)
	if errors.Is(err, store.ErrNotFound) {
		return nil, rule.NotFound("after", "no event %s in tenant %s", f.AfterID, tenant)
	}
	if err != nil {
		return nil, fmt.Errorf("list events of %s: %w", tenant, err)
	}
	out := simadmin.EventList{Events: make([]simadmin.Envelope, 0, len(records))}
	for _, r := range records {
		out.Events = append(out.Events, simadmin.Envelope(r.Envelope))
	}
	return simadmin.ListEvents200JSONResponse(out), nil
}

// CreateTenant adds a fresh org copied from a template org.
func (a *Admin) CreateTenant(ctx context.Context, req simadmin.CreateTenantRequestObject) (simadmin.CreateTenantResponseObject, error) {
	var in simadmin.TenantRequest
	if req.Body != nil {
		in = *req.Body
	}
	template := deref(in.Template)
	if template == "" {
		template = a.passport.DefaultTenant()
	}
	o, err := org.NewTenant(ctx, a.store, a.fake, template, deref(in.Name))
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
func (a *Admin) ListFixtures(ctx context.Context, _ simadmin.ListFixturesRequestObject) (simadmin.ListFixturesResponseObject, error) {
	orgs, err := a.store.Orgs(ctx)
	if err != nil {
		return nil, fmt.Errorf("list orgs: %w", err)
	}
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

// RejectEmbossedCard feeds an embosser's rejection of a card in an embossing file (card_rejection-1).
func (a *Admin) RejectEmbossedCard(ctx context.Context, req simadmin.RejectEmbossedCardRequestObject) (simadmin.RejectEmbossedCardResponseObject, error) {
	var body simadmin.RejectionRequest
	if req.Body != nil {
		body = *req.Body
	}
	tenant, err := a.tenant(ctx, body.Tenant, "/tenant")
	if err != nil {
		return nil, err
	}
	rej := embossing.Rejection{ErrorCode: deref(body.ErrorCode), ErrorDescription: deref(body.ErrorDescription),
		ErrorMessage: deref(body.ErrorMessage), ErrorType: deref(body.ErrorType), FieldCode: deref(body.FieldCode),
		FieldDescription: deref(body.FieldDescription)}
	if err := a.embossing.Reject(ctx, tenant, req.CardId, rej); err != nil {
		return nil, fmt.Errorf("reject card %d: %w", req.CardId, vendorFields{access.FieldCard: "cardId"}.rename(err))
	}
	return simadmin.RejectEmbossedCard204Response{}, nil
}

// MigrateCardType turns a RECURRING card into a VIRTUAL one (update_type-1).
func (a *Admin) MigrateCardType(ctx context.Context, req simadmin.MigrateCardTypeRequestObject) (simadmin.MigrateCardTypeResponseObject, error) {
	var body simadmin.TenantOnly
	if req.Body != nil {
		body = *req.Body
	}
	tenant, err := a.tenant(ctx, body.Tenant, "/tenant")
	if err != nil {
		return nil, err
	}
	if _, err := a.cards.MigrateType(ctx, tenant, req.CardId); err != nil {
		return nil, fmt.Errorf("migrate the type of card %d: %w", req.CardId, vendorFields{access.FieldCard: "cardId"}.rename(err))
	}
	return simadmin.MigrateCardType204Response{}, nil
}
