package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/issuersim/issuersim/sim/embossing"
	"github.com/issuersim/issuersim/sim/store"
)

// embossingTable keeps each PLASTIC card's place in the embossing pipeline by card id, indexed by the
// configuration whose next run it is queued for.
var embossingTable = newTable[int64, embossing.Record]("embossing_records", index[embossing.Record]{col: "queue", key: embossing.Record.Queue})

// embossingFileTable keeps the embossing files by their tenant-wide number, indexed by generation day and by
// configuration and name.
var embossingFileTable = newTable[int64, embossing.File]("embossing_files",
	index[embossing.File]{col: "day", key: func(f embossing.File) string { return f.GeneratedAt.UTC().Format(time.DateOnly) }},
	index[embossing.File]{col: "name", key: func(f embossing.File) string { return f.ConfigID + "/" + f.Name }},
)

// embossingRunTable keeps, per configuration, when its scheduled daily run is due.
var embossingRunTable = newTable[string, time.Time]("embossing_runs")

var _ embossing.Store = (*Store)(nil)

// Embossing returns the embossing pipeline repository of a transaction this store began.
func (s *Store) Embossing(tx store.Tx) embossing.Repository { return embossings{tx.(*Tx)} }

type embossings struct{ tx *Tx }

func (r embossings) Get(ctx context.Context, cardID int64) (embossing.Record, error) {
	rec, ok, err := embossingTable.read(ctx, r.tx, cardID)
	if err == nil && !ok {
		err = fmt.Errorf("embossing record of card %d in tenant %s: %w", cardID, r.tx.meta.Tenant, store.ErrNotFound)
	}
	return rec, err
}

func (r embossings) Put(ctx context.Context, rec embossing.Record) error {
	if err := r.tx.writable(fmt.Sprintf("put the embossing record of card %d", rec.CardID)); err != nil {
		return err
	}
	return embossingTable.write(ctx, r.tx, rec.CardID, rec)
}

func (r embossings) Ready(ctx context.Context, configID string) ([]embossing.Record, error) {
	return embossingTable.scan(ctx, r.tx, "queue", configID)
}

func (r embossings) PutFile(ctx context.Context, f embossing.File) error {
	if err := r.tx.writable("put embossing file " + f.Name); err != nil {
		return err
	}
	n, err := r.tx.next("embossing file")
	if err != nil {
		return err
	}
	return embossingFileTable.write(ctx, r.tx, n, f)
}

func (r embossings) FilesOn(ctx context.Context, day time.Time) ([]embossing.File, error) {
	return embossingFileTable.scan(ctx, r.tx, "day", day.UTC().Format(time.DateOnly))
}

func (r embossings) FileByName(ctx context.Context, configID, name string) (embossing.File, bool, error) {
	return embossingFileTable.first(ctx, r.tx, "name", configID+"/"+name)
}

func (r embossings) NextFileSeq(_ context.Context, configID string) (int64, error) {
	return r.tx.next("embossing file of " + configID)
}

func (r embossings) PendingRun(ctx context.Context, configID string) (time.Time, bool, error) {
	return embossingRunTable.read(ctx, r.tx, configID)
}

func (r embossings) SetPendingRun(ctx context.Context, configID string, due *time.Time) error {
	if err := r.tx.writable("schedule the embossing run of " + configID); err != nil {
		return err
	}
	if due == nil {
		return embossingRunTable.delete(ctx, r.tx, configID)
	}
	return embossingRunTable.write(ctx, r.tx, configID, *due)
}
