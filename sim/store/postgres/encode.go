package postgres

import (
	stdjson "encoding/json"
	"fmt"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/token"
)

// Aggregates are stored as JSON documents in the storage encoding below, not in encoding/json's: the secret
// types (PAN, PIN, CVV, OTP) marshal themselves masked for every log and response, so a document written with
// encoding/json would keep "************0005" instead of the card number. The storage encoding is the module
// form of the standard library's json/v2 with an explicit marshaler per secret type that writes its real
// value, and with nil slices and maps kept as null so that a row reads back exactly as it was written.
// Durations (a subscription's delay, an attempt's latency) are stored as nanoseconds, and a raw JSON value (a
// job's data) that was nil reads back nil.
var storage = json.JoinOptions(
	json.WithMarshalers(json.JoinMarshalers(
		json.MarshalToFunc(func(enc *jsontext.Encoder, p fake.PAN) error { return enc.WriteToken(jsontext.String(p.Reveal())) }),
		json.MarshalToFunc(func(enc *jsontext.Encoder, p pci.PIN) error { return enc.WriteToken(jsontext.String(p.Reveal())) }),
		json.MarshalToFunc(func(enc *jsontext.Encoder, c pci.CVV) error { return enc.WriteToken(jsontext.String(c.Reveal())) }),
		json.MarshalToFunc(func(enc *jsontext.Encoder, o token.OTP) error { return enc.WriteToken(jsontext.String(o.Reveal())) }),
		json.MarshalToFunc(func(enc *jsontext.Encoder, d time.Duration) error { return enc.WriteToken(jsontext.Int(int64(d))) }),
	)),
	json.WithUnmarshalers(json.JoinUnmarshalers(
		json.UnmarshalFromFunc(func(dec *jsontext.Decoder, p *fake.PAN) error { return decodeString(dec, (*string)(p)) }),
		json.UnmarshalFromFunc(func(dec *jsontext.Decoder, p *pci.PIN) error { return decodeString(dec, (*string)(p)) }),
		json.UnmarshalFromFunc(func(dec *jsontext.Decoder, c *pci.CVV) error { return decodeString(dec, (*string)(c)) }),
		json.UnmarshalFromFunc(func(dec *jsontext.Decoder, o *token.OTP) error { return decodeString(dec, (*string)(o)) }),
		json.UnmarshalFromFunc(func(dec *jsontext.Decoder, m *stdjson.RawMessage) error {
			v, err := dec.ReadValue()
			if err != nil {
				return err
			}
			if v.Kind() == 'n' {
				*m = nil // written from a nil RawMessage
				return nil
			}
			*m = append(stdjson.RawMessage(nil), v...)
			return nil
		}),
		json.UnmarshalFromFunc(func(dec *jsontext.Decoder, d *time.Duration) error {
			tok, err := dec.ReadToken()
			if err != nil {
				return err
			}
			if tok.Kind() != '0' {
				return fmt.Errorf("a duration is stored as nanoseconds, found %v", tok.Kind())
			}
			n, err := tok.Int()
			*d = time.Duration(n)
			return err
		}),
	)),
	json.FormatNilSliceAsNull(true),
	json.FormatNilMapAsNull(true),
)

func decodeString(dec *jsontext.Decoder, s *string) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != '"' {
		return fmt.Errorf("a secret is stored as a string, found %v", tok.Kind())
	}
	*s = tok.String()
	return nil
}

// encode writes a row's document in the storage encoding.
func encode(v any) ([]byte, error) {
	b, err := json.Marshal(v, storage)
	if err != nil {
		return nil, fmt.Errorf("encode %T for storage: %w", v, err)
	}
	return b, nil
}

// decode reads a row's document written by encode.
func decode(b []byte, v any) error {
	if err := json.Unmarshal(b, v, storage); err != nil {
		return fmt.Errorf("decode a stored %T: %w", v, err)
	}
	return nil
}

// nanos is a time as the sortable number the tables index it by: nanoseconds since 1970, clamped to the range
// an int64 holds (the years 1678 to 2262), so the zero time sorts first. The document keeps the exact time.
func nanos(t time.Time) int64 {
	switch {
	case t.Before(minNanos):
		return -1 << 63
	case t.After(maxNanos):
		return 1<<63 - 1
	}
	return t.UnixNano()
}

var (
	minNanos = time.Unix(0, -1<<63)
	maxNanos = time.Unix(0, 1<<63-1)
)
