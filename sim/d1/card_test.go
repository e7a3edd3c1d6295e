package d1

import (
	"testing"

	"github.com/issuersim/issuersim/sim/card"
)

// TestCheckWalksEveryStateAndReason walks every issuer operation over every card state and every reason code,
// with an active end user, and compares Check with the vendor's rules written out case by case.
func TestCheckWalksEveryStateAndReason(t *testing.T) {
	states := []State{StateActive, StateInactive, StateSuspended, StateDeleted, StateReplaced}
	reasons := []ReasonCode{ReasonIssuerDecision, ReasonCardLost, ReasonCardStolen, ReasonCardBroken, ReasonCardFound}
	// allowed[op][state] lists the reason codes that pass, for a card suspended (when SUSPENDED) as CARD_LOST.
	allowed := map[OperationType]map[State][]ReasonCode{
		OpSuspend: {StateActive: {ReasonIssuerDecision, ReasonCardLost, ReasonCardStolen, ReasonCardBroken}},
		OpResume:  {StateSuspended: {ReasonIssuerDecision, ReasonCardFound}},
		OpDelete:  {StateActive: {ReasonIssuerDecision}, StateInactive: {ReasonIssuerDecision}, StateSuspended: {ReasonIssuerDecision}},
		OpRenew:   {StateActive: {ReasonIssuerDecision}, StateInactive: {ReasonIssuerDecision}, StateSuspended: {ReasonIssuerDecision}},
	}
	for op, byState := range allowed {
		for _, s := range states {
			for _, r := range reasons {
				c := Card{ID: "c1", State: s, EndUser: EndUserActive}
				if s == StateSuspended {
					c.SuspendedFor = ReasonCardLost
				}
				want := false
				for _, ok := range byState[s] {
					want = want || ok == r
				}
				refusal := c.Check(op, r)
				if (refusal == nil) != want {
					t.Errorf("%s of a %s card for %s: refusal %v, want allowed=%v", op, s, r, refusal, want)
					continue
				}
				if refusal == nil {
					continue
				}
				// A wrong state is named first, on cardId; a reason that does not fit, on /reasonCode.
				wantField, wantCode := "/reasonCode", CodeReasonCode
				if byState[s] == nil {
					wantField, wantCode = "cardId", CodeCardState
				}
				if refusal.Field != wantField || refusal.Code != wantCode {
					t.Errorf("%s of a %s card for %s: refusal %+v, want field %s code %s", op, s, r, refusal, wantField, wantCode)
				}
			}
		}
	}
}

// TestResumeRules covers what resume checks beyond the state: the end user, and CARD_FOUND after each kind of
// suspension.
func TestResumeRules(t *testing.T) {
	for _, tc := range []struct {
		name      string
		suspended ReasonCode
		endUser   EndUserState
		reason    ReasonCode
		code      string // "" allowed
	}{
		{"found after lost", ReasonCardLost, EndUserActive, ReasonCardFound, ""},
		{"found after stolen", ReasonCardStolen, EndUserActive, ReasonCardFound, CodeReasonCode},
		{"found after broken", ReasonCardBroken, EndUserActive, ReasonCardFound, CodeReasonCode},
		{"found after an issuer decision", ReasonIssuerDecision, EndUserActive, ReasonCardFound, CodeReasonCode},
		{"issuer decision after stolen", ReasonCardStolen, EndUserActive, ReasonIssuerDecision, ""},
		{"deactivated end user", ReasonCardLost, EndUserInactive, ReasonIssuerDecision, CodeEndUser},
		{"deactivated end user, found", ReasonCardLost, EndUserInactive, ReasonCardFound, CodeEndUser},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Card{ID: "c1", State: StateSuspended, SuspendedFor: tc.suspended, EndUser: tc.endUser}
			got := c.Check(OpResume, tc.reason)
			switch {
			case tc.code == "" && got != nil:
				t.Fatalf("refused: %v", got)
			case tc.code != "" && (got == nil || got.Code != tc.code):
				t.Fatalf("refusal %+v, want code %s", got, tc.code)
			}
		})
	}
}

// TestApply proves each allowed operation's effect: suspend keeps the digital cards and remembers why, resume
// forgets it, delete removes the digital cards.
func TestApply(t *testing.T) {
	tokens := []DigitalCard{{ID: "DC1"}}
	c := Card{State: StateActive, EndUser: EndUserActive, DigitalCards: tokens}
	c.apply(OpSuspend, ReasonCardLost)
	if c.State != StateSuspended || c.SuspendedFor != ReasonCardLost || len(c.DigitalCards) != 1 {
		t.Fatalf("after suspend: %+v", c)
	}
	c.apply(OpResume, ReasonCardFound)
	if c.State != StateActive || c.SuspendedFor != "" || len(c.DigitalCards) != 1 {
		t.Fatalf("after resume: %+v", c)
	}
	c.apply(OpDelete, ReasonIssuerDecision)
	if c.State != StateDeleted || c.DigitalCards != nil {
		t.Fatalf("after delete: %+v", c)
	}
}

// TestExpectedAndFollow walks every processor status: the D1 states that agree with it, and the operation that
// brings each D1 state in step.
func TestExpectedAndFollow(t *testing.T) {
	for _, st := range card.AllStatuses() {
		want := Expected(st)
		if len(want) == 0 {
			t.Fatalf("%s: no expected D1 state", st)
		}
		for _, s := range []State{StateActive, StateInactive, StateSuspended, StateDeleted} {
			op, ok := follow(s, st)
			agrees := s == want[0]
			switch {
			case agrees && ok:
				t.Errorf("%s with D1 %s: in step, yet follow says %s", st, s, op)
			case !agrees && ok && after(s, op) != want[0]:
				t.Errorf("%s with D1 %s: follow's %s leaves %s, want %s", st, s, op, after(s, op), want[0])
			}
		}
	}
	if op, _ := follow(StateActive, card.StatusBlocked); op != OpSuspend {
		t.Errorf("a block of an ACTIVE card: %s, want SUSPEND", op)
	}
	if op, _ := follow(StateSuspended, card.StatusNormal); op != OpResume {
		t.Errorf("an unblock of a SUSPENDED card: %s, want RESUME", op)
	}
	if op, _ := follow(StateSuspended, card.StatusCanceled); op != OpDelete {
		t.Errorf("a cancellation: %s, want DELETE", op)
	}
}

// after returns the state an operation leaves.
func after(s State, op OperationType) State {
	card := Card{State: s}
	card.apply(op, ReasonIssuerDecision)
	return card.State
}

// TestPaginate covers the log's page edges: the first page, a page in the middle, offset past the end.
func TestPaginate(t *testing.T) {
	ops := make([]Operation, 12)
	for i := range ops {
		ops[i].Seq = int64(12 - i) // newest first
	}
	for _, tc := range []struct {
		offset, limit, n, remaining int
		first                       int64
	}{
		{0, 10, 10, 2, 12},
		{2, 5, 5, 5, 10},
		{10, 10, 2, 0, 2},
		{12, 10, 0, 0, 0},
		{40, 1, 0, 0, 0},
		{0, 50, 12, 0, 12},
		{11, 1, 1, 0, 1},
	} {
		p := paginate(ops, tc.offset, tc.limit)
		if len(p.Operations) != tc.n || p.Remaining != tc.remaining || (tc.n > 0 && p.Operations[0].Seq != tc.first) {
			t.Errorf("offset %d limit %d: %d operations from %v, %d remaining; want %d from %d, %d remaining",
				tc.offset, tc.limit, len(p.Operations), p.Operations, p.Remaining, tc.n, tc.first, tc.remaining)
		}
	}
}
