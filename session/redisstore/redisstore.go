// Package redisstore keeps authflow's sign-in sessions in Redis ([Store]),
// through github.com/redis/go-redis/v9, for several server processes that
// share them. It has the contract of package session (the flow.Store port)
// and implements the flow.Limiter port beside it.
//
// It is the only part of package session that links a Redis client: a
// program on session.Memory does not import it and links none.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/session/internal/handles"
)

// Store is a session store on Redis, shared by any number of server
// processes. Each session is one string key, prefix+handle, whose value is the
// blob and whose Redis expiry is the session's:
//
//	Save     SET key blob PX ttl NX
//	Load     GET key
//	Replace  SET key blob XX KEEPTTL
//	Spend    DEL key   (ok when it deleted 1 key)
//
// Every operation is one single-key command, so each is atomic on the Redis
// primary that owns the key, in a cluster too: of concurrent Spend calls from
// any number of processes exactly one sees DEL return 1. Expiry is Redis's,
// with millisecond resolution (a ttl is rounded up to a whole millisecond).
// KEEPTTL needs Redis 6.0 or later.
//
// Errors from Redis are returned wrapped, never as ok=false, and never carry
// the handle. An error leaves the outcome unknown: a failed Save may have
// written a key (it expires on its own), and a failed Spend may have spent the
// handle. Callers must treat an error as "not won", which is the safe reading.
// (go-redis retries commands on network errors; a retried DEL can only turn a
// win into ok=false, never make two winners.)
//
// Point the client at primaries: a client that reads from replicas
// (ReadOnly, RouteByLatency, RouteRandomly) may let Load see a session that
// was just spent or replaced. Spend stays correct, as DEL always runs on the
// primary.
//
// All methods are safe for concurrent use; the context bounds each Redis
// round trip. A Store does not own its client: closing the client is the
// caller's business. The zero value and a nil *Store are not usable; use
// [New].
type Store struct {
	client  redis.UniversalClient
	prefix  string
	src     handles.Source
	maxBlob int // <= 0: session.DefaultMaxBlobSize
}

// New returns a store that keeps sessions in client under keys that start
// with prefix, for example "authflow:session:". Several stores may share one
// Redis when their prefixes differ; the empty prefix is allowed but leaves
// session keys indistinguishable from others. Without options it uses
// crypto/rand and session.DefaultMaxBlobSize; see [WithRand] and
// [WithMaxBlobSize]. New does not contact Redis. It panics if client is nil.
func New(client redis.UniversalClient, prefix string, opts ...Option) *Store {
	if client == nil {
		panic("session/redisstore: New with a nil client")
	}
	s := &Store{client: client, prefix: prefix}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Save stores blob under a new handle until ttl elapses.
//
// It fails with [session.ErrInvalidTTL] when ttl <= 0, [session.ErrBlobTooLarge] when blob is
// longer than the maximum blob size, and with an error when Redis or the
// random source fails, or the random source keeps repeating itself (NX means
// it never overwrites a live session). A nil blob is stored as an empty one.
func (s *Store) Save(ctx context.Context, blob []byte, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", session.ErrInvalidTTL
	}
	if len(blob) > maxBlob(s.maxBlob) {
		return "", session.ErrBlobTooLarge
	}
	if blob == nil {
		blob = []byte{}
	}
	// Redis counts milliseconds: round up, so that no ttl becomes PX 0
	// (an error) or is silently shortened, without overflowing.
	if r := ttl % time.Millisecond; r != 0 {
		if ttl > math.MaxInt64-time.Millisecond {
			ttl -= r
		} else {
			ttl += time.Millisecond - r
		}
	}
	for range handles.SaveAttempts {
		h, err := s.src.New()
		if err != nil {
			return "", err
		}
		cmd := redis.NewStatusCmd(ctx, "set", s.prefix+h, blob, "px", int64(ttl/time.Millisecond), "nx")
		_ = s.client.Process(ctx, cmd)
		set, err := cmd.Result()
		switch {
		case errors.Is(err, redis.Nil):
			continue // the key exists: try another handle.
		case err != nil:
			return "", fmt.Errorf("session: redis SET NX: %w", err)
		case set != "OK":
			return "", fmt.Errorf("session: redis SET NX: unexpected reply %q", set)
		}
		return h, nil
	}
	return "", handles.ErrCollision
}

// Load returns the blob of a live handle. ok is false, and blob nil, when the
// handle is unknown, expired, spent or malformed; a malformed handle is
// refused without a round trip. err is non-nil only when Redis fails.
func (s *Store) Load(ctx context.Context, handle string) (blob []byte, ok bool, err error) {
	if !handles.Valid(handle) {
		return nil, false, nil
	}
	b, err := s.client.Get(ctx, s.prefix+handle).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("session: redis GET: %w", err)
	}
	if b == nil {
		b = []byte{}
	}
	return b, true, nil
}

