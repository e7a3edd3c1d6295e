// Package token is the processor's network tokens: the Visa (VTS) and Mastercard (MDES) tokens that wallets
// hold in place of a card's PAN. A token is made when a network provisions it (the networks' messages are
// played by the admin API: Provision, CompleteStepUp, NetworkUpdate), and lives through the issuer's API
// (suspend, resume, delete, device binding, move to a reissued card) until it is DEACTIVATED. Each network
// message is announced by a cards-tokenization event (notification-1, notification_refusal-1,
// send_challenge-1); a token's events have the token as subject, those before a token exists the card.
//
// Beside the tokens the package keeps each card's tokenization settings (network card profile, wallet CVV2
// try counters) and each customer's Visa Click to Pay enrollment, and answers push provisioning and MDES
// Token Connect from the card's PCI data. Token numbers and OTPs never reach a log: Token.Number is a fake.PAN
// and an OTP a masking type of its own.
package token

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/store"
)

// Network is the token service that issued a token.
type Network string

// The networks, as the vendor's payment_network names them.
const (
	NetworkVTS  Network = "vts"  // Visa Token Service
	NetworkMDES Network = "mdes" // Mastercard Digital Enablement Service
)

// NetworkOf returns the token service of a card brand; only Visa and Mastercard cards are tokenized.
func NetworkOf(brand string) (Network, bool) {
	switch brand {
	case "VISA":
		return NetworkVTS, true
	case "MASTERCARD":
		return NetworkMDES, true
	}
	return "", false
}

// Wallet is the token requestor a token was provisioned for.
type Wallet string

// The wallets the vendor's API names, by the ids of its CVV2 counter reset (216, 103, 217).
const (
	WalletGooglePay  Wallet = "GOOGLE_PAY"
	WalletApplePay   Wallet = "APPLE_PAY"
	WalletSamsungPay Wallet = "SAMSUNG_PAY"
)

// Wallets lists the wallets in the vendor's order.
func Wallets() []Wallet { return []Wallet{WalletGooglePay, WalletApplePay, WalletSamsungPay} }

// ID is the wallet's id as the vendor writes it (wallet_id, and the CVV2 counter reset's wallet).
func (w Wallet) ID() string {
	switch w {
	case WalletApplePay:
		return "103"
	case WalletSamsungPay:
		return "217"
	}
	return "216"
}

// WalletByID returns the wallet of a vendor wallet id.
func WalletByID(id string) (Wallet, bool) {
	for _, w := range Wallets() {
		if w.ID() == id {
			return w, true
		}
	}
	return "", false
}

// RequestorID is the wallet's token requestor id (TRID) at a network, 11 digits.
func (w Wallet) RequestorID(n Network) string {
	ids := map[Wallet][2]string{ // VTS, MDES
		WalletGooglePay:  {"40010075338", "50120834693"},
		WalletApplePay:   {"40010030273", "50110030273"},
		WalletSamsungPay: {"40010043095", "50139059239"},
	}[w]
	if n == NetworkMDES {
		return ids[1]
	}
	return ids[0]
}

