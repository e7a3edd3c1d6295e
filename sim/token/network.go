package token

import (
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/issuersim/issuersim/sim/card"
)

// The raw network messages (network_data) and the networks' views of a token, in each network's own field
// names, after the vendor's Visa and Mastercard examples. They never carry the PAN or the token number: only
// their last four digits.

// mdesStatus is MDES's one-letter status code and its description.
func mdesStatus(s Status) (string, string) {
	switch s {
	case StatusActive:
		return "A", "Active"
	case StatusSuspended:
		return "S", "Suspended"
	case StatusDeactivated:
		return "D", "Deleted"
	}
	return "I", "Inactive"
}

// MDESView is Mastercard's record of a token, as the vendor's getNetworkToken example shows it.
func MDESView(t Token) map[string]any {
	code, desc := mdesStatus(t.Status)
	m := map[string]any{
		"AccountPanSequenceNumber":            "000",
		"CorrelationId":                       t.TrackingID,
		"CurrentStatusCode":                   code,
		"CurrentStatusDateTime":               stamp(t.UpdatedAt),
		"CurrentStatusDescription":            desc,
		"DigitizationRequestDateTime":         stamp(t.CreatedAt),
		"ExpirationDate":                      t.Expiry,
		"FinalTokenizationDecision":           "A",
		"PaymentAppInstanceId":                t.PaymentAppInstanceID,
		"PrimaryAccountNumberUniqueReference": t.PANRef,
		"ProvisioningStatusCode":              "S",
		"ProvisioningStatusDescription":       "Provisioning successful",
		"Source":                              "ACCOUNT_ADDED_VIA_APPLICATION",
		"StorageTechnology":                   "D",
		"Suspenders":                          map[string]any{},
		"TokenDeletedFromConsumerApp":         "false",
		"TokenRequestorId":                    t.Wallet.RequestorID(NetworkMDES),
		"TokenRequestorName":                  strings.TrimSuffix(string(t.Wallet), "_PAY"),
		"TokenSuffix":                         t.Number.LastFour(),
		"TokenType":                           "C",
		"TokenUniqueReference":                t.TokenRef,
		"WalletId":                            t.Wallet.ID(),
	}
	if t.Profile != "" {
		m["ProductConfigurationId"] = t.Profile
	}
	if t.Status == StatusSuspended {
		m["Suspenders"] = map[string]any{"Suspender": "ISSUER"}
	}
	return m
}

// VTSView is Visa's record of a token, as the vendor's getNetworkToken example shows it.
func VTSView(t Token, lastFour string) map[string]any {
	month, year := expiryParts(t.Expiry)
	m := map[string]any{
		"panReferenceID":             t.PANRef,
		"entityOfLastAction":         "ISSUER",
		"clientWalletAccountID":      t.Wallet.RequestorID(NetworkVTS),
		"panSource":                  "KEY_ENTERED",
		"lastFourOfPAN":              lastFour,
		"tokenRequestorID":           t.Wallet.RequestorID(NetworkVTS),
		"tokenReferenceID":           t.TokenRef,
		"tokenAssuranceMethod":       "10",
		"lastTokenStatusUpdatedTime": stamp(t.UpdatedAt),
		"tokenInfo": map[string]any{
			"tokenType":           "HCE",
			"tokenStatus":         string(t.Status),
			"tokenExpirationDate": map[string]any{"month": month, "year": year},
		},
		"deviceInfo": map[string]any{},
		"riskInfo":   map[string]any{},
	}
	if len(t.Devices) > 0 {
		m["deviceInfo"] = map[string]any{"deviceID": t.Devices[0].ID}
	}
	if t.Profile != "" {
		m["cardMetaDataProfileID"] = t.Profile
	}
	return m
}

// ListView is the networks' answer to a list of a card's tokens: Visa's tokenDetails, or Mastercard's
// SearchResponse, as the vendor's listNetworkTokens examples show them.
func ListView(n Network, c card.Card, tokens []Token) map[string]any {
	if n == NetworkMDES {
		list := make([]any, 0, len(tokens))
		for _, t := range tokens {
			list = append(list, MDESView(t))
		}
		return map[string]any{"SearchResponse": map[string]any{"Accounts": map[string]any{"Account": map[string]any{
			"AccountPanSuffix": c.LastFour, "ExpirationDate": c.ExpirationDate.AddDate(0, 0, -1).Format("0106"),
			"Tokens": map[string]any{"Token": list},
		}}}}
	}
	list := make([]any, 0, len(tokens))
	for _, t := range tokens {
		list = append(list, map[string]any{
			"tokenRequestorID": t.Wallet.RequestorID(NetworkVTS), "tokenReferenceID": t.TokenRef, "panReferenceID": t.PANRef,
			"entityOfLastAction": "ISSUER", "clientWalletAccountID": t.Wallet.RequestorID(NetworkVTS), "panSource": "KEY_ENTERED",
			"tokenType": "HCE", "tokenStatus": string(t.Status), "lastFourOfPAN": c.LastFour,
		})
	}
	return map[string]any{"tokenDetails": list}
}

