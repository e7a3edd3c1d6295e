package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

// FieldError names one fault in a request: where it is, which rule it broke, in a sentence.
type FieldError struct {
	Field   string `json:"field"`
	In      string `json:"in"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Problem is an error answer before it is put in an API's shape.
type Problem struct {
	Status  int
	Code    string // a short machine name: validation_error, unauthorized, not_found, …
	Message string
	Errors  []FieldError
}

// Shape renders a Problem as one vendor API writes its errors.
type Shape func(Problem) any

// The vendors' error shapes; each keeps the vendor's fields and adds errors, the list of faults.
var (
	// ProcessorShape is {message} for the wallet, PCI cards, bulks, passport and the admin API.
	ProcessorShape Shape = func(p Problem) any {
		return struct {
			Message string       `json:"message"`
			Errors  []FieldError `json:"errors,omitempty"`
		}{p.Message, p.Errors}
	}
	// EmbossingShape is {message, error, status, error_code}.
	EmbossingShape Shape = func(p Problem) any {
		return struct {
			Message   string       `json:"message"`
			Error     string       `json:"error"`
			Status    int          `json:"status"`
			ErrorCode string       `json:"error_code"`
			Errors    []FieldError `json:"errors,omitempty"`
		}{p.Message, p.Code, p.Status, strings.ToUpper(p.Code), p.Errors}
	}
	// CardsOnFileShape is {error_code, message}, used by cards on file and tokenization.
	CardsOnFileShape Shape = func(p Problem) any {
		return struct {
			ErrorCode string       `json:"error_code"`
			Message   string       `json:"message"`
			Errors    []FieldError `json:"errors,omitempty"`
		}{strings.ToUpper(p.Code), p.Message, p.Errors}
	}
	// D1Shape is {error, errorCode}.
	D1Shape Shape = func(p Problem) any {
		msg := p.Message
		if len(msg) > 256 { // the vendor caps error at 256 characters
			msg = msg[:253] + "..."
		}
		return struct {
			Error     string       `json:"error"`
			ErrorCode string       `json:"errorCode,omitempty"`
			Errors    []FieldError `json:"errors,omitempty"`
		}{msg, strings.ToUpper(p.Code), p.Errors}
	}
)

// writeJSON writes v as JSON with the status code; encoding errors cannot happen for the types used here.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// write renders the problem in the shape.
func (s Shape) write(w http.ResponseWriter, p Problem) { writeJSON(w, p.Status, s(p)) }
