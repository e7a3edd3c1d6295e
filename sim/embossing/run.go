package embossing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// Job kinds of the pipeline. Both run a configuration's embossing (the subject names it): JobRun is its daily
// run, scheduled at its run_at once a card is ready for it; JobTrigger is a run the trigger endpoint asked for,
// due at once.
const (
	JobRun     = "embossing.run"
	JobTrigger = "embossing.trigger"
)

// SubjectConfig is the subject kind of embossing configurations (the run jobs).
const SubjectConfig = "embossing_config"

func configSubject(id string) event.Subject { return event.Subject{Kind: SubjectConfig, ID: id} }

// runData is a run job's data: which ready cards it takes (every one when both lists are empty).
type runData struct {
	Origin   string  `json:"origin"`
	Programs []int64 `json:"programs,omitempty"`
	Cards    []int64 `json:"cards,omitempty"`
}

// scheduleRun makes sure the configuration's next daily run is scheduled: one pending run per configuration,
// however many cards become ready before it.
func (s *Service) scheduleRun(ctx context.Context, tx store.Tx, configID string) error {
	emb := s.store.Embossing(tx)
	if _, pending, err := emb.PendingRun(ctx, configID); err != nil || pending {
		return err
	}
	cfg, ok := tx.Org().EmbossingConfig(configID)
	if !ok {
		return fmt.Errorf("embossing configuration %s missing from the fixtures", configID)
	}
	due := cfg.NextRun(tx.Meta().Time)
	data, err := json.Marshal(runData{Origin: OriginScheduled})
	if err != nil {
		return err
	}
	if _, err := tx.Schedule(job.Job{Kind: JobRun, Subject: configSubject(configID), Due: due, Data: data}); err != nil {
		return err
	}
	return emb.SetPendingRun(ctx, configID, &due)
}

// TriggerInput is a trigger-endpoint request: a configuration and, optionally, the programs or cards to take.
type TriggerInput struct {
	ConfigID string
	Programs []int64
	Cards    []int64
}

// Trigger schedules a run of a configuration due at once on the tenant's clock (the vendor answers 202 and
// writes the file asynchronously).
func (s *Service) Trigger(ctx context.Context, tenant string, in TriggerInput) error {
	return s.update(ctx, tenant, func(tx store.Tx, _ Repository) error {
		cfg, ok := tx.Org().EmbossingConfig(in.ConfigID)
		if !ok {
			return rule.NotFound("/config_id", "org %s has no embossing configuration %s", tx.Org().ID, in.ConfigID)
		}
		for i, p := range in.Programs {
			if !cfg.Serves(p) {
				return rule.Invalid(fmt.Sprintf("/programs/%d", i), "exists", "configuration %s does not emboss program %d", cfg.Name, p)
			}
		}
		data, err := json.Marshal(runData{Origin: OriginAPI, Programs: in.Programs, Cards: in.Cards})
		if err != nil {
			return err
		}
		_, err = tx.Schedule(job.Job{Kind: JobTrigger, Subject: configSubject(cfg.ID), Due: tx.Meta().Time, Data: data})
		return err
	})
}

