package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/cucumber/godog"

	"github.com/issuersim/issuersim/gen/simadminclient"
)

// The card lifecycle's steps beyond create and status: update, activation, reissue, password tries,
// validity, reissue reasons and bind. Each names the operation in the integrator's words and keeps the
// response for the checks that follow.
func (s *Steps) registerLifecycle(sc *godog.ScenarioContext) {
	sc.Step(`^I have an? "([^"]*)" card named "([^"]*)" for customer (\d+), valid for (\d+) hours$`, s.haveCardValidFor)
	sc.Step(`^I update the card with:$`, s.updateCard)
	sc.Step(`^I activate the card$`, s.activate)
	sc.Step(`^the card has been activated$`, s.haveActivated)
	sc.Step(`^I reissue the card for reason (\d+)$`, s.reissueByID)
	sc.Step(`^I reissue the card for the reason "([^"]*)"$`, s.reissueByName)
	sc.Step(`^the cardholder enters (\d+) wrong PINs?$`, s.wrongPINs)
	sc.Step(`^I reset the card's password tries$`, s.resetTries)
	sc.Step(`^I renew the card's validity for (\d+) hours$`, s.renewValidity)
	sc.Step(`^I remove the card's validity$`, s.removeValidity)
	sc.Step(`^I create a reissue reason "([^"]*)" that (must|need not) block the card$`, s.createReason)
	sc.Step(`^I disable the reissue reason "([^"]*)"$`, s.disableReason)
	sc.Step(`^the reissue reasons list "([^"]*)" as (enabled|disabled)$`, s.reasonListed)
	sc.Step(`^I bind the card to customer (\d+)$`, s.bind)
	sc.Step(`^I make the card a combination card$`, s.addMode)
	sc.Step(`^I move the card to program (\d+)$`, s.migrate)
	sc.Step(`^I opt the card (in to|out of) the automatic updater$`, s.automaticUpdater)
	sc.Step(`^I reset the card's transaction counter$`, s.resetATC)
	sc.Step(`^the processor will fail the next call of "([^"]*)" for the card with "([^"]*)"$`, s.failNext)
	sc.Step(`^the processor will fail the next creation of a card with "([^"]*)"$`, s.failNextCreation)
	sc.Step(`^I create an? "([^"]*)" card without a name for customer (\d+)$`, s.createWithoutName)
	sc.Step(`^I rename the card "([^"]*)"$`, s.rename)
	sc.Step(`^the card is "([^"]*)"$`, s.cardIs)
	sc.Step(`^the change from "([^"]*)" to "([^"]*)" is (allowed|refused)$`, s.changeVerdict)
}

// cardPath is the path of a card operation under its customer and account.
func cardPath(c card, verb string) string {
	return fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/%d/%s", c.customer, c.account, c.id, verb)
}

func (s *Steps) haveCardValidFor(ctx context.Context, typ, name string, customer int64, hours int) error {
	body, _ := json.Marshal(map[string]any{"type": typ, "name": name, "validity_period_hours": hours})
	ex, err := s.create(ctx, customer, body)
	if err != nil {
		return err
	}
	if ex.status != http.StatusCreated {
		return fmt.Errorf("expected the %s card %q valid for %d hours to be created (201), but %s", typ, name, hours, ex)
	}
	return nil
}

// updateCard sends a PATCH of the card with the table's fields: contactless_enabled and abu_enabled are
// booleans, metadata a JSON object, every other field text.
func (s *Steps) updateCard(ctx context.Context, table *godog.Table) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body := map[string]any{}
	for _, row := range table.Rows {
		if len(row.Cells) != 2 {
			return fmt.Errorf("each row of the table names a field and its value; got %d cells", len(row.Cells))
		}
		field, value := row.Cells[0].Value, st.expand(row.Cells[1].Value)
		switch field {
		case "contactless_enabled", "abu_enabled":
			b, err := strconv.ParseBool(value)
			if err != nil {
				return fmt.Errorf("%s must be true or false, got %q", field, value)
			}
			body[field] = b
		case "metadata":
			var m map[string]any
			if err := json.Unmarshal([]byte(value), &m); err != nil {
				return fmt.Errorf("metadata must be a JSON object: %w", err)
			}
			body[field] = m
		default:
			body[field] = value
		}
	}
	raw, _ := json.Marshal(body)
	_, err = s.do(ctx, st, "PATCH", fmt.Sprintf("/wallet/v2/cards/%d", c.id), raw, customerHeader(c.customer))
	return err
}

