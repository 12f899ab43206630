package session

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a session store on Redis, shared by any number of server
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
// round trip. A Redis does not own its client: closing the client is the
// caller's business. The zero value and a nil *Redis are not usable; use
// [NewRedis].
type Redis struct {
	client  redis.UniversalClient
	prefix  string
	src     handleSource
	maxBlob int // <= 0: DefaultMaxBlobSize
}

// NewRedis returns a store that keeps sessions in client under keys that
// start with prefix, for example "authflow:session:". Several stores may share
// one Redis when their prefixes differ; the empty prefix is allowed but leaves
// session keys indistinguishable from others. Without options it uses
// crypto/rand and [DefaultMaxBlobSize]; see [WithRand] and [WithMaxBlobSize].
// NewRedis does not contact Redis. It panics if client is nil.
func NewRedis(client redis.UniversalClient, prefix string, opts ...RedisOption) *Redis {
	if client == nil {
		panic("session: NewRedis with a nil client")
	}
	s := &Redis{client: client, prefix: prefix}
	for _, o := range opts {
		o.applyRedis(s)
	}
	return s
}

// Save stores blob under a new handle until ttl elapses.
//
// It fails with [ErrInvalidTTL] when ttl <= 0, [ErrBlobTooLarge] when blob is
// longer than the maximum blob size, and with an error when Redis or the
// random source fails, or the random source keeps repeating itself (NX means
// it never overwrites a live session). A nil blob is stored as an empty one.
func (s *Redis) Save(ctx context.Context, blob []byte, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", ErrInvalidTTL
	}
	if len(blob) > maxBlobOrDefault(s.maxBlob) {
		return "", ErrBlobTooLarge
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
	for range saveAttempts {
		h, err := s.src.newHandle()
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
	return "", errCollision
}

// Load returns the blob of a live handle. ok is false, and blob nil, when the
// handle is unknown, expired, spent or malformed; a malformed handle is
// refused without a round trip. err is non-nil only when Redis fails.
func (s *Redis) Load(ctx context.Context, handle string) (blob []byte, ok bool, err error) {
	if !validHandle(handle) {
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
// [ErrBlobTooLarge] and when Redis fails.
func (s *Redis) Replace(ctx context.Context, handle string, blob []byte) (ok bool, err error) {
	if len(blob) > maxBlobOrDefault(s.maxBlob) {
		return false, ErrBlobTooLarge
	}
	if !validHandle(handle) {
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
func (s *Redis) Swap(ctx context.Context, handle string, old, blob []byte) (ok bool, err error) {
	if len(blob) > maxBlobOrDefault(s.maxBlob) {
		return false, ErrBlobTooLarge
	}
	if !validHandle(handle) {
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
func (s *Redis) Spend(ctx context.Context, handle string) (ok bool, err error) {
	if !validHandle(handle) {
		return false, nil
	}
	n, err := s.client.Del(ctx, s.prefix+handle).Result()
	if err != nil {
		return false, fmt.Errorf("session: redis DEL: %w", err)
	}
	return n == 1, nil
}
