// Package event models the processor's data events: the payload a domain command causes, the envelope it
// travels in, and the check of both against the published JSON Schemas.
package event

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/issuersim/issuersim/sim/fake"
)

// Event is what a domain command causes: a payload of one event type, not yet numbered or enveloped.
type Event struct {
	// Domain is the processor's event domain, such as "cards".
	Domain string
	// Name and Version make the event type, such as "update" and 1 for "update-1".
	Name    string
	Version int
	// Subject is what the event is about, kept beside the payload so the log can be filtered by it.
	Subject Subject
	// Data is the payload, marshalled to JSON as it is.
	Data any
	// Failure, when set, makes the event tell of a failed operation, as the vendor's do: at sealing its status
	// is FAILURE, its reason this text, and every field its schema lets be null is null.
	Failure string
}

// Failed returns the event as the announcement of a failure for the reason.
func (e Event) Failed(reason string) Event {
	e.Failure = reason
	return e
}

// Subject names the entity an event or a job is about: its kind and its id as text, since cards have
// numbers, cards on file and bulks UUIDs, and tokens and D1 cards ids of their own.
type Subject struct {
	Kind string
	ID   string
}

// Subject kinds of the domains built so far; each domain names its own.
const SubjectCard = "card"

// CardSubject names a processor card.
func CardSubject(id int64) Subject { return Subject{Kind: SubjectCard, ID: strconv.FormatInt(id, 10)} }

// String writes the subject as kind:id, the form the admin API's subject filter takes.
func (s Subject) String() string { return s.Kind + ":" + s.ID }

// ParseSubject reads kind:id; it reports false when either part is empty.
func ParseSubject(text string) (Subject, bool) {
	kind, id, ok := strings.Cut(text, ":")
	if !ok || kind == "" || id == "" {
		return Subject{}, false
	}
	return Subject{Kind: kind, ID: id}, true
}

// Type returns the event type as the processor writes it: name, a hyphen, and the version.
func (e Event) Type() string { return e.Name + "-" + strconv.Itoa(e.Version) }

// Record is an event after commit: numbered within its tenant, stamped and enveloped. Envelope holds the exact
// bytes that are logged, signed and delivered.
type Record struct {
	Seq      int64
	ID       string
	Tenant   string
	Domain   string
	Type     string
	CID      string
	Subject  Subject
	Time     time.Time
	Envelope json.RawMessage
}

// TimeFormat is the envelope's timestamp layout: RFC 3339 in UTC with milliseconds, as in the vendor's example.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// envelope is the base contract every event travels in, fields in the vendor's documented order.
type envelope struct {
	EventID       string          `json:"event_id"`
	Domain        string          `json:"domain"`
	EventType     string          `json:"event_type"`
	SchemaVersion int             `json:"schema_version"`
	OrgID         string          `json:"org_id"`
	CID           string          `json:"cid"`
	Timestamp     string          `json:"timestamp"`
	Data          json.RawMessage `json:"data"`
}

// Sealer turns events into records: it derives each event id from the seed, envelopes the payload and, when
// it has a Validator, refuses any payload or envelope its schema rejects.
type Sealer struct {
	source    *fake.Source
	validator *Validator
}

// NewSealer returns a Sealer; v may be nil to skip schema checks.
func NewSealer(source *fake.Source, v *Validator) *Sealer {
	return &Sealer{source: source, validator: v}
}

// Seal numbers, stamps and envelopes one event of a tenant.
func (s *Sealer) Seal(tenant string, seq int64, cid string, now time.Time, e Event) (Record, error) {
	data, err := marshal(e.Data)
	if err != nil {
		return Record{}, fmt.Errorf("marshal %s/%s: %w", e.Domain, e.Type(), err)
	}
	if e.Failure != "" {
		if data, err = s.failure(e.Domain, e.Type(), data, e.Failure); err != nil {
			return Record{}, err
		}
	}
	r := Record{
		Seq:     seq,
		ID:      s.source.UUID("event", tenant, strconv.FormatInt(seq, 10)),
		Tenant:  tenant,
		Domain:  e.Domain,
		Type:    e.Type(),
		CID:     cid,
		Subject: e.Subject,
		Time:    now.UTC(),
	}
	r.Envelope, err = marshal(envelope{
		EventID:       r.ID,
		Domain:        r.Domain,
		EventType:     r.Type,
		SchemaVersion: e.Version,
		OrgID:         tenant,
		CID:           cid,
		Timestamp:     r.Time.Format(TimeFormat),
		Data:          data,
	})
	if err != nil {
		return Record{}, fmt.Errorf("marshal envelope of %s/%s: %w", e.Domain, e.Type(), err)
	}
	if s.validator != nil {
		if err := s.validator.validateSealed(r, e.Version, data); err != nil {
			return Record{}, err
		}
	}
	return r, nil
}

// failure rewrites a payload as a failure: status FAILURE, the reason, and null in every field the event's
// schema lets be null (without a schema, only status and reason change). Key order is kept.
func (s *Sealer) failure(domain, eventType string, data []byte, reason string) ([]byte, error) {
	var nullable map[string]bool
	if s.validator != nil {
		if err := s.validator.Ready(); err != nil {
			return nil, &SchemaError{Domain: domain, Type: eventType, Err: err}
		}
		nullable = s.validator.nullable[domain+"/"+eventType]
	}
	var fields []struct {
		key   string
		value json.RawMessage
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("failure of %s/%s: %w", domain, eventType, err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("failure of %s/%s: %w", domain, eventType, err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("failure of %s/%s: %w", domain, eventType, err)
		}
		fields = append(fields, struct {
			key   string
			value json.RawMessage
		}{k.(string), v})
	}
	set := func(key string, v json.RawMessage) {
		for i := range fields {
			if fields[i].key == key {
				fields[i].value = v
				return
			}
		}
		fields = append(fields, struct {
			key   string
			value json.RawMessage
		}{key, v})
	}
	for i := range fields {
		if nullable[fields[i].key] {
			fields[i].value = json.RawMessage("null")
		}
	}
	r, err := marshal(reason)
	if err != nil {
		return nil, err
	}
	set("status", json.RawMessage(`"FAILURE"`))
	set("reason", r)
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := marshal(f.key)
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(f.value)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// marshal encodes without HTML escaping, so payload text is sent as written.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	// An exact copy: the log keeps every envelope, and the encoder's buffer has grown by doubling.
	return bytes.Clone(bytes.TrimRight(buf.Bytes(), "\n")), nil
}
