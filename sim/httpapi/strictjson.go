package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxJSONDepth bounds how deeply a request body may nest objects and arrays; no contract comes near it, and
// free JSON (a card's metadata) has no reason to.
const maxJSONDepth = 64

// jsonFault is what makes a body something other than exactly one well-formed JSON value the contracts can
// read one way: where it is (a JSON pointer), the rule and the reason, which never quotes the value.
type jsonFault struct {
	Pointer string
	Rule    string
	Reason  string
}

func (f *jsonFault) Error() string { return f.Pointer + ": " + f.Reason }

// checkJSON refuses what encoding/json and kin-openapi would silently read some way of their own: anything
// after the first value (trailing data, a second object), a key given twice in one object (the last would
// win), a NUL character in a string, and text that is not UTF-8, raw or as an unpaired surrogate escape
// (either would be replaced by U+FFFD). It also refuses bodies nested deeper than maxJSONDepth. A nil result
// means the body is one strict JSON value.
func checkJSON(body []byte) *jsonFault {
	// frame is one open object or array: the keys seen and the member or element being read.
	type frame struct {
		object bool
		keys   map[string]struct{}
		key    string // the object's current member; "" before the first
		index  int    // the array's current element
		onKey  bool   // the object expects a key next
	}
	var stack []frame
	pointer := func() string {
		var b strings.Builder
		for _, f := range stack {
			b.WriteByte('/')
			if f.object {
				b.WriteString(escapePointer(f.key))
			} else {
				b.WriteString(strconv.Itoa(f.index))
			}
		}
		if b.Len() == 0 {
			return "/"
		}
		return b.String()
	}
	// done marks the current value of the innermost container as read.
	done := func() {
		if len(stack) == 0 {
			return
		}
		top := &stack[len(stack)-1]
		if top.object {
			top.onKey = true
		} else {
			top.index++
		}
	}
	utf8OK := utf8.Valid(body)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var prev int64
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if len(stack) > 0 {
				return &jsonFault{Pointer: pointer(), Rule: "json", Reason: "the body ends before its JSON value does"}
			}
			return &jsonFault{Pointer: "/", Rule: "json", Reason: "the body holds no JSON value"} // a value returns below
		}
		if err != nil {
			return &jsonFault{Pointer: pointer(), Rule: "json", Reason: "the body is not valid JSON: " + syntaxReason(err)}
		}
		off := dec.InputOffset()
		raw := body[prev:off]
		prev = off
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(stack) == maxJSONDepth {
					return &jsonFault{Pointer: pointer(), Rule: "depth", Reason: fmt.Sprintf("the body nests objects and arrays deeper than %d levels", maxJSONDepth)}
				}
				stack = append(stack, frame{object: t == '{', onKey: t == '{', keys: map[string]struct{}{}})
			default:
				stack = stack[:len(stack)-1]
				done()
			}
		case string:
			if f := checkString(t, raw, utf8OK); f != "" {
				if top := len(stack) - 1; top >= 0 && stack[top].object && stack[top].onKey {
					stack[top].key = t
				}
				return &jsonFault{Pointer: pointer(), Rule: f, Reason: stringReason(f)}
			}
			if top := len(stack) - 1; top >= 0 && stack[top].object && stack[top].onKey {
				f := &stack[top]
				f.key, f.onKey = t, false
				if _, dup := f.keys[t]; dup {
					return &jsonFault{Pointer: pointer(), Rule: "duplicate_key", Reason: "the key is given twice in one object; send it once"}
				}
				f.keys[t] = struct{}{}
				continue
			}
			done()
		default:
			done()
		}
		if len(stack) == 0 {
			if rest := bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
				return &jsonFault{Pointer: "/", Rule: "single_value", Reason: "the body holds more than one JSON value (trailing data after the first)"}
			}
			return nil
		}
	}
}

// checkString names the rule a decoded string breaks, or "". raw is the text the decoder read to produce it;
// utf8OK says the whole body is valid UTF-8, which spares the check of each string.
func checkString(s string, raw []byte, utf8OK bool) string {
	switch {
	case !utf8OK && !utf8.Valid(raw):
		return "utf8"
	case strings.IndexByte(s, 0) >= 0:
		return "nul"
	case strings.ContainsRune(s, utf8.RuneError) && !bytes.Contains(raw, []byte("\uFFFD")) && !bytes.Contains(bytes.ToLower(raw), []byte(`\ufffd`)):
		// The decoder put U+FFFD where an unpaired surrogate escape (\ud800) was: the text is not UTF-8.
		return "utf8"
	}
	return ""
}

func stringReason(rule string) string {
	if rule == "nul" {
		return "a string holds a NUL character (\\u0000)"
	}
	return "a string is not valid UTF-8 (an invalid byte or an unpaired surrogate escape)"
}

// syntaxReason says what is wrong with malformed JSON without quoting the body.
func syntaxReason(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	}
	return "it ends too early"
}

// escapePointer escapes a key as a JSON pointer token (RFC 6901).
func escapePointer(key string) string {
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}
