package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim/bulk"
	"github.com/issuersim/issuersim/sim/cardonfile"
	"github.com/issuersim/issuersim/sim/d1"
	"github.com/issuersim/issuersim/sim/embossing"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/fault"
	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/token"
	"github.com/issuersim/issuersim/sim/webhook"
)

// The repositories of the domains beyond cards, each as its domain uses it: rows round-trip, are copies, are
// per tenant, and the lookups see the transaction's own writes.

func (f *fixture) tx(t *testing.T, tenant string, fn func(store.Tx) error) {
	t.Helper()
	must(t, f.s.Update(f.ctx, f.meta(tenant), fn))
}

func testPCIData(t *testing.T, f *fixture) {
	pan := fake.PAN("2310380000000005")
	f.tx(t, f.a, func(tx store.Tx) error {
		r := f.s.PCI(tx)
		if _, err := r.Get(f.ctx, 1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing PCI data: %v, want ErrNotFound", err)
		}
		must(t, r.Put(f.ctx, pci.Data{CardID: 1, PAN: pan, CVV: "123", PIN: "1234", Scripts: []pci.Script{{ID: "s1"}}}))
		if d, ok, err := r.ByPANHash(f.ctx, pan.Hash()); err != nil || !ok || d.CardID != 1 {
			t.Errorf("by PAN hash in the transaction: %v %v %v", d.CardID, ok, err)
		}
		return nil
	})
	f.tx(t, f.a, func(tx store.Tx) error {
		d, err := f.s.PCI(tx).Get(f.ctx, 1)
		must(t, err)
		d.Scripts[0].ID = "changed"
		if again, _ := f.s.PCI(tx).Get(f.ctx, 1); again.Scripts[0].ID != "s1" {
			t.Errorf("a read shares its scripts with the store")
		}
		return nil
	})
	f.tx(t, f.b, func(tx store.Tx) error {
		if _, ok, _ := f.s.PCI(tx).ByPANHash(f.ctx, pan.Hash()); ok {
			t.Errorf("tenant B sees tenant A's PAN")
		}
		return nil
	})
}

func testBulks(t *testing.T, f *fixture) {
	f.tx(t, f.a, func(tx store.Tx) error {
		r := f.s.Bulks(tx)
		n1, err := r.NextSeq(f.ctx)
		must(t, err)
		n2, _ := r.NextSeq(f.ctx)
		if n2 != n1+1 {
			t.Errorf("bulk sequence %d then %d", n1, n2)
		}
		must(t, r.Put(f.ctx, bulk.Bulk{ID: "b1", ProgramID: 3001, Status: bulk.StatusCreated, Items: []bulk.Item{{ExternalID: "X1", Status: bulk.ItemPending}}}))
		if b, ok, err := r.ByExternalID(f.ctx, 3001, "X1"); err != nil || !ok || b.ID != "b1" {
			t.Errorf("by external id in the transaction: %v %v %v", b.ID, ok, err)
		}
		if _, ok, _ := r.ByExternalID(f.ctx, 3002, "X1"); ok {
			t.Errorf("an external id of program 3001 found under 3002")
		}
		return nil
	})
	f.tx(t, f.a, func(tx store.Tx) error {
		b, err := f.s.Bulks(tx).Get(f.ctx, "b1")
		must(t, err)
		b.Items[0].Status = bulk.ItemCanceled
		if again, _ := f.s.Bulks(tx).Get(f.ctx, "b1"); again.Items[0].Status != bulk.ItemPending {
			t.Errorf("a read shares its items with the store")
		}
		if _, err := f.s.Bulks(tx).Get(f.ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing bulk: %v, want ErrNotFound", err)
		}
		return nil
	})
}

