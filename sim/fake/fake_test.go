package fake_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/issuersim/issuersim/sim/fake"
)

// TestPANIsLuhnValidUnderBIN checks many generated PANs of several lengths.
func TestPANIsLuhnValidUnderBIN(t *testing.T) {
	src := fake.New(42)
	for _, length := range []int{16, 19} {
		for id := int64(1); id <= 200; id++ {
			pan, err := src.For("TN-a", "card", id).PAN("231038", length)
			if err != nil {
				t.Fatal(err)
			}
			s := pan.Reveal()
			if len(s) != length || !strings.HasPrefix(s, "231038") || !fake.LuhnValid(s) {
				t.Fatalf("pan %s: length %d, bin or Luhn wrong", s, len(s))
			}
		}
	}
}

// TestPANErrors names the bad argument.
func TestPANErrors(t *testing.T) {
	e := fake.New(1).For("t", "card", 1)
	for _, tc := range []struct {
		bin    string
		length int
		want   string
	}{
		{"231038", 11, "pan length 11"},
		{"23x038", 16, `bin "23x038"`},
		{"", 16, `bin ""`},
	} {
		if _, err := e.PAN(tc.bin, tc.length); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("PAN(%q, %d) error = %v, want %q", tc.bin, tc.length, err, tc.want)
		}
	}
}

// TestDeterministicPerEntity proves values depend on seed, tenant, kind and id, not on call order.
func TestDeterministicPerEntity(t *testing.T) {
	a := fake.New(7)
	b := fake.New(7)
	b.For("TN-a", "card", 2).Name() // unrelated entity generated first
	if x, y := a.For("TN-a", "card", 1).Name(), b.For("TN-a", "card", 1).Name(); x != y {
		t.Fatalf("same entity, different names: %q %q", x, y)
	}
	if a.For("TN-a", "card", 1).Digits(12) == a.For("TN-b", "card", 1).Digits(12) {
		t.Error("two tenants got the same digits")
	}
	if fake.New(7).UUID("x") != fake.New(7).UUID("x") || fake.New(7).UUID("x") == fake.New(8).UUID("x") {
		t.Error("UUID not derived from the seed")
	}
}

// TestLuhn checks known numbers.
func TestLuhn(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{{"4111111111111111", true}, {"4111111111111112", false}, {"79927398713", true}, {"1", false}, {"12a4", false}} {
		if got := fake.LuhnValid(tc.in); got != tc.want {
			t.Errorf("LuhnValid(%q) = %v", tc.in, got)
		}
	}
}

// TestPANNeverLogged proves slog and fmt show only the last four digits.
func TestPANNeverLogged(t *testing.T) {
	var buf bytes.Buffer
	pan := fake.PAN("4111111111111111")
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("card", "pan", pan)
	if strings.Contains(buf.String(), "411111") || !strings.Contains(buf.String(), "****1111") {
		t.Fatalf("log line %s", buf.String())
	}
	if s := pan.String(); s != "****1111" {
		t.Fatalf("String() = %s", s)
	}
}

// FuzzLuhn checks that appending the computed check digit always validates.
func FuzzLuhn(f *testing.F) {
	f.Add("411111111111111")
	f.Add("0")
	f.Fuzz(func(t *testing.T, digits string) {
		if digits == "" || strings.Trim(digits, "0123456789") != "" {
			return
		}
		full := digits + string(rune('0'+fake.LuhnCheckDigit(digits)))
		if !fake.LuhnValid(full) {
			t.Fatalf("%s not valid", full)
		}
	})
}
