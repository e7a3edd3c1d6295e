package token

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/rule"
)

// Requestor is a Mastercard token requestor as MDES Token Connect describes it: a wallet or a merchant that
// provisions tokens, and how an issuer pushes a card to it.
type Requestor struct {
	ID                  string // TRID, 11 digits
	Name                string
	DisplayName         string
	Type                string // WALLET or MERCHANT
	AssetID             string
	WalletID            string
	PushMethods         []PushMethod
	MultipleCards       bool
	HolderData          []string
	CardholderAuth      bool
	IssuerInitiatedData bool
	TokenConnect        bool
	logo                color.RGBA
	initials            string
}

// PushMethod is how a requestor opens to take a pushed card.
type PushMethod struct{ Type, URI string }

// requestors are the token requestors the simulator's MDES knows, in the order it lists them: the three wallets
// of the vendor's API and the merchant of its examples. They are reference data, never changed.
var requestors = []Requestor{
	{ID: WalletGooglePay.RequestorID(NetworkMDES), Name: "Google LLC", DisplayName: "Google Pay", Type: "WALLET",
		AssetID: "a1d3c0e2-5b7f-4e21-9c3a-000000000216", WalletID: WalletGooglePay.ID(),
		PushMethods:   []PushMethod{{"ANDROID", "https://pay.google.com/gp/v/tokenize"}, {"WEB", "https://pay.google.com/tokenize"}},
		MultipleCards: true, HolderData: []string{"NAME", "ADDRESS", "EMAIL_ADDRESS", "MOBILE_PHONE_NUMBER"}, CardholderAuth: true,
		IssuerInitiatedData: true, TokenConnect: true, logo: color.RGBA{0x42, 0x85, 0xf4, 0xff}, initials: "GP"},
	{ID: WalletApplePay.RequestorID(NetworkMDES), Name: "Apple Inc.", DisplayName: "Apple Pay", Type: "WALLET",
		AssetID: "a1d3c0e2-5b7f-4e21-9c3a-000000000103", WalletID: WalletApplePay.ID(),
		PushMethods: []PushMethod{{"IOS", "https://www.apple.com/apple-pay/tokenize"}}, HolderData: []string{"NAME"},
		CardholderAuth: true, TokenConnect: true, logo: color.RGBA{0x00, 0x00, 0x00, 0xff}, initials: "AP"},
	{ID: WalletSamsungPay.RequestorID(NetworkMDES), Name: "Samsung Electronics Co., Ltd.", DisplayName: "Samsung Pay", Type: "WALLET",
		AssetID: "a1d3c0e2-5b7f-4e21-9c3a-000000000217", WalletID: WalletSamsungPay.ID(),
		PushMethods: []PushMethod{{"ANDROID", "https://pay.samsung.com/tokenize"}}, HolderData: []string{"NAME", "ADDRESS"},
		TokenConnect: true, logo: color.RGBA{0x14, 0x28, 0xa0, 0xff}, initials: "SP"},
	{ID: "50199012345", Name: "Acme Widgets, Inc.", DisplayName: "Acme Widgets Online", Type: "MERCHANT",
		AssetID:     "a1d3c0e2-5b7f-4e21-9c3a-000000000001",
		PushMethods: []PushMethod{{"WEB", "https://tokenize.example.com"}}, HolderData: []string{},
		TokenConnect: true, logo: color.RGBA{0xe0, 0x5a, 0x00, 0xff}, initials: "AW"},
}

// Eligible is a requestor with the account range starts it is enabled for.
type Eligible struct {
	Requestor
	Ranges []int64
}

// FieldRequestor is the push request's token_requestor_id.
const FieldRequestor = "/token_requestor_id"

// EligibleRequestors returns the requestors enabled for any of the account range starts (9 to 19 digits, zero
// padded to 19 as MDES does). Every requestor is enabled for the tenant's Mastercard program BINs.
func (s *Service) EligibleRequestors(ctx context.Context, tenant string, accounts []string) ([]Eligible, error) {
	var out []Eligible
	err := s.view(ctx, tenant, func(r repos) error {
		ranges := mastercardRanges(r)
		want := map[int64]bool{}
		for _, a := range accounts {
			n, err := strconv.ParseInt(a+strings.Repeat("0", 19-len(a)), 10, 64)
			if err == nil {
				want[n] = true
			}
		}
		for _, rng := range ranges {
			if want[rng] {
				for _, q := range requestors {
					out = append(out, Eligible{Requestor: q, Ranges: ranges})
				}
				return nil
			}
		}
		return nil
	})
	return out, err
}

