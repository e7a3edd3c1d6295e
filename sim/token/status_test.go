package token

import (
	"errors"
	"strings"
	"testing"

	"github.com/issuersim/issuersim/sim/rule"
)

// TestStatusTable walks every status against every status: only the changes of the table are allowed, and a
// DEACTIVATED token never changes again.
func TestStatusTable(t *testing.T) {
	want := map[[2]Status]bool{
		{StatusInactive, StatusActive}: true, {StatusInactive, StatusDeactivated}: true,
		{StatusActive, StatusSuspended}: true, {StatusActive, StatusDeactivated}: true,
		{StatusSuspended, StatusActive}: true, {StatusSuspended, StatusDeactivated}: true,
	}
	for _, from := range statuses {
		for _, to := range statuses {
			if got := CanMove(from, to); got != want[[2]Status{from, to}] {
				t.Errorf("%s -> %s: allowed %v, want %v", from, to, got, !got)
			}
		}
	}
}

// TestOperations applies every status-changing operation to a token of every status on both networks: the
// result is the target status or a refusal naming /operation_type with the rule.
func TestOperations(t *testing.T) {
	type outcome struct {
		to   Status
		rule string // empty: allowed
	}
	cases := []struct {
		op      Operation
		network Network
		want    map[Status]outcome
	}{
		{OpSuspend, NetworkVTS, map[Status]outcome{
			StatusInactive: {rule: "transition"}, StatusActive: {to: StatusSuspended},
			StatusSuspended: {rule: "transition"}, StatusDeactivated: {rule: "transition"}}},
		{OpResume, NetworkMDES, map[Status]outcome{
			StatusInactive: {rule: "transition"}, StatusActive: {rule: "transition"},
			StatusSuspended: {to: StatusActive}, StatusDeactivated: {rule: "transition"}}},
		{OpDelete, NetworkVTS, map[Status]outcome{
			StatusInactive: {to: StatusDeactivated}, StatusActive: {to: StatusDeactivated},
			StatusSuspended: {to: StatusDeactivated}, StatusDeactivated: {rule: "transition"}}},
		{OpCallCenter, NetworkVTS, map[Status]outcome{
			StatusInactive: {to: StatusActive}, StatusActive: {rule: "transition"},
			StatusSuspended: {rule: "transition"}, StatusDeactivated: {rule: "transition"}}},
		{OpCallCenter, NetworkMDES, map[Status]outcome{
			StatusInactive: {rule: "network"}, StatusActive: {rule: "network"},
			StatusSuspended: {rule: "network"}, StatusDeactivated: {rule: "network"}}},
		{OpAppToApp, NetworkMDES, map[Status]outcome{
			StatusInactive: {to: StatusActive}, StatusActive: {rule: "transition"},
			StatusSuspended: {rule: "transition"}, StatusDeactivated: {rule: "transition"}}},
		{OpAppToApp, NetworkVTS, map[Status]outcome{
			StatusInactive: {rule: "network"}, StatusActive: {rule: "network"},
			StatusSuspended: {rule: "network"}, StatusDeactivated: {rule: "network"}}},
	}
	for _, tc := range cases {
		for _, from := range statuses {
			tok := Token{ID: 1, Network: tc.network, Status: from, Challenge: &Challenge{OTP: "1"}}
			err := tok.apply(tc.op)
			want := tc.want[from]
			var v *rule.Violation
			switch {
			case want.rule == "" && err != nil:
				t.Errorf("%s on a %s %s token: %v", tc.op, tc.network, from, err)
			case want.rule == "" && tok.Status != want.to:
				t.Errorf("%s on a %s %s token: became %s, want %s", tc.op, tc.network, from, tok.Status, want.to)
			case want.rule == "" && tok.Challenge != nil:
				t.Errorf("%s on a %s %s token kept its step-up", tc.op, tc.network, from)
			case want.rule != "" && !errors.As(err, &v):
				t.Errorf("%s on a %s %s token: %v, want a refusal", tc.op, tc.network, from, err)
			case want.rule != "" && (v.Field != FieldOperation || v.Rule != want.rule || tok.Status != from):
				t.Errorf("%s on a %s %s token: refused %s/%s (status %s), want %s/%s unchanged", tc.op, tc.network, from, v.Field, v.Rule, tok.Status, FieldOperation, want.rule)
			}
		}
	}
}

// TestStatusCalls pins the network message that tells of each status change.
func TestStatusCalls(t *testing.T) {
	for _, tc := range []struct {
		n        Network
		from, to Status
		want     Call
	}{
		{NetworkMDES, StatusActive, StatusSuspended, CallTV},
		{NetworkMDES, StatusInactive, StatusDeactivated, CallTV},
		{NetworkVTS, StatusActive, StatusSuspended, CallVTSSuspend},
		{NetworkVTS, StatusSuspended, StatusActive, CallVTSResume},
		{NetworkVTS, StatusInactive, StatusActive, CallVTSActivationSTIP},
		{NetworkVTS, StatusSuspended, StatusDeactivated, CallVTSDeactivated},
	} {
		if got := statusCall(tc.n, tc.from, tc.to); got != tc.want {
			t.Errorf("%s %s -> %s: %s, want %s", tc.n, tc.from, tc.to, got, tc.want)
		}
	}
}

// TestOTPNeverPrints proves an OTP shows masked in every printed form but Reveal.
func TestOTPNeverPrints(t *testing.T) {
	o := OTP("948472")
	raw, _ := o.MarshalJSON()
	for _, s := range []string{o.String(), o.GoString(), string(raw), o.LogValue().String()} {
		if strings.Contains(s, "948472") || !strings.Contains(s, "******") {
			t.Errorf("OTP printed as %q", s)
		}
	}
	if o.Reveal() != "948472" {
		t.Errorf("Reveal %q", o.Reveal())
	}
}
