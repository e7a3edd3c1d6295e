// Package org holds a tenant's reference data: the org itself, its server credentials, programs, accounts,
// customers and reissue reasons. The simulator loads them from a fixture dataset at start and never changes
// them through the processor's API (accounts are another vendor product).
package org

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/issuersim/issuersim/sim/fake"
)

// Org is one tenant: its id (TN-<uuid>) is the org_id of its events and the tenant of its tokens.
type Org struct {
	ID             string          `json:"id"`
	Name           string          `json:"name"`
	Credentials    []Credential    `json:"credentials"`
	Programs       []Program       `json:"programs"`
	Accounts       []Account       `json:"accounts"`
	Keys           []Key           `json:"keys,omitempty"`
	Scripts        []Script        `json:"scripts,omitempty"`
	Templates      []Template      `json:"templates,omitempty"`
	ReissueReasons []ReissueReason `json:"reissue_reasons"`
	// Embossing are the org's embossing configurations (embossing.go).
	Embossing []EmbossingConfig `json:"embossing,omitempty"`
	// D1Issuers are the org's issuers on the token platform (d1.go).
	D1Issuers []D1Issuer `json:"d1_issuers,omitempty"`
}

// Key is a key the org shares with the processor, named by its id in PCI requests: a ZPK (16-byte two-key
// triple-DES zone PIN key, for PIN blocks) or an AES key (32 bytes, for encrypted PANs). Value is hex.
type Key struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Key types.
const (
	KeyZPK = "ZPK"
	KeyAES = "AES"
)

// Bytes returns the key's value.
func (k Key) Bytes() []byte {
	b, _ := hex.DecodeString(k.Value) // Parse checked it
	return b
}

// Key returns the org's key of that type and id.
func (o *Org) Key(id, typ string) (Key, bool) {
	for _, k := range o.Keys {
		if k.ID == id && k.Type == typ {
			return k, true
		}
	}
	return Key{}, false
}

// Script is an issuer script the org registered with the processor, which cards can be sent.
type Script struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// Script returns the org's registered script with that id.
func (o *Org) Script(id string) (Script, bool) {
	for _, s := range o.Scripts {
		if s.ID == id {
			return s, true
		}
	}
	return Script{}, false
}

// Template is a card template: it overrides a program's BIN for a range of cards (the vendor's BIN override).
type Template struct {
	ID                string `json:"id"`
	OverrideProgramID int64  `json:"override_program_id"`
	BINRangeBeginning string `json:"bin_range_beginning"`
	BINRangeEnd       string `json:"bin_range_end"`
	BIN               string `json:"bin"`
}

// Template returns the org's template with that id.
func (o *Org) Template(id string) (Template, bool) {
	for _, t := range o.Templates {
		if t.ID == id {
			return t, true
		}
	}
	return Template{}, false
}

// Credential is a server key and secret that the passport API exchanges for a token.
type Credential struct {
	ServerKey    string `json:"server_key"`
	ServerSecret string `json:"server_secret"`
}

// Program is a card program: the BIN and brand its PANs are issued under, and its card rules.
type Program struct {
	ID               int64  `json:"id"`
	Name             string `json:"name"`
	BIN              string `json:"bin"`
	Brand            string `json:"brand"`
	Mode             string `json:"mode"`
	PANLength        int    `json:"pan_length"`
	ExpiryMonths     int    `json:"expiry_months"`
	MaxPasswordTries int    `json:"max_password_tries"`
	// TemporaryValidityHours is how long a TEMPORARY card lives before it becomes INOPERATIVE; 0 means the
	// vendor's default of 24 hours.
	TemporaryValidityHours int `json:"temporary_validity_hours,omitempty"`
}

// TemporaryHours is how long the program's TEMPORARY cards live.
func (p Program) TemporaryHours() int {
	if p.TemporaryValidityHours > 0 {
		return p.TemporaryValidityHours
	}
	return 24
}

// Account is a processor account under one program, with its customers (one owner, maybe additional ones).
type Account struct {
	ID        int64      `json:"id"`
	ProgramID int64      `json:"program_id"`
	Purpose   string     `json:"purpose,omitempty"`
	Customers []Customer `json:"customers"`
}

// Customer is a person on an account; Name is generated from the seed when the fixture leaves it empty.
type Customer struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	IsOwner bool   `json:"is_owner"`
}

