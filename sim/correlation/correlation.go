// Package correlation carries a request's correlation id (the processor's x-cid, D1's x-correlation-id)
// through the context into every event the request causes.
package correlation

import "context"

type key struct{}

// With returns a context carrying id.
func With(ctx context.Context, id string) context.Context { return context.WithValue(ctx, key{}, id) }

// From returns the context's correlation id, or "" when it has none.
func From(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}
