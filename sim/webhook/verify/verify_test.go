package verify_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim/webhook/verify"
)

// The specification's published vector (libraries/go/webhook_test.go and the other libraries' tests).
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = "1614265330"
	vectorBody      = `{"test": 2432232314}`
	vectorSig       = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

var vectorTime = time.Unix(1614265330, 0)

func header(id, ts, sig string) http.Header {
	h := http.Header{}
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", ts)
	h.Set("webhook-signature", sig)
	return h
}

// TestVectors runs the specification's vector and the ways a delivery must fail: another body, timestamp,
// id or secret, a timestamp outside the tolerance, a missing header; and passes a rotation's two signatures.
func TestVectors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		secret string
		header http.Header
		body   string
		now    time.Time
		want   error
	}{
		{"the published vector", vectorSecret, header(vectorID, vectorTimestamp, vectorSig), vectorBody, vectorTime, nil},
		{"the vector's secret without its prefix", strings.TrimPrefix(vectorSecret, "whsec_"), header(vectorID, vectorTimestamp, vectorSig), vectorBody, vectorTime, nil},
		{"two signatures, one right (a rotation)", vectorSecret, header(vectorID, vectorTimestamp, "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "+vectorSig), vectorBody, vectorTime, nil},
		{"another body", vectorSecret, header(vectorID, vectorTimestamp, vectorSig), `{"test": 2432232315}`, vectorTime, verify.ErrSignature},
		{"another timestamp", vectorSecret, header(vectorID, "1614265331", vectorSig), vectorBody, vectorTime, verify.ErrSignature},
		{"another id", vectorSecret, header("msg_other", vectorTimestamp, vectorSig), vectorBody, vectorTime, verify.ErrSignature},
		{"another secret", "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", header(vectorID, vectorTimestamp, vectorSig), vectorBody, vectorTime, verify.ErrSignature},
		{"an empty signature", vectorSecret, header(vectorID, vectorTimestamp, "v1,"), vectorBody, vectorTime, verify.ErrSignature},
		{"six minutes late", vectorSecret, header(vectorID, vectorTimestamp, vectorSig), vectorBody, vectorTime.Add(6 * time.Minute), verify.ErrTimestamp},
		{"six minutes early", vectorSecret, header(vectorID, vectorTimestamp, vectorSig), vectorBody, vectorTime.Add(-6 * time.Minute), verify.ErrTimestamp},
		{"no webhook-id", vectorSecret, header("", vectorTimestamp, vectorSig), vectorBody, vectorTime, verify.ErrHeader},
		{"a malformed timestamp", vectorSecret, header(vectorID, "soon", vectorSig), vectorBody, vectorTime, verify.ErrHeader},
		{"a malformed secret", "whsec_***", header(vectorID, vectorTimestamp, vectorSig), vectorBody, vectorTime, verify.ErrSecret},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := verify.At(tc.secret, tc.header, []byte(tc.body), tc.now)
			if !errors.Is(err, tc.want) {
				t.Fatalf("verify: %v, want %v", err, tc.want)
			}
		})
	}
}
