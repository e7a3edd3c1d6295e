package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/cucumber/godog"

	"github.com/issuersim/issuersim/gen/simadminclient"
)

// The noname bulk and embossing steps. Bulk operations take an org token, which the scenario keeps beside
// its account token, so a scenario can make a bulk and bind its cards to an account's customers.
func (s *Steps) registerBulks(sc *godog.ScenarioContext) {
	sc.Step(`^I create a noname bulk of program (\d+) for the external ids "([^"]*)"$`, s.createBulk)
	sc.Step(`^I add the external ids "([^"]*)" to the bulk$`, s.incrementBulk)
	sc.Step(`^I start the bulk$`, s.startBulk)
	sc.Step(`^I cancel the whole bulk$`, s.cancelBulk)
	sc.Step(`^I cancel the external ids "([^"]*)" of the bulk$`, s.cancelBulkItems)
	sc.Step(`^the card of the external id "([^"]*)" is the card$`, s.bulkCard)
	sc.Step(`^I queue the card for the next embossing$`, s.queueEmbossing)
	sc.Step(`^I move the card to the embossing group "([^"]*)"$`, s.embossingGroup)
	sc.Step(`^the embosser rejects the card with code "([^"]*)" for the field "([^"]*)"$`, s.rejectCard)
	sc.Step(`^I resend the card for embossing$`, s.reemboss)
	sc.Step(`^the last "([^"]*)" event of the tenant has:$`, s.lastTenantEventTable)
}

// orgToken returns the scenario's org token, asking for one the first time.
func (s *Steps) orgToken(ctx context.Context, st *scenario) (http.Header, error) {
	if st.orgToken == "" {
		tenant := st.tenant
		r, err := s.admin.IssueTestTokenWithResponse(ctx, simadminclient.TokenRequest{Tenant: &tenant})
		if err != nil {
			return nil, fmt.Errorf("an org token: %w", err)
		}
		if r.JSON200 == nil {
			return nil, fmt.Errorf("expected an org token, but POST /_sim/tokens answered %d %s", r.StatusCode(), r.Body)
		}
		st.orgToken = r.JSON200.Token
	}
	return http.Header{"Authorization": {"Bearer " + st.orgToken}}, nil
}

// bulkRequest sends a bulk operation with the org token.
func (s *Steps) bulkRequest(ctx context.Context, method, path string, body any) (*scenario, *exchange, error) {
	st, err := state(ctx)
	if err != nil {
		return nil, nil, err
	}
	h, err := s.orgToken(ctx, st)
	if err != nil {
		return nil, nil, err
	}
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	ex, err := s.do(ctx, st, method, path, raw, h)
	return st, ex, err
}

func ids(list string) []string {
	var out []string
	for p := range strings.SplitSeq(list, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Steps) createBulk(ctx context.Context, program int64, externalIDs string) error {
	st, ex, err := s.bulkRequest(ctx, "POST", "/cards/v1/bulks", map[string]any{"program_id": program, "external_ids": ids(externalIDs)})
	if err != nil || ex.status != http.StatusCreated {
		return err
	}
	var b struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(ex.body, &b); err != nil || b.ID == "" {
		return fmt.Errorf("expected a bulk with an id, but %s", ex)
	}
	st.bulk = b.ID
	return nil
}

func (s *Steps) bulkPath(ctx context.Context, verb string) (string, error) {
	st, err := state(ctx)
	if err != nil {
		return "", err
	}
	if st.bulk == "" {
		return "", errors.New("the scenario has not created a bulk: start with \"I create a noname bulk …\"")
	}
	return "/cards/v1/bulks/" + st.bulk + verb, nil
}

func (s *Steps) incrementBulk(ctx context.Context, externalIDs string) error {
	path, err := s.bulkPath(ctx, "")
	if err != nil {
		return err
	}
	_, _, err = s.bulkRequest(ctx, "PUT", path, map[string]any{"external_ids": ids(externalIDs)})
	return err
}

func (s *Steps) startBulk(ctx context.Context) error {
	path, err := s.bulkPath(ctx, "/start")
	if err != nil {
		return err
	}
	_, _, err = s.bulkRequest(ctx, "POST", path, nil)
	return err
}

func (s *Steps) cancelBulk(ctx context.Context) error {
	path, err := s.bulkPath(ctx, "/cancel")
	if err != nil {
		return err
	}
	_, _, err = s.bulkRequest(ctx, "POST", path, map[string]any{"cancel_type": "FULL"})
	return err
}

func (s *Steps) cancelBulkItems(ctx context.Context, externalIDs string) error {
	path, err := s.bulkPath(ctx, "/cancel")
	if err != nil {
		return err
	}
	_, _, err = s.bulkRequest(ctx, "POST", path, map[string]any{"cancel_type": "PARTIAL", "external_ids": ids(externalIDs)})
	return err
}

// tenantEvents lists the scenario tenant's events of a type.
func (s *Steps) tenantEvents(ctx context.Context, eventType string) ([]map[string]any, error) {
	st, err := state(ctx)
	if err != nil {
		return nil, err
	}
	return s.listEvents(ctx, simadminclient.ListEventsParams{Tenant: &st.tenant, EventType: &eventType}, "the "+eventType+" events")
}

// bulkCard makes the card the bulk made for an external id the scenario's card, found by its create-1.
func (s *Steps) bulkCard(ctx context.Context, externalID string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	evs, err := s.tenantEvents(ctx, "create-1")
	if err != nil {
		return err
	}
	for _, e := range evs {
		data, _ := e["data"].(map[string]any)
		if data["bulk_id"] == st.bulk && data["external_id"] == externalID {
			id, _ := data["card_id"].(float64)
			st.cards = append(st.cards, card{id: int64(id), tenant: st.tenant})
			return nil
		}
	}
	return fmt.Errorf("expected a create-1 of bulk %s for the external id %q: start the bulk and let the clock run first", st.bulk, externalID)
}

func (s *Steps) queueEmbossing(ctx context.Context) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	_, err = s.do(ctx, st, "PUT", fmt.Sprintf("/embossing/v1/cards/%d/embossing", c.id), nil, nil)
	return err
}

func (s *Steps) embossingGroup(ctx context.Context, group string) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"embossing_group": group})
	_, err = s.do(ctx, st, "PATCH", fmt.Sprintf("/embossing/v1/cards/%d", c.id), body, nil)
	return err
}

func (s *Steps) rejectCard(ctx context.Context, code, field string) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"tenant": st.tenant, "error_code": code, "field_description": field})
	ex, err := s.do(ctx, st, "POST", fmt.Sprintf("/_sim/cards/%d/embossing-rejection", c.id), body, nil)
	if err != nil {
		return err
	}
	if ex.status != http.StatusNoContent {
		return fmt.Errorf("expected the embosser's rejection to be taken (204), but %s", ex)
	}
	return nil
}

func (s *Steps) reemboss(ctx context.Context) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string][]int64{"cards": {c.id}})
	_, err = s.do(ctx, st, "POST", "/embossing/v1/cards/reembossing", body, nil)
	return err
}

func (s *Steps) lastTenantEventTable(ctx context.Context, eventType string, table *godog.Table) error {
	evs, err := s.tenantEvents(ctx, eventType)
	if err != nil {
		return err
	}
	if len(evs) == 0 {
		return fmt.Errorf("expected a %s event in the tenant, but none was emitted", eventType)
	}
	st, _ := state(ctx)
	return checkEventTable(st, evs[len(evs)-1], eventType, table)
}
