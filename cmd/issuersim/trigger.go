package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/issuersim/issuersim/gen/simadminclient"
)

const triggerHelp = `Usage: issuersim trigger <flow> [flags]

Runs a named flow against a running simulator, as an integrator's client would (tokens from the admin API,
then the processor's own endpoints), and prints the events it caused. On a virtual clock it advances the
tenant's clock by a second so the flow's asynchronous steps run. issuersim trigger --list names the flows.

Examples:
  issuersim trigger card.blocked
  issuersim trigger bulk.started --tenant TN-5a1f3c2e-8d4b-4f6a-9c3e-2b7d1e0f4a58

Flags:
`

// flow is a named sequence of calls a trigger runs.
type flow struct {
	name, does string
	run        func(ctx context.Context, t *triggerer) error
}

var flows = []flow{
	{"card.created", "create a VIRTUAL card (create-1)", func(ctx context.Context, t *triggerer) error {
		_, err := t.virtualCard(ctx)
		return err
	}},
	{"card.blocked", "create a VIRTUAL card and block it (create-1, update-1)", func(ctx context.Context, t *triggerer) error {
		c, err := t.virtualCard(ctx)
		if err != nil {
			return err
		}
		return t.call(ctx, "PUT", fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/%d/status", c.customer, c.account, c.id), c.token, nil, map[string]any{"status": "BLOCKED"}, nil)
	}},
	{"pin.changed", "create a VIRTUAL card and change its PIN (create-1, update_password-1)", func(ctx context.Context, t *triggerer) error {
		c, err := t.virtualCard(ctx)
		if err != nil {
			return err
		}
		return t.call(ctx, "PUT", fmt.Sprintf("/pcicards/v2/pcicards/card/%d", c.id), c.token, nil, map[string]any{"pin": "2468"}, nil)
	}},
	{"plastic.activated", "create a PLASTIC card and activate it (create-1, embossing_card_ingress-1, update-1)", func(ctx context.Context, t *triggerer) error {
		c, err := t.plasticCard(ctx)
		if err != nil {
			return err
		}
		return t.call(ctx, "PUT", fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/%d/activate", c.customer, c.account, c.id), c.token, customer(c.customer), nil, nil)
	}},
	{"bulk.started", "create a noname bulk of two cards and start it (create-1 and embossing_card_ingress-1 per card)", func(ctx context.Context, t *triggerer) error {
		org, err := t.token(ctx, 0)
		if err != nil {
			return err
		}
		var b struct {
			ID string `json:"id"`
		}
		suffix := fmt.Sprint(time.Now().UnixNano())
		if err := t.call(ctx, "POST", "/cards/v1/bulks", org, nil, map[string]any{"program_id": t.program, "external_ids": []string{"T1-" + suffix, "T2-" + suffix}}, &b); err != nil {
			return err
		}
		return t.call(ctx, "POST", "/cards/v1/bulks/"+b.ID+"/start", org, nil, nil, nil)
	}},
	{"card-on-file.stored", "store a card on file, validated (provision-1, verification-1)", func(ctx context.Context, t *triggerer) error {
		tok, err := t.token(ctx, t.account)
		if err != nil {
			return err
		}
		return t.call(ctx, "POST", "/cardsonfile/v3/cardsonfile/cards", tok, nil, map[string]any{"card_name": "trigger", "name": "ADA LOVELACE",
			"pan": luhnPAN(fmt.Sprint(time.Now().UnixNano() % 1e9)), "cvv": "123", "expiration_date": "1239"}, nil)
	}},
}

// trigger runs a named flow against a running simulator and prints the events it caused.
func trigger(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var list bool
	name := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	a, c, err := openAdmin("trigger", args, getenv, stderr, true, func(fs *flag.FlagSet) {
		fs.BoolVar(&list, "list", false, "list the flows")
		withHelp(fs, triggerHelp)
	})
	if err != nil || c == nil {
		return err
	}
	if list || name == "" {
		for _, f := range flows {
			fmt.Fprintf(stdout, "  %-22s %s\n", f.name, f.does)
		}
		if name == "" && !list {
			return fmt.Errorf("name a flow: issuersim trigger <flow>")
		}
		return nil
	}
	i := slices.IndexFunc(flows, func(f flow) bool { return f.name == name })
	if i < 0 {
		return fmt.Errorf("no flow %q; issuersim trigger --list names them", name)
	}
	t, err := newTriggerer(ctx, a, c)
	if err != nil {
		return err
	}
	before, err := latestEvent(ctx, c, a.tenantParam())
	if err != nil {
		return err
	}
	if err := flows[i].run(ctx, t); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if t.virtual {
		if r, err := c.AdvanceClockWithResponse(ctx, simadminclient.AdvanceRequest{Tenant: a.tenantParam(), Duration: "1s"}); err != nil || r.JSON200 == nil {
			return fmt.Errorf("%s: advance the clock for the flow's jobs: %v", name, err)
		}
	}
	p := &simadminclient.ListEventsParams{Tenant: a.tenantParam()}
	evs, err := c.ListEventsWithResponse(ctx, p)
	if err != nil || evs.JSON200 == nil {
		return fmt.Errorf("%s: list the events it caused: %v", name, err)
	}
	fmt.Fprintf(stdout, "%s: %s\n", name, flows[i].does)
	started := before == ""
	for _, raw := range evs.JSON200.Events {
		_, _, _, id := describe(raw)
		if started {
			fmt.Fprintln(stdout, "  "+eventLine(raw))
		}
		if id == before {
			started = true
		}
	}
	return nil
}

// triggerer runs a flow's calls against the simulator at --url, for a tenant and its first account.
type triggerer struct {
	admin    *simadminclient.ClientWithResponses
	base     string
	tenant   string
	account  int64
	program  int64
	accounts []fixtureAccount
	virtual  bool
	http     *http.Client
}

type fixtureAccount struct {
	ID        int64 `json:"id"`
	ProgramID int64 `json:"program_id"`
	Customers []struct {
		ID      int64 `json:"id"`
		IsOwner bool  `json:"is_owner"`
	} `json:"customers"`
}

// newTriggerer reads the tenant's accounts from the fixtures and whether its clock is virtual.
func newTriggerer(ctx context.Context, a adminFlags, c *simadminclient.ClientWithResponses) (*triggerer, error) {
	t := &triggerer{admin: c, base: strings.TrimRight(a.url, "/"), http: &http.Client{Timeout: 30 * time.Second}}
	clk, err := c.GetClockWithResponse(ctx, &simadminclient.GetClockParams{Tenant: a.tenantParam()})
	if err != nil || clk.JSON200 == nil {
		return nil, fmt.Errorf("read the tenant's clock: %v", err)
	}
	t.tenant, t.virtual = clk.JSON200.Tenant, clk.JSON200.Virtual
	fx, err := c.ListFixturesWithResponse(ctx)
	if err != nil || fx.JSON200 == nil {
		return nil, fmt.Errorf("read the fixtures: %v", err)
	}
	for _, raw := range fx.JSON200.Orgs {
		var o struct {
			ID       string           `json:"id"`
			Accounts []fixtureAccount `json:"accounts"`
		}
		if json.Unmarshal(raw, &o) == nil && o.ID == t.tenant {
			t.accounts = o.Accounts
		}
	}
	if len(t.accounts) == 0 || len(t.accounts[0].Customers) == 0 {
		return nil, fmt.Errorf("tenant %s has no account with a customer in its fixtures", t.tenant)
	}
	t.account, t.program = t.accounts[0].ID, t.accounts[0].ProgramID
	return t, nil
}

// token asks the admin API for a token of the tenant; account 0 is an org token.
func (t *triggerer) token(ctx context.Context, account int64) (string, error) {
	req := simadminclient.TokenRequest{Tenant: &t.tenant}
	if account != 0 {
		req.AccountId = &account
	}
	r, err := t.admin.IssueTestTokenWithResponse(ctx, req)
	if err != nil || r.JSON200 == nil {
		return "", fmt.Errorf("a token for account %d: %v", account, err)
	}
	return r.JSON200.Token, nil
}

// issued is a card a flow made, with the token and ids its later calls need.
type issued struct {
	id, account, customer int64
	token                 string
}

func customer(id int64) map[string]string { return map[string]string{"x-customer-id": fmt.Sprint(id)} }

// virtualCard creates a VIRTUAL card with a fresh name for the first account's first customer.
func (t *triggerer) virtualCard(ctx context.Context) (issued, error) {
	acct := t.accounts[0]
	return t.card(ctx, acct, acct.Customers[0].ID, map[string]any{"type": "VIRTUAL", "name": fmt.Sprint("trigger ", time.Now().UnixNano())})
}

// plasticCard creates a PLASTIC card for the first customer without a live one.
func (t *triggerer) plasticCard(ctx context.Context) (issued, error) {
	var last error
	for _, acct := range t.accounts {
		for _, cust := range acct.Customers {
			c, err := t.card(ctx, acct, cust.ID, map[string]any{"type": "PLASTIC", "name": "PLASTIC"})
			if err == nil {
				return c, nil
			}
			last = err
		}
	}
	return issued{}, fmt.Errorf("every customer of the tenant has a live PLASTIC card: %w", last)
}

func (t *triggerer) card(ctx context.Context, acct fixtureAccount, cust int64, body map[string]any) (issued, error) {
	tok, err := t.token(ctx, acct.ID)
	if err != nil {
		return issued{}, err
	}
	var out struct {
		ID int64 `json:"id"`
	}
	if err := t.call(ctx, "POST", "/wallet/v2/cards", tok, customer(cust), body, &out); err != nil {
		return issued{}, err
	}
	return issued{id: out.ID, account: acct.ID, customer: cust, token: tok}, nil
}

// call sends one request to the simulator and decodes a 2xx answer into out; anything else is an error
// quoting the answer.
func (t *triggerer) call(ctx context.Context, method, path, token string, headers map[string]string, body, out any) error {
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := t.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return answerError(method+" "+path, resp.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// luhnPAN makes a Luhn-valid test Visa number ending in the digits given.
func luhnPAN(digits string) string {
	body := "4" + strings.Repeat("0", 14-len(digits)) + digits
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return body + fmt.Sprint((10-sum%10)%10)
}
