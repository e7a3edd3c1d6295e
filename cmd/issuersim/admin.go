package main

import (
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
}

// bind adds --url and, when withTenant, --tenant to fs, with ISSUERSIM_URL as the URL's default.
func (a *adminFlags) bind(fs *flag.FlagSet, getenv func(string) string, withTenant bool) {
	def := getenv("ISSUERSIM_URL")
	if def == "" {
		def = "http://127.0.0.1:8080"
	}
	fs.StringVar(&a.url, "url", def, "base URL of the running simulator (ISSUERSIM_URL)")
	if withTenant {
		fs.StringVar(&a.tenant, "tenant", "", "org id (TN-…); empty for the first org of the fixtures")
	}
}

// client returns the generated admin client for the simulator at --url.
func (a *adminFlags) client() (*simadminclient.ClientWithResponses, error) {
	if !strings.HasPrefix(a.url, "http://") && !strings.HasPrefix(a.url, "https://") {
		return nil, fmt.Errorf("--url %q: must be an http or https URL", a.url)
	}
	c, err := simadminclient.NewClientWithResponses(a.url, simadminclient.WithHTTPClient(&http.Client{Timeout: 30 * time.Second}))
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

// parseVerb parses a verb's flags; it returns errUsage for bad flags and flag.ErrHelp for -h.
func parseVerb(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s takes no arguments, got %q", fs.Name(), fs.Args())
	}
	return nil
}

// answerError says what a simulator answered instead of success.
func answerError(what string, status int, body []byte) error {
	return fmt.Errorf("%s: the simulator answered %d %s", what, status, strings.TrimSpace(string(body)))
}
