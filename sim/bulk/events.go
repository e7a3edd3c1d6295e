package bulk

import (
	"fmt"

	"github.com/issuersim/issuersim/sim/event"
)

// MessageCode is noname_cancellation-1's verdict on one external id.
type MessageCode string

// The message codes the simulator gives; INVALID_BULK_ITEM_STATUS, the vendor's seventh, needs an item caught
// half-made, which a start that runs in one transaction never leaves.
const (
	CodeCanceled          MessageCode = "EXTERNAL_ID_CANCELED"
	CodeCardCanceled      MessageCode = "EXTERNAL_ID_AND_CARD_CANCELED"
	CodeAlreadyCanceled   MessageCode = "ALREADY_CANCELED"
	CodeNotFound          MessageCode = "EXTERNAL_ID_NOT_FOUND"
	CodeCardNotFound      MessageCode = "CARD_NOT_FOUND_FOR_CANCELLATION"
	CodeInvalidCardStatus MessageCode = "INVALID_CARD_STATUS_FOR_CANCELLATION"
)

// succeeded reports whether the code tells of a cancellation that happened.
func (c MessageCode) succeeded() bool { return c == CodeCanceled || c == CodeCardCanceled }

// message is the sentence each code comes with.
func (o outcome) message() string {
	switch o.Code {
	case CodeCanceled:
		return fmt.Sprintf("external id %s canceled before its card was issued", o.ExternalID)
	case CodeCardCanceled:
		return fmt.Sprintf("external id %s and card %d canceled", o.ExternalID, o.CardID)
	case CodeAlreadyCanceled:
		return fmt.Sprintf("external id %s was already canceled", o.ExternalID)
	case CodeNotFound:
		return fmt.Sprintf("external id %s is not in the bulk", o.ExternalID)
	case CodeCardNotFound:
		return fmt.Sprintf("card %d of external id %s not found", o.CardID, o.ExternalID)
	default:
		return fmt.Sprintf("card %d of external id %s is no longer UNBOUND: a bound card is not canceled with its bulk", o.CardID, o.ExternalID)
	}
}

// cancellationPayload is noname_cancellation-1's data.
type cancellationPayload struct {
	ProgramID   int64       `json:"program_id"`
	BulkID      string      `json:"bulk_id"`
	ExternalID  *string     `json:"external_id"`
	CardID      *int64      `json:"card_id,omitempty"`
	Status      string      `json:"status"`
	MessageCode MessageCode `json:"message_code"`
	Message     string      `json:"message"`
}

// cancellation returns the noname_cancellation-1 event of one external id of a bulk. Its subject is the card
// when there is one, so the card's event filter shows it, else the bulk.
func cancellation(b Bulk, o outcome) event.Event {
	ext := o.ExternalID
	p := cancellationPayload{ProgramID: b.ProgramID, BulkID: b.ID, ExternalID: &ext, Status: "FAILURE", MessageCode: o.Code, Message: o.message()}
	if o.Code.succeeded() {
		p.Status = "SUCCESS"
	}
	subject := b.Subject()
	if o.CardID != 0 {
		id := o.CardID
		p.CardID = &id
		subject = event.CardSubject(id)
	}
	return event.Event{Domain: "cards", Name: "noname_cancellation", Version: 1, Subject: subject, Data: p}
}
