package sim_test

import (
	"context"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/issuersim/issuersim/openapi"
	"github.com/issuersim/issuersim/sim"
)

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// TestEveryOperationIsRouted sends a request to every operation of every contract and proves none gets the
// router's 404 or a 405: each reaches its operation and answers its auth, validation, result or 501.
func TestEveryOperationIsRouted(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	names, _ := fs.Glob(openapi.FS, "*.yaml")
	count := 0
	for _, name := range names {
		data, _ := openapi.FS.ReadFile(name)
		doc, err := openapi3.NewLoader().LoadFromData(data)
		if err != nil {
			t.Fatal(err)
		}
		paths := doc.Paths.InMatchingOrder()
		sort.Strings(paths)
		for _, p := range paths {
			for method := range doc.Paths.Value(p).Operations() {
				concrete := pathParam.ReplaceAllStringFunc(p, func(m string) string {
					switch strings.Trim(m, "{}") {
					case "issuerId":
						return "ABCDEFGHIJ"
					case "uuid", "cardid", "bulkID", "tokenId", "validationid", "deviceId", "operationId":
						return "a1b2c3"
					}
					return "1"
				})
				if op := doc.Paths.Value(p).GetOperation(method); op.Responses.Status(200) != nil && op.Responses.Status(200).Value.Content.Get("text/event-stream") != nil {
					streamOpens(t, h, concrete) // an endless answer: its status is what can be checked
					count++
					continue
				}
				r := h.do(method, (&url.URL{Path: concrete}).EscapedPath(), nil, nil)
				count++
				// A 404 the operation answers (an entity not found) names the rule "exists"; the router's own
				// 404 says there is no operation there.
				if r.status == 405 || (r.status == 404 && strings.Contains(string(r.body), "no operation at")) {
					t.Errorf("%s %s (%s): %d %s", method, p, name, r.status, r.body)
				}
			}
		}
	}
	if count < 75 {
		t.Errorf("only %d operations walked; contracts missing?", count)
	}
	t.Logf("%d operations walked", count)
}

// streamOpens checks that a stream operation answers 200 with its content type, then hangs up.
func streamOpens(t *testing.T, h *harness, path string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", h.srv.URL+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Errorf("GET %s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
