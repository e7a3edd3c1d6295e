package d1_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/issuersim/issuersim/sim/d1"
	"github.com/issuersim/issuersim/sim/rule"
)

// TestEncryptedDataRoundTrip encrypts card data as an issuer does and decrypts it as D1 does.
func TestEncryptedDataRoundTrip(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	in := d1.CardData{PAN: "4111112200000019", Exp: "0931", PSN: "01", AuxiliaryPAN: "5011112200000011", AuxiliaryExp: "0931"}
	jwe, err := d1.Encrypt(in, &key.PublicKey, "d1-key")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(jwe, "."); n != 4 {
		t.Fatalf("compact JWE has %d dots, want 4", n)
	}
	obj, err := jose.ParseEncrypted(jwe, []jose.KeyAlgorithm{jose.ECDH_ES}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil || obj.Header.KeyID != "d1-key" {
		t.Fatalf("header: %v %+v", err, obj)
	}
	out, err := d1.Decrypt(jwe, key, "d1-key")
	if err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Errorf("round trip: %+v, want %+v", out, in)
	}
	if strings.Contains(jwe, "4111112200000019") {
		t.Error("the PAN is in the clear in the JWE")
	}
}

// TestDecryptNamesTheRule breaks the JWE or its plaintext one way per row and checks the field and rule named.
func TestDecryptNamesTheRule(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	seal := func(plain any, alg jose.KeyAlgorithm, enc jose.ContentEncryption, pub *ecdsa.PublicKey, kid string) string {
		b, _ := json.Marshal(plain)
		e, err := jose.NewEncrypter(enc, jose.Recipient{Algorithm: alg, Key: pub, KeyID: kid}, nil)
		if err != nil {
			t.Fatal(err)
		}
		obj, err := e.Encrypt(b)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := obj.CompactSerialize()
		return s
	}
	good := map[string]string{"pan": "4111112200000019", "exp": "0931"}
	with := func(k, v string) map[string]string {
		m := map[string]string{"pan": good["pan"], "exp": good["exp"]}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		name, jwe, field, rule string
	}{
		{"not a JWE", "a.b.c.d.e", "/encryptedData", "jwe"},
		{"A128GCM", seal(good, jose.ECDH_ES, jose.A128GCM, &key.PublicKey, "k"), "/encryptedData", "jwe"},
		{"key wrapping", seal(good, jose.ECDH_ES_A256KW, jose.A256GCM, &key.PublicKey, "k"), "/encryptedData", "jwe"},
		{"another kid", seal(good, jose.ECDH_ES, jose.A256GCM, &key.PublicKey, "x"), "/encryptedData", "kid"},
		{"another key", seal(good, jose.ECDH_ES, jose.A256GCM, &other.PublicKey, "k"), "/encryptedData", "decrypt"},
		{"not JSON", seal("just text", jose.ECDH_ES, jose.A256GCM, &key.PublicKey, "k"), "/encryptedData", "json"},
		{"no pan", seal(with("pan", ""), jose.ECDH_ES, jose.A256GCM, &key.PublicKey, "k"), "/encryptedData/pan", "pattern"},
		{"pan of 9 digits", seal(with("pan", "411111220"), jose.ECDH_ES, jose.A256GCM, &key.PublicKey, "k"), "/encryptedData/pan", "pattern"},
		{"pan of 20 digits", seal(with("pan", "41111122000000190000"), jose.ECDH_ES, jose.A256GCM, &key.PublicKey, "k"), "/encryptedData/pan", "pattern"},
		{"pan with letters", seal(with("pan", "41111122000000AB"), jose.ECDH_ES, jose.A256GCM, &key.PublicKey, "k"), "/encryptedData/pan", "pattern"},
		{"no exp", seal(with("exp", ""), jose.ECDH_ES, jose.A256GCM, &key.PublicKey, "k"), "/encryptedData/exp", "pattern"},
		{"exp month 13", seal(with("exp", "1331"), jose.ECDH_ES, jose.A256GCM, &key.PublicKey, "k"), "/encryptedData/exp", "pattern"},
		{"exp YYMM", seal(with("exp", "3109"), jose.ECDH_ES, jose.A256GCM, &key.PublicKey, "k"), "/encryptedData/exp", "pattern"},
		{"psn of 3 digits", seal(with("psn", "001"), jose.ECDH_ES, jose.A256GCM, &key.PublicKey, "k"), "/encryptedData/psn", "pattern"},
		{"auxiliary pan alone", seal(with("auxiliaryPan", "5011112200000011"), jose.ECDH_ES, jose.A256GCM, &key.PublicKey, "k"), "/encryptedData/auxiliaryExp", "required"},
		{"auxiliary exp bad", seal(map[string]string{"pan": good["pan"], "exp": "0931", "auxiliaryPan": "5011", "auxiliaryExp": "0000"}, jose.ECDH_ES, jose.A256GCM, &key.PublicKey, "k"), "/encryptedData/auxiliaryExp", "pattern"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := d1.Decrypt(tc.jwe, key, "k")
			var v *rule.Violation
			if !errors.As(err, &v) || !errors.Is(err, rule.ErrInvalid) || v.Field != tc.field || v.Rule != tc.rule {
				t.Fatalf("err = %v (%+v), want %s %s", err, v, tc.field, tc.rule)
			}
			if strings.Contains(v.Message, good["pan"]) {
				t.Errorf("the message shows the PAN: %s", v.Message)
			}
		})
	}
}
