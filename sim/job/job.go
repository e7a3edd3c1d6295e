// Package job is the simulator's delayed work as data: what a domain asks to happen later (PCI data
// generation, bind completion, an embossing run, a CVV rotation, a webhook retry), written in the same
// transaction as the state that causes it, so a persistent store keeps it and an advance of the clock shows it.
// The scheduler (package scheduler) runs each job, when due, as a transaction of its own.
package job

import (
	"encoding/json"
	"time"

	"github.com/issuersim/issuersim/sim/event"
)

// Job is one piece of delayed work of a tenant.
type Job struct {
	// ID is the job's number, sequential per tenant; the store assigns it when the job is scheduled.
	ID int64
	// Tenant owns the job; its clock decides when the job is due.
	Tenant string
	// Kind names the handler that runs the job, such as "card.number"; domains register their kinds.
	Kind string
	// Subject is the entity the job works on.
	Subject event.Subject
	// Due is when the job runs, on the tenant's clock.
	Due time.Time
	// CID is the correlation id of the request that caused the job, carried into the events it emits.
	CID string
	// Data is what the handler needs beyond the subject, as JSON; nil when nothing.
	Data json.RawMessage
	// Error is why the job's run failed. A failed job stays listed, so the failure is visible, and is not run
	// again.
	Error string
}
