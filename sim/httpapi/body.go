package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"
)

// DefaultMaxBodyBytes is the request body limit when none is configured: 1 MiB, a thousand times the largest
// body the contracts describe, and small enough that a hostile client cannot fill the memory.
const DefaultMaxBodyBytes int64 = 1 << 20

// readBody reads the request body once, at most maxBody bytes of it, and puts it back for the validator and
// the generated handler; a JSON body must be one strict JSON value (checkJSON). It answers a Problem for a body
// over the limit (413), one that could not be read (a broken chunked encoding, a client that stopped sending
// before the read timeout; 400 about the body, never about the token) and one that is not strict JSON (400).
// w is the connection's own writer, so that a body over the limit also closes the connection instead of
// reading the rest of it.
func readBody(w http.ResponseWriter, r *http.Request, maxBody int64) *Problem {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	_ = r.Body.Close()
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return &Problem{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
			Message: fmt.Sprintf("the request body is larger than %d bytes, the simulator's limit (serve --max-body)", maxBody),
			Errors:  []FieldError{{Field: "/", In: "body", Rule: "max_body", Message: fmt.Sprintf("/: the body may hold at most %d bytes", maxBody)}}}
	case errors.Is(err, os.ErrDeadlineExceeded):
		return bodyProblem("read_timeout", "the body did not arrive within the read timeout (serve --read-timeout)")
	case err != nil:
		return bodyProblem("read", "the body could not be read: its chunked encoding is malformed or the client stopped sending it")
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	if len(data) == 0 || !isJSON(r.Header.Get("Content-Type")) {
		return nil
	}
	if f := checkJSON(data); f != nil {
		p := bodyProblem(f.Rule, f.Reason)
		p.Errors[0].Field, p.Errors[0].Message = f.Pointer, f.Pointer+": "+f.Reason
		p.Message = summary(p.Errors)
		return p
	}
	return nil
}

// bodyProblem is a 400 about the body as a whole.
func bodyProblem(rule, reason string) *Problem {
	errs := []FieldError{{Field: "/", In: "body", Rule: rule, Message: "/: " + reason}}
	return &Problem{Status: http.StatusBadRequest, Code: "validation_error", Message: summary(errs), Errors: errs}
}

// isJSON reports whether a Content-Type names JSON (application/json, or any type ending in +json).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}
