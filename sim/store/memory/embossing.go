package memory

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/issuersim/issuersim/sim/embossing"
	"github.com/issuersim/issuersim/sim/store"
)

// embossingTable keeps each PLASTIC card's place in the embossing pipeline by card id, indexed by the
// configuration whose next run it is queued for.
var embossingTable = &schema[int64, embossing.Record]{
	name:    "embossing records",
	clone:   embossing.Record.Clone,
	indexes: []index[embossing.Record]{{name: "queue", key: embossing.Record.Queue}},
}

// embossingFileTable keeps the embossing files by their tenant-wide number, indexed by generation day and by
// configuration and name.
var embossingFileTable = &schema[int64, embossing.File]{
	name:  "embossing files",
	clone: embossing.File.Clone,
	indexes: []index[embossing.File]{
		{name: "day", key: func(f embossing.File) string { return f.GeneratedAt.UTC().Format(time.DateOnly) }},
		{name: "name", key: func(f embossing.File) string { return f.ConfigID + "/" + f.Name }},
	},
}

// embossingRunTable keeps, per configuration, when its scheduled daily run is due.
var embossingRunTable = &schema[string, time.Time]{name: "embossing runs", clone: func(t time.Time) time.Time { return t }}

var _ embossing.Store = (*Store)(nil)

// Embossing returns the embossing pipeline repository of a transaction this store began.
func (s *Store) Embossing(tx store.Tx) embossing.Repository { return embossings{tx.(*Tx)} }

type embossings struct{ tx *Tx }

func (r embossings) Get(_ context.Context, cardID int64) (embossing.Record, error) {
	rec, ok := open(r.tx, embossingTable).get(cardID)
	if !ok {
		return embossing.Record{}, fmt.Errorf("embossing record of card %d in tenant %s: %w", cardID, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return rec, nil
}

func (r embossings) Put(_ context.Context, rec embossing.Record) error {
	if err := r.tx.writable(fmt.Sprintf("put the embossing record of card %d", rec.CardID)); err != nil {
		return err
	}
	open(r.tx, embossingTable).put(rec.CardID, rec)
	return nil
}

func (r embossings) Ready(_ context.Context, configID string) ([]embossing.Record, error) {
	return slices.Collect(open(r.tx, embossingTable).scan("queue", configID)), nil
}

func (r embossings) PutFile(_ context.Context, f embossing.File) error {
	if err := r.tx.writable("put embossing file " + f.Name); err != nil {
		return err
	}
	n, err := r.tx.next("embossing file")
	if err != nil {
		return err
	}
	open(r.tx, embossingFileTable).put(n, f)
	return nil
}

func (r embossings) FilesOn(_ context.Context, day time.Time) ([]embossing.File, error) {
	return slices.Collect(open(r.tx, embossingFileTable).scan("day", day.UTC().Format(time.DateOnly))), nil
}

func (r embossings) FileByName(_ context.Context, configID, name string) (embossing.File, bool, error) {
	f, ok := open(r.tx, embossingFileTable).first("name", configID+"/"+name)
	return f, ok, nil
}

func (r embossings) NextFileSeq(_ context.Context, configID string) (int64, error) {
	return r.tx.next("embossing file of " + configID)
}

func (r embossings) PendingRun(_ context.Context, configID string) (time.Time, bool, error) {
	due, ok := open(r.tx, embossingRunTable).get(configID)
	return due, ok, nil
}

func (r embossings) SetPendingRun(_ context.Context, configID string, due *time.Time) error {
	if err := r.tx.writable("schedule the embossing run of " + configID); err != nil {
		return err
	}
	if due == nil {
		open(r.tx, embossingRunTable).remove(configID)
		return nil
	}
	open(r.tx, embossingRunTable).put(configID, *due)
	return nil
}
