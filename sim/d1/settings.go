package d1

import (
	"context"
	"fmt"
	"strings"

	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// SettingsChange is what the admin API changes of an issuer's settings; nil fields stay as they are.
type SettingsChange struct {
	NotificationURL *string
	Propagate       *bool
}

// UpdateSettings changes an issuer's settings at run time and returns them as they now are.
func (s *Service) UpdateSettings(ctx context.Context, tenant, issuerID string, ch SettingsChange) (Settings, error) {
	var st Settings
	err := s.update(ctx, tenant, func(tx store.Tx, repo Repository) error {
		is, ok := tx.Org().D1Issuer(issuerID)
		if !ok {
			return rule.NotFound("issuerId", "issuer %q is not the tenant's; GET /_sim/fixtures lists its d1_issuers", issuerID)
		}
		var err error
		if st, err = settings(ctx, tx, repo, is); err != nil {
			return err
		}
		if u := ch.NotificationURL; u != nil {
			if *u != "" && !strings.HasPrefix(*u, "http://") && !strings.HasPrefix(*u, "https://") {
				return rule.Invalid("/notification_url", "format", "notification_url must be an http or https URL, or empty to send nothing")
			}
			st.NotificationURL = *u
		}
		if ch.Propagate != nil {
			st.Propagate = *ch.Propagate
		}
		return repo.PutSettings(ctx, st)
	})
	if err != nil {
		return Settings{}, fmt.Errorf("update the settings of issuer %s: %w", issuerID, err)
	}
	return st, nil
}
