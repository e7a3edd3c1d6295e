package httpapi

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// canonicalInt is how an integer parameter is written: decimal digits, a minus sign for a negative value, and
// no sign, leading zero or space otherwise. Go's strconv reads 01 and +1 as 1, which would let two spellings
// name one card.
var canonicalInt = regexp.MustCompile(`^(0|-?[1-9][0-9]*)$`)

// isCanonicalInt reports whether s is an integer written the one way the simulator accepts.
func isCanonicalInt(s string) bool { return canonicalInt.MatchString(s) }

// canonicalUUID is the uuid format the contracts' `format: uuid` means: 36 characters, hex digits in 8-4-4-4-12
// groups (any version). The generated code would also take braces, a urn:uuid: prefix or no dashes.
var canonicalUUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// uuidFormat validates `format: uuid` for kin-openapi, which leaves that format unchecked unless told.
type uuidFormat struct{}

func (uuidFormat) Validate(s string) error {
	if !canonicalUUID.MatchString(s) {
		return fmt.Errorf("must be a uuid such as 0b9a7bd4-2c55-4bc3-9c47-4f3f7d3b1a2e")
	}
	return nil
}

// schemaOptions are the schema validation options of every request: the formats kin-openapi does not check by
// itself.
func schemaOptions() []openapi3.SchemaValidationOption {
	return []openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidators(map[string]openapi3.StringFormatValidator{"uuid": uuidFormat{}}),
	}
}

// checkParams refuses what kin-openapi and the generated binder would read some way of their own: a header or
// query parameter sent twice where the contract takes one value (the binder took the first, or failed naming
// the body), and an integer parameter (path, query or header) not written canonically. Each fault names the
// parameter where it really is.
func checkParams(r *http.Request, route *routers.Route, pathParams map[string]string) *Problem {
	var errs []FieldError
	query := r.URL.Query()
	for _, ref := range append(route.PathItem.Parameters, route.Operation.Parameters...) {
		p := ref.Value
		if p == nil || p.Schema == nil || p.Schema.Value == nil {
			continue
		}
		var values []string
		switch p.In {
		case openapi3.ParameterInPath:
			if v, ok := pathParams[p.Name]; ok {
				values = []string{v}
			}
		case openapi3.ParameterInQuery:
			values = query[p.Name]
		case openapi3.ParameterInHeader:
			values = r.Header.Values(p.Name)
		default:
			continue
		}
		schema := p.Schema.Value
		array := schema.Type.Is(openapi3.TypeArray)
		if len(values) > 1 && !(array && exploded(p)) {
			errs = append(errs, FieldError{Field: p.Name, In: p.In, Rule: "repeated",
				Message: fmt.Sprintf("%s: sent %d times; the contract takes it once", p.Name, len(values))})
			continue
		}
		items := schema
		if array {
			if schema.Items == nil || schema.Items.Value == nil {
				continue
			}
			items = schema.Items.Value
		}
		if !items.Type.Is(openapi3.TypeInteger) {
			continue
		}
		for _, v := range values {
			parts := []string{v}
			if array {
				parts = strings.Split(v, ",")
			}
			for _, part := range parts {
				if _, err := strconv.ParseFloat(part, 64); err == nil && !isCanonicalInt(part) { // not a number at all: the validator's type rule
					errs = append(errs, FieldError{Field: p.Name, In: p.In, Rule: "canonical",
						Message: p.Name + ": an integer is written in decimal digits, without a plus sign, leading zeros or spaces"})
				}
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &Problem{Status: http.StatusBadRequest, Code: "validation_error", Message: summary(errs), Errors: errs}
}

// exploded reports whether an array parameter comes as one value per occurrence (status=A&status=B): the
// contract says so, or it leaves the default, which is true for query parameters (style form).
func exploded(p *openapi3.Parameter) bool {
	if p.Explode != nil {
		return *p.Explode
	}
	return p.In == openapi3.ParameterInQuery
}

// repeatedAuthorization refuses a request with more than one Authorization header: which credential counts
// would otherwise be the server's guess (net/http's first).
func repeatedAuthorization(r *http.Request) *Problem {
	if n := len(r.Header.Values("Authorization")); n > 1 {
		errs := []FieldError{{Field: "Authorization", In: "header", Rule: "repeated",
			Message: fmt.Sprintf("Authorization: sent %d times; send one bearer token", n)}}
		return &Problem{Status: http.StatusBadRequest, Code: "validation_error", Message: summary(errs), Errors: errs}
	}
	return nil
}
