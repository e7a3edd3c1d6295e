package embossing

import (
	"context"
	"slices"
	"time"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// Info is a card's place in the pipeline with the configuration (group) it goes to.
type Info struct {
	Card   card.Card
	Record Record
	Config org.EmbossingConfig
}

// Get returns the pipeline record of a card the caller may reach through the endpoint kind.
func (s *Service) Get(ctx context.Context, caller access.Caller, k Kind, id int64) (Info, error) {
	var info Info
	err := s.view(ctx, caller.Tenant, func(tx store.Tx, _ Repository) error {
		c, r, err := s.load(ctx, tx, caller, k, id)
		if err != nil {
			return err
		}
		cfg, _ := tx.Org().EmbossingConfig(r.ConfigID)
		info = Info{Card: c, Record: r, Config: cfg}
		return nil
	})
	return info, err
}

// FileFilter selects embossing files: generated on a day from Begin to End (inclusive, UTC), of the programs
// and the configuration when given.
type FileFilter struct {
	Begin, End time.Time // dates (midnight UTC)
	Programs   []int64
	ConfigID   string
}

// Files returns the tenant's embossing files the filter selects, oldest first.
func (s *Service) Files(ctx context.Context, tenant string, f FileFilter) ([]File, error) {
	if f.End.Before(f.Begin) {
		return nil, rule.Invalid("endDate", "minimum", "endDate %s is before beginDate %s", f.End.Format(time.DateOnly), f.Begin.Format(time.DateOnly))
	}
	var out []File
	err := s.view(ctx, tenant, func(_ store.Tx, emb Repository) error {
		for day := f.Begin; !day.After(f.End); day = day.AddDate(0, 0, 1) {
			files, err := emb.FilesOn(ctx, day)
			if err != nil {
				return err
			}
			for _, file := range files {
				if (len(f.Programs) == 0 || slices.Contains(f.Programs, file.ProgramID)) && (f.ConfigID == "" || file.ConfigID == f.ConfigID) {
					out = append(out, file)
				}
			}
		}
		return nil
	})
	return out, err
}

// File returns one embossing file of a configuration by name.
func (s *Service) File(ctx context.Context, tenant, configID, name string) (File, error) {
	var out File
	err := s.view(ctx, tenant, func(_ store.Tx, emb Repository) error {
		f, ok, err := emb.FileByName(ctx, configID, name)
		if err == nil && !ok {
			err = rule.NotFound("fileName", "configuration %s has no embossing file %q", configID, name)
		}
		out = f
		return err
	})
	return out, err
}

// Configurations returns the org's embossing configurations, from the fixtures; an org without any is the
// vendor's 404.
func (s *Service) Configurations(ctx context.Context, tenant string) ([]org.EmbossingConfig, error) {
	var out []org.EmbossingConfig
	err := s.view(ctx, tenant, func(tx store.Tx, _ Repository) error {
		out = slices.Clone(tx.Org().Embossing)
		if len(out) == 0 {
			return rule.NotFound("org", "not found configurations to org %s", tx.Org().ID)
		}
		return nil
	})
	return out, err
}
