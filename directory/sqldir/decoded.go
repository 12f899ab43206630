package sqldir

import "sync"

// maxDecoded bounds each decodeCache; when full it starts over.
const maxDecoded = 4096

// decodeCache remembers the last decoding of each pool's, app client's or
// user's row, keyed by id and checked against the row's bytes: a read whose
// row did not change skips the JSON decoding and returns a clone instead.
// (The sign-in profile showed the pool and client reads of every request at
// about 5% of the server's CPU, and the three reads of the user a password
// sign-in makes at about 9%; two of them see the same row.) Entries are
// made from decoded rows only, never from the values Apply was given, so a
// hit returns exactly what decoding would. It never serves a stale value, since the
// row is read from the database every time.
type decodeCache[T any] struct {
	mu sync.Mutex
	m  map[string]decodedRow[T]
}

type decodedRow[T any] struct {
	raw string
	v   *T
}

// get returns the value decoded from raw for id, or nil. The value is
// shared: clone it before handing it out.
func (c *decodeCache[T]) get(id string, raw []byte) *T {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.m[id]; ok && r.raw == string(raw) {
		return r.v
	}
	return nil
}

// put remembers v, decoded from raw, for id. v must not be changed after.
func (c *decodeCache[T]) put(id string, raw []byte, v *T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxDecoded {
		c.m = make(map[string]decodedRow[T])
	}
	c.m[id] = decodedRow[T]{raw: string(raw), v: v}
}
