package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/cucumber/godog"
)

// The cards-on-file steps: store a card in the account's wallet, validate it with the charged amount, suspend
// it; and the admin's type migration. The stored card the scenario made last is "the stored card"; the PAN a
// step sends never reaches an error message.
func (s *Steps) registerCardsOnFile(sc *godog.ScenarioContext) {
	sc.Step(`^I store the card "(\d{12,19})" expiring "(\d{4})" on file( without validation)?$`, s.storeCard)
	sc.Step(`^I start a validation of the stored card with (\d+) tries$`, s.startValidation)
	sc.Step(`^I answer the validation with the charged amount$`, s.answerRight)
	sc.Step(`^I answer the validation with a wrong amount$`, s.answerWrong)
	sc.Step(`^I (suspend|reactivate) the stored card$`, s.suspendStored)
	sc.Step(`^the stored card's status is "([^"]*)"$`, s.storedStatus)
	sc.Step(`^the stored card is no longer on file$`, s.storedGone)
	sc.Step(`^the stored card's events are "([^"]*)"$`, s.storedEvents)
	sc.Step(`^the last "([^"]*)" event for the stored card has:$`, s.storedEventTable)
	sc.Step(`^the processor migrates the card to VIRTUAL$`, s.migrateType)
	sc.Step(`^the migration is refused$`, s.migrationRefused)
}

func (s *Steps) storeCard(ctx context.Context, pan, exp, skip string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"card_name": "Stored", "name": "ADA LOVELACE", "pan": pan, "cvv": "123", "expiration_date": exp})
	path := "/cardsonfile/v3/cardsonfile/cards"
	if skip != "" {
		path += "?skip_validation=true"
	}
	ex, err := s.do(ctx, st, "POST", path, body, nil)
	if err != nil || ex.status != http.StatusOK {
		return err
	}
	var out struct {
		UUID string `json:"card_stored_uuid"`
	}
	if err := json.Unmarshal(ex.body, &out); err != nil || out.UUID == "" {
		return fmt.Errorf("expected a stored card's uuid, but the answer was %d", ex.status)
	}
	st.stored = out.UUID
	return nil
}

func (st *scenario) storedCard() (string, error) {
	if st.stored == "" {
		return "", errors.New("the scenario has not stored a card on file: start with \"I store the card …\"")
	}
	return st.stored, nil
}

func (s *Steps) startValidation(ctx context.Context, tries int) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	id, err := st.storedCard()
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]int{"remaining_tries": tries})
	ex, err := s.do(ctx, st, "POST", "/cardsonfile/v2/cardsonfile/cards/"+id+"/validations", body, nil)
	if err != nil || ex.status != http.StatusCreated {
		return err
	}
	var v struct {
		UUID string `json:"uuid"`
	}
	if err := json.Unmarshal(ex.body, &v); err != nil || v.UUID == "" {
		return fmt.Errorf("expected a validation with a uuid, but %s", ex)
	}
	st.validation = v.UUID
	return nil
}

// chargedAmount reads the validation's amount without replacing the last response.
func (s *Steps) chargedAmount(ctx context.Context, st *scenario) (float64, string, error) {
	id, err := st.storedCard()
	if err != nil {
		return 0, "", err
	}
	if st.validation == "" {
		return 0, "", errors.New("the scenario has not started a validation")
	}
	base := "/cardsonfile/v2/cardsonfile/cards/" + id + "/validations/" + st.validation
	last := st.last
	defer func() { st.last = last }()
	ex, err := s.do(ctx, st, "GET", base+"/amount", nil, nil)
	if err != nil {
		return 0, "", err
	}
	var a struct {
		Amount float64 `json:"validation_amount"`
	}
	if ex.status != http.StatusOK || json.Unmarshal(ex.body, &a) != nil {
		return 0, "", fmt.Errorf("expected the validation's amount (200), but %s", ex)
	}
	return a.Amount, base + "/tries", nil
}

