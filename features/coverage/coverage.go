// Package coverage reports which scenarios prove each row of the processor's endpoint-to-event table (seed
// 000, in seed000.csv) and each of the token platform's card operations (seed 004, in d1.csv). A scenario
// proves a row when it carries the row's tag, the contract's operationId (@createCard, @suspendCard); with a
// cucumber JSON report of a run, only the scenarios that passed in it count. A row no scenario proves is
// missing, and `issuersim coverage` fails on it.
package coverage

import (
	"bytes"
	"embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
)

//go:embed seed000.csv d1.csv
var tables embed.FS

// Requirement is one row that scenarios must prove: an endpoint of seed 000 and the events it causes, or a D1
// operation of seed 004.
type Requirement struct {
	Table  string // "seed 000" or "D1"
	Tag    string // the tag of the scenarios that prove it, without @
	Name   string // the endpoint or operation, as the seed names it
	Events string // the events the seed lists for it (seed 000 only)
	Method string
	Path   string
}

// Requirements returns the rows of both tables, in the seeds' order.
func Requirements() ([]Requirement, error) {
	seed, err := readTable("seed000.csv", []string{"tag", "api", "endpoint", "events", "method", "path"})
	if err != nil {
		return nil, err
	}
	d1, err := readTable("d1.csv", []string{"tag", "operation", "method", "path"})
	if err != nil {
		return nil, err
	}
	out := make([]Requirement, 0, len(seed)+len(d1))
	for _, r := range seed {
		out = append(out, Requirement{Table: "seed 000", Tag: r[0], Name: r[2], Events: r[3], Method: r[4], Path: r[5]})
	}
	for _, r := range d1 {
		out = append(out, Requirement{Table: "D1", Tag: r[0], Name: r[1], Method: r[2], Path: r[3]})
	}
	return out, nil
}

// readTable reads one embedded CSV, checking its header; lines starting with # are comments.
func readTable(name string, header []string) ([][]string, error) {
	raw, err := tables.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	r := csv.NewReader(bytes.NewReader(raw))
	r.Comment = '#'
	r.FieldsPerRecord = len(header)
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], header) {
		return nil, fmt.Errorf("%s: the header is not %s", name, strings.Join(header, ","))
	}
	return rows[1:], nil
}

// Scenario is one scenario of a feature file, or one example row of a scenario outline, with every tag that
// applies to it (the feature's, the rule's, its own and its examples').
type Scenario struct {
	File string // the feature file's path in the file system it was read from
	Line int    // the scenario's line, or the example row's
	Name string // with the example's values in place of an outline's <placeholders>
	Tags []string
}

// Ref is the scenario as file:line.
func (s Scenario) Ref() string { return s.File + ":" + strconv.Itoa(s.Line) }

