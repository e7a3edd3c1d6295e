package issuersim_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/issuersim/issuersim/testcontainer/issuersim"
)

// The simulator on a virtual clock: a token for the fixtures' account, a card, and the event it caused.
func ExampleRun() {
	ctx := context.Background()
	ctr, err := issuersim.Run(ctx, testImage, // issuersim.DefaultImage in your tests
		issuersim.WithSeed(7),
		issuersim.WithClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
	)
	defer func() {
		if err := testcontainers.TerminateContainer(ctr); err != nil {
			log.Printf("terminate: %v", err)
		}
	}()
	if err != nil {
		log.Printf("run: %v", err)
		return
	}

	token, err := ctr.Token(ctx, issuersim.FixtureAccountID)
	if err != nil {
		log.Printf("token: %v", err)
		return
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, ctr.BaseURL()+"/wallet/v2/cards",
		strings.NewReader(`{"name":"Groceries","type":"VIRTUAL"}`))
	req.Header.Set("authorization", "Bearer "+token)
	req.Header.Set("x-customer-id", fmt.Sprint(issuersim.FixtureCustomerID))
	req.Header.Set("content-type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Printf("create card: %v", err)
		return
	}
	resp.Body.Close()
	fmt.Println("create card:", resp.StatusCode)

	events, err := ctr.Events(ctx, issuersim.EventQuery{})
	if err != nil {
		log.Printf("events: %v", err)
		return
	}
	for _, e := range events {
		fmt.Println(e.Type, e.Timestamp.Format(time.RFC3339))
	}
	// Output:
	// create card: 201
	// create-1 2026-01-01T00:00:00Z
}

// A webhook receiver on the test's host: it listens on HostListener, and the container reaches it through
// host.docker.internal.
func ExampleWithHostWebhook() {
	ctx := context.Background()
	received := make(chan string, 16)
	receiver := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if e, err := issuersim.ParseEvent(body); err == nil {
			received <- e.Type
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	ln, err := issuersim.HostListener(ctx)
	if err != nil {
		log.Printf("listen: %v", err)
		return
	}
	receiver.Listener.Close()
	receiver.Listener = ln
	receiver.Start()
	defer receiver.Close()

	ctr, err := issuersim.Run(ctx, testImage, issuersim.WithHostWebhook(receiver.URL+"/events"))
	defer func() {
		if err := testcontainers.TerminateContainer(ctr); err != nil {
			log.Printf("terminate: %v", err)
		}
	}()
	if err != nil {
		log.Printf("run: %v", err)
		return
	}
	token, err := ctr.Token(ctx, issuersim.FixtureAccountID)
	if err != nil {
		log.Printf("token: %v", err)
		return
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, ctr.BaseURL()+"/wallet/v2/cards",
		strings.NewReader(`{"name":"Online","type":"VIRTUAL"}`))
	req.Header.Set("authorization", "Bearer "+token)
	req.Header.Set("x-customer-id", fmt.Sprint(issuersim.FixtureCustomerID))
	req.Header.Set("content-type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Printf("create card: %v", err)
		return
	}
	resp.Body.Close()

	select {
	case eventType := <-received:
		fmt.Println("received", eventType)
	case <-time.After(30 * time.Second):
		fmt.Println("no delivery in 30 s")
	}
	// Output:
	// received create-1
}