func (s *Steps) activate(ctx context.Context) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	_, err = s.do(ctx, st, "PUT", cardPath(c, "activate"), nil, customerHeader(c.customer))
	return err
}

func (s *Steps) haveActivated(ctx context.Context) error {
	if err := s.activate(ctx); err != nil {
		return err
	}
	return s.expectLast(ctx, http.StatusOK, "the card to be activated")
}

// expectLast fails unless the last response has the status.
func (s *Steps) expectLast(ctx context.Context, status int, what string) error {
	_, ex, err := lastExchange(ctx)
	if err != nil {
		return err
	}
	if ex.status != status {
		return fmt.Errorf("expected %s (%d), but %s", what, status, ex)
	}
	return nil
}

// reissue sends a reissue of the card for the reason; when it answers 200 the new card becomes the card, and
// the old one the previous card.
func (s *Steps) reissue(ctx context.Context, reason int64) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"reason_id": reason})
	ex, err := s.do(ctx, st, "POST", cardPath(c, "reissue"), body, nil)
	if err != nil || ex.status != http.StatusOK {
		return err
	}
	var out struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(ex.body, &out); err != nil || out.ID == 0 {
		return fmt.Errorf("expected the new card's id, but %s", ex)
	}
	if out.ID != c.id {
		fresh := c
		fresh.id = out.ID
		st.cards = append(st.cards, fresh)
	}
	return nil
}

func (s *Steps) reissueByID(ctx context.Context, reason int64) error { return s.reissue(ctx, reason) }

func (s *Steps) reissueByName(ctx context.Context, name string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	id, ok := st.reasons[name]
	if !ok {
		return fmt.Errorf("the scenario has not created a reissue reason %q", name)
	}
	return s.reissue(ctx, id)
}

// wrongPINs counts n wrong PINs on the card, asking the processor to block it at the program's limit.
func (s *Steps) wrongPINs(ctx context.Context, n int) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body := []byte(`{"block_card_exceeds_counter":true}`)
	for i := range n {
		ex, err := s.do(ctx, st, "POST", fmt.Sprintf("/wallet/v2/cards/%d/password-tries/increase", c.id), body, nil)
		if err != nil {
			return err
		}
		if ex.status != http.StatusOK {
			return fmt.Errorf("wrong PIN %d of %d: expected 200, but %s", i+1, n, ex)
		}
	}
	return nil
}

func (s *Steps) resetTries(ctx context.Context) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	_, err = s.do(ctx, st, "POST", fmt.Sprintf("/wallet/v2/cards/%d/password-tries/reset", c.id), nil, nil)
	return err
}

func (s *Steps) renewValidity(ctx context.Context, hours int) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]int{"validity_period_hours": hours})
	_, err = s.do(ctx, st, "PATCH", fmt.Sprintf("/wallet/v2/cards/%d/validity/renew", c.id), body, nil)
	return err
}

func (s *Steps) removeValidity(ctx context.Context) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	_, err = s.do(ctx, st, "DELETE", fmt.Sprintf("/wallet/v2/cards/%d/validity", c.id), nil, nil)
	return err
}

// createReason creates a reissue reason and remembers its id under its description.
func (s *Steps) createReason(ctx context.Context, description, block string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"description": description, "must_block": block == "must", "must_charge": false})
	ex, err := s.do(ctx, st, "POST", "/cards/v1/reissue/reasons", body, nil)
	if err != nil {
		return err
	}
	var out struct {
		ID int64 `json:"id"`
	}
	if ex.status != http.StatusCreated || json.Unmarshal(ex.body, &out) != nil || out.ID == 0 {
		return fmt.Errorf("expected the reissue reason %q to be created (201), but %s", description, ex)
	}
	if st.reasons == nil {
		st.reasons = map[string]int64{}
	}
	st.reasons[description] = out.ID
	return nil
}

