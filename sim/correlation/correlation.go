// Package correlation carries a request's correlation id (the processor's x-cid, D1's x-correlation-id)
// through the context into every event the request causes. An id the caller sent is used as it is; otherwise
// one is derived, when the request's tenant is known, from the seed, the tenant and that tenant's own count of
// derived ids, so no other tenant's traffic and no admin call (which has no tenant) shifts a tenant's ids.
package correlation

import (
	"context"
	"strconv"
	"sync"

	"github.com/issuersim/issuersim/sim/fake"
)

// Sequence derives correlation ids per tenant.
type Sequence struct {
	src *fake.Source
	mu  sync.Mutex
	n   map[string]uint64
}

// NewSequence returns a Sequence deriving ids from the seed of src.
func NewSequence(src *fake.Source) *Sequence { return &Sequence{src: src, n: map[string]uint64{}} }

// Next returns the tenant's next derived id.
func (s *Sequence) Next(tenant string) string {
	s.mu.Lock()
	s.n[tenant]++
	n := s.n[tenant]
	s.mu.Unlock()
	return s.src.UUID("cid", tenant, strconv.FormatUint(n, 10))
}

// slot is a request's correlation id: the one the caller sent, or one assigned once the tenant is known.
type slot struct {
	mu  sync.Mutex
	id  string
	seq *Sequence
}

type key struct{}

// Begin returns a context for a request: it carries sent, the id the caller sent, or, when sent is empty, a
// slot that Assign fills from seq once the request's tenant is known.
func Begin(ctx context.Context, sent string, seq *Sequence) context.Context {
	return context.WithValue(ctx, key{}, &slot{id: sent, seq: seq})
}

// With returns a context carrying a fixed id, as a scheduled job or a test uses.
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, key{}, &slot{id: id})
}

// Assign returns the request's id, deriving it from the tenant's sequence if the caller sent none and none was
// assigned yet. Call it as soon as the tenant is known (the gateway does after authentication; the token
// endpoints do once the credentials name the org).
func Assign(ctx context.Context, tenant string) string {
	s, ok := ctx.Value(key{}).(*slot)
	if !ok {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.id == "" && s.seq != nil {
		s.id = s.seq.Next(tenant)
	}
	return s.id
}

// From returns the context's correlation id, or "" when it has none yet.
func From(ctx context.Context) string {
	s, ok := ctx.Value(key{}).(*slot)
	if !ok {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.id
}
