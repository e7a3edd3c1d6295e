package token

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
)

// The opaque payloads of push provisioning, built with real ciphers over keys derived from the seed, so they
// are well formed (a compact JWE, base64 of the networks' JSON, an uncompressed P-256 point) and the same for
// the same seed, tenant, card and count. No wallet can decrypt them: the keys are the simulator's.

// key derives 32 bytes for a purpose; nonce the first 12 of another.
func (s *Service) key(purpose string) []byte { return s.fake.Key(purpose) }

func (s *Service) nonce(purpose string) []byte { return s.fake.Key("nonce/" + purpose)[:12] }

// seal encrypts with AES-256-GCM and returns the ciphertext with the tag appended.
func seal(key, nonce, plaintext, aad []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("aes: %w", err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("gcm: %w", err)
	}
	return gcm.Seal(nil, nonce, plaintext, aad), nil
}

var b64url = base64.RawURLEncoding

// jwe returns a compact JWE of the payload, A256GCMKW key wrapping under kek and A256GCM content encryption
// under cek, the shape Visa's push-provisioning Token has. header gets alg, enc and the key wrap's iv and tag.
func jwe(kek, cek, wrapIV, contentIV []byte, header map[string]any, payload []byte) (string, error) {
	wrapped, err := seal(kek, wrapIV, cek, nil)
	if err != nil {
		return "", err
	}
	encKey, wrapTag := wrapped[:len(wrapped)-16], wrapped[len(wrapped)-16:]
	header["alg"], header["enc"] = "A256GCMKW", "A256GCM"
	header["iv"], header["tag"] = b64url.EncodeToString(wrapIV), b64url.EncodeToString(wrapTag)
	raw, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	protected := b64url.EncodeToString(raw)
	sealed, err := seal(cek, contentIV, payload, []byte(protected))
	if err != nil {
		return "", err
	}
	ct, tag := sealed[:len(sealed)-16], sealed[len(sealed)-16:]
	return protected + "." + b64url.EncodeToString(encKey) + "." + b64url.EncodeToString(contentIV) + "." +
		b64url.EncodeToString(ct) + "." + b64url.EncodeToString(tag), nil
}

// p256Key returns the P-256 private key a purpose derives, rehashing in the rare case the bytes are not a
// valid scalar.
func (s *Service) p256Key(purpose string) (*ecdh.PrivateKey, error) {
	k := s.key(purpose)
	for range 8 {
		priv, err := ecdh.P256().NewPrivateKey(k)
		if err == nil {
			return priv, nil
		}
		sum := sha256.Sum256(k)
		k = sum[:]
	}
	return nil, fmt.Errorf("derive a P-256 key for %s", purpose)
}

// applePublicKey returns the EC P-256 key of the first of Apple's certificates that has one (each base64 of
// DER, or of PEM as the vendor's example is); nil when none has.
func applePublicKey(certs []string) *ecdh.PublicKey {
	for _, c := range certs {
		der, err := base64.StdEncoding.DecodeString(c)
		if err != nil {
			continue
		}
		if block, _ := pem.Decode(der); block != nil {
			der = block.Bytes
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			continue
		}
		if pub, ok := cert.PublicKey.(*ecdsa.PublicKey); ok {
			if k, err := pub.ECDH(); err == nil && k.Curve() == ecdh.P256() {
				return k
			}
		}
	}
	return nil
}

// mac returns the HMAC-SHA256 of the parts under the key, for the signatures the payloads carry.
func mac(key []byte, parts ...string) []byte {
	h := hmac.New(sha256.New, key)
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}
