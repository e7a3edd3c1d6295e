package d1

import (
	"time"

	"github.com/issuersim/issuersim/sim/event"
)

// Subject kinds of the D1 domain: a card (issuer/card id) and an operation (its id).
const (
	SubjectCard      = "d1_card"
	SubjectOperation = "d1_operation"
)

// Domain is the event domain of D1's notifications to the issuer. They travel through the simulator's outbox
// and event log like the processor's events, but are delivered to the issuer's receiver in D1's own body.
const Domain = "d1"

// TimeFormat is how D1 writes an operation's times: ISO 8601 in UTC with milliseconds.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// timeUnit is the precision of an operation's times.
const timeUnit = time.Millisecond

// notificationItem is one card operation as D1's Notify Card Operations call carries it (the vendor's
// CardStatus-operation-notification item: operationId, operation, status, startTime and cardId required).
type notificationItem struct {
	OperationID   string `json:"operationId"`
	Operation     string `json:"operation"`
	Status        string `json:"status"`
	StartTime     string `json:"startTime"`
	EndTime       string `json:"endTime,omitempty"`
	CardID        string `json:"cardId"`
	RequestorType string `json:"requestorType"`
	RequestorID   string `json:"requestorId"`
	Reason        string `json:"reason,omitempty"`
	ReasonCode    string `json:"reasonCode,omitempty"`
	ErrorCode     string `json:"errorCode,omitempty"`
	Error         string `json:"error,omitempty"`
}

// Notification is the card_operation-1 event that tells the issuer of an operation's outcome.
func Notification(o Operation) event.Event {
	item := notificationItem{
		OperationID:   o.ID,
		Operation:     string(o.Type),
		Status:        string(o.Status),
		StartTime:     o.Start.UTC().Format(TimeFormat),
		CardID:        o.CardID,
		RequestorType: string(o.Requestor.Type),
		RequestorID:   o.Requestor.ID,
		Reason:        o.Reason.Text,
		ReasonCode:    string(o.Reason.Code),
		ErrorCode:     o.ErrorCode,
		Error:         o.Error,
	}
	if o.End != nil {
		item.EndTime = o.End.UTC().Format(TimeFormat)
	}
	return event.Event{Domain: Domain, Name: "card_operation", Version: 1,
		Subject: event.Subject{Kind: SubjectCard, ID: o.CardKey()}, Data: item}
}

// NotificationType is the event type of D1's notifications.
const NotificationType = "card_operation-1"
