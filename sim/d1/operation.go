package d1

import (
	"time"
)

// OperationType is the kind of an operation in a card's log, as the vendor's operation enum names it; the
// simulator records REGISTER, DIGITIZE, SUSPEND, RESUME, DELETE and RENEW.
type OperationType string

// Operation types the simulator records.
const (
	OpRegister OperationType = "REGISTER"
	OpDigitize OperationType = "DIGITIZE"
	OpSuspend  OperationType = "SUSPEND"
	OpResume   OperationType = "RESUME"
	OpDelete   OperationType = "DELETE"
	OpRenew    OperationType = "RENEW"
)

// Status is where an operation stands.
type Status string

// Operation statuses. Every operation the simulator runs completes at once, SUCCESSFUL or FAILED.
const (
	StatusSuccessful Status = "SUCCESSFUL"
	StatusPending    Status = "PENDING"
	StatusFailed     Status = "FAILED"
)

// RequestorType says who started an operation.
type RequestorType string

// Requestor types.
const (
	RequestorIssuer RequestorType = "ISSUER"
	RequestorUser   RequestorType = "USER"
	RequestorTSP    RequestorType = "TSP"
	RequestorCCI    RequestorType = "CCI"
	RequestorD1     RequestorType = "D1"
)

// Requestor is who started an operation: the issuer (its id), the end user (the consumer id) or D1 itself.
type Requestor struct {
	Type RequestorType
	ID   string
}

// Reason is why the issuer asks for an operation: free text shown again in the log, and a reason code.
type Reason struct {
	Text string
	Code ReasonCode
}

// orDefault returns the reason with ISSUER_DECISION when no code was sent, as the vendor defaults it.
func (r Reason) orDefault() Reason {
	if r.Code == "" {
		r.Code = ReasonIssuerDecision
	}
	return r
}

// Operation is one entry of a card's operations log.
type Operation struct {
	// Seq orders the tenant's operations: a later operation has a higher Seq.
	Seq       int64
	ID        string
	IssuerID  string
	CardID    string
	Type      OperationType
	Status    Status
	Start     time.Time
	End       *time.Time
	Requestor Requestor
	Reason    Reason
	ErrorCode string
	Error     string
	// NewCardID and NewCardState are a RENEW's new card.
	NewCardID    string
	NewCardState State
	// DigitalCard is the digital card a DIGITIZE operation made.
	DigitalCard *DigitalCard
}

// Clone returns a copy that shares nothing with o.
func (o Operation) Clone() Operation {
	if o.End != nil {
		end := *o.End
		o.End = &end
	}
	if o.DigitalCard != nil {
		dc := *o.DigitalCard
		o.DigitalCard = &dc
	}
	return o
}

// CardKey is the key of the card the operation acted on.
func (o Operation) CardKey() string { return Key(o.IssuerID, o.CardID) }

// Retention is how long an operation stays in the log: the vendor removes operations older than three months.
const Retention = 3 // months

// Expires returns when the operation leaves the log.
func (o Operation) Expires() time.Time { return o.Start.AddDate(0, Retention, 0) }
