package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// sseEvent is one event of the simulator's live stream: its id (the event id), type and envelope.
type sseEvent struct {
	id, typ string
	data    []byte
}

// streamQuery is the live stream's filters, as GET /_sim/events/stream takes them.
type streamQuery struct {
	tenant, eventType, subject string
	after                      string // start after this event id
}

// follow reads the simulator's live stream and calls fn for each event until ctx ends. A dropped connection
// is reopened after a second, resuming after the last event seen (Last-Event-ID).
func follow(ctx context.Context, base string, q streamQuery, stderr io.Writer, fn func(sseEvent) error) error {
	last := q.after
	for {
		err := followOnce(ctx, base, q, &last, fn)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil && !isTransient(err) {
			return err
		}
		fmt.Fprintf(stderr, "the stream dropped (%v); reconnecting in 1s\n", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
}

// transient marks errors worth reconnecting for.
type transient struct{ error }

func isTransient(err error) bool {
	_, ok := err.(transient)
	return ok
}

func followOnce(ctx context.Context, base string, q streamQuery, last *string, fn func(sseEvent) error) error {
	v := url.Values{}
	for k, val := range map[string]string{"tenant": q.tenant, "event_type": q.eventType, "subject": q.subject} {
		if val != "" {
			v.Set(k, val)
		}
	}
	u := strings.TrimRight(base, "/") + "/_sim/events/stream"
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	if *last != "" {
		req.Header.Set("Last-Event-ID", *last)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return transient{err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return answerError("open the event stream", resp.StatusCode, body)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var e sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if e.data != nil {
				if err := fn(e); err != nil {
					return err
				}
				*last = e.id
			}
			e = sseEvent{}
		case strings.HasPrefix(line, "id: "):
			e.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			e.typ = line[7:]
		case strings.HasPrefix(line, "data: "):
			e.data = []byte(line[6:])
		}
	}
	if err := sc.Err(); err != nil {
		return transient{err}
	}
	return transient{io.ErrUnexpectedEOF}
}