func testEmbossing(t *testing.T, f *fixture) {
	day := time.Date(2026, 1, 2, 22, 0, 0, 0, time.UTC)
	f.tx(t, f.a, func(tx store.Tx) error {
		r := f.s.Embossing(tx)
		for id := int64(1); id <= 3; id++ {
			st := embossing.StateReady
			if id == 2 {
				st = embossing.StateWaiting
			}
			must(t, r.Put(f.ctx, embossing.Record{CardID: id, ConfigID: "c1", State: st}))
		}
		ready, err := r.Ready(f.ctx, "c1")
		must(t, err)
		if ids := recordIDs(ready); !slices.Equal(ids, []int64{1, 3}) {
			t.Errorf("ready in the transaction: %v, want [1 3]", ids)
		}
		must(t, r.PutFile(f.ctx, embossing.File{ID: "f1", Name: "a.txt", ConfigID: "c1", GeneratedAt: day}))
		must(t, r.PutFile(f.ctx, embossing.File{ID: "f2", Name: "b.txt", ConfigID: "c1", GeneratedAt: day.Add(3 * time.Hour)})) // the next day
		s1, _ := r.NextFileSeq(f.ctx, "c1")
		s2, _ := r.NextFileSeq(f.ctx, "c1")
		o1, _ := r.NextFileSeq(f.ctx, "c2")
		if s1 != 1 || s2 != 2 || o1 != 1 {
			t.Errorf("file sequences %d %d (c1) %d (c2), want 1 2 1", s1, s2, o1)
		}
		due := day
		must(t, r.SetPendingRun(f.ctx, "c1", &due))
		return nil
	})
	f.tx(t, f.a, func(tx store.Tx) error {
		r := f.s.Embossing(tx)
		rec, err := r.Get(f.ctx, 3)
		must(t, err)
		rec.State = embossing.StateEmbossed
		must(t, r.Put(f.ctx, rec))
		ready, err := r.Ready(f.ctx, "c1")
		must(t, err)
		if ids := recordIDs(ready); !slices.Equal(ids, []int64{1}) {
			t.Errorf("ready after card 3 was embossed: %v, want [1]", ids)
		}
		files, err := r.FilesOn(f.ctx, day)
		must(t, err)
		if len(files) != 1 || files[0].ID != "f1" {
			t.Errorf("files of %s: %v", day.Format(time.DateOnly), files)
		}
		if fl, ok, err := r.FileByName(f.ctx, "c1", "b.txt"); err != nil || !ok || fl.ID != "f2" {
			t.Errorf("file by name: %v %v %v", fl.ID, ok, err)
		}
		if due, ok, err := r.PendingRun(f.ctx, "c1"); err != nil || !ok || !due.Equal(day) {
			t.Errorf("pending run: %v %v %v", due, ok, err)
		}
		must(t, r.SetPendingRun(f.ctx, "c1", nil))
		if _, ok, _ := r.PendingRun(f.ctx, "c1"); ok {
			t.Errorf("a cleared pending run is still there")
		}
		return nil
	})
	f.tx(t, f.b, func(tx store.Tx) error {
		ready, err := f.s.Embossing(tx).Ready(f.ctx, "c1")
		must(t, err)
		if len(ready) != 0 {
			t.Errorf("tenant B sees tenant A's queue: %v", recordIDs(ready))
		}
		return nil
	})
}

func recordIDs(rs []embossing.Record) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.CardID
	}
	return out
}

