package openapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/issuersim/issuersim/openapi"
)

// eventSchemaBase is the URL prefix of every event schema's $id; eventFSLoader maps it onto events/ in openapi.FS.
const eventSchemaBase = "https://issuersim.dev/events/"

// eventEnvelopeSchema is the envelope's path under events/: a schema, but not an event, so it has no catalogue entry.
const eventEnvelopeSchema = "envelope.json"

// eventFSLoader resolves schema URLs against the embedded contracts, so compiling never reaches the network or
// a path outside the package.
type eventFSLoader struct{}

func (eventFSLoader) Load(url string) (any, error) {
	rel, ok := strings.CutPrefix(url, eventSchemaBase)
	if !ok {
		return nil, fmt.Errorf("load %s: not under %s", url, eventSchemaBase)
	}
	f, err := openapi.FS.Open(path.Join("events", rel))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", url, err)
	}
	defer f.Close()
	return jsonschema.UnmarshalJSON(f)
}

// eventCatalogueEntry is one row of events/catalogue.json.
type eventCatalogueEntry struct {
	Domain    string   `json:"domain"`
	EventType string   `json:"event_type"`
	Name      string   `json:"name"`
	Version   int      `json:"version"`
	Title     string   `json:"title"`
	Schema    string   `json:"schema"`
	EmittedBy []string `json:"emitted_by"`
	Async     *bool    `json:"async"`
	Source    string   `json:"source"`
	Notes     string   `json:"notes"`
}

// eventSchemaFiles lists every schema under events/ (relative to it): the envelope and one file per event, but
// neither the examples nor the catalogue.
func eventSchemaFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := fs.WalkDir(openapi.FS, "events", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "events/")
		switch {
		case d.IsDir() && rel == "examples":
			return fs.SkipDir
		case d.IsDir(), !strings.HasSuffix(p, ".json"), rel == "catalogue.json":
			return nil
		}
		files = append(files, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no event schemas embedded")
	}
	return files
}

// readEventJSON decodes a file of openapi.FS the way the validator expects (numbers as json.Number).
func readEventJSON(t *testing.T, name string) any {
	t.Helper()
	f, err := openapi.FS.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return v
}

// loadEventCatalogue decodes events/catalogue.json.
func loadEventCatalogue(t *testing.T) []eventCatalogueEntry {
	t.Helper()
	data, err := openapi.FS.ReadFile("events/catalogue.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Events []eventCatalogueEntry `json:"events"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("decode catalogue.json: %v", err)
	}
	if len(doc.Events) == 0 {
		t.Fatal("catalogue.json lists no events")
	}
	return doc.Events
}

// compileEventSchema compiles events/<rel> as draft-07 with format assertions on, resolving every reference
// through eventFSLoader.
func compileEventSchema(t *testing.T, rel string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat()
	c.UseLoader(eventFSLoader{})
	sch, err := c.Compile(eventSchemaBase + rel)
	if err != nil {
		t.Fatalf("compile %s: %v", rel, err)
	}
	return sch
}

// eventErrorMissing reports whether a validation error, or one of its causes, is a "required" failure naming
// field.
func eventErrorMissing(err error, field string) bool {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	var walk func(*jsonschema.ValidationError) bool
	walk = func(e *jsonschema.ValidationError) bool {
		if k, ok := e.ErrorKind.(*kind.Required); ok && slices.Contains(k.Missing, field) {
			return true
		}
		return slices.ContainsFunc(e.Causes, walk)
	}
	return walk(ve)
}

// TestEventSchemasCompile proves every schema under events/ is a draft-07 object schema whose $id matches its
// path, compiles, and never closes itself with additionalProperties: false (the vendor adds fields over time).
func TestEventSchemasCompile(t *testing.T) {
	for _, rel := range eventSchemaFiles(t) {
		t.Run(rel, func(t *testing.T) {
			doc, ok := readEventJSON(t, "events/"+rel).(map[string]any)
			if !ok {
				t.Fatalf("%s is not a JSON object", rel)
			}
			if got, want := doc["$schema"], "http://json-schema.org/draft-07/schema#"; got != want {
				t.Errorf("$schema = %v, want %s", got, want)
			}
			if got, want := doc["$id"], eventSchemaBase+rel; got != want {
				t.Errorf("$id = %v, want %s", got, want)
			}
			if doc["type"] != "object" {
				t.Errorf("type = %v, want object", doc["type"])
			}
			for _, key := range []string{"title", "description"} {
				if s, _ := doc[key].(string); s == "" {
					t.Errorf("%s is missing", key)
				}
			}
			if where := closedObject(doc, ""); where != "" {
				t.Errorf("additionalProperties: false at %s", where)
			}
			compileEventSchema(t, rel)
		})
	}
}

// closedObject returns the JSON pointer of the first additionalProperties: false inside v, or "" if none.
func closedObject(v any, at string) string {
	switch v := v.(type) {
	case map[string]any:
		if v["additionalProperties"] == false {
			return at + "/additionalProperties"
		}
		for k, child := range v {
			if where := closedObject(child, at+"/"+k); where != "" {
				return where
			}
		}
	case []any:
		for i, child := range v {
			if where := closedObject(child, fmt.Sprintf("%s/%d", at, i)); where != "" {
				return where
			}
		}
	}
	return ""
}

