package cardonfile

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/issuersim/issuersim/sim/event"
)

// The wallet's events belong to the processor's "cardsonfile" event domain.
const domain = "cardsonfile"

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// metadataObject turns the client's metadata string into the object the events carry: its JSON when it is a
// JSON object, else {"value": the string}; nil when there is none.
func metadataObject(m *string) map[string]any {
	if m == nil {
		return nil
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(*m), &obj); err == nil && obj != nil {
		return obj
	}
	return map[string]any{"value": *m}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// provisionPayload is provision-1's data.
type provisionPayload struct {
	AccountID      int64          `json:"account_id"`
	CardName       string         `json:"card_name"`
	CardUUID       string         `json:"card_uuid"`
	ExpirationDate string         `json:"expiration_date"`
	Acquirer       *string        `json:"acquirer,omitempty"`
	CardProfile    *string        `json:"card_profile,omitempty"`
	CreatedAt      string         `json:"created_at"`
	DefaultCard    bool           `json:"default_card"`
	DocumentNumber *string        `json:"document_number,omitempty"`
	First6Digits   string         `json:"first_6_digits"`
	IssuerCard     bool           `json:"issuer_card"`
	Last4Digits    string         `json:"last_4_digits"`
	Metadata       map[string]any `json:"metadata,omitempty"`
}

func provisioned(c CardOnFile) event.Event {
	return event.Event{Domain: domain, Name: "provision", Version: 1, Subject: c.Subject(), Data: provisionPayload{
		AccountID: c.AccountID, CardName: c.CardName, CardUUID: c.UUID, ExpirationDate: c.ExpirationDate,
		Acquirer: optional(c.Acquirer), CardProfile: optional(c.CardProfile), CreatedAt: timestamp(c.CreatedAt),
		DefaultCard: c.DefaultCard, DocumentNumber: optional(c.DocumentNumber), First6Digits: c.First6,
		IssuerCard: c.IssuerCard, Last4Digits: c.Last4, Metadata: metadataObject(c.Metadata),
	}}
}

// Verification statuses of verification-1, as the vendor's examples give them.
const (
	VerificationPending  = "PENDING"
	VerificationVerified = "VERIFIED"
	VerificationFailed   = "FAILED"
)

// verificationPayload is verification-1's data; its account_id is a string, as the schema types it.
type verificationPayload struct {
	AccountID             string         `json:"account_id"`
	Status                string         `json:"status"`
	UUID                  string         `json:"uuid"`
	CreationDate          string         `json:"creation_date"`
	IssuerCard            bool           `json:"issuer_card"`
	Metadata              map[string]any `json:"metadata,omitempty"`
	VerificationStartDate string         `json:"verification_start_date"`
}

// verified returns verification-1 for a stored card; started is when the verification under way began.
func verified(c CardOnFile, status string, started time.Time) event.Event {
	return event.Event{Domain: domain, Name: "verification", Version: 1, Subject: c.Subject(), Data: verificationPayload{
		AccountID: itoa(c.AccountID), Status: status, UUID: c.UUID, CreationDate: timestamp(c.CreatedAt),
		IssuerCard: c.IssuerCard, Metadata: metadataObject(c.Metadata), VerificationStartDate: timestamp(started),
	}}
}

// Exclusion origins: APP for what the wallet's API did, CRM for what the processor did on its own (a failed or
// expired validation).
const (
	OriginApp = "APP"
	OriginCRM = "CRM"
)

// exclusionPayload is exclusion-1's data.
type exclusionPayload struct {
	AccountID int64  `json:"account_id"`
	UUID      string `json:"uuid"`
	Origin    string `json:"origin"`
}

func excluded(c CardOnFile, origin string) event.Event {
	return event.Event{Domain: domain, Name: "exclusion", Version: 1, Subject: c.Subject(),
		Data: exclusionPayload{AccountID: c.AccountID, UUID: c.UUID, Origin: origin}}
}

// patchPayload is patch-cards-1's data. acquirer is typed an integer there (a string in the API): it is sent
// only when the acquirer is a number.
type patchPayload struct {
	CardUUID    string         `json:"card_uuid"`
	AccountID   int64          `json:"account_id"`
	Acquirer    *int64         `json:"acquirer,omitempty"`
	CardName    string         `json:"card_name"`
	CardProfile *string        `json:"card_profile,omitempty"`
	CardStatus  Status         `json:"card_status"`
	CreatedAt   string         `json:"created_at"`
	DefaultCard bool           `json:"default_card"`
	IssuerCard  bool           `json:"issuer_card"`
	Last4Digits string         `json:"last_4_digits"`
	Metadata    map[string]any `json:"metadata,omitempty"`
	Org         string         `json:"org"`
	PrintedName string         `json:"printed_name"`
}

func patched(org string, c CardOnFile) event.Event {
	p := patchPayload{CardUUID: c.UUID, AccountID: c.AccountID, CardName: c.CardName, CardProfile: optional(c.CardProfile),
		CardStatus: c.Status, CreatedAt: timestamp(c.CreatedAt), DefaultCard: c.DefaultCard, IssuerCard: c.IssuerCard,
		Last4Digits: c.Last4, Metadata: metadataObject(c.Metadata), Org: org, PrintedName: c.PrintedName}
	if n, err := strconv.ParseInt(c.Acquirer, 10, 64); err == nil {
		p.Acquirer = &n
	}
	return event.Event{Domain: domain, Name: "patch-cards", Version: 1, Subject: c.Subject(), Data: p}
}

// deleteMetadataPayload is delete-metadata-1's data: the metadata the call removed.
type deleteMetadataPayload struct {
	CardUUID    string         `json:"card_uuid"`
	AccountID   int64          `json:"account_id"`
	Metadata    map[string]any `json:"metadata,omitempty"`
	Org         string         `json:"org"`
	PrintedName string         `json:"printed_name"`
}

func metadataDeleted(org string, c CardOnFile, removed *string) event.Event {
	return event.Event{Domain: domain, Name: "delete-metadata", Version: 1, Subject: c.Subject(), Data: deleteMetadataPayload{
		CardUUID: c.UUID, AccountID: c.AccountID, Metadata: metadataObject(removed), Org: org, PrintedName: c.PrintedName}}
}
