package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// table is one aggregate's table, as the migrations create it: the tenant, the key k, the aggregate as a
// document, and a text column per secondary index. It is the database twin of the memory store's schema: each
// aggregate file declares one, and the statements are written once, here. Every statement runs inside the
// transaction, so a read sees the transaction's own writes and nothing is cached across transactions.
type table[K int64 | string, V any] struct {
	name    string
	indexes []index[V]

	get, put, remove, all string
	byIndex               map[string]string
}

// index names an index column and the key a row files under in it; an empty key is stored as NULL, so the
// row is found by no lookup, as in the memory store.
type index[V any] struct {
	col string
	key func(V) string
}

func newTable[K int64 | string, V any](name string, indexes ...index[V]) *table[K, V] {
	t := &table[K, V]{name: name, indexes: indexes, byIndex: map[string]string{}}
	cols, vals, sets := []string{"tenant", "k", "doc"}, []string{"$1", "$2", "$3"}, []string{"doc = excluded.doc"}
	for i, ix := range indexes {
		cols = append(cols, ix.col)
		vals = append(vals, fmt.Sprintf("$%d", i+4))
		sets = append(sets, ix.col+" = excluded."+ix.col)
		t.byIndex[ix.col] = "SELECT doc FROM " + name + " WHERE tenant = $1 AND " + ix.col + " = $2 ORDER BY k"
	}
	t.get = "SELECT doc FROM " + name + " WHERE tenant = $1 AND k = $2"
	t.put = "INSERT INTO " + name + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(vals, ", ") +
		") ON CONFLICT (tenant, k) DO UPDATE SET " + strings.Join(sets, ", ")
	t.remove = "DELETE FROM " + name + " WHERE tenant = $1 AND k = $2"
	t.all = "SELECT doc FROM " + name + " WHERE tenant = $1 ORDER BY k"
	return t
}

// read returns the row with key k.
func (t *table[K, V]) read(ctx context.Context, tx *Tx, k K) (V, bool, error) {
	var v V
	var doc []byte
	err := tx.db.QueryRow(ctx, t.get, tx.meta.Tenant, k).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, fmt.Errorf("read %s %v of tenant %s: %w", t.name, k, tx.meta.Tenant, err)
	}
	if err := decode(doc, &v); err != nil {
		return v, false, err
	}
	return v, true, nil
}

// write inserts or replaces the row with key k and files it under its index keys.
func (t *table[K, V]) write(ctx context.Context, tx *Tx, k K, v V) error {
	doc, err := encode(v)
	if err != nil {
		return err
	}
	args := make([]any, 0, 3+len(t.indexes))
	args = append(args, tx.meta.Tenant, k, doc)
	for _, ix := range t.indexes {
		var key *string
		if s := ix.key(v); s != "" {
			key = &s
		}
		args = append(args, key)
	}
	if _, err := tx.db.Exec(ctx, t.put, args...); err != nil {
		return fmt.Errorf("write %s %v of tenant %s: %w", t.name, k, tx.meta.Tenant, err)
	}
	return nil
}

// delete removes the row with key k, if there is one.
func (t *table[K, V]) delete(ctx context.Context, tx *Tx, k K) error {
	if _, err := tx.db.Exec(ctx, t.remove, tx.meta.Tenant, k); err != nil {
		return fmt.Errorf("delete %s %v of tenant %s: %w", t.name, k, tx.meta.Tenant, err)
	}
	return nil
}

// scan returns the rows filed under key in the index column, by key.
func (t *table[K, V]) scan(ctx context.Context, tx *Tx, col, key string) ([]V, error) {
	q, ok := t.byIndex[col]
	if !ok {
		panic("postgres: table " + t.name + " has no index column " + col)
	}
	if key == "" {
		return nil, nil // rows with an empty key are not indexed
	}
	return t.query(ctx, tx, q, key)
}

// first returns the lowest row filed under key in the index column.
func (t *table[K, V]) first(ctx context.Context, tx *Tx, col, key string) (V, bool, error) {
	rows, err := t.scan(ctx, tx, col, key)
	if err != nil || len(rows) == 0 {
		var zero V
		return zero, false, err
	}
	return rows[0], true, nil
}

// every returns every row of the tenant, by key: for small tables of reference data, as in the memory store.
// Like the memory store's, the list is empty rather than nil when there are none.
func (t *table[K, V]) every(ctx context.Context, tx *Tx) ([]V, error) {
	out, err := t.query(ctx, tx, t.all)
	if out == nil && err == nil {
		out = []V{}
	}
	return out, err
}

func (t *table[K, V]) query(ctx context.Context, tx *Tx, q string, args ...any) ([]V, error) {
	rows, err := tx.db.Query(ctx, q, append([]any{tx.meta.Tenant}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("read %s of tenant %s: %w", t.name, tx.meta.Tenant, err)
	}
	docs, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, fmt.Errorf("read %s of tenant %s: %w", t.name, tx.meta.Tenant, err)
	}
	if len(docs) == 0 {
		return nil, nil // as the memory store's scans: nil when nothing matches
	}
	out := make([]V, len(docs))
	for i, doc := range docs {
		if err := decode(doc, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