// TestEventCatalogueMatchesSchemas proves catalogue.json and the schema files agree one to one, each entry is
// self-consistent (event_type = name-version, schema path = domain/event_type.json, $id and title match the
// schema), and entries are ordered by domain then event_type.
func TestEventCatalogueMatchesSchemas(t *testing.T) {
	entries := loadEventCatalogue(t)
	files := map[string]bool{}
	for _, rel := range eventSchemaFiles(t) {
		if rel != eventEnvelopeSchema {
			files[rel] = false
		}
	}
	for i, e := range entries {
		t.Run(e.Domain+"/"+e.EventType, func(t *testing.T) {
			if want := fmt.Sprintf("%s-%d", e.Name, e.Version); e.EventType != want {
				t.Errorf("event_type %q, want name-version %q", e.EventType, want)
			}
			if want := e.Domain + "/" + e.EventType + ".json"; e.Schema != want {
				t.Errorf("schema %q, want %q", e.Schema, want)
			}
			seen, ok := files[e.Schema]
			switch {
			case !ok:
				t.Fatalf("schema %s does not exist", e.Schema)
			case seen:
				t.Fatalf("schema %s listed twice", e.Schema)
			}
			files[e.Schema] = true
			doc := readEventJSON(t, "events/"+e.Schema).(map[string]any)
			if doc["title"] != e.Title {
				t.Errorf("title %q, schema says %v", e.Title, doc["title"])
			}
			if e.Version < 1 || e.Domain == "" || e.Name == "" {
				t.Errorf("incomplete entry %+v", e)
			}
			if e.EmittedBy == nil || e.Async == nil {
				t.Errorf("emitted_by and async must be present (emitted_by may be [])")
			}
			if len(e.EmittedBy) == 0 && e.Notes == "" {
				t.Errorf("no emitter and no note naming the trigger")
			}
			if !strings.HasPrefix(e.Source, "https://developers.pismo.io/events/docs/") && !(e.Domain == "d1" && strings.HasPrefix(e.Source, "https://docs.payments.thalescloud.io/")) {
				t.Errorf("source %q is not a vendor events page", e.Source)
			}
			if i > 0 {
				prev := entries[i-1]
				if prev.Domain > e.Domain || prev.Domain == e.Domain && prev.EventType >= e.EventType {
					t.Errorf("out of order after %s/%s", prev.Domain, prev.EventType)
				}
			}
		})
	}
	for rel, listed := range files {
		if !listed {
			t.Errorf("schema %s has no catalogue entry", rel)
		}
	}
}

// TestEventExamplesValidate proves each event's example payload validates against its schema, and that every
// example file belongs to a schema.
func TestEventExamplesValidate(t *testing.T) {
	entries := loadEventCatalogue(t)
	for _, e := range entries {
		t.Run(e.Domain+"/"+e.EventType, func(t *testing.T) {
			sch := compileEventSchema(t, e.Schema)
			if err := sch.Validate(readEventJSON(t, "events/examples/"+e.Schema)); err != nil {
				t.Errorf("example does not match its schema: %v", err)
			}
		})
	}
	err := fs.WalkDir(openapi.FS, "events/examples", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, "events/examples/")
		if _, err := fs.Stat(openapi.FS, "events/"+rel); err != nil {
			t.Errorf("example %s has no schema events/%s", p, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEventRequiredFieldsEnforced proves, one row per required field of every event, that the example without
// that field fails validation with a "required" error naming the field.
func TestEventRequiredFieldsEnforced(t *testing.T) {
	for _, e := range loadEventCatalogue(t) {
		doc := readEventJSON(t, "events/"+e.Schema).(map[string]any)
		required, _ := doc["required"].([]any)
		if len(required) == 0 {
			continue
		}
		sch := compileEventSchema(t, e.Schema)
		example, ok := readEventJSON(t, "events/examples/"+e.Schema).(map[string]any)
		if !ok {
			t.Fatalf("example of %s is not an object", e.EventType)
		}
		for _, r := range required {
			field := r.(string)
			t.Run(e.Domain+"/"+e.EventType+"/"+field, func(t *testing.T) {
				if _, ok := example[field]; !ok {
					t.Fatalf("example lacks required %q", field)
				}
				mutated := make(map[string]any, len(example))
				for k, v := range example {
					if k != field {
						mutated[k] = v
					}
				}
				err := sch.Validate(mutated)
				if err == nil {
					t.Fatalf("validation passed without required %q", field)
				}
				if !eventErrorMissing(err, field) || !strings.Contains(err.Error(), "'"+field+"'") {
					t.Errorf("error does not name %q: %v", field, err)
				}
			})
		}
	}
}

// TestEventEnvelopeExample proves the full envelope example validates against envelope.json, that its data
// validates against the schema its domain and event_type name, and that this data is the create-1 example.
func TestEventEnvelopeExample(t *testing.T) {
	env, ok := readEventJSON(t, "events/examples/envelope.json").(map[string]any)
	if !ok {
		t.Fatal("envelope example is not an object")
	}
	if err := compileEventSchema(t, eventEnvelopeSchema).Validate(env); err != nil {
		t.Fatalf("envelope example does not match envelope.json: %v", err)
	}
	domain, _ := env["domain"].(string)
	eventType, _ := env["event_type"].(string)
	rel := domain + "/" + eventType + ".json"
	if err := compileEventSchema(t, rel).Validate(env["data"]); err != nil {
		t.Errorf("envelope data does not match %s: %v", rel, err)
	}
	if want := readEventJSON(t, "events/examples/cards/create-1.json"); !reflect.DeepEqual(env["data"], want) {
		t.Errorf("envelope data differs from examples/cards/create-1.json")
	}
}
