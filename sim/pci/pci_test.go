package pci_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/issuersim/issuersim/fixtures"
	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/store/memory"
)

// numbered creates a VIRTUAL card of the org at index tenant with a seed and returns the card and its PCI data.
func numbered(t *testing.T, seed uint64, tenant int) (card.Card, pci.Data, org.Program) {
	t.Helper()
	src := fake.New(seed)
	d, err := org.Parse(fixtures.Default, src)
	if err != nil {
		t.Fatal(err)
	}
	st, err := memory.New(d, memory.Options{Sealer: event.NewSealer(src, nil)})
	if err != nil {
		t.Fatal(err)
	}
	clocks := clock.NewTenants(clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	cards := card.NewService(st, clocks, pci.NewService(st, clocks, src, pci.Options{}), card.Options{})
	o := d.Orgs[tenant]
	acct := o.Accounts[0]
	c, _, err := cards.Create(context.Background(), access.Caller{Tenant: o.ID, AccountID: acct.ID},
		card.CreateInput{CustomerID: acct.Customers[0].ID, Name: "a", Type: card.TypeVirtual})
	if err != nil {
		t.Fatal(err)
	}
	var data pci.Data
	err = st.View(context.Background(), o.ID, func(tx store.Tx) error {
		data, err = st.PCI(tx).Get(context.Background(), c.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	prog, _ := o.Program(acct.ProgramID)
	return c, data, prog
}

// TestPANsFollowTheSeed proves a card's PAN is Luhn-valid, under its program's BIN and of the program's
// length, with the card's hash and last four derived from it; that the same seed, tenant and card id give the
// same PAN, and that another seed or another tenant gives another.
func TestPANsFollowTheSeed(t *testing.T) {
	c, first, prog := numbered(t, 1, 0)
	p := first.PAN.Reveal()
	if !fake.LuhnValid(p) || !strings.HasPrefix(p, prog.BIN) || len(p) != prog.PANLength {
		t.Fatalf("PAN %s: want Luhn-valid, %d digits, under BIN %s", first.PAN, prog.PANLength, prog.BIN)
	}
	if c.Hash != first.PAN.Hash() || c.LastFour != p[len(p)-4:] || len(first.CVV.Reveal()) != 3 || len(first.PIN.Reveal()) != c.PINLength {
		t.Fatalf("PCI data not derived from the PAN: hash %q last four %q", c.Hash, c.LastFour)
	}
	if _, again, _ := numbered(t, 1, 0); again.PAN != first.PAN {
		t.Error("the same seed gave another PAN")
	}
	if _, other, _ := numbered(t, 2, 0); other.PAN == first.PAN {
		t.Error("another seed gave the same PAN")
	}
	if _, other, _ := numbered(t, 1, 1); other.PAN == first.PAN {
		t.Error("another tenant's card 1 got the same PAN")
	}
}

// TestSecretsNeverPrint proves PAN, PIN and CVV show masked through fmt and slog.
func TestSecretsNeverPrint(t *testing.T) {
	_, d, _ := numbered(t, 1, 0)
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("card", "pan", d.PAN, "pin", d.PIN, "cvv", d.CVV, "data", d)
	line := buf.String() + fmt.Sprintf("%v %+v %#v %s %s %s", d, d, d, d.PAN, d.PIN, d.CVV)
	for name, secret := range map[string]string{"PAN": d.PAN.Reveal(), "PIN": d.PIN.Reveal(), "CVV": d.CVV.Reveal()} {
		if strings.Contains(line, secret) {
			t.Errorf("the %s shows in %s", name, line)
		}
	}
}

// TestValidateNonameCVV proves a noname card's CVV validates when it matches and is refused naming the field
// when it does not, for any account token of the org. Noname cards come from bulks; here one is written to the
// store as a bulk start would.
func TestValidateNonameCVV(t *testing.T) {
	src := fake.New(1)
	d, err := org.Parse(fixtures.Default, src)
	if err != nil {
		t.Fatal(err)
	}
	st, err := memory.New(d, memory.Options{Sealer: event.NewSealer(src, nil)})
	if err != nil {
		t.Fatal(err)
	}
	clocks := clock.NewTenants(clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	svc := pci.NewService(st, clocks, src, pci.Options{})
	tenant := d.Orgs[0].ID
	bulk := "bulk-1"
	ctx := context.Background()
	err = st.Update(ctx, store.Meta{Tenant: tenant}, func(tx store.Tx) error {
		c := card.Card{ID: 1, ProgramID: 3001, Type: card.TypePlastic, Name: "PLASTIC", BIN: "231038", Status: card.StatusUnbound, BulkID: &bulk, PINLength: 4}
		if err := svc.Number(ctx, tx, &c); err != nil {
			return err
		}
		return st.Cards(tx).Put(ctx, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	var cvv string
	_ = st.View(ctx, tenant, func(tx store.Tx) error {
		data, err := st.PCI(tx).Get(ctx, 1)
		cvv = data.CVV.Reveal()
		return err
	})
	caller := access.Caller{Tenant: tenant, AccountID: 8675310}
	if err := svc.ValidateNonameCVV(ctx, caller, 1, cvv); err != nil {
		t.Fatalf("the right CVV: %v", err)
	}
	wrong := "000"
	if cvv == wrong {
		wrong = "111"
	}
	var v *rule.Violation
	if err := svc.ValidateNonameCVV(ctx, caller, 1, wrong); !errors.As(err, &v) || v.Field != "/cvv" || v.Rule != "match" {
		t.Fatalf("the wrong CVV: %v", err)
	}
}
