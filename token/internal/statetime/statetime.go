// Package statetime encodes times for the shared refresh-token states
// (token/redisstate, token/sqlstate).
package statetime

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// The shared states (redisstate.State, sqlstate.State) keep times as Unix nanoseconds
// in an int64: exact to the nanosecond between the years 1678 and 2262
// (times outside are clamped to those bounds), with the zero time.Time kept
// as math.MinInt64, below every other time. Times read back are in UTC.

var (
	minNanoTime = time.Unix(0, math.MinInt64+1)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

// Nanos encodes t; the order of times is the order of their encodings.
func Nanos(t time.Time) int64 {
	switch {
	case t.IsZero():
		return math.MinInt64
	case t.Before(minNanoTime):
		return math.MinInt64 + 1
	case t.After(maxNanoTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// FromNanos decodes what Nanos encoded.
func FromNanos(n int64) time.Time {
	if n == math.MinInt64 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// Key encodes t as 20 decimal digits whose byte order is the order of
// the times, for comparisons in Lua (whose numbers are doubles, too coarse
// for nanoseconds): the int64 of Nanos with its sign bit flipped.
func Key(t time.Time) string {
	return fmt.Sprintf("%020d", uint64(Nanos(t))^(1<<63))
}

// ParseKey decodes what Key encoded.
func ParseKey(s string) (time.Time, error) {
	u, err := strconv.ParseUint(s, 10, 64)
	if err != nil || len(s) != 20 {
		return time.Time{}, fmt.Errorf("token: malformed time %q in the state", s)
	}
	return FromNanos(int64(u ^ (1 << 63))), nil
}