// RunJob runs a JobRun or JobTrigger job: the configuration's ready cards it takes are written to one file per
// program (in program order, cards in id order), each card with embossing-1, each file with
// embossing_summary-1 after its cards.
func (s *Service) RunJob(ctx context.Context, tx store.Tx, j job.Job) error {
	var d runData
	if err := json.Unmarshal(j.Data, &d); err != nil {
		return fmt.Errorf("%s job %d: data: %w", j.Kind, j.ID, err)
	}
	cfg, ok := tx.Org().EmbossingConfig(j.Subject.ID)
	if !ok {
		return fmt.Errorf("%s job %d: embossing configuration %s missing from the fixtures", j.Kind, j.ID, j.Subject.ID)
	}
	emb := s.store.Embossing(tx)
	if j.Kind == JobRun {
		if err := emb.SetPendingRun(ctx, cfg.ID, nil); err != nil {
			return err
		}
	}
	ready, err := emb.Ready(ctx, cfg.ID)
	if err != nil {
		return err
	}
	byProgram := map[int64][]Record{}
	for _, r := range ready {
		if takes(d, r) {
			byProgram[r.ProgramID] = append(byProgram[r.ProgramID], r)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(byProgram)) {
		if err := s.writeFile(ctx, tx, cfg, p, d.Origin, byProgram[p]); err != nil {
			return fmt.Errorf("%s job %d: program %d: %w", j.Kind, j.ID, p, err)
		}
	}
	return nil
}

func takes(d runData, r Record) bool {
	switch {
	case len(d.Cards) > 0:
		return slices.Contains(d.Cards, r.CardID)
	case len(d.Programs) > 0:
		return slices.Contains(d.Programs, r.ProgramID)
	}
	return true
}

// writeFile writes one program's cards to a new file of the configuration.
func (s *Service) writeFile(ctx context.Context, tx store.Tx, cfg org.EmbossingConfig, programID int64, origin string, records []Record) error {
	emb := s.store.Embossing(tx)
	seq, err := emb.NextFileSeq(ctx, cfg.ID)
	if err != nil {
		return err
	}
	now := tx.Meta().Time
	f := File{
		ID:       s.fake.UUID(tx.Org().ID, "embossing file", cfg.ID, itoa(seq)),
		Name:     fmt.Sprintf("%s_%d_%s_%06d.txt", cfg.Name, programID, now.Format("20060102"), seq),
		ConfigID: cfg.ID, ProgramID: programID, Type: strings.ToUpper(cfg.Type), Sequential: seq, GeneratedAt: now,
	}
	var lines []string
	for _, r := range records {
		line, errType, msg, err := s.line(ctx, tx, r)
		if err != nil {
			return err
		}
		if errType != "" {
			f.Unembossed++
			r.State, r.UpdatedAt = StateWaiting, now // out of the queue: nothing to emboss
			if err := emb.Put(ctx, r); err != nil {
				return err
			}
			if err := tx.Emit(embossed(r, cfg, errType, msg)); err != nil {
				return err
			}
			continue
		}
		f.Embossed++
		lines = append(lines, line)
		r.History = append(r.History, Entry{FileName: f.Name, ConfigID: cfg.ID, Group: cfg.Name, Embosser: cfg.EmbosserName,
			AddressID: clonePtr(r.AddressID), TriggerOrigin: origin, TriggerType: r.Trigger, Sequential: seq,
			GenerationDate: now, EmbossingTime: now, Reembossing: r.Reembossing})
		if err := tx.Emit(embossed(r, cfg, "", "")); err != nil {
			return err
		}
		r.State, r.FileName, r.Reembossing, r.UpdatedAt = StateEmbossed, f.Name, false, now
		if err := emb.Put(ctx, r); err != nil {
			return err
		}
	}
	f.Content = content(tx.Org().ID, f, lines)
	if err := emb.PutFile(ctx, f); err != nil {
		return err
	}
	return tx.Emit(summary(f, cfg))
}

// embossable are the statuses a card may be embossed in: a new card (CREATED, or UNBOUND for noname) and, for
// re-embossing, the live ones the vendor lists.
var embossable = []card.Status{card.StatusCreated, card.StatusUnbound, card.StatusNormal, card.StatusBlocked, card.StatusPending, card.StatusWarning}

// line returns a card's detail line, or the error type and message of a card that cannot be embossed.
func (s *Service) line(ctx context.Context, tx store.Tx, r Record) (line, errType, msg string, err error) {
	c, err := s.store.Cards(tx).Get(ctx, r.CardID)
	if errors.Is(err, store.ErrNotFound) {
		return "", "card_not_found", fmt.Sprintf("card %d not found", r.CardID), nil
	}
	if err != nil {
		return "", "", "", err
	}
	if !slices.Contains(embossable, c.Status) {
		return "", ErrCardStatusInvalid, fmt.Sprintf("card %d is %s: only a live card is embossed", c.ID, c.Status), nil
	}
	d, err := s.store.PCI(tx).Get(ctx, c.ID)
	if errors.Is(err, store.ErrNotFound) {
		return "", ErrCardPCINotFound, fmt.Sprintf("card %d has no PCI data", c.ID), nil
	}
	if err != nil {
		return "", "", "", err
	}
	return detail(c, d, r), "", "", nil
}

// content lays out a file: a header, one detail line per embossed card, a trailer (docs/embossing.md).
func content(orgID string, f File, lines []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "H|%s|%s|%s|%s|%d|%s|%d|%s\n", f.ID, f.Name, orgID, f.ConfigID, f.ProgramID, f.Type, f.Sequential, timestamp(f.GeneratedAt))
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "T|%d\n", len(lines))
	return b.String()
}

// detail is a card's D line: id, PAN, printed name, expiry (YYMM), CVV, service code, external id, address,
// re-embossing counter and the issuer's custom field. A '|' inside a field becomes a space.
func detail(c card.Card, d pci.Data, r Record) string {
	addr := ""
	if r.AddressID != nil {
		addr = itoa(*r.AddressID)
	}
	fields := []string{"D", itoa(c.ID), d.PAN.Reveal(), c.PrintedName, c.ExpiryYYMM(), d.CVV.Reveal(),
		d.ServiceCode, deref(c.ExternalID), addr, fmt.Sprint(r.Reembossings), deref(c.EmbossingCustomField)}
	for i, f := range fields {
		fields[i] = strings.ReplaceAll(strings.ReplaceAll(f, "|", " "), "\n", " ")
	}
	return strings.Join(fields, "|")
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
