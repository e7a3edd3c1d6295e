package openapi_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/issuersim/issuersim/openapi"
)

// TestContractsAreValid loads every document and validates it as OpenAPI 3.0.3, with examples checked against
// their schemas, so a broken contract fails here and not at the first request.
func TestContractsAreValid(t *testing.T) {
	names, err := fs.Glob(openapi.FS, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no contracts embedded")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			data, err := openapi.FS.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			loader := openapi3.NewLoader()
			doc, err := loader.LoadFromData(data)
			if err != nil {
				t.Fatalf("load %s: %v", name, err)
			}
			if doc.OpenAPI != "3.0.3" {
				t.Errorf("%s: openapi %q, want 3.0.3", name, doc.OpenAPI)
			}
			if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
				t.Fatalf("validate %s: %v", name, err)
			}
			seen := map[string]string{}
			for path, item := range doc.Paths.Map() {
				for method, op := range item.Operations() {
					where := method + " " + path
					if op.OperationID == "" {
						t.Errorf("%s has no operationId", where)
						continue
					}
					if op.OperationID[0] < 'a' || op.OperationID[0] > 'z' || strings.ContainsAny(op.OperationID, "-_ ") {
						t.Errorf("%s: operationId %q is not camelCase", where, op.OperationID)
					}
					if prev, dup := seen[op.OperationID]; dup {
						t.Errorf("operationId %q used by %s and %s", op.OperationID, prev, where)
					}
					seen[op.OperationID] = where
					if op.Summary == "" {
						t.Errorf("%s has no summary", where)
					}
				}
			}
		})
	}
}