// Token is one network token of a card.
type Token struct {
	ID         int64 // the processor's token id: sequential per tenant, a string in the API, an integer in events
	CardID     int64
	AccountID  int64
	CustomerID int64
	ProgramID  int64
	Network    Network
	Wallet     Wallet
	// TokenRef and PANRef are the network's references of the token and of the card (PAN).
	TokenRef string
	PANRef   string
	// Number is the token's own PAN (the device PAN); it never prints in full.
	Number               fake.PAN
	Expiry               string // MMYY
	PaymentAppInstanceID string
	TrackingID           string
	Status               Status
	// Profile is the network card profile the token was made with, or last updated to.
	Profile   string
	Devices   []Device
	Challenge *Challenge // the pending step-up of a yellow-path provisioning
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Device is a device a Visa token is bound to; Bound is false once the binding is removed, until approved again.
type Device struct {
	ID    string
	Index int
	Bound bool
}

// Challenge is the OTP step-up a yellow-path provisioning waits for.
type Challenge struct {
	OTP     OTP
	Method  string // SMS or EMAIL
	Expires time.Time
}

// OTP is a one-time password. It prints as six asterisks.
type OTP string

// String masks the OTP.
func (OTP) String() string { return "******" }

// LogValue masks the OTP in structured logs.
func (o OTP) LogValue() slog.Value { return slog.StringValue(o.String()) }

// MarshalJSON masks the OTP in any JSON (a log handler's included); the event carries Reveal().
func (o OTP) MarshalJSON() ([]byte, error) { return []byte(`"` + o.String() + `"`), nil }

// GoString masks the OTP in %#v.
func (o OTP) GoString() string { return o.String() }

// Reveal returns the OTP, for send_challenge-1, which carries it to the issuer.
func (o OTP) Reveal() string { return string(o) }

// Subject kind of tokens in the event log and in jobs.
const SubjectToken = "token"

// Subject names the token in events and jobs.
func (t Token) Subject() event.Subject {
	return event.Subject{Kind: SubjectToken, ID: strconv.FormatInt(t.ID, 10)}
}

// Live reports whether the token can still be used or come back (ACTIVE or SUSPENDED): what a PAN update moves.
func (t Token) Live() bool { return t.Status == StatusActive || t.Status == StatusSuspended }

// Clone returns a copy that shares nothing with t.
func (t Token) Clone() Token {
	t.Devices = slices.Clone(t.Devices)
	if t.Challenge != nil {
		c := *t.Challenge
		t.Challenge = &c
	}
	return t
}

// CardKey is the index key of a card's tokens.
func (t Token) CardKey() string { return strconv.FormatInt(t.CardID, 10) }

// Settings are a card's tokenization settings: its network card profile, its wallets' CVV2 try counters, and
// counts of the provisionings and push-provisioning answers made for it (each derives its data from its own
// seed, so reordering other requests shifts nothing).
type Settings struct {
	CardID  int64
	Profile string
	// CVV2Tries counts wrong CVV2 entries per wallet, as getCardTokenConfig reports them.
	CVV2Tries     map[Wallet]int
	Provisionings int
	Pushes        int
}

// MaxCVV2Tries is how many wrong CVV2 entries a wallet may make before its provisionings are refused [inf].
const MaxCVV2Tries = 3

// Clone returns a copy that shares nothing with s.
func (s Settings) Clone() Settings {
	if s.CVV2Tries != nil {
		m := make(map[Wallet]int, len(s.CVV2Tries))
		for k, v := range s.CVV2Tries {
			m[k] = v
		}
		s.CVV2Tries = m
	}
	return s
}

// Repository keeps a tenant's tokens, card settings and Click to Pay enrollments inside a transaction. A token
// or enrollment that does not exist is an error wrapping store.ErrNotFound.
type Repository interface {
	// Get returns a token.
	Get(ctx context.Context, id int64) (Token, error)
	// Put writes a token, new or changed.
	Put(ctx context.Context, t Token) error
	// NextID reserves the tenant's next token id.
	NextID(ctx context.Context) (int64, error)
	// ByCard returns a card's tokens, oldest first.
	ByCard(ctx context.Context, cardID int64) ([]Token, error)
	// Settings returns a card's settings; a card that has none gets the zero settings of its id.
	Settings(ctx context.Context, cardID int64) (Settings, error)
	// PutSettings writes a card's settings.
	PutSettings(ctx context.Context, s Settings) error
	// Enrollment returns a customer's Click to Pay enrollment.
	Enrollment(ctx context.Context, customerID int64) (Enrollment, error)
	// PutEnrollment writes a customer's enrollment.
	PutEnrollment(ctx context.Context, e Enrollment) error
	// DeleteEnrollment removes a customer's enrollment.
	DeleteEnrollment(ctx context.Context, customerID int64) error
}

// Store is what the token operations run on: the PCI domain's store (cards and their PAN) and the tokens.
type Store interface {
	pci.Store
	// Tokens returns the token repository of the transaction.
	Tokens(tx store.Tx) Repository
}

// Service runs the token operations, one file each: provision.go, operate.go, devices.go, profile.go,
// config.go, panupdate.go, push.go, clicktopay.go, tokenconnect.go.
type Service struct {
	store  Store
	clocks *clock.Tenants
	fake   *fake.Source
}

// NewService returns a token Service over the store, the tenants' clocks and the fake-data source.
func NewService(st Store, clocks *clock.Tenants, src *fake.Source) *Service {
	return &Service{store: st, clocks: clocks, fake: src}
}

// repos are the repositories a token command works with.
type repos struct {
	tx     store.Tx
	tokens Repository
	st     Store
}

func (s *Service) update(ctx context.Context, tenant string, fn func(repos) error) error {
	meta := store.NewMeta(ctx, tenant, s.clocks.For(tenant))
	return s.store.Update(ctx, meta, func(tx store.Tx) error { return fn(repos{tx: tx, tokens: s.store.Tokens(tx), st: s.store}) })
}

func (s *Service) view(ctx context.Context, tenant string, fn func(repos) error) error {
	return s.store.View(ctx, tenant, func(tx store.Tx) error { return fn(repos{tx: tx, tokens: s.store.Tokens(tx), st: s.store}) })
}

// now is the command's time as tokens keep it: whole seconds.
func now(tx store.Tx) time.Time { return tx.Meta().Time.Truncate(time.Second) }
