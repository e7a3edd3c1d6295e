package memory

import (
	"cmp"
	"iter"
	"maps"
	"slices"
)

// schema describes one aggregate's table: its name, how a row is deep-copied (so the store and a command never
// share a map, slice or pointer), and its secondary indexes. Each aggregate file declares its schema once.
type schema[K cmp.Ordered, V any] struct {
	name    string
	clone   func(V) V
	indexes []index[V]
}

// index names a secondary index and the key a row files under in it; a row whose key is empty is not indexed.
type index[V any] struct {
	name string
	key  func(V) string
}

// table is a tenant's committed rows of one aggregate and their indexes: for each index and key, the primary
// keys of the rows filed there, ascending.
type table[K cmp.Ordered, V any] struct {
	rows    map[K]V
	indexes map[string]map[string][]K
}

func newTable[K cmp.Ordered, V any](s *schema[K, V]) *table[K, V] {
	t := &table[K, V]{rows: map[K]V{}, indexes: make(map[string]map[string][]K, len(s.indexes))}
	for _, ix := range s.indexes {
		t.indexes[ix.name] = map[string][]K{}
	}
	return t
}

// staged is a transaction's view of a table: reads see the transaction's own writes, and the writes reach the
// table only at commit.
type staged[K cmp.Ordered, V any] struct {
	schema *schema[K, V]
	base   *table[K, V]
	writes map[K]write[V]
}

// write is a staged row, or its deletion.
type write[V any] struct {
	row     V
	deleted bool
}

// open returns the transaction's staging of a table, creating the tenant's table on first write. A read-only
// transaction over a table nobody has written sees it empty without creating it.
func open[K cmp.Ordered, V any](tx *Tx, s *schema[K, V]) *staged[K, V] {
	if st, ok := tx.tables[s]; ok {
		return st.(*staged[K, V])
	}
	base, ok := tx.t.tables[s].(*table[K, V])
	if !ok {
		base = newTable(s)
		if !tx.readOnly {
			tx.t.tables[s] = base // the tenant is write-locked
		}
	}
	st := &staged[K, V]{schema: s, base: base, writes: map[K]write[V]{}}
	tx.tables[s] = st
	tx.order = append(tx.order, st)
	return st
}

// get returns a copy of the row as the transaction sees it.
func (s *staged[K, V]) get(k K) (V, bool) {
	if w, ok := s.writes[k]; ok {
		if w.deleted {
			var zero V
			return zero, false
		}
		return s.schema.clone(w.row), true
	}
	v, ok := s.base.rows[k]
	if !ok {
		return v, false
	}
	return s.schema.clone(v), true
}

// put stages a copy of the row.
func (s *staged[K, V]) put(k K, v V) { s.writes[k] = write[V]{row: s.schema.clone(v)} }

// remove stages the row's deletion.
func (s *staged[K, V]) remove(k K) { s.writes[k] = write[V]{deleted: true} }

// lookup yields the primary keys filed under key in the named index, ascending, as the transaction sees
// them: committed rows the transaction has not changed, and staged rows that file there. It reads the
// committed list in place, so a caller that stops early pays only for what it read.
func (s *staged[K, V]) lookup(indexName, key string) iter.Seq[K] {
	keyOf := s.keyFunc(indexName)
	return func(yield func(K) bool) {
		if key == "" {
			return // rows with an empty key are not indexed
		}
		committed := s.base.indexes[indexName][key]
		var extra []K // staged rows that file under key, ascending
		for k, w := range s.writes {
			if !w.deleted && keyOf(w.row) == key {
				extra = append(extra, k)
			}
		}
		slices.Sort(extra)
		i, j := 0, 0
		for i < len(committed) || j < len(extra) {
			var k K
			switch {
			case j == len(extra) || (i < len(committed) && committed[i] < extra[j]):
				k = committed[i]
				i++
				if _, changed := s.writes[k]; changed {
					continue // its staged version decides, through extra
				}
			case i < len(committed) && committed[i] == extra[j]:
				k = extra[j]
				i++
				j++
			default:
				k = extra[j]
				j++
			}
			if !yield(k) {
				return
			}
		}
	}
}

// all returns copies of every row as the transaction sees it, by key. It reads the whole table: for small
// tables of reference data (reissue reasons, fault rules), never for a domain's aggregates.
func (s *staged[K, V]) all() []V {
	keys := map[K]bool{}
	for k := range s.base.rows {
		keys[k] = true
	}
	for k := range s.writes {
		keys[k] = true
	}
	out := make([]V, 0, len(keys))
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if v, ok := s.get(k); ok {
			out = append(out, v)
		}
	}
	return out
}

// scan yields copies of the rows filed under key in the named index, ascending.
func (s *staged[K, V]) scan(indexName, key string) iter.Seq[V] {
	return func(yield func(V) bool) {
		for k := range s.lookup(indexName, key) {
			if v, ok := s.get(k); ok && !yield(v) {
				return
			}
		}
	}
}

// first returns the lowest row filed under key in the named index.
func (s *staged[K, V]) first(indexName, key string) (V, bool) {
	for v := range s.scan(indexName, key) {
		return v, true
	}
	var zero V
	return zero, false
}

func (s *staged[K, V]) keyFunc(indexName string) func(V) string {
	for _, ix := range s.schema.indexes {
		if ix.name == indexName {
			return ix.key
		}
	}
	panic("memory: table " + s.schema.name + " has no index " + indexName)
}

// commit applies the staged writes to the table, in key order, moving a row's index entry only where its key
// changed. It runs with the tenant write-locked.
func (s *staged[K, V]) commit() {
	keys := slices.Collect(maps.Keys(s.writes))
	if len(keys) > 1 {
		slices.Sort(keys)
	}
	for _, k := range keys {
		w := s.writes[k]
		old, existed := s.base.rows[k]
		for _, ix := range s.schema.indexes {
			var before, after string
			if existed {
				before = ix.key(old)
			}
			if !w.deleted {
				after = ix.key(w.row)
			}
			if before == after {
				continue
			}
			entries := s.base.indexes[ix.name]
			if before != "" {
				if entries[before] = without(entries[before], k); len(entries[before]) == 0 {
					delete(entries, before)
				}
			}
			if after != "" {
				entries[after] = with(entries[after], k)
			}
		}
		if w.deleted {
			delete(s.base.rows, k)
		} else {
			s.base.rows[k] = w.row
		}
	}
}

// with inserts k into an ascending list; appending a new highest key, the common case, costs O(1).
func with[K cmp.Ordered](list []K, k K) []K {
	if n := len(list); n == 0 || list[n-1] < k {
		return append(list, k)
	}
	i, found := slices.BinarySearch(list, k)
	if found {
		return list
	}
	return slices.Insert(list, i, k)
}

// without removes k from an ascending list.
func without[K cmp.Ordered](list []K, k K) []K {
	if i, found := slices.BinarySearch(list, k); found {
		return slices.Delete(list, i, i+1)
	}
	return list
}
