package session

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// zeroReader is a broken random source: it repeats itself forever.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// checkHeap verifies that the expiry heap holds exactly the map's entries, in
// heap order, with correct back-indices.
func checkHeap(t require.TestingT, m *Memory) {
	m.mu.Lock()
	defer m.mu.Unlock()
	require.Equal(t, len(m.entries), len(m.expiry), "heap and map differ in size")
	for i, e := range m.expiry {
		require.Equal(t, i, e.index, "stale heap index")
		require.Same(t, e, m.entries[e.handle], "heap entry not in map")
		if i > 0 {
			parent := m.expiry[(i-1)/2]
			require.False(t, e.expires.Before(parent.expires), "heap order broken")
		}
	}
}

func TestMemoryZeroValue(t *testing.T) {
	ctx := context.Background()
	var m Memory
	_, ok, err := m.Load(ctx, strings.Repeat("A", HandleLen))
	require.NoError(t, err)
	assert.False(t, ok)
	h, err := m.Save(ctx, []byte("x"), time.Minute)
	require.NoError(t, err)
	assert.Regexp(t, handleRE, h)
	blob, ok, err := m.Load(ctx, h)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "x", string(blob))
	ok, err = m.Spend(ctx, h)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Zero(t, m.Len())
}

func TestMemoryNilOptionsMeanDefaults(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(WithClock(nil), WithRand(nil), WithMaxEntries(0), WithMaxBlobSize(-1))
	h, err := m.Save(ctx, make([]byte, DefaultMaxBlobSize), time.Minute)
	require.NoError(t, err)
	_, ok, err := m.Load(ctx, h)
	require.NoError(t, err)
	assert.True(t, ok)
}

// TestMemoryMaxEntries: a full store drops the session closest to its
// expiry to make room, never refusing a new one.
func TestMemoryMaxEntries(t *testing.T) {
	ctx := context.Background()
	clock := newManualClock()
	m := NewMemory(WithClock(clock.Now), WithMaxEntries(3))
	var hs []string
	for i := range 3 {
		h, err := m.Save(ctx, []byte{byte(i)}, time.Duration(3-i)*time.Second)
		require.NoError(t, err)
		hs = append(hs, h)
	}
	h, err := m.Save(ctx, nil, time.Minute)
	require.NoError(t, err)
	_, ok, _ := m.Load(ctx, hs[2])
	assert.False(t, ok, "the session closest to expiry made room")
	for _, live := range []string{hs[0], hs[1], h} {
		_, ok, _ := m.Load(ctx, live)
		assert.True(t, ok)
	}
	assert.Equal(t, 3, m.Len())
	checkHeap(t, m)

	// Expiry frees slots first: Save sweeps before it counts.
	clock.Advance(2 * time.Second) // hs[1] expires
	_, err = m.Save(ctx, nil, time.Second)
	require.NoError(t, err)
	_, ok, _ = m.Load(ctx, hs[0])
	assert.True(t, ok, "an expired session made room, not a live one")
	checkHeap(t, m)
}

func TestMemorySweepOnSave(t *testing.T) {
	ctx := context.Background()
	clock := newManualClock()
	m := NewMemory(WithClock(clock.Now))
	for i := range 100 {
		_, err := m.Save(ctx, []byte("x"), time.Duration(1+i%10)*time.Second)
		require.NoError(t, err)
	}
	checkHeap(t, m)
	clock.Advance(5 * time.Second)
	_, err := m.Save(ctx, []byte("x"), time.Hour)
	require.NoError(t, err)
	m.mu.Lock()
	n := len(m.entries)
	m.mu.Unlock()
	assert.Equal(t, 51, n, "Save should have reclaimed every expired session, untouched or not")
	checkHeap(t, m)
	clock.Advance(10 * time.Second)
	assert.Equal(t, 1, m.Len())
	checkHeap(t, m)
}

func TestMemoryMaxBlobSize(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(WithMaxBlobSize(4))
	h, err := m.Save(ctx, []byte("1234"), time.Minute)
	require.NoError(t, err)
	_, err = m.Save(ctx, []byte("12345"), time.Minute)
	require.ErrorIs(t, err, ErrBlobTooLarge)
	ok, err := m.Replace(ctx, h, []byte("12345"))
	require.ErrorIs(t, err, ErrBlobTooLarge)
	assert.False(t, ok)
}

func TestMemoryRandFailure(t *testing.T) {
	boom := errors.New("entropy exhausted")
	m := NewMemory(WithRand(iotest.ErrReader(boom)))
	h, err := m.Save(context.Background(), []byte("x"), time.Minute)
	require.ErrorIs(t, err, boom)
	assert.Empty(t, h)
	assert.Zero(t, m.Len())
}