// Scenarios reads every .feature file of fsys.
func Scenarios(fsys fs.FS) ([]Scenario, error) {
	var out []Scenario
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".feature" {
			return nil
		}
		f, err := fsys.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := gherkin.ParseGherkinDocument(f, (&messages.Incrementing{}).NewId)
		if err != nil {
			return fmt.Errorf("parse %s: %w", p, err)
		}
		if doc.Feature == nil {
			return nil
		}
		feature := tagNames(doc.Feature.Tags)
		for _, child := range doc.Feature.Children {
			switch {
			case child.Scenario != nil:
				out = append(out, expand(p, feature, child.Scenario)...)
			case child.Rule != nil:
				rule := append(slices.Clone(feature), tagNames(child.Rule.Tags)...)
				for _, rc := range child.Rule.Children {
					if rc.Scenario != nil {
						out = append(out, expand(p, rule, rc.Scenario)...)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the features: %w", err)
	}
	return out, nil
}

// expand returns a scenario, or one scenario per example row of an outline.
func expand(file string, inherited []string, sc *messages.Scenario) []Scenario {
	tags := append(slices.Clone(inherited), tagNames(sc.Tags)...)
	if len(sc.Examples) == 0 {
		return []Scenario{{File: file, Line: int(sc.Location.Line), Name: sc.Name, Tags: tags}}
	}
	var out []Scenario
	for _, ex := range sc.Examples {
		exTags := append(slices.Clone(tags), tagNames(ex.Tags)...)
		for _, row := range ex.TableBody {
			name := sc.Name
			if ex.TableHeader != nil {
				for i, cell := range ex.TableHeader.Cells {
					if i < len(row.Cells) {
						name = strings.ReplaceAll(name, "<"+cell.Value+">", row.Cells[i].Value)
					}
				}
			}
			out = append(out, Scenario{File: file, Line: int(row.Location.Line), Name: name, Tags: exTags})
		}
	}
	return out
}

func tagNames(tags []*messages.Tag) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		out = append(out, strings.TrimPrefix(t.Name, "@"))
	}
	return out
}

// Key names a scenario in a run's report: its feature file's base name and its line.
type Key struct {
	File string
	Line int
}

// Passed reads a cucumber JSON report (godog's -godog.format cucumber:FILE) and returns the scenarios every
// step of which passed.
func Passed(r io.Reader) (map[Key]bool, error) {
	var features []struct {
		URI      string `json:"uri"`
		Elements []struct {
			Type  string `json:"type"`
			Line  int    `json:"line"`
			Steps []struct {
				Result struct {
					Status string `json:"status"`
				} `json:"result"`
			} `json:"steps"`
		} `json:"elements"`
	}
	if err := json.NewDecoder(r).Decode(&features); err != nil {
		return nil, fmt.Errorf("read the cucumber report: %w", err)
	}
	out := map[Key]bool{}
	for _, f := range features {
		for _, e := range f.Elements {
			if e.Type != "scenario" || len(e.Steps) == 0 {
				continue
			}
			ok := true
			for _, s := range e.Steps {
				ok = ok && s.Result.Status == "passed"
			}
			if ok {
				out[Key{File: path.Base(f.URI), Line: e.Line}] = true
			}
		}
	}
	return out, nil
}

// Entry is a requirement and the scenarios that prove it.
type Entry struct {
	Requirement
	Scenarios []Scenario
}

// Report lists every requirement with the scenarios that prove it.
type Report struct {
	Entries []Entry
	// Results says whether only the scenarios that passed in a run's report count.
	Results bool
}

// Build matches the scenarios to the requirements by tag; with passed (non-nil), only scenarios that passed
// count.
func Build(reqs []Requirement, scenarios []Scenario, passed map[Key]bool) Report {
	rep := Report{Results: passed != nil}
	for _, r := range reqs {
		e := Entry{Requirement: r}
		for _, s := range scenarios {
			if !slices.Contains(s.Tags, r.Tag) {
				continue
			}
			if passed != nil && !passed[Key{File: path.Base(s.File), Line: s.Line}] {
				continue
			}
			e.Scenarios = append(e.Scenarios, s)
		}
		rep.Entries = append(rep.Entries, e)
	}
	return rep
}

// Missing returns the requirements no scenario proves.
func (r Report) Missing() []Requirement {
	var out []Requirement
	for _, e := range r.Entries {
		if len(e.Scenarios) == 0 {
			out = append(out, e.Requirement)
		}
	}
	return out
}

// ErrMissing is returned by Check when a requirement has no scenario.
var ErrMissing = errors.New("rows without a scenario that proves them")

// Check returns nil when every requirement is proven, or ErrMissing naming the others.
func (r Report) Check() error {
	missing := r.Missing()
	if len(missing) == 0 {
		return nil
	}
	names := make([]string, 0, len(missing))
	for _, m := range missing {
		names = append(names, fmt.Sprintf("%s %q (@%s)", m.Table, m.Name, m.Tag))
	}
	return fmt.Errorf("%w: %s", ErrMissing, strings.Join(names, "; "))
}

// Write prints the report: each requirement with its status and the scenarios that prove it, then the totals.
func (r Report) Write(w io.Writer) error {
	var b strings.Builder
	table := ""
	covered := map[string][2]int{}
	var order []string
	for _, e := range r.Entries {
		if e.Table != table {
			table = e.Table
			order = append(order, table)
			switch table {
			case "seed 000":
				b.WriteString("Seed 000, the processor's endpoint-to-event table (features/coverage/seed000.csv)\n")
			default:
				b.WriteString("\n" + table + " card operations, seed 004 (features/coverage/d1.csv)\n")
			}
		}
		status := "ok     "
		c := covered[table]
		c[1]++
		if len(e.Scenarios) == 0 {
			status = "MISSING"
		} else {
			c[0]++
		}
		covered[table] = c
		fmt.Fprintf(&b, "  %s @%s: %s", status, e.Tag, e.Name)
		if e.Events != "" {
			fmt.Fprintf(&b, " -> %s", e.Events)
		}
		if e.Method != "" {
			fmt.Fprintf(&b, " (%s %s)", e.Method, e.Path)
		}
		b.WriteString("\n")
		for _, s := range e.Scenarios {
			fmt.Fprintf(&b, "      %s  %s\n", s.Ref(), s.Name)
		}
	}
	b.WriteString("\n")
	for _, t := range order {
		fmt.Fprintf(&b, "%s: %d of %d covered\n", t, covered[t][0], covered[t][1])
	}
	if r.Results {
		b.WriteString("(only scenarios that passed in the given report count)\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
