package org

import (
	"fmt"
	"regexp"
	"time"
)

// EmbossingConfig is one of the org's embossing configurations (the vendor also calls it an embossing group): an
// embosser, the programs and kind of cards it embosses, and the time of day its run writes a file.
type EmbossingConfig struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	EmbosserID   int64   `json:"embosser_id"`
	EmbosserName string  `json:"embosser_name"`
	Type         string  `json:"type"` // nominal or noname
	Programs     []int64 `json:"programs"`
	Enable       bool    `json:"enable"`
	// RunAt is the time of day, UTC on the tenant's clock, of the configuration's daily run (HH:MM).
	RunAt string `json:"run_at"`
	// RequiresPassword holds a nominal card out of runs until its PIN is changed (the vendor's default); false
	// sends it to the next run as soon as it enters the pipeline.
	RequiresPassword bool `json:"requires_password"`
	// OnDemand lets the org fetch encrypted embossing data and emboss the cards itself.
	OnDemand bool `json:"on_demand"`
}

// Embossing configuration types.
const (
	EmbossingNominal = "nominal"
	EmbossingNoname  = "noname"
)

// NextRun returns the first time of the configuration's daily run after t: at exactly run_at, today's run has
// already happened.
func (c EmbossingConfig) NextRun(t time.Time) time.Time {
	at, _ := time.Parse("15:04", c.RunAt) // check validated it
	t = t.UTC()
	run := time.Date(t.Year(), t.Month(), t.Day(), at.Hour(), at.Minute(), 0, 0, time.UTC)
	if !run.After(t) {
		run = run.AddDate(0, 0, 1)
	}
	return run
}

// Serves reports whether the configuration embosses cards of the program.
func (c EmbossingConfig) Serves(programID int64) bool {
	for _, p := range c.Programs {
		if p == programID {
			return true
		}
	}
	return false
}

// EmbossingConfig returns the org's embossing configuration with that id.
func (o *Org) EmbossingConfig(id string) (EmbossingConfig, bool) {
	for _, c := range o.Embossing {
		if c.ID == id {
			return c, true
		}
	}
	return EmbossingConfig{}, false
}

// EmbossingGroup returns the enabled configuration that embosses a program's cards of the type: the one named
// group, or with an empty group the first one listed (the program's default embosser).
func (o *Org) EmbossingGroup(programID int64, typ, group string) (EmbossingConfig, bool) {
	for _, c := range o.Embossing {
		if c.Enable && c.Type == typ && c.Serves(programID) && (group == "" || c.Name == group) {
			return c, true
		}
	}
	return EmbossingConfig{}, false
}

var (
	uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	runAt       = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// checkEmbossing validates the org's embossing configurations against its programs.
func (o *Org) checkEmbossing(programs map[int64]bool) error {
	ids, names := map[string]bool{}, map[string]bool{}
	for i, c := range o.Embossing {
		switch {
		case !uuidPattern.MatchString(c.ID) || ids[c.ID]:
			return fmt.Errorf("embossing[%d].id: must be a unique lowercase uuid", i)
		case len(c.Name) < 2 || len(c.Name) > 32 || names[c.Name]:
			return fmt.Errorf("embossing[%d].name: must be 2 to 32 characters and unique (it is the embossing group)", i)
		case c.EmbosserID <= 0 || c.EmbosserName == "":
			return fmt.Errorf("embossing[%d]: embosser_id (positive) and embosser_name are required", i)
		case c.Type != EmbossingNominal && c.Type != EmbossingNoname:
			return fmt.Errorf("embossing[%d].type: must be nominal or noname", i)
		case !runAt.MatchString(c.RunAt):
			return fmt.Errorf("embossing[%d].run_at: must be HH:MM (UTC)", i)
		case len(c.Programs) == 0:
			return fmt.Errorf("embossing[%d].programs: at least one program is required", i)
		}
		for j, p := range c.Programs {
			if !programs[p] {
				return fmt.Errorf("embossing[%d].programs[%d]: no program %d", i, j, p)
			}
		}
		ids[c.ID], names[c.Name] = true, true
	}
	return nil
}
