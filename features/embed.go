// Package features holds issuersim's Gherkin suite: the feature files, one per area, embedded here so that
// `issuersim coverage` can report on them from the binary; the step library they run on (features/steps);
// and the coverage report of the seeds' rows (features/coverage). `go test ./features/...` runs the suite.
package features

import "embed"

// FS holds the project's feature files (*.feature) at its root.
//
//go:embed *.feature
var FS embed.FS
