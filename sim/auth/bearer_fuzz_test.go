package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim/auth"
	"github.com/issuersim/issuersim/sim/clock"
)

// FuzzBearer: any Authorization header is either refused with one of the package's errors or gives a token
// that the authority then verifies or refuses; nothing panics, and a forged token never verifies.
func FuzzBearer(f *testing.F) {
	clocks := clock.NewTenants(clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	a := auth.NewAuthority([]byte("0123456789abcdef0123456789abcdef"), clocks, time.Hour)
	for _, seed := range []string{"", "Bearer", "Bearer ", "bearer abc", "Basic dXNlcjpwYXNz", "Bearer a.b.c", "Bearer eyJhbGciOiJub25lIn0.eyJ0ZW5hbnQiOiJ4In0.",
		"Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.", "Bearer  spaced  "} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		token, err := auth.Bearer(header)
		if err != nil {
			return
		}
		if token == "" || token != strings.TrimSpace(token) {
			t.Fatalf("Bearer(%q) = %q", header, token)
		}
		if claims, err := a.Verify(token); err == nil {
			t.Fatalf("a token nobody issued verified: %+v", claims)
		}
	})
}