func (s *Steps) disableReason(ctx context.Context, description string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	id, ok := st.reasons[description]
	if !ok {
		return fmt.Errorf("the scenario has not created a reissue reason %q", description)
	}
	_, err = s.do(ctx, st, "PATCH", fmt.Sprintf("/cards/v1/reissue/reasons/%d", id), []byte(`{"enabled":false}`), nil)
	if err != nil {
		return err
	}
	return s.expectLast(ctx, http.StatusOK, fmt.Sprintf("the reissue reason %q to be disabled", description))
}

// reasonListed reads the reissue reasons and checks one is there with the state; it leaves the last response
// alone.
func (s *Steps) reasonListed(ctx context.Context, description, enabled string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	last := st.last
	defer func() { st.last = last }()
	ex, err := s.do(ctx, st, "GET", "/wallet/v1/cards/reissue/reasons", nil, nil)
	if err != nil {
		return err
	}
	var list []struct {
		Description string `json:"description"`
		Enabled     bool   `json:"enabled"`
	}
	if ex.status != http.StatusOK || json.Unmarshal(ex.body, &list) != nil {
		return fmt.Errorf("expected the reissue reasons, but %s", ex)
	}
	for _, r := range list {
		if r.Description == description {
			if r.Enabled != (enabled == "enabled") {
				return fmt.Errorf("expected reissue reason %q to be %s: %s", description, enabled, ex)
			}
			return nil
		}
	}
	return fmt.Errorf("expected reissue reason %q among %s", description, ex)
}

// bind asks for the card to be bound to a customer of the scenario's account.
func (s *Steps) bind(ctx context.Context, customer int64) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	if st.account == 0 {
		return errors.New("the scenario has no account token: start with \"I have an account token for account …\"")
	}
	h := customerHeader(customer)
	h.Set("x-account-id", strconv.FormatInt(st.account, 10))
	ex, err := s.do(ctx, st, "PUT", fmt.Sprintf("/wallet/v2/cards/%d/noname/bind", c.id), nil, h)
	if err != nil {
		return err
	}
	if ex.status == http.StatusAccepted && c.account == 0 {
		// The bind completes asynchronously; from now on the card is read back as its new owner's.
		st.cards[len(st.cards)-1].account, st.cards[len(st.cards)-1].customer = st.account, customer
	}
	return nil
}

// failNext adds a fault rule for the scenario's tenant: the next call of the operation on the card fails
// with the reason.
func (s *Steps) failNext(ctx context.Context, operation, reason string) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	card := c.id
	op := simadminclient.FaultRequestOperation(operation)
	if !op.Valid() {
		return fmt.Errorf("%q is not an operation fault rules apply to", operation)
	}
	r, err := s.admin.CreateFaultWithResponse(ctx, simadminclient.FaultRequest{Tenant: &st.tenant, Operation: op, CardId: &card, Reason: &reason})
	if err != nil {
		return fmt.Errorf("add a fault rule: %w", err)
	}
	if r.JSON201 == nil {
		return fmt.Errorf("expected a fault rule (201), but POST /_sim/faults answered %d %s", r.StatusCode(), r.Body)
	}
	return nil
}

func (s *Steps) addMode(ctx context.Context) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	_, err = s.do(ctx, st, "POST", fmt.Sprintf("/wallet/v2/cards/%d/modes", c.id), nil, customerHeader(c.customer))
	return err
}

func (s *Steps) migrate(ctx context.Context, program int64) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]int64{"new_program_id": program})
	_, err = s.do(ctx, st, "PATCH", fmt.Sprintf("/wallet/v2/cards/%d/program-migration", c.id), body, customerHeader(c.customer))
	return err
}

func (s *Steps) automaticUpdater(ctx context.Context, direction string) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	verb := "opt-in"
	if direction == "out of" {
		verb = "opt-out"
	}
	_, err = s.do(ctx, st, "POST", fmt.Sprintf("/cards/v1/automatic-updater/%d/%s", c.id, verb), nil, nil)
	return err
}

