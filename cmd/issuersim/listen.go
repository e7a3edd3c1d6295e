package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/issuersim/issuersim/gen/simadminclient"
	"github.com/issuersim/issuersim/sim/webhook"
)

const listenHelp = `Usage: issuersim listen --forward-to URL [flags]

Follows a running simulator's events and forwards each to your local endpoint, signed as Standard Webhooks
specifies (webhook-id, webhook-timestamp, webhook-signature), printing one line per event and one per answer.
It needs no subscription and no public URL: point your handler's verification at the secret it prints.
Only events committed after it starts are forwarded, unless --from-start.

Examples:
  issuersim listen --forward-to http://127.0.0.1:3000/hooks
  issuersim listen --forward-to http://127.0.0.1:3000/hooks --events cards.*,cardsonfile.provision-1
  issuersim listen --forward-to http://127.0.0.1:3000/hooks --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw

Flags:
`

// listen forwards a tenant's events, signed, to a local endpoint, like the Stripe CLI's listen.
func listen(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var forward, filters, secret string
	var fromStart bool
	a, c, err := openAdmin("listen", args, getenv, stderr, true, func(fs *flag.FlagSet) {
		fs.StringVar(&forward, "forward-to", "", "the endpoint each event is POSTed to (required)")
		fs.StringVar(&filters, "events", "", "comma-separated event types (update-1), domain wildcards (cards.*) or *; empty for all")
		fs.StringVar(&secret, "secret", "", "the whsec_ secret to sign with; a new one is made and printed when empty")
		fs.BoolVar(&fromStart, "from-start", false, "forward the tenant's existing events first")
		withHelp(fs, listenHelp)
	})
	if err != nil || c == nil {
		return err
	}
	if !strings.HasPrefix(forward, "http://") && !strings.HasPrefix(forward, "https://") {
		return fmt.Errorf("--forward-to %q: must be an http or https URL, such as http://127.0.0.1:3000/hooks", forward)
	}
	sub := webhook.Subscription{EventTypes: splitList(filters)}
	if secret == "" {
		key := make([]byte, 24)
		_, _ = rand.Read(key)
		secret = "whsec_" + base64.StdEncoding.EncodeToString(key)
	}
	signer, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		return fmt.Errorf("--secret: must be whsec_ followed by base64")
	}
	after := ""
	if !fromStart {
		if after, err = latestEvent(ctx, c, a.tenantParam()); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "Ready! Forwarding the events of %s from %s to %s\nSigning secret: %s\n", tenantName(a.tenant), a.url, forward, secret)
	client := &http.Client{Timeout: 30 * time.Second}
	return follow(ctx, a.url, streamQuery{tenant: a.tenant, after: after}, stderr, func(e sseEvent) error {
		var env struct {
			Domain string `json:"domain"`
		}
		_ = json.Unmarshal(e.data, &env)
		if !sub.Takes(env.Domain, e.typ) {
			return nil
		}
		_, _, about, _ := describe(e.data)
		fmt.Fprintf(stdout, "%s  --> %s %s [%s]\n", time.Now().Format("15:04:05"), e.typ, about, e.id)
		status, took, err := forwardSigned(ctx, client, signer, forward, e)
		if err != nil {
			fmt.Fprintf(stdout, "%s  <-- [ERR] POST %s: %v\n", time.Now().Format("15:04:05"), forward, err)
			return nil
		}
		fmt.Fprintf(stdout, "%s  <-- [%d] POST %s (%s)\n", time.Now().Format("15:04:05"), status, forward, took.Round(time.Millisecond))
		return nil
	})
}

// forwardSigned POSTs one event's envelope, signed with the secret at the current time.
func forwardSigned(ctx context.Context, client *http.Client, signer *standardwebhooks.Webhook, to string, e sseEvent) (int, time.Duration, error) {
	now := time.Now()
	sig, err := signer.Sign(e.id, now, e.data)
	if err != nil {
		return 0, 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, to, bytes.NewReader(e.data))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "issuersim-listen")
	req.Header.Set(standardwebhooks.HeaderWebhookID, e.id)
	req.Header.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(standardwebhooks.HeaderWebhookSignature, sig)
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, time.Since(now), nil
}

// latestEvent returns the id of the tenant's newest event, "" when it has none.
func latestEvent(ctx context.Context, c *simadminclient.ClientWithResponses, tenant *string) (string, error) {
	r, err := c.ListEventsWithResponse(ctx, &simadminclient.ListEventsParams{Tenant: tenant})
	if err != nil {
		return "", fmt.Errorf("list events: %w", err)
	}
	if r.JSON200 == nil {
		return "", answerError("list events", r.StatusCode(), r.Body)
	}
	evs := r.JSON200.Events
	if len(evs) == 0 {
		return "", nil
	}
	var last struct {
		ID string `json:"event_id"`
	}
	if err := json.Unmarshal(evs[len(evs)-1], &last); err != nil {
		return "", fmt.Errorf("the newest event: %w", err)
	}
	return last.ID, nil
}

func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func tenantName(t string) string {
	if t == "" {
		return "the first tenant"
	}
	return t
}
