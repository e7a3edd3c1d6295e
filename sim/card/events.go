package card

import (
	"strconv"
	"time"

	"github.com/issuersim/issuersim/sim/event"
)

// Event domain and the card events this package causes.
const domain = "cards"

// eventTime is the layout of date-times inside event payloads (RFC 3339, UTC, whole seconds), as the vendor's
// examples write them.
const eventTime = time.RFC3339

// cardFields are the fields create-1 and update-1 share, which is create-1's whole payload. Required fields are
// always present (null where the schema allows); optional ones are left out when empty, never sent as null
// where the schema's enum has no null.
type cardFields struct {
	AccountID             int64          `json:"account_id"`
	CardHash              *string        `json:"card_hash"`
	CardID                int64          `json:"card_id"`
	CardLastFourNumbers   *string        `json:"card_last_four_numbers"`
	CardName              string         `json:"card_name"`
	CardPrintedName       *string        `json:"card_printed_name"`
	CardStatus            string         `json:"card_status"`
	CardType              string         `json:"card_type"`
	ContactlessEnabled    bool           `json:"contactless_enabled"`
	Embossed              *string        `json:"embossed"`
	ExpirationDate        *string        `json:"expiration_date"`
	IssuingDate           *string        `json:"issuing_date"`
	ProgramID             *int64         `json:"program_id"`
	Reason                *string        `json:"reason"`
	Status                string         `json:"status"`
	TransactionLimit      *float64       `json:"transaction_limit"`
	AbuEnabled            bool           `json:"abu_enabled"`
	BulkID                *string        `json:"bulk_id,omitempty"`
	CardBin               *string        `json:"card_bin,omitempty"`
	CardBrand             *string        `json:"card_brand,omitempty"`
	CustomerID            int64          `json:"customer_id"`
	DualMessageDebit      bool           `json:"dual_message_debit"`
	EmbossingCustomFields *string        `json:"embossing_custom_fields,omitempty"`
	ExternalID            *string        `json:"external_id,omitempty"`
	Metadata              map[string]any `json:"metadata,omitempty"`
	Mode                  *string        `json:"mode,omitempty"`
	PasswordTries         int            `json:"password_tries"`
	ReissuedCardID        *int64         `json:"reissued_card_id,omitempty"`
	TemplateID            *string        `json:"template_id,omitempty"`
}

// updatedPayload is update-1's data: the shared fields and what the change was.
type updatedPayload struct {
	cardFields
	ActivationDate     *string `json:"activation_date"`
	CardPreviousStatus string  `json:"card_previous_status"`
	OperationType      string  `json:"operation_type"`
	NewCardID          *int64  `json:"new_card_id,omitempty"`
	UpdateTokens       *bool   `json:"update_tokens,omitempty"`
}

// boundPayload is bind_card-1's data.
type boundPayload struct {
	AccountID          int64   `json:"account_id"`
	CardID             int64   `json:"card_id"`
	CardName           string  `json:"card_name"`
	CardPrintedName    string  `json:"card_printed_name"`
	CardStatus         string  `json:"card_status"`
	CardPreviousStatus string  `json:"card_previous_status"`
	CustomerID         int64   `json:"customer_id"`
	ExpirationDate     *string `json:"expiration_date"`
	IssuingDate        *string `json:"issuing_date"`
	OperationType      string  `json:"operation_type"`
	ProgramID          int64   `json:"program_id"`
	Status             string  `json:"status"`
	AbuEnabled         bool    `json:"abu_enabled"`
	BulkID             *string `json:"bulk_id,omitempty"`
	CardBin            *string `json:"card_bin,omitempty"`
}

// eventBrands are the brands the events' card_brand enum lists; others are left out of the payload.
var eventBrands = map[string]bool{"PRIVATE": true, "MASTERCARD": true, "VISA": true}

func fields(c Card) cardFields {
	return cardFields{
		AccountID:             c.AccountID,
		CardHash:              optional(c.Hash),
		CardID:                c.ID,
		CardLastFourNumbers:   optional(c.LastFour),
		CardName:              c.Name,
		CardPrintedName:       optional(c.PrintedName),
		CardStatus:            c.Status.EventName(),
		CardType:              string(c.Type),
		ContactlessEnabled:    c.ContactlessEnabled,
		ExpirationDate:        timestamp(c.ExpirationDate),
		IssuingDate:           timestamp(c.IssuingDate),
		ProgramID:             &c.ProgramID,
		Status:                "SUCCESS",
		TransactionLimit:      limit(c.TransactionLimit),
		AbuEnabled:            c.AbuEnabled,
		BulkID:                c.BulkID,
		CardBin:               optional(c.BIN),
		CardBrand:             brand(c.Brand),
		CustomerID:            c.CustomerID,
		EmbossingCustomFields: c.EmbossingCustomField,
		ExternalID:            c.ExternalID,
		Metadata:              c.Metadata,
		Mode:                  optional(c.Mode),
		PasswordTries:         c.PasswordTries,
		ReissuedCardID:        c.ReissuedCardID,
		TemplateID:            c.TemplateID,
	}
}

// Created returns the create-1 event for a card whose PCI data now exists.
func Created(c Card) event.Event {
	return event.Event{Domain: domain, Name: "create", Version: 1, Subject: c.Subject(), Data: fields(c)}
}

// Updated returns the update-1 event for a card just changed by op.
func Updated(c Card, op Operation) event.Event {
	p := updatedPayload{cardFields: fields(c), CardPreviousStatus: c.PreviousStatus.EventName(), OperationType: string(op),
		NewCardID: c.NewCardID}
	if c.ActivationDate != nil {
		p.ActivationDate = timestamp(*c.ActivationDate)
	}
	return event.Event{Domain: domain, Name: "update", Version: 1, Subject: c.Subject(), Data: p}
}

// Reissued returns the update-1 event of a card a reissue replaced (operation REISSUE, new_card_id set).
func Reissued(c Card, updateTokens bool) event.Event {
	e := Updated(c, OpReissue)
	p := e.Data.(updatedPayload)
	p.UpdateTokens = &updateTokens
	e.Data = p
	return e
}

// Bound returns the bind_card-1 event of a noname card bound to its customer by op (BIND_NONAME, or
// BIND_REISSUE when it replaces a card).
func Bound(c Card, op Operation) event.Event {
	return event.Event{Domain: domain, Name: "bind_card", Version: 1, Subject: c.Subject(), Data: boundPayload{
		AccountID:          c.AccountID,
		CardID:             c.ID,
		CardName:           c.Name,
		CardPrintedName:    c.PrintedName,
		CardStatus:         c.Status.EventName(),
		CardPreviousStatus: c.PreviousStatus.EventName(),
		CustomerID:         c.CustomerID,
		ExpirationDate:     timestamp(c.ExpirationDate),
		IssuingDate:        timestamp(c.IssuingDate),
		OperationType:      string(op),
		ProgramID:          c.ProgramID,
		Status:             "SUCCESS",
		AbuEnabled:         c.AbuEnabled,
		BulkID:             c.BulkID,
		CardBin:            optional(c.BIN),
	}}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func timestamp(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(eventTime)
	return &s
}

// limit turns the API's decimal string into the event's number (the vendor types them differently).
func limit(s *string) *float64 {
	if s == nil {
		return nil
	}
	f, err := strconv.ParseFloat(*s, 64)
	if err != nil {
		return nil
	}
	return &f
}

func brand(b string) *string {
	if !eventBrands[b] {
		return nil
	}
	return &b
}