func (s *Steps) resetATC(ctx context.Context) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	_, err = s.do(ctx, st, "POST", fmt.Sprintf("/wallet/v2/cards/%d/atc/reset", c.id), nil, nil)
	return err
}

// failNextCreation adds a fault rule for the tenant's next card creation.
func (s *Steps) failNextCreation(ctx context.Context, reason string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	r, err := s.admin.CreateFaultWithResponse(ctx, simadminclient.FaultRequest{Tenant: &st.tenant, Operation: simadminclient.CreateCard, Reason: &reason})
	if err != nil {
		return fmt.Errorf("add a fault rule: %w", err)
	}
	if r.JSON201 == nil {
		return fmt.Errorf("expected a fault rule (201), but POST /_sim/faults answered %d %s", r.StatusCode(), r.Body)
	}
	return nil
}

func (s *Steps) createWithoutName(ctx context.Context, typ string, customer int64) error {
	body, _ := json.Marshal(map[string]string{"type": typ})
	_, err := s.create(ctx, customer, body)
	return err
}

func (s *Steps) rename(ctx context.Context, name string) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"name": name})
	_, err = s.do(ctx, st, "PATCH", fmt.Sprintf("/wallet/v2/cards/%d", c.id), body, customerHeader(c.customer))
	return err
}

// readStatus reads the card's status back with a token of its account; the read leaves the last response alone.
func (s *Steps) readStatus(ctx context.Context, c card) (string, error) {
	tok, _, err := s.token(ctx, c.tenant, c.account)
	if err != nil {
		return "", err
	}
	ex, err := s.do(ctx, &scenario{token: tok}, "GET", fmt.Sprintf("/wallet/v1/cards/%d", c.id), nil, customerHeader(c.customer))
	if err != nil {
		return "", err
	}
	var got struct {
		Status string `json:"status"`
	}
	if ex.status != http.StatusOK || json.Unmarshal(ex.body, &got) != nil {
		return "", fmt.Errorf("expected to read card %d back, but %s", c.id, ex)
	}
	return got.Status, nil
}

// cardIs brings the card to a status by one status change, unless it has it already.
func (s *Steps) cardIs(ctx context.Context, status string) error {
	_, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	now, err := s.readStatus(ctx, c)
	if err != nil || now == status {
		return err
	}
	return s.haveStatus(ctx, status)
}

// changeVerdict checks the outcome of the scenario's last status change against the lifecycle's verdict: an
// allowed change answers 200, moves the card and announces it (update-1 from the old status to the new); a
// refused one answers 409 naming the transition, and leaves the card and its events as they were.
func (s *Steps) changeVerdict(ctx context.Context, from, to, verdict string) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	last := st.last
	events := "create-1"
	if from != "NORMAL" {
		events += ", update-1"
	}
	wantStatus := from
	if verdict == "allowed" {
		events += ", update-1"
		wantStatus = to
		if err := s.expectLast(ctx, http.StatusOK, fmt.Sprintf("the change from %s to %s to be allowed", from, to)); err != nil {
			return err
		}
	} else {
		if err := s.expectLast(ctx, http.StatusConflict, fmt.Sprintf("the change from %s to %s to be refused", from, to)); err != nil {
			return err
		}
		if err := s.responseFault(ctx, "/status", "transition"); err != nil {
			return err
		}
	}
	got, err := s.readStatus(ctx, c)
	if err != nil {
		return err
	}
	if got != wantStatus {
		return fmt.Errorf("expected the card to be %s after the %s change from %s to %s, but it is %s", wantStatus, verdict, from, to, got)
	}
	if err := s.eventSequence(ctx, "", events); err != nil {
		return err
	}
	if verdict == "allowed" {
		ev, err := s.lastEvent(ctx, "update-1", "")
		if err != nil {
			return err
		}
		for field, want := range map[string]string{"operation_type": "UPDATE_STATUS_PUT", "card_status": to, "card_previous_status": from} {
			if err := checkEventField(ev, "update-1", field, want); err != nil {
				return err
			}
		}
	}
	st.last = last
	return nil
}
