package session

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemoryLimiterBounded(t *testing.T) {
	clock := newManualClock()
	m := NewMemory(WithClock(clock.Now))
	ctx := context.Background()
	// The first window ends soonest: when the table is full it is dropped first.
	_, err := m.Take(ctx, "soonest", time.Second)
	require.NoError(t, err)
	for i := range DefaultMaxLimiterKeys {
		_, err := m.Take(ctx, fmt.Sprint(i), time.Hour)
		require.NoError(t, err)
	}
	assert.Equal(t, DefaultMaxLimiterKeys, m.lim.Len())
	n, err := m.Take(ctx, "soonest", 0)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "the window ending soonest was dropped")
	n, err = m.Take(ctx, "0", 0)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}
