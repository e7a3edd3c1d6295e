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
//
// It is on the path of every request with a body, so it does not decode: encoding/json checks the syntax
// without allocating, then one pass over the bytes checks the rest, reusing its buffers.
func checkJSON(body []byte) *jsonFault {
	if !json.Valid(body) {
		return syntaxFault(body)
	}
	s := jsonScan{body: body, utf8OK: utf8.Valid(body)}
	return s.value()
}

// syntaxFault says why encoding/json refuses a body and where: no value, a second value after the first, or a
// syntax error at the place a token walk reached. It runs only for refused bodies, so it may allocate.
func syntaxFault(body []byte) *jsonFault {
	if len(bytes.TrimSpace(body)) == 0 {
		return &jsonFault{Pointer: "/", Rule: "json", Reason: "the body holds no JSON value"}
	}
	// open is one object or array being read: its current member or element, and whether a key comes next.
	type open struct {
		object bool
		key    string
		index  int
		onKey  bool
	}
	var stack []open
	pointer := func() string {
		var b strings.Builder
		for _, o := range stack {
			b.WriteByte('/')
			if o.object {
				b.WriteString(escapePointer(o.key))
			} else {
				b.WriteString(strconv.Itoa(o.index))
			}
		}
		if b.Len() == 0 {
			return "/"
		}
		return b.String()
	}
	done := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				stack[n-1].onKey = true
			} else {
				stack[n-1].index++
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		var se *json.SyntaxError
		switch {
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return &jsonFault{Pointer: pointer(), Rule: "json", Reason: "the body is not valid JSON: it ends before its value does"}
		case errors.As(err, &se):
			return &jsonFault{Pointer: pointer(), Rule: "json", Reason: fmt.Sprintf("the body is not valid JSON: syntax error at byte %d", se.Offset)}
		case err != nil:
			return &jsonFault{Pointer: pointer(), Rule: "json", Reason: "the body is not valid JSON"}
		}
		switch t := tok.(type) {
		case json.Delim:
			if t == '{' || t == '[' {
				stack = append(stack, open{object: t == '{', onKey: t == '{'})
				continue
			}
			stack = stack[:len(stack)-1]
			done()
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].onKey {
				stack[n-1].key, stack[n-1].onKey = t, false
				continue
			}
			done()
		default:
			done()
		}
		if len(stack) == 0 && dec.More() {
			return &jsonFault{Pointer: "/", Rule: "single_value", Reason: "the body holds more than one JSON value (trailing data after the first)"}
		}
	}
}

// jsonScan walks a body encoding/json found valid. path is the place being read, for the pointer of a fault;
// keys holds, per depth, the keys of the object open there, reused from one object to the next.
type jsonScan struct {
	body   []byte
	i      int
	utf8OK bool
	path   []pathStep
	keys   [][][]byte
}

// pathStep is one step of a JSON pointer: an object's member (its raw key, escapes and all) or an array's index.
type pathStep struct {
	key   []byte
	index int
	inArr bool
}

// manyKeys is where an object's duplicate check moves from comparing each key with the others to a map.
const manyKeys = 16

