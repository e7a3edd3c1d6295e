package d1

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/webhook"
)

// NotificationPath is where D1 posts card operations on the issuer's receiver, under its base URL.
func NotificationPath(issuerID string) string {
	return "/notifications/d1/v2/issuers/" + issuerID + "/cards"
}

// NotificationBody is the body of D1's Notify Card Operations call for one operation: the item in a list
// under operations [inf: the vendor names the items, not the wrapper].
func NotificationBody(item json.RawMessage) []byte {
	var buf bytes.Buffer
	buf.WriteString(`{"operations":[`)
	buf.Write(item)
	buf.WriteString(`]}`)
	return buf.Bytes()
}

// Route is the webhook route of D1's notifications: each goes to its issuer's receiver, as the issuer's
// settings name it at the time of the attempt, in D1's body, with the request's correlation id. A notification
// of an issuer without a receiver is not sent (ok is false); it stays in the event log.
func (s *Service) Route(ctx context.Context, r event.Record) (webhook.Request, bool, error) {
	issuerID, _, ok := strings.Cut(r.Subject.ID, "/")
	if r.Subject.Kind != SubjectCard || !ok {
		return webhook.Request{}, false, fmt.Errorf("d1 notification %s: subject %s is not a D1 card", r.ID, r.Subject)
	}
	var st Settings
	err := s.store.View(ctx, r.Tenant, func(tx store.Tx) error {
		is, ok := tx.Org().D1Issuer(issuerID)
		if !ok {
			return fmt.Errorf("issuer %s is not in tenant %s", issuerID, r.Tenant)
		}
		var err error
		st, err = settings(ctx, tx, s.store.D1(tx), is)
		return err
	})
	if err != nil || st.NotificationURL == "" {
		return webhook.Request{}, false, err
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(r.Envelope, &env); err != nil {
		return webhook.Request{}, false, fmt.Errorf("d1 notification %s: %w", r.ID, err)
	}
	req := webhook.Request{
		URL:    strings.TrimRight(st.NotificationURL, "/") + NotificationPath(issuerID),
		Body:   NotificationBody(env.Data),
		Header: map[string]string{"Content-Type": "application/json"},
	}
	if r.CID != "" {
		req.Header["x-correlation-id"] = r.CID
	}
	return req, true, nil
}
