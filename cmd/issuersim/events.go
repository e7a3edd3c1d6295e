package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/issuersim/issuersim/gen/simadminclient"
)

const eventsHelp = `Usage: issuersim events [flags]

Lists a tenant's events, oldest first, one line each (time, type, subject, event id); --json prints each
envelope as it was delivered; --follow keeps printing new events as they commit.

Examples:
  issuersim events --type update-1
  issuersim events --subject card:42 --json
  issuersim events --follow

Flags:
`

// events lists (or follows) a tenant's events on a running simulator.
func events(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var typ, subject, after string
	var card int64
	var asJSON, live bool
	a, c, err := openAdmin("events", args, getenv, stderr, true, func(fs *flag.FlagSet) {
		fs.StringVar(&typ, "type", "", "only this event type, such as update-1")
		fs.StringVar(&subject, "subject", "", "only events about this entity, kind:id (card:42, card_on_file:<uuid>, token:7)")
		fs.Int64Var(&card, "card", 0, "only events about this card (the same as --subject card:<id>)")
		fs.StringVar(&after, "after", "", "only events after this event id")
		fs.BoolVar(&asJSON, "json", false, "print each envelope as JSON, one per line")
		fs.BoolVar(&live, "follow", false, "keep printing new events until interrupted")
		withHelp(fs, eventsHelp)
	})
	if err != nil || c == nil {
		return err
	}
	if card != 0 {
		subject = fmt.Sprintf("card:%d", card)
	}
	print := func(raw []byte) error {
		if asJSON {
			_, err := fmt.Fprintf(stdout, "%s\n", raw)
			return err
		}
		_, err := fmt.Fprintln(stdout, eventLine(raw))
		return err
	}
	if live {
		return follow(ctx, a.url, streamQuery{tenant: a.tenant, eventType: typ, subject: subject, after: after}, stderr,
			func(e sseEvent) error { return print(e.data) })
	}
	p := &simadminclient.ListEventsParams{Tenant: a.tenantParam()}
	if typ != "" {
		p.EventType = &typ
	}
	if subject != "" {
		p.Subject = &subject
	}
	if after != "" {
		id, err := uuid.Parse(after)
		if err != nil {
			return fmt.Errorf("--after %q: must be an event id (a uuid)", after)
		}
		p.After = &id
	}
	r, err := c.ListEventsWithResponse(ctx, p)
	if err != nil {
		return fmt.Errorf("list events: %w", err)
	}
	if r.JSON200 == nil {
		return answerError("list events", r.StatusCode(), r.Body)
	}
	for _, e := range r.JSON200.Events {
		if err := print(e); err != nil {
			return err
		}
	}
	return nil
}

// eventLine is an event as one line: its time, type, what it is about and its id.
func eventLine(raw []byte) string {
	when, typ, about, id := describe(raw)
	if typ == "" {
		return string(raw)
	}
	return fmt.Sprintf("%s  %-26s %-22s %s", when, typ, about, id)
}

// describe picks an envelope's time, type, card (and its status) and id.
func describe(raw []byte) (when, typ, about, id string) {
	var e struct {
		ID        string    `json:"event_id"`
		Type      string    `json:"event_type"`
		Timestamp time.Time `json:"timestamp"`
		Data      struct {
			CardID *int64 `json:"card_id"`
			Status string `json:"card_status"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return "", "", "", ""
	}
	if e.Data.CardID != nil {
		about = fmt.Sprintf("card %d", *e.Data.CardID)
		if e.Data.Status != "" {
			about += " " + e.Data.Status
		}
	}
	return e.Timestamp.UTC().Format("2006-01-02 15:04:05"), e.Type, about, e.ID
}

// withHelp makes a verb's -h print its help text, then its flags.
func withHelp(fs *flag.FlagSet, help string) {
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), help)
		fs.PrintDefaults()
	}
}