// ReissueReason is why a card is reissued; MustBlock cancels the old card at once.
type ReissueReason struct {
	ID          int64   `json:"id"`
	Description string  `json:"description"`
	MustBlock   bool    `json:"must_block"`
	MustCharge  bool    `json:"must_charge"`
	Cost        float64 `json:"cost"`
	Type        string  `json:"type"`
	Enabled     bool    `json:"enabled"`
}

// Dataset is every org a simulator starts with.
type Dataset struct {
	Orgs []Org `json:"orgs"`
}

// Program returns the org's program with the given id.
func (o *Org) Program(id int64) (Program, bool) {
	for _, p := range o.Programs {
		if p.ID == id {
			return p, true
		}
	}
	return Program{}, false
}

// Account returns the org's account with the given id.
func (o *Org) Account(id int64) (Account, bool) {
	for _, a := range o.Accounts {
		if a.ID == id {
			return a, true
		}
	}
	return Account{}, false
}

// Customer returns the account's customer with the given id.
func (a Account) Customer(id int64) (Customer, bool) {
	for _, c := range a.Customers {
		if c.ID == id {
			return c, true
		}
	}
	return Customer{}, false
}

// ErrInvalid is wrapped by every error Parse returns for a dataset that breaks a rule.
var ErrInvalid = errors.New("invalid fixture dataset")