func testCardsOnFile(t *testing.T, f *fixture) {
	f.tx(t, f.a, func(tx store.Tx) error {
		r := f.s.CardsOnFile(tx)
		must(t, r.Put(f.ctx, cardonfile.CardOnFile{UUID: "u1", AccountID: 8675309, Validations: []cardonfile.Validation{{UUID: "v1"}}}))
		must(t, r.Put(f.ctx, cardonfile.CardOnFile{UUID: "u2", AccountID: 8675309}))
		must(t, r.Put(f.ctx, cardonfile.CardOnFile{UUID: "u3", AccountID: 8675310}))
		must(t, r.PutVault(f.ctx, cardonfile.Vault{UUID: "u1", PAN: "4111111111111111"}))
		wallet, err := r.ByAccount(f.ctx, 8675309)
		must(t, err)
		if len(wallet) != 2 || wallet[0].UUID != "u1" || wallet[1].UUID != "u2" {
			t.Errorf("wallet of 8675309 in the transaction: %v", wallet)
		}
		return nil
	})
	f.tx(t, f.a, func(tx store.Tx) error {
		r := f.s.CardsOnFile(tx)
		c, err := r.Get(f.ctx, "u1")
		must(t, err)
		c.Validations[0].UUID = "changed"
		if again, _ := r.Get(f.ctx, "u1"); again.Validations[0].UUID != "v1" {
			t.Errorf("a read shares its validations with the store")
		}
		must(t, r.Remove(f.ctx, "u1"))
		if _, err := r.Vault(f.ctx, "u1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the vault entry of a removed card: %v, want ErrNotFound", err)
		}
		wallet, err := r.ByAccount(f.ctx, 8675309)
		must(t, err)
		if len(wallet) != 1 || wallet[0].UUID != "u2" {
			t.Errorf("wallet after the removal: %v", wallet)
		}
		return nil
	})
}

func testD1(t *testing.T, f *fixture) {
	op := func(seq int64, id, card string) d1.Operation {
		return d1.Operation{Seq: seq, ID: id, IssuerID: "ISSUER0001", CardID: card, Type: d1.OpSuspend, Status: d1.StatusSuccessful, Start: f.now}
	}
	f.tx(t, f.a, func(tx store.Tx) error {
		r := f.s.D1(tx)
		if _, err := r.Card(f.ctx, "ISSUER0001", "c1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing card: %v, want ErrNotFound", err)
		}
		must(t, r.PutCard(f.ctx, d1.Card{IssuerID: "ISSUER0001", ID: "c1", State: d1.StateActive, ProcessorCardID: 7, DigitalCards: []d1.DigitalCard{{ID: "DC1"}}}))
		must(t, r.PutCard(f.ctx, d1.Card{IssuerID: "ISSUER0001", ID: "c2", State: d1.StateActive}))
		if linked, err := r.LinkedTo(f.ctx, 7); err != nil || len(linked) != 1 || linked[0].ID != "c1" {
			t.Errorf("linked to processor card 7 in the transaction: %v %v", linked, err)
		}
		for _, o := range []d1.Operation{op(1, "op-1", "c1"), op(2, "op-2", "c2"), op(3, "op-3", "c1")} {
			must(t, r.PutOperation(f.ctx, o))
		}
		if ops, _ := r.Operations(f.ctx, "ISSUER0001", "c1"); len(ops) != 2 || ops[0].ID != "op-1" || ops[1].ID != "op-3" {
			t.Errorf("c1's operations in the transaction: %v", ops)
		}
		must(t, r.PutSettings(f.ctx, d1.Settings{IssuerID: "ISSUER0001", Propagate: true}))
		return nil
	})
	f.tx(t, f.a, func(tx store.Tx) error {
		r := f.s.D1(tx)
		c, err := r.Card(f.ctx, "ISSUER0001", "c1")
		must(t, err)
		c.DigitalCards[0].ID = "changed"
		if again, _ := r.Card(f.ctx, "ISSUER0001", "c1"); again.DigitalCards[0].ID != "DC1" {
			t.Errorf("a read shares its digital cards with the store")
		}
		if o, err := r.Operation(f.ctx, "op-2"); err != nil || o.CardID != "c2" {
			t.Errorf("operation by id: %v %v", o, err)
		}
		must(t, r.DeleteOperation(f.ctx, "op-1"))
		if err := r.DeleteOperation(f.ctx, "op-1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleting twice: %v, want ErrNotFound", err)
		}
		if ops, _ := r.Operations(f.ctx, "ISSUER0001", "c1"); len(ops) != 1 || ops[0].ID != "op-3" {
			t.Errorf("c1's operations after a delete: %v", ops)
		}
		// Moving a card to another processor card moves its index entry.
		c.ProcessorCardID = 8
		must(t, r.PutCard(f.ctx, c))
		if linked, _ := r.LinkedTo(f.ctx, 7); len(linked) != 0 {
			t.Errorf("processor card 7 still lists %v", linked)
		}
		if st, ok, err := r.Settings(f.ctx, "ISSUER0001"); err != nil || !ok || !st.Propagate {
			t.Errorf("settings: %+v %v %v", st, ok, err)
		}
		if n1, _ := r.NextOperationSeq(f.ctx); n1 < 1 {
			t.Errorf("operation sequence %d", n1)
		}
		return nil
	})
	f.tx(t, f.b, func(tx store.Tx) error {
		r := f.s.D1(tx)
		if cards, _ := r.Cards(f.ctx); len(cards) != 0 {
			t.Errorf("tenant B sees tenant A's D1 cards: %v", cards)
		}
		if _, err := r.Operation(f.ctx, "op-2"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("tenant B sees tenant A's operation: %v", err)
		}
		return nil
	})
}

