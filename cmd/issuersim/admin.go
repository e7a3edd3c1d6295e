package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/issuersim/issuersim/gen/simadminclient"
)

// adminFlags are the flags every verb that talks to a running simulator shares.
type adminFlags struct {
	url    string
	tenant string
	// adminToken is sent as the bearer token of every call; a simulator off loopback requires it.
	adminToken string
}

// bind adds --url and, when withTenant, --tenant to fs, with ISSUERSIM_URL as the URL's default.
func (a *adminFlags) bind(fs *flag.FlagSet, getenv func(string) string, withTenant bool) {
	def := getenv("ISSUERSIM_URL")
	if def == "" {
		def = "http://127.0.0.1:8080"
	}
	fs.StringVar(&a.url, "url", def, "base URL of the running simulator (ISSUERSIM_URL)")
	fs.StringVar(&a.adminToken, "admin-token", getenv("ISSUERSIM_ADMIN_TOKEN"), "the simulator's admin token, needed when it listens off loopback (ISSUERSIM_ADMIN_TOKEN)")
	if withTenant {
		fs.StringVar(&a.tenant, "tenant", "", "org id (TN-…); empty for the first org of the fixtures")
	}
}

// client returns the generated admin client for the simulator at --url.
func (a *adminFlags) client() (*simadminclient.ClientWithResponses, error) {
	if !strings.HasPrefix(a.url, "http://") && !strings.HasPrefix(a.url, "https://") {
		return nil, fmt.Errorf("--url %q: must be an http or https URL", a.url)
	}
	opts := []simadminclient.ClientOption{simadminclient.WithHTTPClient(&http.Client{Timeout: 30 * time.Second})}
	if a.adminToken != "" {
		token := a.adminToken
		opts = append(opts, simadminclient.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+token)
			return nil
		}))
	}
	c, err := simadminclient.NewClientWithResponses(a.url, opts...)
	if err != nil {
		return nil, fmt.Errorf("--url %q: %w", a.url, err)
	}
	return c, nil
}

func (a *adminFlags) tenantParam() *string {
	if a.tenant == "" {
		return nil
	}
	return &a.tenant
}

// openAdmin parses the flags of a verb that talks to a running simulator (--url, --tenant when withTenant,
// and those extra adds) and returns them with the admin client. It returns a nil client and no error after -h.
func openAdmin(name string, args []string, getenv func(string) string, stderr io.Writer, withTenant bool, extra func(*flag.FlagSet)) (adminFlags, *simadminclient.ClientWithResponses, error) {
	var a adminFlags
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	a.bind(fs, getenv, withTenant)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return a, nil, nil
		}
		return a, nil, errUsage
	}
	if fs.NArg() > 0 {
		return a, nil, fmt.Errorf("%s takes no arguments, got %q", name, fs.Args())
	}
	c, err := a.client()
	return a, c, err
}

// answerError says what a simulator answered instead of success.
func answerError(what string, status int, body []byte) error {
	return fmt.Errorf("%s: the simulator answered %d %s", what, status, strings.TrimSpace(string(body)))
}
