package session

import (
	"context"
	"time"

	"github.com/authflow/authflow/internal/windowcount"
)

// The Limiter port of package flow: attempts counted per key in fixed
// windows. Memory implements it beside the Store port, and so does
// redisstore.Store, so a server that shares its sessions across nodes
// shares its limits too.

// DefaultMaxLimiterKeys is the number of windows a [Memory] keeps for
// [Memory.Take]. When it is reached, the windows that end soonest are
// dropped first (they are the closest to ending anyway).
const DefaultMaxLimiterKeys = windowcount.DefaultMaxKeys

// Take counts one attempt under key and returns how many attempts the
// key's current window holds, this one included. A window starts with the
// first attempt after the previous one ended and lasts window; a window <=
// 0 only reads the count of the current window (0 when none). Concurrent
// callers get distinct counts. err is always nil.
func (m *Memory) Take(_ context.Context, key string, window time.Duration) (int, error) {
	now := time.Now()
	if m.now != nil {
		now = m.now()
	}
	return m.lim.Take(now, key, window), nil
}
