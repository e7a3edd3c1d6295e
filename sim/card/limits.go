package card

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/issuersim/issuersim/sim/rule"
)

// MaxValidityHours is the longest validity period a card takes (the contract's maximum): a century, beyond any
// expiry a yymm can name, and far inside what a time.Duration holds (about 2562047 hours), so valid_until
// never wraps around.
const MaxValidityHours = 876000

// MaxMetadataBytes is how large a card's metadata may be once encoded, as the contract documents.
const MaxMetadataBytes = 3200

// ParseExpiry reads an expiry as the vendor writes it on a request, yymm (2803 is March 2028, 20yy always),
// and returns the first instant after it, which is how a card keeps its expiration_date.
func ParseExpiry(yymm string) (time.Time, error) {
	if len(yymm) != 4 {
		return time.Time{}, fmt.Errorf("expiry %q: must be yymm, four digits", yymm)
	}
	for i := range 4 {
		if yymm[i] < '0' || yymm[i] > '9' {
			return time.Time{}, fmt.Errorf("expiry %q: must be yymm, four digits", yymm)
		}
	}
	year := 2000 + int(yymm[0]-'0')*10 + int(yymm[1]-'0')
	month := time.Month(int(yymm[2]-'0')*10 + int(yymm[3]-'0'))
	if month < time.January || month > time.December {
		return time.Time{}, fmt.Errorf("expiry %q: month %02d is not 01 to 12", yymm, month)
	}
	return time.Date(year, month+1, 1, 0, 0, 0, 0, time.UTC), nil
}

// CheckLimits refuses values the contract lets through but a card cannot hold: an expiration_date (yymm)
// already past on the tenant's clock, a validity period longer than MaxValidityHours or ending after the
// card's expiry (the vendor: it "cannot exceed the card's expiration_date"), and metadata over
// MaxMetadataBytes. expiry is the card's expiration_date as it will be.
func CheckLimits(hours *int, yymm string, metadata map[string]any, now, expiry time.Time) error {
	if yymm != "" {
		if _, err := ParseExpiry(yymm); err != nil {
			return rule.Invalid("/expiration_date", "pattern", "expiration_date must be yymm with a month from 01 to 12")
		}
		if !expiry.After(now) {
			return rule.Invalid("/expiration_date", "future", "expiration_date %s is already past on the tenant's clock (%s): a new card expires in the current month or later", yymm, now.Format("0601"))
		}
	}
	if hours != nil {
		if *hours < 1 || *hours > MaxValidityHours {
			return rule.Invalid("/validity_period_hours", "maximum", "validity_period_hours must be from 1 to %d", MaxValidityHours)
		}
		if until := now.Add(time.Duration(*hours) * time.Hour); !expiry.IsZero() && until.After(expiry) {
			return rule.Invalid("/validity_period_hours", "expiration_date", "validity_period_hours %d would end at %s, after the card's expiration_date %s: the validity period cannot exceed it",
				*hours, until.Format(time.RFC3339), expiry.Format(time.RFC3339))
		}
	}
	if metadata != nil {
		b, err := json.Marshal(metadata)
		if err != nil {
			return rule.Invalid("/metadata", "type", "metadata must be a JSON object")
		}
		if len(b) > MaxMetadataBytes {
			return rule.Invalid("/metadata", "maxBytes", "metadata holds %d bytes once encoded; at most %d", len(b), MaxMetadataBytes)
		}
	}
	return nil
}
