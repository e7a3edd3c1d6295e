package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
)

// bindFault names what the generated code could not bind, where it really is, without Go's words: a
// parameter by its name and place (header, query, path), a body field by its JSON pointer. The gateway has
// validated the request against the contract by then, so this is rare (a number beyond 64 bits, a value the
// contract's schema allows and the Go type does not), but it must never answer "in: body, field /" for a
// header or echo a Go struct or type name.
func bindFault(r *http.Request, err error) FieldError {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := "/" + strings.ReplaceAll(typeErr.Field, ".", "/")
		kind, _, _ := strings.Cut(typeErr.Value, " ") // "number 1e3": keep the kind, never the value
		reason := "the value does not fit the field"
		if kind == "number" {
			reason = "the number does not fit the field: a whole number within 64 bits, written without exponent or fraction"
		}
		return FieldError{Field: field, In: "body", Rule: "type", Message: field + ": " + reason}
	case errors.As(err, &syntaxErr):
		return FieldError{Field: "/", In: "body", Rule: "json", Message: "/: the body is not valid JSON"}
	}
	if name, kind := generatedParamError(err); name != "" {
		rule := "type"
		switch kind {
		case "TooManyValuesForParamError":
			rule = "repeated"
		case "RequiredParamError", "RequiredHeaderError":
			rule = "required"
		}
		return FieldError{Field: name, In: fieldIn(r, name), Rule: rule, Message: name + ": the value does not match the contract"}
	}
	return FieldError{Field: "/", In: "body", Rule: "decode", Message: "/: the body does not match the contract"}
}

// generatedParamError finds, in an error chain, one of the parameter errors the generated packages declare
// (InvalidParamFormatError, TooManyValuesForParamError, …) and returns its ParamName and type name. Every
// generated package declares its own copy of these types, so they are recognised by shape rather than listed
// eight times over.
func generatedParamError(err error) (name, kind string) {
	for ; err != nil; err = errors.Unwrap(err) {
		v := reflect.ValueOf(err)
		if v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			continue
		}
		if f := v.FieldByName("ParamName"); f.IsValid() && f.Kind() == reflect.String {
			return f.String(), v.Type().Name()
		}
	}
	return "", ""
}
