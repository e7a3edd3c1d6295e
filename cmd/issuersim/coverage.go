package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/issuersim/issuersim/features"
	"github.com/issuersim/issuersim/features/coverage"
)

// coverageCmd prints, for every row of seed 000 and every D1 operation, the scenarios tagged with it, and fails
// when one has none. It reads the feature files the binary carries, or those under --features; with --results
// (a cucumber JSON report of a run), only the scenarios that passed in it count.
func coverageCmd(_ context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("coverage", flag.ContinueOnError)
	fset.SetOutput(stderr)
	dir := fset.String("features", "", "a folder of .feature files to report on (default: the project's own, built in)")
	results := fset.String("results", "", "a cucumber JSON report (-godog.format cucumber:FILE): only the scenarios that passed in it count")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "Usage: issuersim coverage [--features DIR] [--results report.json]")
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fset.NArg() > 0 {
		return fmt.Errorf("coverage takes no arguments, got %q", fset.Args())
	}
	var files fs.FS = features.FS
	if *dir != "" {
		files = os.DirFS(*dir)
	}
	reqs, err := coverage.Requirements()
	if err != nil {
		return fmt.Errorf("coverage: %w", err)
	}
	scenarios, err := coverage.Scenarios(files)
	if err != nil {
		return fmt.Errorf("coverage: %w", err)
	}
	var passed map[coverage.Key]bool
	if *results != "" {
		f, err := os.Open(*results)
		if err != nil {
			return fmt.Errorf("coverage: %w", err)
		}
		passed, err = coverage.Passed(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("coverage: %s: %w", *results, err)
		}
	}
	rep := coverage.Build(reqs, scenarios, passed)
	if err := rep.Write(stdout); err != nil {
		return fmt.Errorf("coverage: %w", err)
	}
	if err := rep.Check(); err != nil {
		return fmt.Errorf("coverage: %w", err)
	}
	return nil
}