func TestMemoryRepeatingRand(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(WithRand(zeroReader{}))
	h, err := m.Save(ctx, []byte("first"), time.Minute)
	require.NoError(t, err)
	_, err = m.Save(ctx, []byte("second"), time.Minute)
	require.ErrorIs(t, err, errCollision, "a repeated handle must not overwrite a live session")
	blob, ok, err := m.Load(ctx, h)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "first", string(blob))
}

func TestMemoryDeterministicHandles(t *testing.T) {
	ctx := context.Background()
	run := func() []string {
		m := NewMemory(WithRand(rand.NewChaCha8([32]byte{1})))
		var hs []string
		for range 5 {
			h, err := m.Save(ctx, nil, time.Minute)
			require.NoError(t, err)
			hs = append(hs, h)
		}
		return hs
	}
	assert.Equal(t, run(), run(), "the same seed gives the same handles")
}

// memModelEntry is the model's view of one live session.
type memModelEntry struct {
	blob    []byte
	expires time.Time
}

// TestMemoryStateMachine checks Memory against a plain model over random
// sequences of save, load, replace, spend and clock moves, with these named
// invariants after every step:
//
//   - spent-never-loads: a handle that was spent never loads again;
//   - expired-never-loads: a handle whose ttl elapsed never loads again;
//   - live-loads-latest: every live handle loads the blob last written;
//   - size-matches-model: Len equals the number of live sessions;
//   - heap-mirrors-map: the expiry heap holds exactly the live entries.
func TestMemoryStateMachine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ctx := context.Background()
		clock := newManualClock()
		var seed [32]byte
		copy(seed[:], rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, "seed"))
		maxEntries := rapid.IntRange(1, 8).Draw(t, "maxEntries")
		m := NewMemory(WithClock(clock.Now), WithRand(rand.NewChaCha8(seed)), WithMaxEntries(maxEntries))

		live := map[string]memModelEntry{} // the model
		spent := map[string]bool{}
		expired := map[string]bool{}
		var issued []string // every handle ever issued, in order

		blobGen := rapid.SliceOfN(rapid.Byte(), 0, 8)
		// pick draws a handle to act on: usually an issued one (live,
		// spent or expired), sometimes one that was never issued.
		pick := func(t *rapid.T) string {
			if len(issued) > 0 && rapid.IntRange(0, 4).Draw(t, "issued?") > 0 {
				return rapid.SampledFrom(issued).Draw(t, "handle")
			}
			return rapid.OneOf(
				rapid.StringMatching(`[A-Za-z0-9_-]{43}`),
				rapid.String(),
			).Draw(t, "bogus handle")
		}
		// wantLive reports whether the model says h is live.
		wantLive := func(h string) (memModelEntry, bool) {
			e, ok := live[h]
			return e, ok
		}

		t.Repeat(map[string]func(*rapid.T){
			"save": func(t *rapid.T) {
				blob := blobGen.Draw(t, "blob")
				ttl := time.Duration(rapid.IntRange(1, 20).Draw(t, "ttl")) * 100 * time.Millisecond
				// A full store drops the live session closest to expiry
				// (any one of them on a tie).
				var soonest []string
				if len(live) >= maxEntries {
					for h, e := range live {
						switch {
						case len(soonest) == 0 || e.expires.Before(live[soonest[0]].expires):
							soonest = []string{h}
						case e.expires.Equal(live[soonest[0]].expires):
							soonest = append(soonest, h)
						}
					}
				}
				h, err := m.Save(ctx, blob, ttl)
				if len(soonest) > 0 {
					dropped := 0
					m.mu.Lock()
					for _, s := range soonest {
						if m.entries[s] == nil {
							delete(live, s)
							spent[s] = true
							dropped++
						}
					}
					m.mu.Unlock()
					if dropped != 1 {
						t.Fatalf("Save into a full store dropped %d of the sessions closest to expiry, want 1", dropped)
					}
				}
				if err != nil {
					t.Fatalf("Save: %v", err)
				}
				if !handleRE.MatchString(h) {
					t.Fatalf("malformed handle %q", h)
				}
				if _, dup := live[h]; dup || spent[h] || expired[h] {
					t.Fatalf("handle %q issued twice", h)
				}
				live[h] = memModelEntry{blob: bytes.Clone(blob), expires: clock.Now().Add(ttl)}
				issued = append(issued, h)
			},
			"load": func(t *rapid.T) {
				h := pick(t)
				blob, ok, err := m.Load(ctx, h)
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				e, want := wantLive(h)
				if ok != want {
					t.Fatalf("Load ok=%v, model says live=%v", ok, want)
				}
				if ok && !bytes.Equal(blob, e.blob) {
					t.Fatalf("Load blob %x, model %x", blob, e.blob)
				}
			},
			"replace": func(t *rapid.T) {
				h := pick(t)
				blob := blobGen.Draw(t, "blob")
				ok, err := m.Replace(ctx, h, blob)
				if err != nil {
					t.Fatalf("Replace: %v", err)
				}
				e, want := wantLive(h)
				if ok != want {
					t.Fatalf("Replace ok=%v, model says live=%v", ok, want)
				}
				if ok {
					e.blob = bytes.Clone(blob)
					live[h] = e
				}
			},
			"spend": func(t *rapid.T) {
				h := pick(t)
				ok, err := m.Spend(ctx, h)
				if err != nil {
					t.Fatalf("Spend: %v", err)
				}
				_, want := wantLive(h)
				if ok != want {
					t.Fatalf("Spend ok=%v, model says live=%v", ok, want)
				}
				if ok {
					delete(live, h)
					spent[h] = true
				}
			},
			"advance": func(t *rapid.T) {
				clock.Advance(time.Duration(rapid.IntRange(0, 30).Draw(t, "advance")) * 100 * time.Millisecond)
				now := clock.Now()
				for h, e := range live {
					if !now.Before(e.expires) {
						delete(live, h)
						expired[h] = true
					}
				}
			},
			"": func(t *rapid.T) {
				for h := range spent {
					if _, ok, _ := m.Load(ctx, h); ok {
						t.Fatalf("invariant spent-never-loads: spent handle %q loaded", h)
					}
				}
				for h := range expired {
					if _, ok, _ := m.Load(ctx, h); ok {
						t.Fatalf("invariant expired-never-loads: expired handle %q loaded", h)
					}
				}
				for h, e := range live {
					blob, ok, err := m.Load(ctx, h)
					if err != nil || !ok || !bytes.Equal(blob, e.blob) {
						t.Fatalf("invariant live-loads-latest: %q: ok=%v err=%v blob=%x want %x", h, ok, err, blob, e.blob)
					}
				}
				if n := m.Len(); n != len(live) {
					t.Fatalf("invariant size-matches-model: Len=%d, model %d", n, len(live))
				}
				checkHeap(t, m)
			},
		})
	})
}

