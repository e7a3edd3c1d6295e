package embossing

import (
	"time"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/org"
)

// The pipeline's events belong to the processor's "cards" event domain.
const domain = "cards"

// SubjectFile is the subject kind of embossing files (embossing_summary-1).
const SubjectFile = "embossing_file"

// Error types the pipeline reports in its events, from the vendor's list.
const (
	ErrCardStatusInvalid = "card_status_invalid"
	ErrCardPCINotFound   = "card_pci_not_found"
	ErrInternal          = "internal_error"
)

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func nonZero(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}

// ingressPayload is embossing_card_ingress-1's data.
type ingressPayload struct {
	CardID        int64   `json:"card_id"`
	AccountID     *int64  `json:"account_id,omitempty"`
	CustomerID    *int64  `json:"customer_id,omitempty"`
	ProgramID     int64   `json:"program_id"`
	OperationType *string `json:"operation_type"`
	ErrorMessage  *string `json:"error_message"`
	ErrorType     *string `json:"error_type"`
}

// ingress returns the embossing_card_ingress-1 event of a card entering the pipeline; operation is set for a
// program migration, errType and message when the card could not enter it.
func ingress(cardID, accountID, customerID, programID int64, operation, errType, message string) event.Event {
	p := ingressPayload{CardID: cardID, AccountID: nonZero(accountID), CustomerID: nonZero(customerID), ProgramID: programID}
	if operation != "" {
		p.OperationType = &operation
	}
	if errType != "" {
		p.ErrorType, p.ErrorMessage = &errType, &message
	}
	return event.Event{Domain: domain, Name: "embossing_card_ingress", Version: 1, Subject: event.CardSubject(cardID), Data: p}
}

// embosser is embossing-1's embosser object.
type embosser struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// embossedPayload is embossing-1's data. error_message is typed a non-null string, so it is left out on success.
type embossedPayload struct {
	CardID             int64    `json:"card_id"`
	ProgramID          int64    `json:"program_id"`
	AccountID          *int64   `json:"account_id,omitempty"`
	CustomerID         *int64   `json:"customer_id,omitempty"`
	AddressID          *string  `json:"address_id,omitempty"`
	Embosser           embosser `json:"embosser"`
	EmbossingGroup     string   `json:"embossing_group"`
	ErrorMessage       *string  `json:"error_message,omitempty"`
	ErrorType          *string  `json:"error_type"`
	Reembossing        bool     `json:"reembossing"`
	ReembossingCounter int      `json:"reembossing_counter"`
}

// embossed returns the embossing-1 event of a card a run wrote, or failed to write (errType and message set).
func embossed(r Record, cfg org.EmbossingConfig, errType, message string) event.Event {
	p := embossedPayload{
		CardID: r.CardID, ProgramID: r.ProgramID, AccountID: nonZero(r.AccountID), CustomerID: nonZero(r.CustomerID),
		Embosser: embosser{ID: itoa(cfg.EmbosserID), Name: cfg.EmbosserName}, EmbossingGroup: cfg.Name,
		Reembossing: r.Reembossing, ReembossingCounter: r.Reembossings,
	}
	if r.AddressID != nil {
		a := itoa(*r.AddressID)
		p.AddressID = &a
	}
	if errType != "" {
		p.ErrorType, p.ErrorMessage = &errType, &message
	}
	return event.Event{Domain: domain, Name: "embossing", Version: 1, Subject: r.Subject(), Data: p}
}

// summaryPayload is embossing_summary-1's data.
type summaryPayload struct {
	FileID             string `json:"file_id"`
	ProgramID          int64  `json:"program_id"`
	FileType           string `json:"file_type"`
	EmbosserID         int64  `json:"embosser_id"`
	EmbossingTime      string `json:"embossing_time"`
	FileName           string `json:"file_name"`
	GenerationDate     string `json:"generation_date"`
	SequentialNumber   int64  `json:"sequential_number"`
	TotalEmbossedCards int    `json:"total_embossed_cards"`
}

// summary returns the embossing_summary-1 event of a file a run wrote.
func summary(f File, cfg org.EmbossingConfig) event.Event {
	p := summaryPayload{
		FileID: f.ID, ProgramID: f.ProgramID, FileType: f.Type, EmbosserID: cfg.EmbosserID,
		EmbossingTime: timestamp(f.GeneratedAt), FileName: f.Name, GenerationDate: timestamp(f.GeneratedAt),
		SequentialNumber: f.Sequential, TotalEmbossedCards: f.Embossed,
	}
	return event.Event{Domain: domain, Name: "embossing_summary", Version: 1, Subject: event.Subject{Kind: SubjectFile, ID: f.ID}, Data: p}
}

// rejectionPayload is card_rejection-1's data.
type rejectionPayload struct {
	CardID           int64   `json:"card_id"`
	AccountID        *int64  `json:"account_id,omitempty"`
	CustomerID       *int64  `json:"customer_id,omitempty"`
	ErrorCode        *string `json:"error_code"`
	ErrorDescription *string `json:"error_description"`
	ErrorMessage     *string `json:"error_message"`
	ErrorType        *string `json:"error_type"`
	FieldCode        *string `json:"field_code"`
	FieldDescription *string `json:"field_description"`
}

// rejected returns the card_rejection-1 event of a card the embosser rejected.
func rejected(r Record, rej Rejection) event.Event {
	p := rejectionPayload{
		CardID: r.CardID, AccountID: nonZero(r.AccountID), CustomerID: nonZero(r.CustomerID),
		ErrorCode: optional(rej.ErrorCode), ErrorDescription: optional(rej.ErrorDescription),
		ErrorMessage: optional(rej.ErrorMessage), ErrorType: optional(rej.ErrorType),
		FieldCode: optional(rej.FieldCode), FieldDescription: optional(rej.FieldDescription),
	}
	return event.Event{Domain: domain, Name: "card_rejection", Version: 1, Subject: r.Subject(), Data: p}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
