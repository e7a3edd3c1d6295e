package issuersim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/issuersim/issuersim/testcontainer/simadminclient"
)

// Event is one event in the processor's envelope, as the simulator logged, signed and delivered it.
type Event struct {
	ID            string          `json:"event_id"`
	Domain        string          `json:"domain"`
	Type          string          `json:"event_type"` // such as create-1
	SchemaVersion json.RawMessage `json:"schema_version"`
	OrgID         string          `json:"org_id"`
	CID           string          `json:"cid"`
	Timestamp     time.Time       `json:"timestamp"` // on the tenant's clock
	Data          json.RawMessage `json:"data"`
	// Raw is the whole envelope byte for byte, as a webhook receiver got it.
	Raw json.RawMessage `json:"-"`
}

// ParseEvent reads one envelope, such as a webhook delivery's body.
func ParseEvent(raw []byte) (Event, error) {
	var e Event
	if err := json.Unmarshal(raw, &e); err != nil {
		return Event{}, fmt.Errorf("parse event: %w", err)
	}
	e.Raw = bytes.Clone(raw)
	return e, nil
}

// EventQuery picks events from a tenant's log; the zero value is every event of the fixtures' first org.
type EventQuery struct {
	Tenant string // "" for the fixtures' first org
	Type   string // such as update-1; "" for every type
	CardID int64  // 0 for every card
	After  string // an event_id: only the events committed after it
}

// Events lists a tenant's events that match q, oldest first (GET /_sim/events). Events are in the log once
// the request that caused them has answered; work the vendor does later (WithPCIDelay, embossing runs)
// emits its events when the tenant's clock reaches it.
func (c *Container) Events(ctx context.Context, q EventQuery) ([]Event, error) {
	var p simadminclient.ListEventsParams
	if q.Tenant != "" {
		p.Tenant = &q.Tenant
	}
	if q.Type != "" {
		p.EventType = &q.Type
	}
	if q.CardID != 0 {
		p.CardId = &q.CardID
	}
	if q.After != "" {
		id, err := uuid.Parse(q.After)
		if err != nil {
			return nil, fmt.Errorf("events after %q: %w", q.After, err)
		}
		p.After = &id
	}
	r, err := c.admin.ListEventsWithResponse(ctx, &p)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	if r.JSON200 == nil {
		return nil, answerError("events", r.StatusCode(), r.Body)
	}
	events := make([]Event, 0, len(r.JSON200.Events))
	for _, raw := range r.JSON200.Events {
		e, err := ParseEvent(raw)
		if err != nil {
			return nil, fmt.Errorf("events: %w", err)
		}
		events = append(events, e)
	}
	return events, nil
}