// FuzzMemoryLoad feeds arbitrary handles to a store holding three sessions:
// nothing panics, nothing but an issued handle is ever found, and an issued
// handle is always found.
func FuzzMemoryLoad(f *testing.F) {
	ctx := context.Background()
	blobs := []string{"zero", "one", "two"}
	// newStore returns a store with the same three sessions every time.
	newStore := func() (*Memory, map[string]string) {
		m := NewMemory(WithRand(rand.NewChaCha8([32]byte{42})), WithClock(newManualClock().Now))
		issued := make(map[string]string)
		for _, b := range blobs {
			h, err := m.Save(ctx, []byte(b), time.Minute)
			if err != nil {
				f.Fatal(err)
			}
			issued[h] = b
		}
		return m, issued
	}
	_, issued := newStore()
	for h := range issued {
		f.Add(h)
		f.Add(h[:HandleLen-1])
		f.Add(h + "=")
		f.Add(strings.ToLower(h))
	}
	f.Add("")
	f.Add(strings.Repeat("A", HandleLen))
	f.Add(strings.Repeat("é", HandleLen))
	f.Add(strings.Repeat("A", 4096))
	f.Add("\x00")

	f.Fuzz(func(t *testing.T, handle string) {
		m, issued := newStore()
		want, isIssued := issued[handle]

		blob, ok, err := m.Load(ctx, handle)
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if ok != isIssued {
			t.Fatalf("Load(%q) ok=%v, issued=%v", handle, ok, isIssued)
		}
		if ok && string(blob) != want {
			t.Fatalf("Load(%q) = %q, want %q", handle, blob, want)
		}
		if !ok && blob != nil {
			t.Fatalf("Load(%q) returned a blob with ok=false", handle)
		}

		ok, err = m.Replace(ctx, handle, []byte("new"))
		if err != nil || ok != isIssued {
			t.Fatalf("Replace(%q) ok=%v err=%v, issued=%v", handle, ok, err, isIssued)
		}
		ok, err = m.Spend(ctx, handle)
		if err != nil || ok != isIssued {
			t.Fatalf("Spend(%q) ok=%v err=%v, issued=%v", handle, ok, err, isIssued)
		}
		// Only the fuzzed handle may have been touched.
		if got, wantLen := m.Len(), len(issued)-btoi(isIssued); got != wantLen {
			t.Fatalf("Len=%d after acting on %q, want %d", got, handle, wantLen)
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
