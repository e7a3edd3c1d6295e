package card_test

import (
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim/card"
)

func TestParseExpiry(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"2803", "2028-04-01T00:00:00Z", true},
		{"2812", "2029-01-01T00:00:00Z", true},
		{"0001", "2000-02-01T00:00:00Z", true},
		{"2800", "", false}, {"2813", "", false}, {"280", "", false}, {"28033", "", false}, {"28a3", "", false}, {"", "", false},
	} {
		got, err := card.ParseExpiry(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got.Format(time.RFC3339) != tc.want) {
			t.Errorf("ParseExpiry(%q) = %v, %v; want %s, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// FuzzParseExpiry: what ParseExpiry accepts is a yymm that the card prints back unchanged.
func FuzzParseExpiry(f *testing.F) {
	for _, seed := range []string{"2803", "0001", "9912", "2800", "2813", "1", "ab12", "２８０３"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		exp, err := card.ParseExpiry(s)
		if err != nil {
			return
		}
		if got := (card.Card{ExpirationDate: exp}).ExpiryYYMM(); got != s {
			t.Fatalf("ParseExpiry(%q) = %v, printed back as %q", s, exp, got)
		}
	})
}