// Replace overwrites the blob of a live handle, keeping its expiry. ok is
// false when the handle is not live (or malformed). err is non-nil for
// [session.ErrBlobTooLarge] and when Redis fails.
func (s *Store) Replace(ctx context.Context, handle string, blob []byte) (ok bool, err error) {
	if len(blob) > maxBlob(s.maxBlob) {
		return false, session.ErrBlobTooLarge
	}
	if !handles.Valid(handle) {
		return false, nil
	}
	if blob == nil {
		blob = []byte{}
	}
	set, err := s.client.SetArgs(ctx, s.prefix+handle, blob, redis.SetArgs{Mode: "XX", KeepTTL: true}).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("session: redis SET XX KEEPTTL: %w", err)
	case set != "OK":
		return false, fmt.Errorf("session: redis SET XX KEEPTTL: unexpected reply %q", set)
	}
	return true, nil
}

// swapScript sets KEYS[1] to ARGV[2], keeping its TTL, only if it holds ARGV[1].
var swapScript = redis.NewScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'XX', 'KEEPTTL')
  return 1
end
return 0`)

// Swap overwrites the blob of a live handle, keeping its TTL, only if it
// still holds old (a Lua compare-and-set, atomic across server nodes). ok
// is false when the handle is not live or holds another blob; err is
// non-nil only when Redis fails or the blob is too large.
func (s *Store) Swap(ctx context.Context, handle string, old, blob []byte) (ok bool, err error) {
	if len(blob) > maxBlob(s.maxBlob) {
		return false, session.ErrBlobTooLarge
	}
	if !handles.Valid(handle) {
		return false, nil
	}
	if old == nil {
		old = []byte{}
	}
	if blob == nil {
		blob = []byte{}
	}
	n, err := swapScript.Run(ctx, s.client, []string{s.prefix + handle}, old, blob).Int()
	if err != nil {
		return false, fmt.Errorf("session: redis swap: %w", err)
	}
	return n == 1, nil
}

// Spend ends a live handle with DEL. Of any number of concurrent calls for
// one live handle, from any number of processes, exactly one gets ok=true.
// ok is false for unknown, expired, spent or malformed handles. err is
// non-nil only when Redis fails, and then the handle may or may not have been
// spent.
func (s *Store) Spend(ctx context.Context, handle string) (ok bool, err error) {
	if !handles.Valid(handle) {
		return false, nil
	}
	n, err := s.client.Del(ctx, s.prefix+handle).Result()
	if err != nil {
		return false, fmt.Errorf("session: redis DEL: %w", err)
	}
	return n == 1, nil
}

// takeScript counts one attempt in KEYS[1], starting a window of ARGV[1]
// milliseconds when the key is new (or, defensively, has no expiry).
var takeScript = redis.NewScript(`local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n`)

// Take counts one attempt under key (a Redis counter at prefix+"limit:"+key
// whose expiry is the window, set by the first attempt in one Lua script, so
// it is atomic across nodes) and returns the count of the current window,
// this one included. A window <= 0 only reads the count (0 when none). A
// window is rounded up to a whole millisecond. err is non-nil only when
// Redis fails; the caller must then refuse the attempt.
func (s *Store) Take(ctx context.Context, key string, window time.Duration) (int, error) {
	k := s.prefix + "limit:" + key
	if window <= 0 {
		v, err := s.client.Get(ctx, k).Result()
		switch {
		case errors.Is(err, redis.Nil):
			return 0, nil
		case err != nil:
			return 0, fmt.Errorf("session: redis GET counter: %w", err)
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("session: redis counter is not a number")
		}
		return n, nil
	}
	ms := int64((window + time.Millisecond - 1) / time.Millisecond)
	n, err := takeScript.Run(ctx, s.client, []string{k}, ms).Int()
	if err != nil {
		return 0, fmt.Errorf("session: redis take: %w", err)
	}
	return n, nil
}

// Option configures a Store; pass it to [New].
type Option func(*Store)

// WithRand sets the source of the random bytes behind handles. nil (the
// default) means crypto/rand. The reader is read under a mutex, so it need
// not be safe for concurrent use; a read error makes Save fail.
//
// Handles are only unguessable, and a spent handle only stays spent, if the
// reader is unpredictable and never repeats itself: inject anything other
// than crypto/rand in tests only.
func WithRand(r io.Reader) Option { return func(s *Store) { s.src.R = r } }

// WithMaxBlobSize sets the largest blob, in bytes, that Save, Replace and
// Swap accept; longer blobs fail with session.ErrBlobTooLarge. n <= 0 means
// session.DefaultMaxBlobSize.
func WithMaxBlobSize(n int) Option { return func(s *Store) { s.maxBlob = n } }

// maxBlob returns n, or session.DefaultMaxBlobSize when n <= 0.
func maxBlob(n int) int {
	if n <= 0 {
		return session.DefaultMaxBlobSize
	}
	return n
}
