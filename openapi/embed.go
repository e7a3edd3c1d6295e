// Package openapi embeds the simulator's contracts: one OpenAPI 3.0.3 document per API surface and the JSON
// Schemas of the processor's data events. They are the single source of truth for paths, fields, enums and
// status codes, and they travel inside the binary so that a clone or a container needs nothing else.
package openapi

import "embed"

// FS holds every contract: the *.yaml documents at its root and the event schemas under events/.
//
//go:embed *.yaml events
var FS embed.FS
