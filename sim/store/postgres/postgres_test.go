package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/issuersim/issuersim/fixtures"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/store/postgres"
	"github.com/issuersim/issuersim/sim/store/postgres/pgtest"
	"github.com/issuersim/issuersim/sim/store/storetest"
	"github.com/issuersim/issuersim/sim/token"
)

// open returns a store over a fresh schema, closed when the test ends.
func open(t *testing.T, url string, d org.Dataset, opts postgres.Options) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url, d, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// TestConformance runs the stores' conformance suite against the PostgreSQL store, each case on a schema of
// its own.
func TestConformance(t *testing.T) {
	pgtest.URL(t) // skip the whole suite, with one line, when there is no database
	storetest.Run(t, func(t *testing.T, d org.Dataset, sealer *event.Sealer, obs store.Observer) storetest.Backend {
		return open(t, pgtest.URL(t), d, postgres.Options{Sealer: sealer, Observers: []store.Observer{obs}})
	})
}

// TestSecretsSurviveStorage writes PCI data and a token's OTP, reopens the database as a restarted process
// would, and reads them back as they were: the documents hold the values themselves, not the masked forms their
// MarshalJSON gives logs and responses.
func TestSecretsSurviveStorage(t *testing.T) {
	url := pgtest.URL(t)
	src := fake.New(1)
	d, err := org.Parse(fixtures.Default, src)
	if err != nil {
		t.Fatal(err)
	}
	sealer := event.NewSealer(src, nil)
	ctx := context.Background()
	tenant := d.Orgs[0].ID
	meta := store.Meta{Tenant: tenant, CID: "cid", Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	pan := fake.PAN("2310380000000005")
	want := pci.Data{CardID: 1, PAN: pan, CVV: "123", PIN: "4321", Scripts: []pci.Script{{ID: "s1", PIN: "9876"}}}
	first := open(t, url, d, postgres.Options{Sealer: sealer})
	err = first.Update(ctx, meta, func(tx store.Tx) error {
		if err := first.PCI(tx).Put(ctx, want); err != nil {
			return err
		}
		return first.Tokens(tx).Put(ctx, token.Token{ID: 1, CardID: 1, Number: "4895370000000007", Challenge: &token.Challenge{OTP: "654321"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	first.Close()

	again := open(t, url, d, postgres.Options{Sealer: sealer})
	err = again.View(ctx, tenant, func(tx store.Tx) error {
		got, err := again.PCI(tx).Get(ctx, 1)
		if err != nil {
			return err
		}
		if got.PAN.Reveal() != pan.Reveal() || got.CVV.Reveal() != "123" || got.PIN.Reveal() != "4321" || got.Scripts[0].PIN.Reveal() != "9876" {
			t.Errorf("PCI data after a reopen: PAN %s CVV %s PIN %s script PIN %s", got.PAN.Reveal(), got.CVV.Reveal(), got.PIN.Reveal(), got.Scripts[0].PIN.Reveal())
		}
		if d, ok, err := again.PCI(tx).ByPANHash(ctx, pan.Hash()); err != nil || !ok || d.CardID != 1 {
			t.Errorf("search by PAN hash after a reopen: %v %v %v", d.CardID, ok, err)
		}
		tok, err := again.Tokens(tx).Get(ctx, 1)
		if err != nil {
			return err
		}
		if tok.Number.Reveal() != "4895370000000007" || tok.Challenge.OTP.Reveal() != "654321" {
			t.Errorf("token after a reopen: number %s OTP %s", tok.Number.Reveal(), tok.Challenge.OTP.Reveal())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOpenRefuses names what is wrong with a store that cannot open.
func TestOpenRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  string
		opts postgres.Options
	}{
		{"no sealer", "postgres://127.0.0.1:1/x", postgres.Options{}},
		{"a URL pgx cannot read", "postgres://%zz", postgres.Options{Sealer: event.NewSealer(fake.New(1), nil)}},
		{"no server", "postgres://nobody@127.0.0.1:1/x?connect_timeout=2", postgres.Options{Sealer: event.NewSealer(fake.New(1), nil)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if s, err := postgres.Open(context.Background(), tc.url, org.Dataset{}, tc.opts); err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
		})
	}
}

// BenchmarkCommitWithEvent measures one transaction writing a card and sealing, validating and logging its
// event, as memory.BenchmarkCommitWithEvent does, against the database ISSUERSIM_TEST_POSTGRES names.
func BenchmarkCommitWithEvent(b *testing.B) {
	storetest.BenchCommitWithEvent(b, func(d org.Dataset, sealer *event.Sealer) storetest.Backend {
		s, err := postgres.Open(context.Background(), pgtest.URL(b), d, postgres.Options{Sealer: sealer})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(s.Close)
		return s
	})
}