func testTokens(t *testing.T, f *fixture) {
	f.tx(t, f.a, func(tx store.Tx) error {
		r := f.s.Tokens(tx)
		id1, err := r.NextID(f.ctx)
		must(t, err)
		id2, _ := r.NextID(f.ctx)
		if id2 != id1+1 {
			t.Errorf("token ids %d then %d", id1, id2)
		}
		must(t, r.Put(f.ctx, token.Token{ID: id1, CardID: 7, Status: token.StatusActive, Devices: []token.Device{{ID: "d1", Index: 1, Bound: true}}}))
		must(t, r.Put(f.ctx, token.Token{ID: id2, CardID: 8, Status: token.StatusInactive,
			Challenge: &token.Challenge{OTP: "123456", Method: "SMS", Expires: f.now}}))
		if got, err := r.ByCard(f.ctx, 7); err != nil || len(got) != 1 || got[0].ID != id1 {
			t.Errorf("tokens of card 7 in the transaction: %v %v", got, err)
		}
		s, err := r.Settings(f.ctx, 7)
		must(t, err)
		if s.CardID != 7 || s.Profile != "" || len(s.CVV2Tries) != 0 {
			t.Errorf("settings of a card without any: %+v", s)
		}
		s.Profile, s.CVV2Tries = "XYZ-123", map[token.Wallet]int{token.WalletApplePay: 2}
		must(t, r.PutSettings(f.ctx, s))
		if _, err := r.Enrollment(f.ctx, 55); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing enrollment: %v, want ErrNotFound", err)
		}
		must(t, r.PutEnrollment(f.ctx, token.Enrollment{CustomerID: 55, OwnerBID: "1000052",
			Customer: token.Customer{Emails: []string{"a@example.com"}}, Cards: []token.EnrolledCard{{CardID: 7}}}))
		return nil
	})
	f.tx(t, f.a, func(tx store.Tx) error {
		r := f.s.Tokens(tx)
		got, err := r.ByCard(f.ctx, 8)
		must(t, err)
		if len(got) != 1 || got[0].Challenge == nil || got[0].Challenge.OTP.Reveal() != "123456" {
			t.Fatalf("token of card 8 after commit: %+v", got)
		}
		tok := got[0]
		tok.CardID, tok.Status, tok.Challenge = 7, token.StatusActive, nil // moved to card 7, as a PAN update does
		must(t, r.Put(f.ctx, tok))
		if on7, _ := r.ByCard(f.ctx, 7); len(on7) != 2 {
			t.Errorf("card 7 after the move in the transaction: %d tokens, want 2", len(on7))
		}
		if on8, _ := r.ByCard(f.ctx, 8); len(on8) != 0 {
			t.Errorf("card 8 still lists a moved token")
		}
		one, err := r.Get(f.ctx, got[0].ID-1)
		must(t, err)
		one.Devices[0].Bound = false
		if again, _ := r.Get(f.ctx, one.ID); !again.Devices[0].Bound {
			t.Errorf("a read shares its devices with the store")
		}
		s, _ := r.Settings(f.ctx, 7)
		s.CVV2Tries[token.WalletApplePay] = 9
		if again, _ := r.Settings(f.ctx, 7); again.Profile != "XYZ-123" || again.CVV2Tries[token.WalletApplePay] != 2 {
			t.Errorf("settings after a changed read: %+v", again)
		}
		e, err := r.Enrollment(f.ctx, 55)
		must(t, err)
		e.Customer.Emails[0] = "changed"
		if again, _ := r.Enrollment(f.ctx, 55); again.Customer.Emails[0] != "a@example.com" || len(again.Cards) != 1 {
			t.Errorf("enrollment after a changed read: %+v", again)
		}
		must(t, r.DeleteEnrollment(f.ctx, 55))
		if _, err := r.Enrollment(f.ctx, 55); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted enrollment in the transaction: %v, want ErrNotFound", err)
		}
		if _, err := r.Get(f.ctx, 999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing token: %v, want ErrNotFound", err)
		}
		return nil
	})
	f.tx(t, f.b, func(tx store.Tx) error {
		if got, _ := f.s.Tokens(tx).ByCard(f.ctx, 7); len(got) != 0 {
			t.Errorf("tenant B sees tenant A's tokens: %d", len(got))
		}
		return nil
	})
}