func (s *Steps) answer(ctx context.Context, offset float64) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	amount, path, err := s.chargedAmount(ctx, st)
	if err != nil {
		return err
	}
	if amount+offset > 5 {
		offset = -offset
	}
	body, _ := json.Marshal(map[string]float64{"amount": amount + offset})
	_, err = s.do(ctx, st, "POST", path, body, nil)
	return err
}

func (s *Steps) answerRight(ctx context.Context) error { return s.answer(ctx, 0) }
func (s *Steps) answerWrong(ctx context.Context) error { return s.answer(ctx, 0.5) }

func (s *Steps) suspendStored(ctx context.Context, verb string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	id, err := st.storedCard()
	if err != nil {
		return err
	}
	status := "SUSPENDED"
	if verb == "reactivate" {
		status = "ACTIVE"
	}
	body, _ := json.Marshal(map[string]string{"card_stored_uuid": id, "status": status})
	_, err = s.do(ctx, st, "PATCH", "/cardsonfile/v3/cardsonfile/cards", body, nil) // the path seed 000 names
	return err
}

// storedGet reads the stored card without replacing the last response.
func (s *Steps) storedGet(ctx context.Context) (*exchange, error) {
	st, err := state(ctx)
	if err != nil {
		return nil, err
	}
	id, err := st.storedCard()
	if err != nil {
		return nil, err
	}
	last := st.last
	defer func() { st.last = last }()
	return s.do(ctx, st, "GET", "/cardsonfile/v2/cardsonfile/cards/"+id, nil, nil)
}

func (s *Steps) storedStatus(ctx context.Context, want string) error {
	ex, err := s.storedGet(ctx)
	if err != nil {
		return err
	}
	var cards []struct {
		Status string `json:"card_status"`
	}
	if ex.status != http.StatusOK || json.Unmarshal(ex.body, &cards) != nil || len(cards) != 1 {
		return fmt.Errorf("expected the stored card (200, one card), but the answer was %d", ex.status)
	}
	if cards[0].Status != want {
		return fmt.Errorf("expected the stored card to be %s, got %s", want, cards[0].Status)
	}
	return nil
}

func (s *Steps) storedGone(ctx context.Context) error {
	ex, err := s.storedGet(ctx)
	if err != nil {
		return err
	}
	if ex.status != http.StatusBadRequest {
		return fmt.Errorf("expected the stored card to be gone (400), but the answer was %d", ex.status)
	}
	return nil
}

// storedCardEvents lists the events of the stored card, by its subject.
func (s *Steps) storedCardEvents(ctx context.Context) ([]map[string]any, error) {
	st, err := state(ctx)
	if err != nil {
		return nil, err
	}
	id, err := st.storedCard()
	if err != nil {
		return nil, err
	}
	return s.subjectEvents(ctx, st, "card_on_file:"+id)
}

func (s *Steps) storedEvents(ctx context.Context, want string) error {
	evs, err := s.storedCardEvents(ctx)
	if err != nil {
		return err
	}
	return matchSequence("the stored card's", evs, want)
}

func (s *Steps) storedEventTable(ctx context.Context, eventType string, table *godog.Table) error {
	evs, err := s.storedCardEvents(ctx)
	if err != nil {
		return err
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i]["event_type"] == eventType {
			st, _ := state(ctx)
			return checkEventTable(st, evs[i], eventType, table)
		}
	}
	return fmt.Errorf("expected a %s event for the stored card, but none was emitted", eventType)
}

func (s *Steps) migrateType(ctx context.Context) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"tenant": st.tenant})
	_, err = s.do(ctx, st, "POST", fmt.Sprintf("/_sim/cards/%d/type-migration", c.id), body, nil)
	return err
}

// migrationRefused checks the processor refused the last type migration (a 4xx naming why).
func (s *Steps) migrationRefused(ctx context.Context) error {
	_, ex, err := lastExchange(ctx)
	if err != nil {
		return err
	}
	if ex.status < 400 || ex.status > 499 {
		return fmt.Errorf("expected the type migration to be refused (4xx), but %s", ex)
	}
	return nil
}
