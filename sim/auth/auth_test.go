package auth_test

import (
	"errors"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim/auth"
	"github.com/issuersim/issuersim/sim/clock"
)

// TestVerify walks one valid token and one broken token per row through Verify.
func TestVerify(t *testing.T) {
	clocks := clock.NewTenants(clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	a := auth.NewAuthority([]byte("k1"), clocks, time.Hour)
	other := auth.NewAuthority([]byte("k2"), clocks, time.Hour)
	good, _, err := a.Issue("TN-x", 42, "s")
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Verify(good)
	if err != nil || c.Tenant != "TN-x" || c.AccountID != 42 {
		t.Fatalf("Verify(good) = %+v, %v", c, err)
	}
	forged, _, _ := other.Issue("TN-x", 42, "s")
	for _, tc := range []struct {
		name  string
		token string
		want  error
	}{
		{"garbage", "not-a-jwt", auth.ErrMalformed},
		{"other key", forged, auth.ErrSignature},
		{"tampered", good[:len(good)-2] + "xx", auth.ErrSignature},
	} {
		if _, err := a.Verify(tc.token); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	otherTenant, _, err := a.Issue("TN-y", 42, "s")
	if err != nil {
		t.Fatal(err)
	}
	clk, _ := clocks.Virtual("TN-x")
	clk.Advance(61 * time.Minute)
	if _, err := a.Verify(good); !errors.Is(err, auth.ErrExpired) {
		t.Errorf("after expiry: err = %v", err)
	}
	if _, err := a.Verify(otherTenant); err != nil {
		t.Errorf("advancing TN-x's clock expired TN-y's token: %v", err)
	}
}

// TestBearer checks the Authorization header parsing.
func TestBearer(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
	}{{"", auth.ErrMissing}, {"Basic abc", auth.ErrMalformed}, {"Bearer ", auth.ErrMalformed}, {"Bearer abc", nil}, {"bearer abc", nil}} {
		tok, err := auth.Bearer(tc.in)
		if !errors.Is(err, tc.want) || (tc.want == nil && tok != "abc") {
			t.Errorf("Bearer(%q) = %q, %v", tc.in, tok, err)
		}
	}
}