func testWebhooks(t *testing.T, f *fixture) {
	expires := f.now.Add(time.Hour)
	msg := func(sub, eventID string, seq int64, status webhook.Status) webhook.Message {
		return webhook.Message{Subscription: sub, EventID: eventID, Seq: seq, Type: "update-1", Subject: event.CardSubject(1), Status: status, CreatedAt: f.now}
	}
	f.tx(t, f.a, func(tx store.Tx) error {
		r := f.s.Webhooks(tx)
		if _, err := r.Subscription(f.ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing subscription: %v, want ErrNotFound", err)
		}
		must(t, r.PutSubscription(f.ctx, webhook.Subscription{ID: "s2", URL: "http://127.0.0.1:9/b", Enabled: true}))
		must(t, r.PutSubscription(f.ctx, webhook.Subscription{ID: "s1", URL: "http://127.0.0.1:9/a", EventTypes: []string{"cards.*"}, Enabled: true,
			Secrets: []webhook.Secret{{Value: "whsec_bmV3", CreatedAt: f.now}, {Value: "whsec_b2xk", CreatedAt: f.now, ExpiresAt: &expires}},
			Mode:    webhook.Mode{Delay: 90 * time.Second, DuplicateRate: 0.5, FailNext: 2}}))
		if subs, err := r.Subscriptions(f.ctx); err != nil || len(subs) != 2 || subs[0].ID != "s1" || subs[1].ID != "s2" {
			t.Errorf("subscriptions in the transaction, by id: %v %v", subs, err)
		}
		for _, m := range []webhook.Message{msg("s1", "e3", 3, webhook.StatusPending), msg("s1", "e1", 1, webhook.StatusDelivered), msg("s1", "e2", 2, webhook.StatusPending), msg("s2", "e1", 1, webhook.StatusPending)} {
			must(t, r.PutMessage(f.ctx, m))
		}
		if got, err := r.Messages(f.ctx, "s1", webhook.StatusPending); err != nil || len(got) != 2 || got[0].EventID != "e2" || got[1].EventID != "e3" {
			t.Errorf("s1's pending messages in the transaction, in commit order: %v %v", got, err)
		}
		n1, err := r.NextSeq(f.ctx)
		must(t, err)
		if n2, _ := r.NextSeq(f.ctx); n2 != n1+1 {
			t.Errorf("subscription sequence %d then %d", n1, n2)
		}
		return nil
	})
	f.tx(t, f.a, func(tx store.Tx) error {
		r := f.s.Webhooks(tx)
		s, err := r.Subscription(f.ctx, "s1")
		must(t, err)
		if s.Mode.Delay != 90*time.Second || s.Mode.FailNext != 2 || len(s.Secrets) != 2 || s.Secrets[1].ExpiresAt == nil || !s.Secrets[1].ExpiresAt.Equal(expires) {
			t.Errorf("subscription after commit: %+v", s)
		}
		s.Secrets[0].Value = "changed"
		if again, _ := r.Subscription(f.ctx, "s1"); again.Secrets[0].Value != "whsec_bmV3" {
			t.Errorf("a read shares its secrets with the store")
		}
		m, err := r.Message(f.ctx, webhook.MessageKey("s1", "e2"))
		must(t, err)
		m.Status, m.Round, m.Due = webhook.StatusFailed, 1, f.now.Add(5*time.Second)
		m.Attempts = append(m.Attempts, webhook.Attempt{Number: 1, At: f.now, Status: 503, Latency: 3 * time.Millisecond, Error: "receiver answered 503"})
		must(t, r.PutMessage(f.ctx, m))
		if got, _ := r.Messages(f.ctx, "s1", webhook.StatusPending); len(got) != 1 || got[0].EventID != "e3" {
			t.Errorf("a message that changed status is still listed under the old one: %v", got)
		}
		if got, _ := r.Messages(f.ctx, "s1", ""); len(got) != 3 {
			t.Errorf("s1 has %d messages, want 3", len(got))
		}
		must(t, r.RemoveSubscription(f.ctx, "s2"))
		if _, err := r.Subscription(f.ctx, "s2"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a removed subscription: %v, want ErrNotFound", err)
		}
		if got, _ := r.Messages(f.ctx, "s2", ""); len(got) != 1 {
			t.Errorf("a removed subscription's messages: %d, want them kept", len(got))
		}
		return nil
	})
	f.tx(t, f.a, func(tx store.Tx) error {
		m, err := f.s.Webhooks(tx).Message(f.ctx, webhook.MessageKey("s1", "e2"))
		must(t, err)
		if len(m.Attempts) != 1 || m.Attempts[0].Latency != 3*time.Millisecond || m.Status != webhook.StatusFailed || !m.Due.Equal(f.now.Add(5*time.Second)) {
			t.Errorf("message after commit: %+v", m)
		}
		return nil
	})
	f.tx(t, f.b, func(tx store.Tx) error {
		if subs, _ := f.s.Webhooks(tx).Subscriptions(f.ctx); len(subs) != 0 {
			t.Errorf("tenant B sees tenant A's subscriptions: %v", subs)
		}
		return nil
	})
}

