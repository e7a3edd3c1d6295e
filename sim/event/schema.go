package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/issuersim/issuersim/openapi"
)

// Entry is one event of the catalogue (openapi/events/catalogue.json).
type Entry struct {
	Domain    string   `json:"domain"`
	EventType string   `json:"event_type"`
	Name      string   `json:"name"`
	Version   int      `json:"version"`
	Title     string   `json:"title"`
	Schema    string   `json:"schema"`
	EmittedBy []string `json:"emitted_by"`
	Async     bool     `json:"async"`
	Source    string   `json:"source"`
	Notes     string   `json:"notes"`
}

// SchemaError says which event failed its schema and why; the simulator refuses to emit such an event.
type SchemaError struct {
	Domain, Type string
	Err          error
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("event %s/%s breaks its schema: %v", e.Domain, e.Type, e.Err)
}

func (e *SchemaError) Unwrap() error { return e.Err }

// ErrUnknownEvent is returned for an event type the catalogue does not list.
var ErrUnknownEvent = errors.New("event type not in the catalogue")

const schemaRoot = "events"

// Validator checks event payloads and envelopes against the embedded JSON Schemas, compiled once.
type Validator struct {
	schemas  map[string]*jsonschema.Schema // key: domain/event_type
	envelope *jsonschema.Schema
	nullable map[string]map[string]bool // key: domain/event_type; the properties a failure sets to null

	// ready is closed once the fields above (or err) are set: StartValidator compiles in the background.
	ready chan struct{}
	err   error
}

// NewValidator compiles the catalogue's schemas and the envelope from the embedded contracts.
func NewValidator() (*Validator, error) {
	return newValidator(openapi.FS)
}

// StartValidator returns a validator whose schemas compile in the background, so that a simulator's start
// does not wait for them: its first check waits instead, and Ready reports a schema that does not compile.
func StartValidator() *Validator {
	v := &Validator{ready: make(chan struct{})}
	go func() {
		defer close(v.ready)
		c, err := newValidator(openapi.FS)
		if err != nil {
			v.err = err
			return
		}
		v.schemas, v.envelope, v.nullable = c.schemas, c.envelope, c.nullable
	}()
	return v
}

// Ready waits until the schemas are compiled and returns the error that kept one from compiling.
func (v *Validator) Ready() error {
	if v.ready != nil {
		<-v.ready
	}
	return v.err
}

func newValidator(fsys fs.FS) (*Validator, error) {
	raw, err := fs.ReadFile(fsys, path.Join(schemaRoot, "catalogue.json"))
	if err != nil {
		return nil, fmt.Errorf("read event catalogue: %w", err)
	}
	var cat struct {
		Events []Entry `json:"events"`
	}
	if err := json.Unmarshal(raw, &cat); err != nil {
		return nil, fmt.Errorf("parse event catalogue: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat()
	compile := func(file string) (*jsonschema.Schema, error) {
		data, err := fs.ReadFile(fsys, path.Join(schemaRoot, file))
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", file, err)
		}
		url := "mem:///" + file
		if err := c.AddResource(url, doc); err != nil {
			return nil, fmt.Errorf("add %s: %w", file, err)
		}
		return c.Compile(url)
	}
	v := &Validator{schemas: make(map[string]*jsonschema.Schema, len(cat.Events)), nullable: map[string]map[string]bool{}}
	if v.envelope, err = compile("envelope.json"); err != nil {
		return nil, fmt.Errorf("compile envelope schema: %w", err)
	}
	for _, e := range cat.Events {
		s, err := compile(e.Schema)
		if err != nil {
			return nil, fmt.Errorf("compile schema of %s/%s: %w", e.Domain, e.EventType, err)
		}
		v.schemas[e.Domain+"/"+e.EventType] = s
		n, err := nullableProperties(fsys, path.Join(schemaRoot, e.Schema))
		if err != nil {
			return nil, fmt.Errorf("read schema of %s/%s: %w", e.Domain, e.EventType, err)
		}
		v.nullable[e.Domain+"/"+e.EventType] = n
	}
	return v, nil
}

// nullableProperties lists the top-level properties a schema lets be null: typed with "null" and, when they
// have an enum, with null among its values (the vendor types some enums "string or null" but lists no null,
// and a validator refuses null there: pismo.md G40).
func nullableProperties(fsys fs.FS, file string) (map[string]bool, error) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Properties map[string]struct {
			Type json.RawMessage `json:"type"`
			Enum []any           `json:"enum"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for name, p := range doc.Properties {
		var types []string
		if json.Unmarshal(p.Type, &types) != nil || !slices.Contains(types, "null") {
			continue
		}
		if p.Enum != nil && !slices.Contains(p.Enum, any(nil)) {
			continue
		}
		out[name] = true
	}
	return out, nil
}

// Validate checks one payload (the envelope's data) against its event's schema.
func (v *Validator) Validate(domain, eventType string, data []byte) error {
	if err := v.Ready(); err != nil {
		return &SchemaError{Domain: domain, Type: eventType, Err: err}
	}
	s, ok := v.schemas[domain+"/"+eventType]
	if !ok {
		return &SchemaError{Domain: domain, Type: eventType, Err: ErrUnknownEvent}
	}
	return check(s, domain, eventType, data)
}

// ValidateEnvelope checks a whole envelope against the base contract.
func (v *Validator) ValidateEnvelope(data []byte) error {
	if err := v.Ready(); err != nil {
		return &SchemaError{Domain: "event-base", Type: "main-event", Err: err}
	}
	return check(v.envelope, "event-base", "main-event", data)
}

// validateSealed checks a payload against its event's schema and the envelope built around it against the base
// contract, parsing the payload once: the envelope's instance is assembled from the fields the sealer wrote and
// the payload's parsed instance, as the envelope's JSON would decode.
func (v *Validator) validateSealed(r Record, version int, data []byte) error {
	if err := v.Ready(); err != nil {
		return &SchemaError{Domain: r.Domain, Type: r.Type, Err: err}
	}
	s, ok := v.schemas[r.Domain+"/"+r.Type]
	if !ok {
		return &SchemaError{Domain: r.Domain, Type: r.Type, Err: ErrUnknownEvent}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return &SchemaError{Domain: r.Domain, Type: r.Type, Err: err}
	}
	if err := s.Validate(inst); err != nil {
		return &SchemaError{Domain: r.Domain, Type: r.Type, Err: err}
	}
	env := map[string]any{
		"event_id": r.ID, "domain": r.Domain, "event_type": r.Type, "schema_version": json.Number(strconv.Itoa(version)),
		"org_id": r.Tenant, "cid": r.CID, "timestamp": r.Time.Format(TimeFormat), "data": inst,
	}
	if err := v.envelope.Validate(env); err != nil {
		return &SchemaError{Domain: "event-base", Type: "main-event", Err: err}
	}
	return nil
}

func check(s *jsonschema.Schema, domain, eventType string, data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return &SchemaError{Domain: domain, Type: eventType, Err: err}
	}
	if err := s.Validate(inst); err != nil {
		return &SchemaError{Domain: domain, Type: eventType, Err: err}
	}
	return nil
}
