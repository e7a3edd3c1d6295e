package pinblock_test

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/issuersim/issuersim/sim/pinblock"
)

// The vendor's published sandbox vector (pismo.md A.2): PAN 1234560057855917 and PIN 4986 give the clear block
// 0449C39FFA87AA6E and, under the sandbox ZPK, the PIN block D04BCCEE7133CF01.
const (
	vectorPAN   = "1234560057855917"
	vectorPIN   = "4986"
	vectorClear = "0449C39FFA87AA6E"
	vectorBlock = "D04BCCEE7133CF01"
	sandboxZPK  = "0404F2543B1C6E70AB61586E1304B6A7"
)

func zpk(t testing.TB) []byte {
	k, err := hex.DecodeString(sandboxZPK)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestPublishedVector proves the vector round-trips both ways.
func TestPublishedVector(t *testing.T) {
	clear, err := pinblock.Format0(vectorPIN, vectorPAN)
	if err != nil || clear.String() != vectorClear {
		t.Fatalf("Format0 = %s, %v; want %s", clear, err, vectorClear)
	}
	enc, err := pinblock.Encrypt(clear, zpk(t))
	if err != nil || enc.String() != vectorBlock {
		t.Fatalf("Encrypt = %s, %v; want %s", enc, err, vectorBlock)
	}
	b, err := pinblock.Parse(strings.ToLower(vectorBlock))
	if err != nil {
		t.Fatal(err)
	}
	dec, err := pinblock.Decrypt(b, zpk(t))
	if err != nil || dec.String() != vectorClear {
		t.Fatalf("Decrypt = %s, %v", dec, err)
	}
	if pin, err := pinblock.PIN(dec, vectorPAN); err != nil || pin != vectorPIN {
		t.Fatalf("PIN = %q, %v", pin, err)
	}
}

// TestRefusals proves each broken input is refused with the rule it breaks, and no message carries the PIN
// or the PAN.
func TestRefusals(t *testing.T) {
	clear, _ := pinblock.Format0(vectorPIN, vectorPAN)
	for _, tc := range []struct {
		name string
		err  func() error
		want error
	}{
		{"short PIN", func() error { _, err := pinblock.Format0("123", vectorPAN); return err }, pinblock.ErrPIN},
		{"letters in the PIN", func() error { _, err := pinblock.Format0("12a4", vectorPAN); return err }, pinblock.ErrPIN},
		{"short PAN", func() error { _, err := pinblock.Format0(vectorPIN, "123456"); return err }, pinblock.ErrPAN},
		{"another card's PAN", func() error { _, err := pinblock.PIN(clear, "4111111111111111"); return err }, pinblock.ErrFormat},
		{"not hex", func() error { _, err := pinblock.Parse("XYZ"); return err }, pinblock.ErrFormat},
		{"short key", func() error { _, err := pinblock.Encrypt(clear, []byte("short")); return err }, pinblock.ErrKey},
		{"wrong key", func() error {
			b, _ := pinblock.Parse(vectorBlock)
			d, _ := pinblock.Decrypt(b, []byte("0123456789abcdef"))
			_, err := pinblock.PIN(d, vectorPAN)
			return err
		}, pinblock.ErrFormat},
	} {
		err := tc.err()
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if err != nil && (strings.Contains(err.Error(), vectorPIN) || strings.Contains(err.Error(), vectorPAN)) {
			t.Errorf("%s: the error shows the PIN or the PAN: %v", tc.name, err)
		}
	}
}

// TestEveryPINLength round-trips PINs of 4 to 12 digits through block, encryption and back.
func TestEveryPINLength(t *testing.T) {
	for n := 4; n <= 12; n++ {
		pin := "987654321098"[:n]
		clear, err := pinblock.Format0(pin, vectorPAN)
		if err != nil {
			t.Fatal(err)
		}
		enc, _ := pinblock.Encrypt(clear, zpk(t))
		dec, _ := pinblock.Decrypt(enc, zpk(t))
		if got, err := pinblock.PIN(dec, vectorPAN); err != nil || got != pin {
			t.Errorf("%d digits: %q, %v", n, got, err)
		}
	}
}

// FuzzDecode feeds arbitrary blocks and PANs to the decoder: it must never panic, and whatever it accepts
// must encode back to the same block.
func FuzzDecode(f *testing.F) {
	f.Add(vectorBlock, vectorPAN)
	f.Add("0000000000000000", "4111111111111111")
	f.Add("FFFFFFFFFFFFFFFF", "1234567890123")
	f.Fuzz(func(t *testing.T, text, pan string) {
		b, err := pinblock.Parse(text)
		if err != nil {
			return
		}
		dec, err := pinblock.Decrypt(b, zpk(t))
		if err != nil {
			t.Fatal(err)
		}
		pin, err := pinblock.PIN(dec, pan)
		if err != nil {
			return
		}
		again, err := pinblock.Format0(pin, pan)
		if err != nil || again != dec {
			t.Fatalf("accepted PIN of %d digits does not re-encode: %v", len(pin), err)
		}
	})
}