func testFaults(t *testing.T, f *fixture) {
	f.tx(t, f.a, func(tx store.Tx) error {
		r := f.s.Faults(tx)
		for range 2 {
			id, err := r.NextID(f.ctx)
			must(t, err)
			must(t, r.Put(f.ctx, fault.Rule{ID: id, Operation: "updateCardStatus", Subject: event.CardSubject(id), Remaining: 2, Reason: "timeout"}))
		}
		if rules, err := r.Rules(f.ctx); err != nil || len(rules) != 2 || rules[0].ID != 1 || rules[1].ID != 2 {
			t.Errorf("rules in the transaction, oldest first: %v %v", rules, err)
		}
		return nil
	})
	f.tx(t, f.a, func(tx store.Tx) error {
		r := f.s.Faults(tx)
		must(t, r.Delete(f.ctx, 1))
		if err := r.Delete(f.ctx, 1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleting a rule twice: %v, want ErrNotFound", err)
		}
		if rules, _ := r.Rules(f.ctx); len(rules) != 1 || rules[0].Subject != event.CardSubject(2) || rules[0].Remaining != 2 {
			t.Errorf("rules after a delete: %v", rules)
		}
		return nil
	})
	f.tx(t, f.b, func(tx store.Tx) error {
		if rules, _ := f.s.Faults(tx).Rules(f.ctx); len(rules) != 0 {
			t.Errorf("tenant B sees tenant A's rules: %v", rules)
		}
		return nil
	})
}
