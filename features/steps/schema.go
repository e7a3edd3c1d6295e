package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/cucumber/godog"

	"github.com/issuersim/issuersim/gen/simadminclient"
	"github.com/issuersim/issuersim/sim/event"
)

// The schema steps check events against the JSON Schemas of openapi/events, which this package carries
// compiled in, so they check a remote simulator (or any server) as strictly as the in-process one checks
// itself: the envelope against envelope.json and the data against its event's schema.
//
//	the card's events match their schemas
//	every event of the tenant matches its schema
func (s *Steps) registerSchemas(sc *godog.ScenarioContext) {
	sc.Step(`^the (previous card|stored card|card|token|bulk)'s events match their schemas$`, s.subjectSchemas)
	sc.Step(`^every event of the tenant matches its schema$`, s.tenantSchemas)
}

// schemaCache compiles the event schemas once, on first use, for every scenario.
type schemaCache struct {
	once sync.Once
	v    *event.Validator
	err  error
}

func (c *schemaCache) validator() (*event.Validator, error) {
	c.once.Do(func() {
		c.v, c.err = event.NewValidator()
		if c.err != nil {
			c.err = fmt.Errorf("compile the event schemas: %w", c.err)
		}
	})
	return c.v, c.err
}

// checkSchemas validates each event's envelope and data; it fails on an empty list, which proves nothing.
func (s *Steps) checkSchemas(whose string, evs []map[string]any) error {
	if len(evs) == 0 {
		return fmt.Errorf("expected %s events to check against their schemas, but there are none", whose)
	}
	v, err := s.schemas.validator()
	if err != nil {
		return err
	}
	var errs []error
	for i, e := range evs {
		if err := checkSchema(v, e); err != nil {
			errs = append(errs, fmt.Errorf("event %d of %s (%v %s): %w", i+1, whose, e["event_type"], eventID(e), err))
		}
	}
	return errors.Join(errs...)
}

// checkSchema validates one decoded event: its envelope, then its data against its domain and type's schema.
func checkSchema(v *event.Validator, e map[string]any) error {
	raw, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := v.ValidateEnvelope(raw); err != nil {
		return err
	}
	domain, _ := e["domain"].(string)
	eventType, _ := e["event_type"].(string)
	data, err := json.Marshal(e["data"])
	if err != nil {
		return err
	}
	return v.Validate(domain, eventType, data)
}

func (s *Steps) subjectSchemas(ctx context.Context, which string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	subject, whose, err := s.subjectOf(ctx, st, which)
	if err != nil {
		return err
	}
	evs, err := s.subjectEvents(ctx, st, subject)
	if err != nil {
		return err
	}
	return s.checkSchemas(whose, evs)
}

func (s *Steps) tenantSchemas(ctx context.Context) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	evs, err := s.listEvents(ctx, simadminclient.ListEventsParams{Tenant: &st.tenant}, "the tenant's events")
	if err != nil {
		return err
	}
	return s.checkSchemas("the tenant's", evs)
}
