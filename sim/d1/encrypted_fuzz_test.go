package d1_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"regexp"
	"testing"

	"github.com/issuersim/issuersim/sim/d1"
	"github.com/issuersim/issuersim/sim/rule"
)

// FuzzDecrypt feeds renew's encryptedData parser arbitrary text: it refuses with a rule error naming
// /encryptedData or one of its fields, or returns card data that passes the checks the vendor lays out.
func FuzzDecrypt(f *testing.F) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	good, err := d1.Encrypt(d1.CardData{PAN: "4111112200000019", Exp: "0931"}, &key.PublicKey, "d1-key")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add("a.b.c.d.e")
	f.Add("")
	f.Add("eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTI1NkdDTSJ9....")
	digits := regexp.MustCompile(`^[0-9]{12,19}$`)
	mmyy := regexp.MustCompile(`^(0[1-9]|1[0-2])[0-9]{2}$`)
	f.Fuzz(func(t *testing.T, compact string) {
		out, err := d1.Decrypt(compact, key, "d1-key")
		if err != nil {
			var v *rule.Violation
			if !errors.As(err, &v) || !errors.Is(err, rule.ErrInvalid) || v.Field == "" || v.Rule == "" {
				t.Fatalf("refusal %v is not an invalid-field violation naming a field and a rule", err)
			}
			return
		}
		if !digits.MatchString(string(out.PAN)) || !mmyy.MatchString(out.Exp) {
			t.Fatalf("accepted card data %+v", out)
		}
	})
}
