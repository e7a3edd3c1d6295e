package httpapi

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// fieldErrors turns kin-openapi's validation error into the faults it lists, each naming the field (a JSON
// pointer into the body, or the parameter's name) and the rule (the schema keyword that failed). kin-openapi's
// reasons never include the value, so no card number or PIN reaches an error body or a log.
func fieldErrors(err error) []FieldError {
	var out []FieldError
	var walk func(error)
	walk = func(err error) {
		// Match the wrapper types before MultiError: a RequestError unwraps to the MultiError of its schema
		// errors, and errors.As would skip the parameter or body it names.
		switch e := err.(type) {
		case *openapi3filter.RequestError:
			out = append(out, requestFieldErrors(e)...)
		case openapi3.MultiError:
			for _, inner := range e {
				walk(inner)
			}
		case *openapi3filter.SecurityRequirementsError:
			out = append(out, FieldError{Field: "Authorization", In: "header", Rule: "security", Message: "the request does not meet the operation's security requirements"})
		case *openapi3.SchemaError:
			field := "/" + strings.Join(e.JSONPointer(), "/")
			out = append(out, FieldError{Field: field, In: "body", Rule: e.SchemaField, Message: fmt.Sprintf("%s: %s", field, e.Reason)})
		default:
			// Never err.Error() here: some kin-openapi errors print the offending value.
			out = append(out, FieldError{Field: "/", In: "body", Rule: "invalid", Message: "the request does not match the contract"})
		}
	}
	walk(err)
	// kin-openapi visits object properties in map order; sort so the same request always gets the same body.
	slices.SortStableFunc(out, func(a, b FieldError) int {
		return cmp.Or(cmp.Compare(inOrder[a.In], inOrder[b.In]), cmp.Compare(a.Field, b.Field), cmp.Compare(a.Rule, b.Rule))
	})
	return out
}

// inOrder lists faults the way a request is read: path, query, headers, then the body.
var inOrder = map[string]int{"path": 0, "query": 1, "header": 2, "body": 3}

func requestFieldErrors(re *openapi3filter.RequestError) []FieldError {
	in, name := "body", ""
	if re.Parameter != nil {
		in, name = re.Parameter.In, re.Parameter.Name
	}
	var schemaErrs []*openapi3.SchemaError
	var collect func(error)
	collect = func(err error) {
		switch e := err.(type) {
		case openapi3.MultiError:
			for _, inner := range e {
				collect(inner)
			}
		case *openapi3.SchemaError:
			schemaErrs = append(schemaErrs, e)
		}
	}
	collect(re.Err)
	if len(schemaErrs) == 0 {
		return []FieldError{plainRequestError(re, in, name)}
	}
	out := make([]FieldError, 0, len(schemaErrs))
	for _, se := range schemaErrs {
		field := name
		if re.Parameter == nil {
			field = "/" + strings.Join(se.JSONPointer(), "/")
		} else if ptr := se.JSONPointer(); len(ptr) > 0 {
			field = name + "/" + strings.Join(ptr, "/")
		}
		out = append(out, FieldError{Field: field, In: in, Rule: se.SchemaField, Message: fmt.Sprintf("%s: %s", field, se.Reason)})
	}
	return out
}

// plainRequestError covers faults that are not schema errors: a missing required parameter or body, JSON that
// does not parse, a wrong content type.
func plainRequestError(re *openapi3filter.RequestError, in, name string) FieldError {
	field := name
	if in == "body" && field == "" {
		field = "/"
	}
	rule := "invalid"
	var pe *openapi3filter.ParseError
	switch {
	case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
		rule = "required"
	case errors.As(re.Err, &pe):
		rule = "type"
		if in == "body" {
			rule = "json"
		}
	case strings.Contains(re.Reason, "Content-Type"):
		rule, field, in = "content-type", "Content-Type", "header"
	}
	reason := re.Reason
	if reason == "" && rule == "required" {
		reason = "value is required but missing"
	}
	if reason == "" {
		reason = "does not match the contract" // re.Err may print the value: never show it
	}
	return FieldError{Field: field, In: in, Rule: rule, Message: fmt.Sprintf("%s: %s", field, reason)}
}

// summary joins the faults into the one-line message the vendor shapes carry.
func summary(errs []FieldError) string {
	parts := make([]string, 0, len(errs))
	for _, e := range errs {
		parts = append(parts, e.Message+" ("+e.Rule+")")
	}
	return "invalid request: " + strings.Join(parts, "; ")
}