func (s *jsonScan) skipSpace() {
	for s.i < len(s.body) {
		switch s.body[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *jsonScan) value() *jsonFault {
	s.skipSpace()
	switch s.body[s.i] {
	case '{':
		return s.object()
	case '[':
		return s.array()
	case '"':
		_, f := s.str()
		return f
	}
	start := s.i
	for s.i < len(s.body) { // a number, true, false or null
		switch s.body[s.i] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return s.number(s.body[start:s.i])
		}
		s.i++
	}
	return s.number(s.body[start:s.i])
}

// number refuses a number no reader of the contracts can hold: beyond a float64's range (1e400), which
// encoding/json and kin-openapi would each refuse in words of their own. Only a number with an exponent or
// over 300 digits can overflow, so the usual one is not parsed.
func (s *jsonScan) number(lit []byte) *jsonFault {
	if lit[0] == 't' || lit[0] == 'f' || lit[0] == 'n' || len(lit) <= 300 && bytes.IndexAny(lit, "eE") < 0 {
		return nil
	}
	if _, err := strconv.ParseFloat(string(lit), 64); err != nil {
		return s.fault("number", "the number is beyond what a JSON number may hold here (about ±1.8e308)")
	}
	return nil
}

func (s *jsonScan) object() *jsonFault {
	depth := len(s.path)
	if depth == maxJSONDepth {
		return s.fault("depth", fmt.Sprintf("the body nests objects and arrays deeper than %d levels", maxJSONDepth))
	}
	for len(s.keys) <= depth {
		s.keys = append(s.keys, nil)
	}
	keys := s.keys[depth][:0]
	var set map[string]struct{}
	s.i++ // {
	s.skipSpace()
	if s.body[s.i] == '}' {
		s.i++
		return nil
	}
	for {
		s.skipSpace()
		raw, f := s.str()
		s.path = append(s.path, pathStep{key: raw})
		if f != nil {
			return f
		}
		dup := false
		switch {
		case set != nil:
			_, dup = set[keyText(raw)]
			set[keyText(raw)] = struct{}{}
		case len(keys) == manyKeys:
			set = make(map[string]struct{}, 2*manyKeys)
			for _, k := range keys {
				set[keyText(k)] = struct{}{}
			}
			_, dup = set[keyText(raw)]
			set[keyText(raw)] = struct{}{}
		default:
			for _, k := range keys {
				if sameKey(k, raw) {
					dup = true
					break
				}
			}
			keys = append(keys, raw)
		}
		if dup {
			return s.fault("duplicate_key", "the key is given twice in one object; send it once")
		}
		s.skipSpace()
		s.i++ // :
		s.keys[depth] = keys
		if f := s.value(); f != nil {
			return f
		}
		s.path = s.path[:depth]
		s.skipSpace()
		c := s.body[s.i]
		s.i++
		if c == '}' {
			return nil
		}
	}
}

func (s *jsonScan) array() *jsonFault {
	depth := len(s.path)
	if depth == maxJSONDepth {
		return s.fault("depth", fmt.Sprintf("the body nests objects and arrays deeper than %d levels", maxJSONDepth))
	}
	s.i++ // [
	s.skipSpace()
	if s.body[s.i] == ']' {
		s.i++
		return nil
	}
	for n := 0; ; n++ {
		s.path = append(s.path, pathStep{index: n, inArr: true})
		if f := s.value(); f != nil {
			return f
		}
		s.path = s.path[:depth]
		s.skipSpace()
		c := s.body[s.i]
		s.i++
		if c == ']' {
			return nil
		}
	}
}

// str reads the string at s.i and returns its raw content (between the quotes, escapes as sent). It refuses a
// NUL (\u0000), an unpaired surrogate escape and, when the body is not all UTF-8, invalid bytes.
func (s *jsonScan) str() ([]byte, *jsonFault) {
	s.i++ // "
	start := s.i
	for {
		switch c := s.body[s.i]; c {
		case '"':
			raw := s.body[start:s.i]
			s.i++
			if !s.utf8OK && !utf8.Valid(raw) {
				return raw, s.fault("utf8", "a string is not valid UTF-8 (an invalid byte or an unpaired surrogate escape)")
			}
			return raw, nil
		case '\\':
			if s.body[s.i+1] != 'u' {
				s.i += 2
				continue
			}
			r := hex4(s.body[s.i+2 : s.i+6])
			s.i += 6
			switch {
			case r == 0:
				return nil, s.fault("nul", "a string holds a NUL character (\\u0000)")
			case r >= 0xDC00 && r <= 0xDFFF:
				return nil, s.fault("utf8", "a string is not valid UTF-8 (an invalid byte or an unpaired surrogate escape)")
			case r >= 0xD800 && r <= 0xDBFF:
				if s.i+6 > len(s.body) || s.body[s.i] != '\\' || s.body[s.i+1] != 'u' {
					return nil, s.fault("utf8", "a string is not valid UTF-8 (an invalid byte or an unpaired surrogate escape)")
				}
				if low := hex4(s.body[s.i+2 : s.i+6]); low < 0xDC00 || low > 0xDFFF {
					return nil, s.fault("utf8", "a string is not valid UTF-8 (an invalid byte or an unpaired surrogate escape)")
				}
				s.i += 6
			}
		default:
			s.i++
		}
	}
}

// hex4 reads four hex digits (encoding/json has checked they are).
func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		default:
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}

// sameKey compares two raw keys as the strings they stand for; only keys with escapes need decoding.
func sameKey(a, b []byte) bool {
	if bytes.IndexByte(a, '\\') < 0 && bytes.IndexByte(b, '\\') < 0 {
		return bytes.Equal(a, b)
	}
	return keyText(a) == keyText(b)
}

// keyText decodes a raw key.
func keyText(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw)
	}
	var s string
	quoted := make([]byte, 0, len(raw)+2)
	quoted = append(append(append(quoted, '"'), raw...), '"')
	if json.Unmarshal(quoted, &s) != nil {
		return string(raw)
	}
	return s
}

// fault is a jsonFault at the place being read.
func (s *jsonScan) fault(rule, reason string) *jsonFault {
	if len(s.path) == 0 {
		return &jsonFault{Pointer: "/", Rule: rule, Reason: reason}
	}
	var b strings.Builder
	for _, p := range s.path {
		b.WriteByte('/')
		if p.inArr {
			b.WriteString(strconv.Itoa(p.index))
		} else {
			b.WriteString(escapePointer(keyText(p.key)))
		}
	}
	return &jsonFault{Pointer: b.String(), Rule: rule, Reason: reason}
}

// escapePointer escapes a key as a JSON pointer token (RFC 6901).
func escapePointer(key string) string {
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}
