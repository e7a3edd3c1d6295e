package embossing

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// FuzzDecrypt feeds both decryptors of encrypted embossing data arbitrary IVs, nonces and ciphertexts: they
// return an error or the plaintext, never panic, and what they encrypt they read back.
func FuzzDecrypt(f *testing.F) {
	key := bytes.Repeat([]byte{7}, 32)
	iv := "000102030405060708090a0b0c0d0e0f"
	nonce := "000102030405060708090a0b"
	cbc, err := encryptCBC(key, iv, []byte("4111111111111111|0931|JOHN DOE"))
	if err != nil {
		f.Fatal(err)
	}
	gcm, err := encryptGCM(key, mustHex(f, nonce), []byte("TN-1"), []byte("4111111111111111|0931|JOHN DOE"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(iv, cbc, []byte("plain"))
	f.Add(nonce, gcm, []byte("plain"))
	f.Add("00", "AAAA", []byte{})
	f.Add("zz", "not base64", []byte("x"))
	f.Fuzz(func(t *testing.T, ivHex, data string, plain []byte) {
		_, _ = DecryptCBC(key, ivHex, data)
		_, _ = DecryptGCM(key, ivHex, data, "TN-1")
		if b, err := hex.DecodeString(ivHex); err == nil && len(b) == 16 {
			sealed, err := encryptCBC(key, ivHex, plain)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := DecryptCBC(key, ivHex, sealed); err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("CBC round trip: %q, %v; want %q", got, err, plain)
			}
		}
		if b, err := hex.DecodeString(ivHex); err == nil && len(b) == 12 {
			sealed, err := encryptGCM(key, b, []byte("TN-1"), plain)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := DecryptGCM(key, ivHex, sealed, "TN-1"); err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("GCM round trip: %q, %v; want %q", got, err, plain)
			}
		}
	})
}

func mustHex(f *testing.F, s string) []byte {
	f.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		f.Fatal(err)
	}
	return b
}