// message is the raw network message of a call about a token: the network's view of it, with the message's
// own fields.
func message(t Token, lastFour string, extra map[string]any) map[string]any {
	var m map[string]any
	if t.Network == NetworkMDES {
		m = map[string]any{
			"tokenUniqueReference":   t.TokenRef,
			"panUniqueReference":     t.PANRef,
			"tokenRequestorId":       t.Wallet.RequestorID(NetworkMDES),
			"walletId":               t.Wallet.ID(),
			"accountPanSuffix":       lastFour,
			"tokenSuffix":            t.Number.LastFour(),
			"tokenExpiry":            t.Expiry,
			"paymentAppInstanceId":   t.PaymentAppInstanceID,
			"correlationId":          t.TrackingID,
			"tokenType":              "C",
			"currentStatusCode":      first(mdesStatus(t.Status)),
			"deviceId":               deviceID(t),
			"productConfigurationId": t.Profile,
		}
	} else {
		month, year := expiryParts(t.Expiry)
		m = map[string]any{
			"tokenReferenceID": t.TokenRef,
			"panReferenceID":   t.PANRef,
			"tokenRequestorID": t.Wallet.RequestorID(NetworkVTS),
			"lastFourOfPAN":    lastFour,
			"tokenInfo": map[string]any{"tokenType": "HCE", "tokenStatus": string(t.Status),
				"tokenExpirationDate": map[string]any{"month": month, "year": year}},
			"deviceInfo": map[string]any{"deviceID": deviceID(t)},
		}
		if t.Profile != "" {
			m["cardMetaDataProfileID"] = t.Profile
		}
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// eligibility is the raw message of an MDES eligibility request (TE), which names the card and the wallet
// before any token exists.
func eligibility(c card.Card, w Wallet, device string) map[string]any {
	return map[string]any{
		"accountPanSuffix": c.LastFour, "accountExpiry": c.ExpiryYYMM()[2:] + c.ExpiryYYMM()[:2],
		"tokenRequestorId": w.RequestorID(NetworkMDES), "walletId": w.ID(), "deviceId": device, "tokenType": "C",
	}
}

func deviceID(t Token) string {
	if len(t.Devices) == 0 {
		return ""
	}
	return t.Devices[0].ID
}

func first(a, _ string) string { return a }

// expiryParts splits MMYY into the month without a leading zero and the four-digit year, as Visa writes them.
func expiryParts(mmyy string) (string, string) {
	if len(mmyy) != 4 {
		return "", ""
	}
	return strings.TrimPrefix(mmyy[:2], "0"), "20" + mmyy[2:]
}

// references derives a token's network references from the seed: Visa's DNITHE… token reference and V-… PAN
// reference, Mastercard's DSHRMC… token and FSHRMC… PAN unique references.
func (s *Service) references(tenant string, n Network, cardID, tokenID int64) (tokenRef, panRef, instance, tracking string) {
	tok := s.fake.Key(fmt.Sprintf("token/%s/%d", tenant, tokenID))
	pan := s.fake.Key(fmt.Sprintf("pan-reference/%s/%d", tenant, cardID))
	gen := s.fake.For(tenant, "token", tokenID)
	tracking = "D" + gen.Digits(13)
	instance = strings.ToUpper(hex.EncodeToString(tok[16:32])) + gen.Digits(12)
	if n == NetworkMDES {
		return "DSHRMC1BR" + hex.EncodeToString(tok[:16]), "FSHRMC1BR" + hex.EncodeToString(pan[:16]), instance, tracking
	}
	return "DNITHE" + digitsOf(tok[:9]), "V-" + digitsOf(pan[:11]), "", ""
}

// digitsOf writes bytes as decimal digits, two per byte.
func digitsOf(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		fmt.Fprintf(&sb, "%02d", int(c)%100)
	}
	return sb.String()
}

// stamp writes a time as the networks' views carry it: RFC 3339 in UTC.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
