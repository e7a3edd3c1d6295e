package card

import (
	"context"
	"slices"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/store"
)

// Templates returns the caller's org's card templates (BIN overrides), as the fixtures define them.
func (s *Service) Templates(ctx context.Context, caller access.Caller) ([]org.Template, error) {
	var out []org.Template
	err := s.store.View(ctx, caller.Tenant, func(tx store.Tx) error {
		out = slices.Clone(tx.Org().Templates)
		return nil
	})
	return out, err
}
