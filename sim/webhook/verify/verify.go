// Package verify checks an issuersim webhook delivery as a receiver must: the Standard Webhooks signature over
// webhook-id, webhook-timestamp and the exact body, with any of the secrets the delivery was signed with (during
// a rotation it carries one v1 signature per secret), and a timestamp within Tolerance. Integrators import it
// in their receivers' tests; it depends only on the Standard Webhooks library.
package verify

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// Tolerance is how far a delivery's webhook-timestamp may be from now, as the specification recommends.
const Tolerance = 5 * time.Minute

// Errors a delivery fails with; callers branch with errors.Is.
var (
	ErrHeader    = errors.New("a Standard Webhooks header is missing or malformed")
	ErrTimestamp = errors.New("webhook-timestamp is outside the tolerance")
	ErrSignature = errors.New("no signature matches the secret")
	ErrSecret    = errors.New("the secret is not whsec_<base64>")
)

// Verify checks a delivery against the secret, at the current time.
func Verify(secret string, header http.Header, body []byte) error {
	return At(secret, header, body, time.Now())
}

// At checks a delivery against the secret as of now: the published test vectors are signed at a fixed time.
func At(secret string, header http.Header, body []byte, now time.Time) error {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSecret, err)
	}
	if header.Get(standardwebhooks.HeaderWebhookID) == "" || header.Get(standardwebhooks.HeaderWebhookSignature) == "" {
		return fmt.Errorf("%w: webhook-id and webhook-signature are required", ErrHeader)
	}
	ts, err := strconv.ParseInt(header.Get(standardwebhooks.HeaderWebhookTimestamp), 10, 64)
	if err != nil {
		return fmt.Errorf("%w: webhook-timestamp %q is not Unix seconds", ErrHeader, header.Get(standardwebhooks.HeaderWebhookTimestamp))
	}
	if d := now.Sub(time.Unix(ts, 0)); d > Tolerance || d < -Tolerance {
		return fmt.Errorf("%w: it is %s off", ErrTimestamp, d.Round(time.Second))
	}
	if err := wh.VerifyIgnoringTimestamp(body, header); err != nil {
		return fmt.Errorf("%w: %v", ErrSignature, err)
	}
	return nil
}
