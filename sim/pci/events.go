package pci

import (
	"strconv"
	"time"

	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/event"
)

// The card events the PCI operations cause, in the card domain's "cards" event domain.
const domain = "cards"

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// passwordPayload is update_password-1's data. template_id is left out: the schema types it as an integer and
// the vendor's template ids are strings (pismo.md G6).
type passwordPayload struct {
	AccountID             int64    `json:"account_id"`
	ProgramID             int64    `json:"program_id"`
	CardID                int64    `json:"card_id"`
	CardName              string   `json:"card_name"`
	CardPrintedName       string   `json:"card_printed_name"`
	CardType              string   `json:"card_type"`
	CardStatus            string   `json:"card_status"`
	IssuingDate           string   `json:"issuing_date"`
	ExpirationDate        string   `json:"expiration_date"`
	Status                string   `json:"status"`
	AbuEnabled            bool     `json:"abu_enabled"`
	BulkID                *string  `json:"bulk_id,omitempty"`
	CardHash              *string  `json:"card_hash,omitempty"`
	CardLastFourNumbers   *string  `json:"card_last_four_numbers,omitempty"`
	ContactlessEnabled    bool     `json:"contactless_enabled"`
	CustomerID            int64    `json:"customer_id"`
	EmbossingCustomFields *string  `json:"embossing_custom_fields,omitempty"`
	ExternalID            *string  `json:"external_id,omitempty"`
	ReissuedCardID        *int64   `json:"reissued_card_id,omitempty"`
	TransactionLimit      *float64 `json:"transaction_limit,omitempty"`
}

// PasswordChanged returns the update_password-1 event of a card whose PIN changed.
func PasswordChanged(c card.Card) event.Event {
	p := passwordPayload{
		AccountID: c.AccountID, ProgramID: c.ProgramID, CardID: c.ID, CardName: c.Name, CardPrintedName: c.PrintedName,
		CardType: string(c.Type), CardStatus: c.Status.EventName(), IssuingDate: timestamp(c.IssuingDate),
		ExpirationDate: timestamp(c.ExpirationDate), Status: "SUCCESS", AbuEnabled: c.AbuEnabled, BulkID: c.BulkID,
		CardHash: optional(c.Hash), CardLastFourNumbers: optional(c.LastFour), ContactlessEnabled: c.ContactlessEnabled,
		CustomerID: c.CustomerID, EmbossingCustomFields: c.EmbossingCustomField, ExternalID: c.ExternalID,
		ReissuedCardID: c.ReissuedCardID,
	}
	if c.TransactionLimit != nil {
		if f, err := strconv.ParseFloat(*c.TransactionLimit, 64); err == nil {
			p.TransactionLimit = &f
		}
	}
	return event.Event{Domain: domain, Name: "update_password", Version: 1, Subject: c.Subject(), Data: p}
}

// Rotation types and operations of rotate_cvv-1.
const (
	RotationManual    = "MANUAL"
	RotationAutomatic = "AUTOMATIC"
	OpChangeRotation  = "CHANGE_CVV_ROTATION"
	OpDeleteRotation  = "DELETE_CVV_ROTATION"
)

type cvvPayload struct {
	AccountID           int64   `json:"account_id"`
	CardHash            string  `json:"card_hash"`
	CardID              int64   `json:"card_id"`
	CardLastFourNumbers string  `json:"card_last_four_numbers"`
	CardName            string  `json:"card_name"`
	CardPrintedName     string  `json:"card_printed_name"`
	CardStatus          string  `json:"card_status"`
	ContactlessEnabled  bool    `json:"contactless_enabled"`
	CVVNextRotationDate string  `json:"cvv_next_rotation_date"`
	CVVRotationType     string  `json:"cvv_rotation_type"`
	ExpirationDate      string  `json:"expiration_date"`
	OperationType       *string `json:"operation_type,omitempty"`
}

// CVVChanged returns the rotate_cvv-1 event of a card whose CVV or CVV rotation changed; next is the date the
// event announces as the next rotation, op the operation (empty for a rotation).
func CVVChanged(c card.Card, next time.Time, rotation, op string) event.Event {
	return event.Event{Domain: domain, Name: "rotate_cvv", Version: 1, Subject: c.Subject(), Data: cvvPayload{
		AccountID: c.AccountID, CardHash: c.Hash, CardID: c.ID, CardLastFourNumbers: c.LastFour, CardName: c.Name,
		CardPrintedName: c.PrintedName, CardStatus: c.Status.EventName(), ContactlessEnabled: c.ContactlessEnabled,
		CVVNextRotationDate: timestamp(next), CVVRotationType: rotation, ExpirationDate: timestamp(c.ExpirationDate),
		OperationType: optional(op),
	}}
}

type scriptPayload struct {
	AccountID        int64   `json:"account_id"`
	CardID           int64   `json:"card_id"`
	CustomerID       int64   `json:"customer_id"`
	ProgramID        int64   `json:"program_id"`
	ScriptEventType  string  `json:"script_event_type"`
	ScriptType       string  `json:"script_type"`
	CardScriptID     string  `json:"card_script_id"`
	Reason           *string `json:"reason"`
	Status           string  `json:"status"`
	TemplateScriptID string  `json:"template_script_id,omitempty"`
}

// ScriptChanged returns the issuer_script-1 event of a script that reached its state: script_created,
// script_sent, script_applied, script_failed or script_canceled (the vendor's newer, lowercase values).
func ScriptChanged(c card.Card, sc Script) event.Event {
	status := "SUCCESS"
	var reason *string
	if sc.State == ScriptFailed {
		status, reason = "FAILURE", optional("the chip refused the script")
	}
	return event.Event{Domain: domain, Name: "issuer_script", Version: 1, Subject: c.Subject(), Data: scriptPayload{
		AccountID: c.AccountID, CardID: c.ID, CustomerID: c.CustomerID, ProgramID: c.ProgramID,
		ScriptEventType: "script_" + sc.State, ScriptType: sc.Type, CardScriptID: sc.ID, Reason: reason, Status: status,
		TemplateScriptID: sc.ScriptID,
	}}
}
