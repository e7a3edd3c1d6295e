// Package fake derives every piece of generated data (PANs, CVVs, names, ids) from one instance seed, per
// entity, so the same seed gives the same data whatever order unrelated requests arrive in.
package fake

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"

	"github.com/brianvoe/gofakeit/v7"
)

// Source derives seeded generators from the instance seed.
type Source struct {
	seed uint64
}

// New returns a Source for the instance seed. Zero is a seed like any other: gofakeit's own New(0) would pick a
// random one, which is why Source never calls it.
func New(seed uint64) *Source { return &Source{seed: seed} }

// For returns a generator for one entity, seeded from the instance seed, the tenant, the entity's kind and its
// id: the same four always give the same sequence of values.
func (s *Source) For(tenant, kind string, id int64) *Entity {
	sum := s.digest(tenant, kind, fmt.Sprint(id))
	hi := binary.BigEndian.Uint64(sum[0:8])
	lo := binary.BigEndian.Uint64(sum[8:16])
	return &Entity{f: gofakeit.NewFaker(rand.NewPCG(hi, lo), false)}
}

// UUID returns a version-4-shaped UUID derived from the instance seed and the given parts.
func (s *Source) UUID(parts ...string) string {
	b := s.digest(parts...)
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Key derives 32 bytes of key material for the named purpose (for example the token signing key).
func (s *Source) Key(purpose string) []byte {
	sum := s.digest("key", purpose)
	return sum[:]
}

func (s *Source) digest(parts ...string) [32]byte {
	h := sha256.New()
	var seed [8]byte
	binary.BigEndian.PutUint64(seed[:], s.seed)
	h.Write(seed[:])
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// Entity generates the data of one entity. It is not safe for concurrent use; entities are generated inside
// their tenant's transaction.
type Entity struct {
	f *gofakeit.Faker
}

// Name returns a person's full name.
func (e *Entity) Name() string { return e.f.Name() }

// Digits returns n random decimal digits.
func (e *Entity) Digits(n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(byte('0' + e.f.IntRange(0, 9)))
	}
	return b.String()
}

// PAN returns a Luhn-valid card number of the given length that starts with bin.
func (e *Entity) PAN(bin string, length int) (PAN, error) {
	if length < 12 || length > 19 {
		return "", fmt.Errorf("pan length %d: must be 12 to 19", length)
	}
	if len(bin) >= length || strings.Trim(bin, "0123456789") != "" || bin == "" {
		return "", fmt.Errorf("bin %q: must be 1 to %d digits", bin, length-1)
	}
	body := bin + e.Digits(length-len(bin)-1)
	return PAN(body + string(rune('0'+LuhnCheckDigit(body)))), nil
}

// LuhnCheckDigit returns the digit that makes digits+digit pass the Luhn check.
func LuhnCheckDigit(digits string) int {
	sum := 0
	double := true
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return (10 - sum%10) % 10
}

// LuhnValid reports whether a digit string passes the Luhn check.
func LuhnValid(digits string) bool {
	if len(digits) < 2 || strings.Trim(digits, "0123456789") != "" {
		return false
	}
	return LuhnCheckDigit(digits[:len(digits)-1]) == int(digits[len(digits)-1]-'0')
}

// PAN is a primary account number. It never appears in logs: its LogValue and String show only the last four
// digits.
type PAN string

// LastFour returns the PAN's last four digits.
func (p PAN) LastFour() string {
	if len(p) < 4 {
		return string(p)
	}
	return string(p[len(p)-4:])
}

// Hash returns the PAN's hash as the processor reports it: base64 of its SHA-512 digest.
func (p PAN) Hash() string {
	sum := sha512.Sum512([]byte(p))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// String masks all but the last four digits, so a PAN printed by mistake leaks nothing.
func (p PAN) String() string { return "****" + p.LastFour() }

// LogValue masks the PAN in structured logs.
func (p PAN) LogValue() slog.Value { return slog.StringValue(p.String()) }

// MarshalJSON masks the PAN in any JSON (a log handler's included); responses carry Reveal().
func (p PAN) MarshalJSON() ([]byte, error) { return []byte(`"` + p.String() + `"`), nil }

// GoString masks the PAN in %#v.
func (p PAN) GoString() string { return p.String() }

// Reveal returns the full number, for the PCI responses that must carry it.
func (p PAN) Reveal() string { return string(p) }
