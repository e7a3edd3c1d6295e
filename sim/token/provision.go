package token

import (
	"context"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// Decision is how the issuer's rules answer a provisioning, in the networks' colours.
type Decision string

// Decisions: green approves, yellow approves once the cardholder passes an OTP step-up, red declines.
const (
	DecisionGreen  Decision = "GREEN"
	DecisionYellow Decision = "YELLOW"
	DecisionRed    Decision = "RED"
)

// ProvisionInput is a network's provisioning request, as the admin API plays it.
type ProvisionInput struct {
	// Network is the token service; empty means the card brand's.
	Network  Network
	Decision Decision
	Wallet   Wallet
	// OTPMethod is how the cardholder asked to get the OTP on the yellow path: SMS or EMAIL.
	OTPMethod string
	// ISO makes a VTS approval arrive over ISO 8583 (VTS_APPROVE_PROVISIONING_ISO).
	ISO bool
	// CVV2Valid is whether the CVV2 the cardholder typed in the wallet matches.
	CVV2Valid bool
	// DeviceID is the device the token is for; empty means one derived from the seed.
	DeviceID string
}

// Outcome is what a played network exchange did to a token.
type Outcome string

// Outcomes of the admin API's network calls.
const (
	OutcomeApproved Outcome = "APPROVED" // the token is active
	OutcomeStepUp   Outcome = "STEP_UP"  // the token waits for the OTP
	OutcomeRefused  Outcome = "REFUSED"  // the processor declined; no token was made
	OutcomeUpdated  Outcome = "UPDATED"  // the network changed the token's status
)

// Result is what a played network exchange did: the network messages in order, and the token they left.
type Result struct {
	CardID      int64
	Token       *Token // nil when the provisioning was refused before a token existed
	Outcome     Outcome
	Calls       []Call
	CustomCodes []string
}

// Refusal codes of notification_refusal-1 (custom_codes); CARD_STATUS_NOT_ALLOWED is the vendor's example, the
// others are the simulator's [inf].
const (
	CodeCardStatus        = "CARD_STATUS_NOT_ALLOWED"
	CodeCVV2Invalid       = "CVV2_INVALID"
	CodeCVV2TriesExceeded = "CVV2_TRIES_EXCEEDED"
	CodeIssuerDeclined    = "ISSUER_DECLINED"
)

// ChallengeTTL is how long a yellow-path token waits for its OTP before the network gives up on it [inf].
const ChallengeTTL = 30 * time.Minute

// JobChallengeExpiry is the job kind that deactivates a yellow-path token whose OTP never came back; its
// subject is the token.
const JobChallengeExpiry = "token.challenge_expiry"

// FieldNetworkToken names the token a request points at; the HTTP layer renames it (tokenId).
const FieldNetworkToken = "network_token"

// Provision plays a network provisioning a token for a card, in one transaction: each network message is
// announced by notification-1 in the networks' order, a yellow path's OTP by send_challenge-1, and a refusal
// by notification_refusal-1, after which no token exists. See the admin contract for the sequences.
func (s *Service) Provision(ctx context.Context, tenant string, cardID int64, in ProvisionInput) (Result, error) {
	res := Result{CardID: cardID}
	err := s.update(ctx, tenant, func(r repos) error {
		c, err := r.st.Cards(r.tx).Get(ctx, cardID)
		if errors.Is(err, store.ErrNotFound) {
			return rule.NotFound(access.FieldCard, "card %d not found", cardID)
		}
		if err != nil {
			return err
		}
		n, err := networkFor(c, in.Network)
		if err != nil {
			return err
		}
		set, err := r.tokens.Settings(ctx, c.ID)
		if err != nil {
			return err
		}
		p := &provisioning{s: s, r: r, c: c, n: n, in: in, set: set, res: &res}
		if err := p.run(ctx); err != nil {
			return err
		}
		return r.tokens.PutSettings(ctx, p.set)
	})
	return res, err
}

// networkFor returns the token service of a numbered card, checking the one the request names.
func networkFor(c card.Card, named Network) (Network, error) {
	if !c.Numbered() {
		return "", rule.Conflict(access.FieldCard, "numbered", "card %d has no PAN yet: a network tokenizes a PAN", c.ID)
	}
	n, ok := NetworkOf(c.Brand)
	switch {
	case !ok:
		return "", rule.Conflict("/network", "brand", "card %d is %s: only VISA (VTS) and MASTERCARD (MDES) cards are tokenized", c.ID, c.Brand)
	case named != "" && named != n:
		return "", rule.Conflict("/network", "brand", "card %d is %s: its tokens come from %s", c.ID, c.Brand, n)
	}
	return n, nil
}

// provisioning is one played provisioning exchange.
type provisioning struct {
	s   *Service
	r   repos
	c   card.Card
	n   Network
	in  ProvisionInput
	set Settings
	res *Result
	tok Token
}

func (p *provisioning) emit(call Call, e error) error {
	if e != nil {
		return e
	}
	p.res.Calls = append(p.res.Calls, call)
	return nil
}

func (p *provisioning) run(ctx context.Context) error {
	device := p.in.DeviceID
	if device == "" {
		device = p.s.device(p.r.tx.Org().ID, p.c.ID, p.set.Provisionings)
	}
	p.set.Provisionings++
	approve := CallVTSApprove
	if p.in.ISO && p.n == NetworkVTS {
		approve = CallVTSApproveISO
	}
	if p.n == NetworkMDES {
		if p.c.Status != card.StatusNormal { // eligibility fails at once: the card cannot be digitized
			return p.refuse(CallRefusedTE, []string{CodeCardStatus}, eligibility(p.c, p.in.Wallet, device), "")
		}
		te := eligibility(p.c, p.in.Wallet, device)
		te["eligibilityDecision"] = "ELIGIBLE"
		if err := p.emit(CallTE, p.r.tx.Emit(cardNotification(p.c, CallTE, te))); err != nil {
			return err
		}
	}
	if codes, cvv2 := p.declines(); len(codes) > 0 {
		call := CallRefusedTA
		data := eligibility(p.c, p.in.Wallet, device)
		data["tokenizationDecision"] = "DECLINED"
		if p.n == NetworkVTS {
			call = approve
			data = map[string]any{"lastFourOfPAN": p.c.LastFour, "tokenRequestorID": p.in.Wallet.RequestorID(NetworkVTS),
				"deviceInfo": map[string]any{"deviceID": device}, "actionCode": "05"}
		}
		return p.refuse(call, codes, data, cvv2)
	}
	if err := p.newToken(ctx, device); err != nil {
		return err
	}
	yellow := p.in.Decision == DecisionYellow
	if p.n == NetworkMDES {
		decision := "APPROVED"
		if yellow {
			decision = "REQUIRE_ADDITIONAL_AUTHENTICATION"
		}
		if err := p.say(CallTA, map[string]any{"tokenizationDecision": decision, "cvv2ResultsCode": "M"}); err != nil {
			return err
		}
		if !yellow {
			p.tok.Status = StatusActive
			return p.finish(ctx, OutcomeApproved, p.say(CallTC, map[string]any{"tokenActivated": true}))
		}
		if err := p.challenge(); err != nil {
			return err
		}
		if err := p.say(CallAC, map[string]any{"activationMethod": p.tok.Challenge.Method}); err != nil {
			return err
		}
		return p.finish(ctx, OutcomeStepUp, p.r.tx.Emit(sendChallenge(p.tok)))
	}
	code := "00"
	if yellow {
		code = "85"
	}
	if err := p.say(approve, map[string]any{"actionCode": code, "cvv2ResultsCode": "M"}); err != nil {
		return err
	}
	if !yellow {
		p.tok.Status = StatusActive
		return p.finish(ctx, OutcomeApproved, p.say(CallVTSTokenCreated, map[string]any{"messageReason": "TOKEN_CREATED"}))
	}
	if err := p.challenge(); err != nil {
		return err
	}
	methods := []any{map[string]any{"method": "OTP" + p.tok.Challenge.Method, "identifier": p.s.fake.UUID(p.r.tx.Org().ID, "stepup", strconv.FormatInt(p.tok.ID, 10))}}
	if err := p.say(CallVTSGetCVM, map[string]any{"stepUpMethods": methods}); err != nil {
		return err
	}
	if err := p.say(CallVTSPasscode, map[string]any{"otpMethod": "OTP" + p.tok.Challenge.Method}); err != nil {
		return err
	}
	if err := p.r.tx.Emit(sendChallenge(p.tok)); err != nil {
		return err
	}
	return p.finish(ctx, OutcomeStepUp, p.say(CallVTSTokenCreated, map[string]any{"messageReason": "TOKEN_CREATED"}))
}

// declines returns why the issuer declines the authorization, if it does, and the CVV2 result code; a wrong
// CVV2 counts a try on the wallet's counter.
func (p *provisioning) declines() (codes []string, cvv2 string) {
	cvv2 = "M"
	if p.n == NetworkVTS && p.c.Status != card.StatusNormal {
		codes = append(codes, CodeCardStatus)
	}
	switch {
	case p.set.CVV2Tries[p.in.Wallet] >= MaxCVV2Tries:
		codes = append(codes, CodeCVV2TriesExceeded)
		cvv2 = "N"
	case !p.in.CVV2Valid:
		if p.set.CVV2Tries == nil {
			p.set.CVV2Tries = map[Wallet]int{}
		}
		p.set.CVV2Tries[p.in.Wallet]++
		codes = append(codes, CodeCVV2Invalid)
		cvv2 = "N"
	}
	if p.in.Decision == DecisionRed {
		codes = append(codes, CodeIssuerDeclined)
	}
	return codes, cvv2
}

// refuse emits the processor's refusal of a network message; no token is made.
func (p *provisioning) refuse(call Call, codes []string, data map[string]any, cvv2 string) error {
	answer := map[string]any{"actionCode": "05"}
	if cvv2 != "" {
		answer["cvv2ResultsCode"] = cvv2
	}
	p.res.Outcome, p.res.CustomCodes = OutcomeRefused, codes
	return p.emit(call, p.r.tx.Emit(refusal(p.c, call, codes, data, answer)))
}

// newToken makes the INACTIVE token an approved authorization creates, with its seeded network references.
func (p *provisioning) newToken(ctx context.Context, device string) error {
	id, err := p.r.tokens.NextID(ctx)
	if err != nil {
		return err
	}
	tenant := p.r.tx.Org().ID
	prog, ok := p.r.tx.Org().Program(p.c.ProgramID)
	if !ok {
		return fmt.Errorf("card %d: program %d missing from the fixtures", p.c.ID, p.c.ProgramID)
	}
	number, err := p.s.fake.For(tenant, "token-number", id).PAN(p.c.BIN, prog.PANLength)
	if err != nil {
		return fmt.Errorf("token %d number: %w", id, err)
	}
	tokRef, panRef, instance, tracking := p.s.references(tenant, p.n, p.c.ID, id)
	yymm := p.c.ExpiryYYMM()
	at := now(p.r.tx)
	p.tok = Token{ID: id, CardID: p.c.ID, AccountID: p.c.AccountID, CustomerID: p.c.CustomerID, ProgramID: p.c.ProgramID,
		Network: p.n, Wallet: p.in.Wallet, TokenRef: tokRef, PANRef: panRef, Number: number, Expiry: yymm[2:] + yymm[:2],
		PaymentAppInstanceID: instance, TrackingID: tracking, Status: StatusInactive, Profile: p.set.Profile,
		Devices: []Device{{ID: device, Index: 1, Bound: true}}, CreatedAt: at, UpdatedAt: at}
	p.res.Token = &p.tok
	return nil
}

// challenge gives the token its seeded OTP and schedules the challenge's expiry.
func (p *provisioning) challenge() error {
	otp := OTP(p.s.fake.For(p.r.tx.Org().ID, "token-otp", p.tok.ID).Digits(6))
	p.tok.Challenge = &Challenge{OTP: otp, Method: p.in.OTPMethod, Expires: p.r.tx.Meta().Time.Add(ChallengeTTL)}
	_, err := p.r.tx.Schedule(job.Job{Kind: JobChallengeExpiry, Subject: p.tok.Subject(), Due: p.tok.Challenge.Expires})
	return err
}

// say emits the notification-1 of a network message about the token.
func (p *provisioning) say(call Call, extra map[string]any) error {
	return p.emit(call, p.r.tx.Emit(notification(p.tok, call, message(p.tok, p.c.LastFour, extra))))
}

// finish saves the token once its last message is emitted.
func (p *provisioning) finish(ctx context.Context, o Outcome, err error) error {
	if err != nil {
		return err
	}
	p.res.Outcome = o
	return p.r.tokens.Put(ctx, p.tok)
}

// device derives a device id for a provisioning that names none.
func (s *Service) device(tenant string, cardID int64, n int) string {
	k := s.fake.Key(fmt.Sprintf("device/%s/%d/%d", tenant, cardID, n))
	return hex.EncodeToString(k[:10])
}

// CompleteStepUp plays the cardholder typing a yellow path's OTP into the wallet: a match activates the token
// (MDES TC, VTS VTS_STATUS_UPDATED_OTP_VERIFICATION_RESULT) and cancels the challenge's expiry; a mismatch
// changes nothing.
func (s *Service) CompleteStepUp(ctx context.Context, tenant, tokenID, otp string) (Result, error) {
	var res Result
	err := s.update(ctx, tenant, func(r repos) error {
		t, c, err := r.networkToken(ctx, tokenID)
		if err != nil {
			return err
		}
		res.CardID = t.CardID
		if t.Challenge == nil || t.Status != StatusInactive {
			return rule.Conflict(FieldNetworkToken, "step_up", "token %d is %s with no pending step-up", t.ID, t.Status)
		}
		if subtle.ConstantTimeCompare([]byte(t.Challenge.OTP.Reveal()), []byte(otp)) != 1 {
			return rule.Conflict("/otp", "match", "the OTP does not match the one send_challenge-1 carried for token %d", t.ID)
		}
		if _, err := r.tx.CancelJobs(JobChallengeExpiry, t.Subject()); err != nil {
			return err
		}
		t.Status, t.Challenge, t.UpdatedAt = StatusActive, nil, now(r.tx)
		call, extra := CallTC, map[string]any{"tokenActivated": true}
		if t.Network == NetworkVTS {
			call, extra = CallVTSOTPResult, map[string]any{"otpVerificationResult": "SUCCESS"}
		}
		if err := r.tx.Emit(notification(t, call, message(t, c.LastFour, extra))); err != nil {
			return err
		}
		res.Token, res.Outcome, res.Calls = &t, OutcomeApproved, []Call{call}
		return r.tokens.Put(ctx, t)
	})
	return res, err
}

// RunChallengeExpiry runs a JobChallengeExpiry job: a token still waiting for its OTP is deactivated by the
// network (MDES TV, VTS VTS_STATUS_UPDATED_TOKEN_DEACTIVATED).
func (s *Service) RunChallengeExpiry(ctx context.Context, tx store.Tx, j job.Job) error {
	r := repos{tx: tx, tokens: s.store.Tokens(tx), st: s.store}
	t, c, err := r.networkToken(ctx, j.Subject.ID)
	if err != nil {
		return fmt.Errorf("%s job %d: %w", j.Kind, j.ID, err)
	}
	if t.Challenge == nil || t.Status != StatusInactive {
		return nil
	}
	t.Status, t.Challenge, t.UpdatedAt = StatusDeactivated, nil, now(tx)
	if err := tx.Emit(notification(t, statusCall(t.Network, StatusInactive, StatusDeactivated), message(t, c.LastFour, map[string]any{"reason": "STEP_UP_EXPIRED"}))); err != nil {
		return err
	}
	return r.tokens.Put(ctx, t)
}

// NetworkUpdate plays the network telling of a token's new status (the cardholder acted in the wallet): MDES
// TV, VTS the status update of the change, announced by notification-1.
func (s *Service) NetworkUpdate(ctx context.Context, tenant, tokenID string, to Status) (Result, error) {
	var res Result
	err := s.update(ctx, tenant, func(r repos) error {
		t, c, err := r.networkToken(ctx, tokenID)
		if err != nil {
			return err
		}
		res.CardID = t.CardID
		if !CanMove(t.Status, to) {
			return rule.Conflict("/status", "transition", "token %d is %s: it cannot become %s", t.ID, t.Status, to)
		}
		if t.Challenge != nil {
			if _, err := r.tx.CancelJobs(JobChallengeExpiry, t.Subject()); err != nil {
				return err
			}
		}
		call := statusCall(t.Network, t.Status, to)
		t.Status, t.Challenge, t.UpdatedAt = to, nil, now(r.tx)
		if err := r.tx.Emit(notification(t, call, message(t, c.LastFour, map[string]any{"entityOfLastAction": "WALLET"}))); err != nil {
			return err
		}
		res.Token, res.Outcome, res.Calls = &t, OutcomeUpdated, []Call{call}
		return r.tokens.Put(ctx, t)
	})
	return res, err
}

// statusCall is the network message that tells of a token's status change: MDES always TV; VTS a status
// update per change, an activation of an INACTIVE token being Visa's stand-in activation.
func statusCall(n Network, from, to Status) Call {
	if n == NetworkMDES {
		return CallTV
	}
	switch {
	case to == StatusSuspended:
		return CallVTSSuspend
	case to == StatusDeactivated:
		return CallVTSDeactivated
	case from == StatusInactive:
		return CallVTSActivationSTIP
	}
	return CallVTSResume
}

// networkToken returns a token by its API id, with its card.
func (r repos) networkToken(ctx context.Context, tokenID string) (Token, card.Card, error) {
	id, err := strconv.ParseInt(tokenID, 10, 64)
	if err != nil || id < 1 {
		return Token{}, card.Card{}, rule.NotFound(FieldNetworkToken, "token %q not found", tokenID)
	}
	t, err := r.tokens.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return Token{}, card.Card{}, rule.NotFound(FieldNetworkToken, "token %d not found", id)
	}
	if err != nil {
		return Token{}, card.Card{}, err
	}
	c, err := r.st.Cards(r.tx).Get(ctx, t.CardID)
	if err != nil {
		return Token{}, card.Card{}, fmt.Errorf("card %d of token %d: %w", t.CardID, t.ID, err)
	}
	return t, c, nil
}
