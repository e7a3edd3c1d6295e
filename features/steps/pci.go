package steps

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/cucumber/godog"

	"github.com/issuersim/issuersim/gen/simadminclient"
	"github.com/issuersim/issuersim/sim/pinblock"
)

// The fixtures' zone PIN key: the vendor's published sandbox key and its id.
const (
	sandboxKeyID = "7d14ca2e-1057-11ee-8cee-060f666de710"
	sandboxZPK   = "0404F2543B1C6E70AB61586E1304B6A7"
)

// The PCI steps: PINs, PIN blocks, CVV rotation and issuer scripts, in the integrator's words. The PIN and
// PAN a step handles never reach an error message.
func (s *Steps) registerPCI(sc *godog.ScenarioContext) {
	sc.Step(`^I have an? "([^"]*)" card named "([^"]*)" for customer (\d+) whose CVV rotates every (\d+) hours$`, s.haveRotatingCard)
	sc.Step(`^I change the card's PIN to "(\d+)"( and sync it to the chip)?$`, s.changePIN)
	sc.Step(`^I set the card's PIN to "(\d+)" with a PIN block (for another card )?under the sandbox key$`, s.pinBlock)
	sc.Step(`^the card's PIN is "(\d+)"$`, s.pinIs)
	sc.Step(`^I rotate the card's CVV$`, s.rotateCVV)
	sc.Step(`^I queue the issuer script "([^"]*)" for the card$`, s.queueScript)
	sc.Step(`^I queue a PIN update script "([^"]*)" setting the PIN "(\d+)"$`, s.queuePINScript)
	sc.Step(`^the card is seen at a chip authorisation(?: where the scripts (fail|are canceled))?$`, s.chipSeen)
}

// pci reads the card's PCI info with the scenario's token; the read does not replace the last response.
func (s *Steps) pciInfo(ctx context.Context) (map[string]any, error) {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return nil, err
	}
	last := st.last
	defer func() { st.last = last }()
	ex, err := s.do(ctx, st, "GET", fmt.Sprintf("/pcicards/v2/pcicards/info/%d", c.id), nil, nil)
	if err != nil {
		return nil, err
	}
	var info map[string]any
	if ex.status != http.StatusOK || json.Unmarshal(ex.body, &info) != nil {
		return nil, fmt.Errorf("expected the PCI info of card %d (200), but the answer was %d", c.id, ex.status)
	}
	return info, nil
}

func (s *Steps) haveRotatingCard(ctx context.Context, typ, name string, customer int64, hours int) error {
	body, _ := json.Marshal(map[string]any{"type": typ, "name": name, "cvv_rotation_interval_hours": hours})
	ex, err := s.create(ctx, customer, body)
	if err != nil {
		return err
	}
	if ex.status != http.StatusCreated {
		return fmt.Errorf("expected the %s card %q to be created (201), but %s", typ, name, ex)
	}
	return nil
}

func (s *Steps) changePIN(ctx context.Context, pin, sync string) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"pin": pin, "sync_offline_pin": sync != ""})
	_, err = s.do(ctx, st, "PUT", fmt.Sprintf("/pcicards/v2/pcicards/card/%d", c.id), body, nil)
	return err
}

// pinBlock builds the ISO 9564 format-0 block of the PIN for the card's PAN, enciphers it under the sandbox
// ZPK, and sends it.
// "for another card" builds the block for a PAN that is not the card's (the fixtures' sandbox test PAN), which
// the processor must refuse.
func (s *Steps) pinBlock(ctx context.Context, pin, another string) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	info, err := s.pciInfo(ctx)
	if err != nil {
		return err
	}
	pan, _ := info["card_number"].(string)
	if another != "" {
		pan = otherPAN(pan)
	}
	clear, err := pinblock.Format0(pin, pan)
	if err != nil {
		return fmt.Errorf("build the PIN block: %w", err)
	}
	key, _ := hex.DecodeString(sandboxZPK)
	block, err := pinblock.Encrypt(clear, key)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"pinblock": block.String(), "key_id": sandboxKeyID})
	_, err = s.do(ctx, st, "PUT", fmt.Sprintf("/pcicards/v1/pcicards/%d/pinblock", c.id), body, nil)
	return err
}

// pinIs reads the card's PIN and compares it; the read does not replace the last response.
func (s *Steps) pinIs(ctx context.Context, want string) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	last := st.last
	defer func() { st.last = last }()
	ex, err := s.do(ctx, st, "GET", fmt.Sprintf("/pcicards/v2/pcicards/password/%d", c.id), nil, nil)
	if err != nil {
		return err
	}
	var out struct {
		PIN string `json:"pin"`
	}
	if ex.status != http.StatusOK || json.Unmarshal(ex.body, &out) != nil {
		return fmt.Errorf("expected the PIN of card %d (200), but the answer was %d", c.id, ex.status)
	}
	if out.PIN != want {
		return fmt.Errorf("expected card %d's PIN to be the one set, but it is another (%d digits)", c.id, len(out.PIN))
	}
	return nil
}

func (s *Steps) rotateCVV(ctx context.Context) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	_, err = s.do(ctx, st, "POST", fmt.Sprintf("/pcicards/v2/pcicards/cvv/%d/reset", c.id), []byte(`{}`), nil)
	return err
}

func (s *Steps) queueScript(ctx context.Context, script string) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"script_id": script})
	_, err = s.do(ctx, st, "POST", fmt.Sprintf("/pcicards/v1/pcicards/%d/scripts", c.id), body, http.Header{"X-Account-Id": {strconv.FormatInt(c.account, 10)}})
	return err
}

func (s *Steps) queuePINScript(ctx context.Context, script, pin string) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"script_id": script, "pin": pin})
	_, err = s.do(ctx, st, "POST", fmt.Sprintf("/pcicards/v1/pcicards/%d/scripts/pin-update", c.id), body, http.Header{"X-Account-Id": {strconv.FormatInt(c.account, 10)}})
	return err
}

// chipSeen has the simulator send the card's queued scripts at a chip authorisation, with the outcome.
func (s *Steps) chipSeen(ctx context.Context, outcome string) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body := simadminclient.ChipRequest{Tenant: &st.tenant}
	switch outcome {
	case "fail":
		o := simadminclient.ChipOutcomeFailed
		body.Outcome = &o
	case "are canceled":
		o := simadminclient.ChipOutcomeCanceled
		body.Outcome = &o
	}
	r, err := s.admin.SeeCardAtChipWithResponse(ctx, c.id, body)
	if err != nil {
		return fmt.Errorf("card %d at a chip: %w", c.id, err)
	}
	if r.JSON200 == nil {
		return fmt.Errorf("expected card %d at a chip (200), but POST /_sim/cards/%d/chip answered %d %s", c.id, c.id, r.StatusCode(), r.Body)
	}
	return nil
}

// otherPAN returns a PAN of the same length that differs from pan in its account digits, so a PIN block built
// for it does not decipher to the card's PIN.
func otherPAN(pan string) string {
	if len(pan) < 13 {
		return pan
	}
	b := []byte(pan)
	i := len(b) - 2 // the last account digit, before the check digit
	b[i] = '0' + (b[i]-'0'+5)%10
	return string(b)
}