// mastercardRanges returns the account range starts of the tenant's Mastercard programs: each BIN padded to 19
// digits.
func mastercardRanges(r repos) []int64 {
	var out []int64
	for _, p := range r.tx.Org().Programs {
		if p.Brand != "MASTERCARD" {
			continue
		}
		if n, err := strconv.ParseInt(p.BIN+strings.Repeat("0", 19-len(p.BIN)), 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// PushAccountsInput is a Token Connect push, already checked against the contract.
type PushAccountsInput struct {
	CardID      int64
	RequestorID string
	HolderName  string
	// IssuerInitiatedData asks for the issuer-initiated digitization data beside the receipt.
	IssuerInitiatedData bool
}

// Receipt is a push account receipt a requestor redeems to provision a token for the card.
type Receipt struct {
	AccountID, Receipt, IssuerInitiatedData string
}

// PushAccounts gives a token requestor a receipt for a NORMAL Mastercard card of the scope (the x-account-id
// account and x-customer-id customer), and the requestor's push methods. The receipt's prefix is MCC for a
// credit card and DMC for a debit one.
func (s *Service) PushAccounts(ctx context.Context, caller access.Caller, scope access.Scope, in PushAccountsInput) (Receipt, []PushMethod, error) {
	var out Receipt
	var methods []PushMethod
	err := s.update(ctx, caller.Tenant, func(r repos) error {
		c, err := r.ownedCard(ctx, caller, scope, in.CardID)
		if err != nil {
			return rename(err, "/card_id")
		}
		q, ok := requestor(in.RequestorID)
		switch {
		case c.Brand != "MASTERCARD":
			return rule.Invalid("/card_id", "network", "card %d is %s: Token Connect is Mastercard's", c.ID, c.Brand)
		case c.Status != card.StatusNormal:
			return rule.Invalid("/card_id", "status", "card %d is %s: only a NORMAL card is pushed", c.ID, c.Status)
		case !ok || !q.TokenConnect:
			return rule.Invalid(FieldRequestor, "exists", "token requestor %s does not take part in Token Connect", in.RequestorID)
		}
		d, err := r.st.PCI(r.tx).Get(ctx, c.ID)
		if err != nil {
			return rule.Invalid("/card_id", "numbered", "card %d has no PAN yet", c.ID)
		}
		set, err := r.tokens.Settings(ctx, c.ID)
		if err != nil {
			return err
		}
		set.Pushes++
		if err := r.tokens.PutSettings(ctx, set); err != nil {
			return err
		}
		tenant := r.tx.Org().ID
		n := strconv.Itoa(set.Pushes)
		prefix := "MCC"
		if c.Mode == "DEBIT" {
			prefix = "DMC"
		}
		out = Receipt{AccountID: "pa_" + s.fake.For(tenant, "push-account", c.ID*1000+int64(set.Pushes)).Digits(9),
			Receipt: prefix + "-" + strings.ToUpper(s.fake.UUID(tenant, "push-receipt", strconv.FormatInt(c.ID, 10), n))}
		if in.IssuerInitiatedData {
			h := holder(r.tx, c)
			if in.HolderName != "" {
				h.Name = in.HolderName
			}
			ps := pushSecrets{s: s, seed: fmt.Sprintf("token-connect/%s/%d/%s", tenant, c.ID, n), tenant: tenant, pan: d.PAN.Reveal(),
				c: c, holder: h, at: r.tx.Meta().Time}
			if out.IssuerInitiatedData, err = ps.mastercard(); err != nil {
				return err
			}
		}
		methods = q.PushMethods
		return nil
	})
	return out, methods, err
}

func requestor(id string) (Requestor, bool) {
	for _, q := range requestors {
		if q.ID == id {
			return q, true
		}
	}
	return Requestor{}, false
}

// Asset is a requestor's logo as an SVG and a 100x100 PNG.
type Asset struct{ SVG, PNG []byte }

// RequestorAsset returns the logo an image_asset_id names.
func RequestorAsset(assetID string) (Asset, error) {
	for _, q := range requestors {
		if q.AssetID != assetID {
			continue
		}
		hexColor := fmt.Sprintf("#%02x%02x%02x", q.logo.R, q.logo.G, q.logo.B)
		svg := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">`+
			`<rect width="100" height="100" rx="16" fill="%s"/><text x="50" y="62" font-family="sans-serif" font-size="36" `+
			`text-anchor="middle" fill="#ffffff">%s</text></svg>`, hexColor, q.initials)
		img := image.NewRGBA(image.Rect(0, 0, 100, 100))
		for y := range 100 {
			for x := range 100 {
				img.Set(x, y, q.logo)
			}
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return Asset{}, fmt.Errorf("encode the logo of %s: %w", q.ID, err)
		}
		return Asset{SVG: []byte(svg), PNG: buf.Bytes()}, nil
	}
	return Asset{}, rule.Invalid("assetId", "exists", "asset %s not found: image_asset_id of listEligibleTokenRequestors names the logos", assetID)
}
