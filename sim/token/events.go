package token

import (
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/event"
)

// The token events belong to the processor's cards-tokenization event domain.
const domain = "cards-tokenization"

// Call is a network message, as notification-1's network_call_method names it (and, for refusals, as
// notification_refusal-1 does).
type Call string

// The network messages the simulator plays. MDES names its messages by their two-letter codes; VTS by
// method. The ISO_MDES_ values name a refused MDES message, as the vendor's refusal examples do.
const (
	CallTE Call = "TE" // MDES tokenization eligibility
	CallTA Call = "TA" // MDES tokenization authorization
	CallAC Call = "AC" // MDES activation code (the OTP to deliver)
	CallTC Call = "TC" // MDES tokenization complete: the token is active
	CallTV Call = "TV" // MDES token event: a status change

	CallVTSApprove        Call = "VTS_APPROVE_PROVISIONING"
	CallVTSApproveISO     Call = "VTS_APPROVE_PROVISIONING_ISO"
	CallVTSGetCVM         Call = "VTS_GET_CVM"
	CallVTSPasscode       Call = "VTS_PASSCODE"
	CallVTSTokenCreated   Call = "VTS_TOKEN_CREATED"
	CallVTSOTPResult      Call = "VTS_STATUS_UPDATED_OTP_VERIFICATION_RESULT"
	CallVTSSuspend        Call = "VTS_STATUS_UPDATED_TOKEN_SUSPEND"
	CallVTSResume         Call = "VTS_STATUS_UPDATED_TOKEN_RESUME"
	CallVTSDeactivated    Call = "VTS_STATUS_UPDATED_TOKEN_DEACTIVATED"
	CallVTSCallCenter     Call = "VTS_STATUS_UPDATED_CALL_CENTER_ACTIVATION"
	CallVTSActivationSTIP Call = "VTS_TOKEN_ACTIVATION_STIP"
	CallVTSDeviceBinding  Call = "VTS_DEVICE_BINDING"
	CallVTSBindingRemoved Call = "VTS_STATUS_UPDATED_TOKEN_DEVICE_BINDING_REMOVED"

	CallRefusedTE Call = "ISO_MDES_TE"
	CallRefusedTA Call = "ISO_MDES_TA"
)

// challengePayload is notification-1's send_challenge.
type challengePayload struct {
	OTPValue  string `json:"otp_value"`
	OTPMethod string `json:"otp_method"`
}

// notificationPayload is notification-1's data. token_id and send_challenge are optional: absent before the
// token exists and when there is no OTP to deliver.
type notificationPayload struct {
	AccountID         *int64            `json:"account_id"`
	CardID            int64             `json:"card_id"`
	NetworkCallMethod Call              `json:"network_call_method"`
	NetworkData       map[string]any    `json:"network_data"`
	TokenID           *int64            `json:"token_id,omitempty"`
	SendChallenge     *challengePayload `json:"send_challenge,omitempty"`
}

// cardNotification returns the notification-1 of a network message about a card, before any token exists.
func cardNotification(c card.Card, call Call, data map[string]any) event.Event {
	p := notificationPayload{AccountID: account(c.AccountID), CardID: c.ID, NetworkCallMethod: call, NetworkData: data}
	return event.Event{Domain: domain, Name: "notification", Version: 1, Subject: c.Subject(), Data: p}
}

// notification returns the notification-1 of a network message about a token.
func notification(t Token, call Call, data map[string]any) event.Event {
	id := t.ID
	p := notificationPayload{AccountID: account(t.AccountID), CardID: t.CardID, NetworkCallMethod: call, NetworkData: data, TokenID: &id}
	if call == CallAC || call == CallVTSPasscode {
		p.SendChallenge = &challengePayload{OTPValue: t.Challenge.OTP.Reveal(), OTPMethod: t.Challenge.Method}
	}
	return event.Event{Domain: domain, Name: "notification", Version: 1, Subject: t.Subject(), Data: p}
}

// sendChallengePayload is send_challenge-1's data.
type sendChallengePayload struct {
	CardID   int64  `json:"card_id"`
	OTPType  string `json:"otp_type"`
	OTPValue string `json:"otp_value"`
	TokenID  int64  `json:"token_id"`
}

// sendChallenge returns the send_challenge-1 that asks the issuer to deliver the token's OTP: OTPSMS or
// OTPEMAIL, as the vendor's otp_type examples write the method.
func sendChallenge(t Token) event.Event {
	p := sendChallengePayload{CardID: t.CardID, OTPType: "OTP" + t.Challenge.Method, OTPValue: t.Challenge.OTP.Reveal(), TokenID: t.ID}
	return event.Event{Domain: domain, Name: "send_challenge", Version: 1, Subject: t.Subject(), Data: p}
}

// refusalPayload is notification_refusal-1's data.
type refusalPayload struct {
	AccountID         *int64         `json:"account_id"`
	CardID            *int64         `json:"card_id"`
	CustomCodes       []string       `json:"custom_codes"`
	NetworkCallMethod Call           `json:"network_call_method"`
	NetworkData       map[string]any `json:"network_data"`
	TokenID           *int64         `json:"token_id"`
	PismoResponse     map[string]any `json:"pismo_response"`
}

// refusal returns the notification_refusal-1 of a provisioning the processor declined before any token
// existed: token_id is null, as the vendor allows for such refusals.
func refusal(c card.Card, call Call, codes []string, data, answer map[string]any) event.Event {
	id := c.ID
	p := refusalPayload{AccountID: account(c.AccountID), CardID: &id, CustomCodes: codes, NetworkCallMethod: call, NetworkData: data, PismoResponse: answer}
	return event.Event{Domain: domain, Name: "notification_refusal", Version: 1, Subject: c.Subject(), Data: p}
}

// panUpdatePayload is pan_update-1's data.
type panUpdatePayload struct {
	AccountID      int64   `json:"account_id"`
	OldCardID      int64   `json:"old_card_id"`
	NewCardID      int64   `json:"new_card_id"`
	MigratedTokens []int64 `json:"migrated_tokens"`
	Status         string  `json:"status"`
}

// panUpdated returns the pan_update-1 that tells a PAN update finished: the tokens moved from the old card to
// the new one. Its subject is the old card, the one the request named.
func panUpdated(accountID, oldCard, newCard int64, moved []int64) event.Event {
	if moved == nil {
		moved = []int64{}
	}
	p := panUpdatePayload{AccountID: accountID, OldCardID: oldCard, NewCardID: newCard, MigratedTokens: moved, Status: "SUCCESS"}
	return event.Event{Domain: domain, Name: "pan_update", Version: 1, Subject: event.CardSubject(oldCard), Data: p}
}

// account is an account id as the events carry it: null for a card without an account.
func account(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
