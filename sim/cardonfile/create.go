package cardonfile

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// CreateInput is a store-card request, already checked against the contract.
type CreateInput struct {
	UUID           string // chosen by the client; generated when empty
	CardName       string
	PrintedName    string
	PAN            string
	CVV            string // checked, never kept
	ExpirationDate string // mmyy
	Acquirer       string
	CardProfile    string
	DefaultCard    bool
	DocumentNumber string
	Verified       bool
	Metadata       *string
	SkipValidation bool
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Create stores a card in the wallet of the caller's account (provision-1). Unless skip_validation is set, the
// processor then checks it: an expired card fails (verification-1 FAILED, exclusion-1, the card leaves the
// wallet); any other waits, PENDING, for a validation to prove it (verification-1 PENDING). A card stored with
// skip_validation, or sent as verified, is ACTIVE at once. A card the org issued is recognised by its PAN.
func (s *Service) Create(ctx context.Context, caller access.Caller, in CreateInput) (CardOnFile, error) {
	if !fake.LuhnValid(in.PAN) {
		return CardOnFile{}, rule.Invalid("/pan", "luhn", "the PAN fails the Luhn check")
	}
	if in.UUID != "" && !uuidPattern.MatchString(in.UUID) {
		return CardOnFile{}, rule.Invalid("/card_stored_uuid", "format", "card_stored_uuid must be a uuid, got %q", in.UUID)
	}
	var c CardOnFile
	err := s.update(ctx, caller.Tenant, func(tx store.Tx, r Repository) error {
		owner, err := caller.Resolve(tx.Org(), access.Scope{})
		if err != nil {
			return err
		}
		pan := fake.PAN(in.PAN)
		wallet, err := r.ByAccount(ctx, owner.Account.ID)
		if err != nil {
			return err
		}
		for _, other := range wallet {
			if other.PANHash == pan.Hash() {
				return rule.Invalid("/pan", "unique", "the card is on file already as %s", other.UUID)
			}
		}
		now := tx.Meta().Time
		if in.UUID == "" {
			n, err := r.NextSeq(ctx)
			if err != nil {
				return err
			}
			in.UUID = s.fake.UUID(tx.Org().ID, "card on file", itoa(n))
		}
		in.UUID = strings.ToLower(in.UUID)
		if _, err := r.Get(ctx, in.UUID); err == nil {
			return rule.Invalid("/card_stored_uuid", "unique", "card_stored_uuid %s is taken", in.UUID)
		}
		c = CardOnFile{UUID: in.UUID, AccountID: owner.Account.ID, CardName: in.CardName, PrintedName: in.PrintedName,
			Acquirer: in.Acquirer, CardProfile: in.CardProfile, DefaultCard: in.DefaultCard, DocumentNumber: in.DocumentNumber,
			Verified: in.Verified, Metadata: in.Metadata, Status: StatusPending, ExpirationDate: in.ExpirationDate,
			First6: in.PAN[:6], Last4: pan.LastFour(), PANHash: pan.Hash(), Network: network(in.PAN), CreatedAt: now}.Clone()
		if in.SkipValidation || in.Verified {
			c.Status = StatusActive
		}
		if err := s.recognise(ctx, tx, &c); err != nil {
			return err
		}
		if c.DefaultCard {
			if err := undefault(ctx, r, wallet); err != nil {
				return err
			}
		}
		if err := r.Put(ctx, c); err != nil {
			return err
		}
		if err := r.PutVault(ctx, Vault{UUID: c.UUID, PAN: pan}); err != nil {
			return err
		}
		if err := tx.Emit(provisioned(c)); err != nil {
			return err
		}
		if in.SkipValidation {
			return nil
		}
		if expired(in.ExpirationDate, now) {
			if err := r.Remove(ctx, c.UUID); err != nil {
				return err
			}
			if err := tx.Emit(verified(c, VerificationFailed, now)); err != nil {
				return err
			}
			return tx.Emit(excluded(c, OriginCRM))
		}
		status := VerificationPending
		if c.Verified {
			status = VerificationVerified
		}
		return tx.Emit(verified(c, status, now))
	})
	return c, err
}

// recognise marks a stored card the org issued: its PAN is a processor card's.
func (s *Service) recognise(ctx context.Context, tx store.Tx, c *CardOnFile) error {
	d, ok, err := s.store.PCI(tx).ByPANHash(ctx, c.PANHash)
	if err != nil || !ok {
		return err
	}
	issued, err := s.store.Cards(tx).Get(ctx, d.CardID)
	if err != nil {
		return err
	}
	c.IssuerCard, c.PismoCardID, c.CustomerID, c.ProgramID, c.CardType = true, issued.ID, issued.CustomerID, issued.ProgramID, string(issued.Type)
	if c.PrintedName == "" {
		c.PrintedName = issued.PrintedName
	}
	return nil
}

// undefault takes the default mark off the wallet's other cards (no event: the vendor documents none).
func undefault(ctx context.Context, r Repository, wallet []CardOnFile) error {
	for _, other := range wallet {
		if other.DefaultCard {
			other.DefaultCard = false
			if err := r.Put(ctx, other); err != nil {
				return err
			}
		}
	}
	return nil
}

// expired reports whether a card expiring in mmyy has expired at now (it is valid through that month).
func expired(mmyy string, now time.Time) bool {
	month := digits(mmyy[:2])
	year := 2000 + digits(mmyy[2:])
	end := time.Date(year, time.Month(month)+1, 1, 0, 0, 0, 0, time.UTC)
	return !now.Before(end)
}

// network tells the card network from the PAN's prefix.
func network(pan string) Network {
	two := digits(pan[:2])
	four := digits(pan[:4])
	switch {
	case pan[0] == '4':
		return NetworkVisa
	case two >= 51 && two <= 55, four >= 2221 && four <= 2720:
		return NetworkMastercard
	case two == 34 || two == 37:
		return NetworkAmex
	}
	return NetworkUnknown
}