var (
	tenantID = regexp.MustCompile(`^TN-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	digits   = regexp.MustCompile(`^[0-9]{6,8}$`)
	brands   = map[string]bool{"VISA": true, "MASTERCARD": true, "ELO": true, "RUPAY": true, "PRIVATE": true}
	modes    = map[string]bool{"CREDIT": true, "DEBIT": true, "COMBO": true, "MULTIPLE": true}
	// scriptTypes are issuer_script-1's script types.
	scriptTypes = map[string]bool{"UNKNOWN": true, "ENABLE_APPLICATION": true, "DISABLE_APPLICATION": true, "UPDATE_PIN": true, "SYNC_PIN": true}
)

// Parse reads a dataset, checks it, and fills every customer name the fixture leaves empty from the seed.
// Errors name the org, the entity and the rule broken.
func Parse(data []byte, src *fake.Source) (Dataset, error) {
	var d Dataset
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return Dataset{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if len(d.Orgs) == 0 {
		return Dataset{}, fmt.Errorf("%w: orgs: at least one org is required", ErrInvalid)
	}
	seen := map[string]bool{}
	keys := map[string]bool{}
	for oi := range d.Orgs {
		o := &d.Orgs[oi]
		if err := o.check(seen, keys); err != nil {
			return Dataset{}, fmt.Errorf("%w: org %q: %v", ErrInvalid, o.ID, err)
		}
		for ai := range o.Accounts {
			for ci := range o.Accounts[ai].Customers {
				c := &o.Accounts[ai].Customers[ci]
				if c.Name == "" {
					c.Name = src.For(o.ID, "customer", c.ID).Name()
				}
			}
		}
	}
	return d, nil
}

func (o *Org) check(seenOrgs, seenKeys map[string]bool) error {
	if !tenantID.MatchString(o.ID) {
		return fmt.Errorf("id: must match TN-<lowercase uuid>")
	}
	if seenOrgs[o.ID] {
		return fmt.Errorf("id: duplicate org")
	}
	seenOrgs[o.ID] = true
	for i, c := range o.Credentials {
		if c.ServerKey == "" || c.ServerSecret == "" {
			return fmt.Errorf("credentials[%d]: server_key and server_secret are required", i)
		}
		if seenKeys[c.ServerKey] {
			return fmt.Errorf("credentials[%d].server_key: used by another credential", i)
		}
		seenKeys[c.ServerKey] = true
	}
	programs := map[int64]bool{}
	for i, p := range o.Programs {
		switch {
		case p.ID <= 0 || programs[p.ID]:
			return fmt.Errorf("programs[%d].id: must be positive and unique", i)
		case !digits.MatchString(p.BIN):
			return fmt.Errorf("programs[%d].bin: must be 6 to 8 digits", i)
		case !brands[p.Brand]:
			return fmt.Errorf("programs[%d].brand: must be one of VISA, MASTERCARD, ELO, RUPAY, PRIVATE", i)
		case !modes[p.Mode]:
			return fmt.Errorf("programs[%d].mode: must be one of CREDIT, DEBIT, COMBO, MULTIPLE", i)
		case p.PANLength < 12 || p.PANLength > 19 || p.PANLength <= len(p.BIN):
			return fmt.Errorf("programs[%d].pan_length: must be 12 to 19 and longer than the BIN", i)
		case p.ExpiryMonths < 1:
			return fmt.Errorf("programs[%d].expiry_months: must be at least 1", i)
		case p.MaxPasswordTries < 1:
			return fmt.Errorf("programs[%d].max_password_tries: must be at least 1", i)
		case p.TemporaryValidityHours < 0:
			return fmt.Errorf("programs[%d].temporary_validity_hours: must be zero (24 hours) or more", i)
		}
		programs[p.ID] = true
	}
	accounts := map[int64]bool{}
	customers := map[int64]bool{}
	for i, a := range o.Accounts {
		if a.ID <= 0 || accounts[a.ID] {
			return fmt.Errorf("accounts[%d].id: must be positive and unique", i)
		}
		accounts[a.ID] = true
		if !programs[a.ProgramID] {
			return fmt.Errorf("accounts[%d].program_id: no program %d", i, a.ProgramID)
		}
		owners := 0
		for j, c := range a.Customers {
			if c.ID <= 0 || customers[c.ID] {
				return fmt.Errorf("accounts[%d].customers[%d].id: must be positive and unique in the org", i, j)
			}
			customers[c.ID] = true
			if c.IsOwner {
				owners++
			}
		}
		if owners != 1 {
			return fmt.Errorf("accounts[%d].customers: exactly one owner is required, found %d", i, owners)
		}
	}
	keyIDs := map[string]bool{}
	for i, k := range o.Keys {
		raw, err := hex.DecodeString(k.Value)
		switch {
		case k.ID == "" || keyIDs[k.ID]:
			return fmt.Errorf("keys[%d].id: must be present and unique", i)
		case err != nil:
			return fmt.Errorf("keys[%d].value: must be hex", i)
		case k.Type == KeyZPK && len(raw) != 16:
			return fmt.Errorf("keys[%d].value: a ZPK is 16 bytes (32 hex digits)", i)
		case k.Type == KeyAES && len(raw) != 32:
			return fmt.Errorf("keys[%d].value: an AES key is 32 bytes (64 hex digits)", i)
		case k.Type != KeyZPK && k.Type != KeyAES:
			return fmt.Errorf("keys[%d].type: must be ZPK or AES", i)
		}
		keyIDs[k.ID] = true
	}
	scripts := map[string]bool{}
	for i, sc := range o.Scripts {
		switch {
		case sc.ID == "" || scripts[sc.ID]:
			return fmt.Errorf("scripts[%d].id: must be present and unique", i)
		case !scriptTypes[sc.Type]:
			return fmt.Errorf("scripts[%d].type: must be one of ENABLE_APPLICATION, DISABLE_APPLICATION, UPDATE_PIN, SYNC_PIN, UNKNOWN", i)
		}
		scripts[sc.ID] = true
	}
	templates := map[string]bool{}
	for i, t := range o.Templates {
		switch {
		case t.ID == "" || templates[t.ID]:
			return fmt.Errorf("templates[%d].id: must be present and unique", i)
		case !programs[t.OverrideProgramID]:
			return fmt.Errorf("templates[%d].override_program_id: no program %d", i, t.OverrideProgramID)
		case !digits.MatchString(t.BIN):
			return fmt.Errorf("templates[%d].bin: must be 6 to 8 digits", i)
		}
		templates[t.ID] = true
	}
	reasons := map[int64]bool{}
	for i, r := range o.ReissueReasons {
		if r.ID <= 0 || reasons[r.ID] {
			return fmt.Errorf("reissue_reasons[%d].id: must be positive and unique", i)
		}
		reasons[r.ID] = true
		if n := len(strings.TrimSpace(r.Description)); n == 0 || len(r.Description) > 255 {
			return fmt.Errorf("reissue_reasons[%d].description: must be 1 to 255 characters", i)
		}
	}
	if err := o.checkEmbossing(programs); err != nil {
		return err
	}
	return o.checkD1(seenKeys)
}
