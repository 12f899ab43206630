// Package redisstate keeps an Issuer's refresh tokens and revocations in
// Redis ([State], a token.RefreshState), through github.com/redis/go-redis/v9.
// It is the only part of package token that links a Redis client: a program
// whose Issuer keeps its state in memory (token.MemoryState, the default)
// does not import it and links none.
package redisstate

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/token/internal/statetime"
)

// State is a token.RefreshState in Redis, shared by every token.Issuer
// (server process) that uses the same Redis and prefix: refresh tokens issued by
// one are accepted by the others, and revocations made by one are seen by
// all of them. It is safe for concurrent use.
//
// Each entry is one hash whose key starts with the prefix:
//
//	<prefix>s:<origin>                          a session (sign-in)
//	<prefix>r:<hex SHA-256 of a refresh token>  a refresh token's record
//	<prefix>u:<len(pool)>:<pool>:<username>     a user's global sign-out
//
// Every write is one Lua script on one key, so each method is atomic on its
// own, also in Redis Cluster. Times are kept to the nanosecond; each key
// expires (a Redis TTL) once its Expires (sessions) or Keep (refresh
// tokens, users) has passed, counted from the state's clock when it was
// last written. Reads also drop entries past their time by the state's
// clock, as token.MemoryState does.
//
// Redis should keep these keys until they expire. A server that evicts keys
// (a maxmemory-policy other than noeviction or volatile-*) or that loses
// writes (no persistence, failover to a lagging replica) makes refresh
// tokens stop working early; revocations are not forgotten, since
// State fails closed (token.FailClosedState): an access or ID token whose
// session is gone is refused as revoked, so after a loss users sign in
// again.
type State struct {
	client redis.UniversalClient
	prefix string
	now    func() time.Time
}

// New returns a State on client whose keys start with prefix, for example
// "authflow:token:". Several states may share a Redis
// when their prefixes differ (and none is a prefix of another). Its clock is
// time.Now; see WithClock. It panics when client is nil.
func New(client redis.UniversalClient, prefix string) *State {
	if client == nil {
		panic("token/redisstate: New with a nil client")
	}
	return &State{client: client, prefix: prefix, now: time.Now}
}

// WithClock makes the state decide expiry (TTLs and reads) on now instead
// of time.Now, and returns the state. Pass the Issuer's clock
// (token.Config.Now) when it is not time.Now. Call it before the state is
// used.
func (r *State) WithClock(now func() time.Time) *State {
	if now == nil {
		now = time.Now
	}
	r.now = now
	return r
}

func (r *State) sessionKey(origin string) string     { return r.prefix + "s:" + origin }
func (r *State) refreshKey(h token.TokenHash) string { return r.prefix + "r:" + h.String() }
func (r *State) userKey(pool, username string) string {
	return r.prefix + "u:" + strconv.Itoa(len(pool)) + ":" + pool + ":" + username
}

// luaTimes is shared by the scripts: times are timeKey strings (20 digits),
// compared and subtracted as two 10-digit halves, each exact in a double.
const luaTimes = `
local function before(a, b)
  local ah, bh = tonumber(string.sub(a, 1, 10)), tonumber(string.sub(b, 1, 10))
  if ah ~= bh then return ah < bh end
  return tonumber(string.sub(a, 11)) < tonumber(string.sub(b, 11))
end
-- expire makes key expire at time t (now is the state's clock): a TTL of
-- the time left cut to whole milliseconds plus one (never short of t), or
-- at once when t is not after now.
local function expire(key, t, now)
  if not before(now, t) then
    redis.call('DEL', key)
    return
  end
  local ms = (tonumber(string.sub(t, 1, 10)) - tonumber(string.sub(now, 1, 10))) * 1e4
    + (tonumber(string.sub(t, 11)) - tonumber(string.sub(now, 11))) / 1e6
  redis.call('PEXPIRE', key, string.format('%d', math.floor(ms) + 1))
end
`

// putSessionScript: KEYS[1] the session; ARGV now, expires, then the
// fields of a new session. An existing session only gets a later expires.
var putSessionScript = redis.NewScript(luaTimes + `
local now, exp = ARGV[1], ARGV[2]
local old = redis.call('HGET', KEYS[1], 'exp')
if old then
  if before(old, exp) then
    redis.call('HSET', KEYS[1], 'exp', exp)
    expire(KEYS[1], exp, now)
  end
  return 0
end
if not before(now, exp) then
  return 0
end
redis.call('HSET', KEYS[1], 'exp', exp, unpack(ARGV, 3))
expire(KEYS[1], exp, now)
return 1
`)

// revokeSessionScript: KEYS[1] the session; unknown sessions are left alone.
var revokeSessionScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'rev', '1')
end
return 0
`)

// putRefreshScript: KEYS[1] the record; ARGV now, origin, expires, keep.
var putRefreshScript = redis.NewScript(luaTimes + `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'o', ARGV[2], 'exp', ARGV[3], 'keep', ARGV[4])
expire(KEYS[1], ARGV[4], ARGV[1])
return 0
`)

// touchRefreshScript: KEYS[1] the record; ARGV now, expireBy (empty for
// none), keepUntil. It returns the expires before the call, or empty.
var touchRefreshScript = redis.NewScript(luaTimes + `
local cur = redis.call('HMGET', KEYS[1], 'exp', 'keep')
if not cur[1] or not cur[2] then
  return ''
end
if ARGV[2] ~= '' and before(ARGV[2], cur[1]) then
  redis.call('HSET', KEYS[1], 'exp', ARGV[2])
end
if before(cur[2], ARGV[3]) then
  redis.call('HSET', KEYS[1], 'keep', ARGV[3])
  expire(KEYS[1], ARGV[3], ARGV[1])
end
return cur[1]
`)

// revokeUserScript: KEYS[1] the user; ARGV now, at, keep.
var revokeUserScript = redis.NewScript(luaTimes + `
local cur = redis.call('HMGET', KEYS[1], 'at', 'keep')
redis.call('HINCRBY', KEYS[1], 'gen', 1)
if not cur[1] or before(cur[1], ARGV[2]) then
  redis.call('HSET', KEYS[1], 'at', ARGV[2])
end
if not cur[2] or before(cur[2], ARGV[3]) then
  redis.call('HSET', KEYS[1], 'keep', ARGV[3])
  expire(KEYS[1], ARGV[3], ARGV[1])
end
return 0
`)

// FailsClosed implements token.FailClosedState: State keeps each session
// until its last token expires, so a missing session means lost keys.
func (r *State) FailsClosed() bool { return true }

var _ token.SessionRefreshPutter = (*State)(nil)

func redisErr(op string, err error) error {
	return fmt.Errorf("token: redis %s: %w", op, err)
}

// PutSession implements token.RefreshState.
func (r *State) PutSession(ctx context.Context, s token.Session) error {
	if err := putSessionScript.Run(ctx, r.client, []string{r.sessionKey(s.Origin)}, r.sessionArgs(s)...).Err(); err != nil {
		return redisErr("put session", err)
	}
	return nil
}

func (r *State) sessionArgs(s token.Session) []any {
	rev := "0"
	if s.Revoked {
		rev = "1"
	}
	return []any{statetime.Key(r.now()), statetime.Key(s.Expires),
		"pool", s.PoolID, "client", s.ClientID, "user", s.Username, "sub", s.Sub,
		"origin", s.Origin, "auth", statetime.Key(s.AuthTime), "dev", s.DeviceKey,
		"created", statetime.Key(s.Created), "gen", strconv.FormatUint(s.UserGeneration, 10), "rev", rev}
}

func (r *State) refreshArgs(rec token.RefreshRecord) []any {
	if rec.Keep.Before(rec.Expires) {
		rec.Keep = rec.Expires
	}
	return []any{statetime.Key(r.now()), rec.Origin, statetime.Key(rec.Expires), statetime.Key(rec.Keep)}
}

// PutSessionRefresh stores a session and a new refresh token of it in one
// round trip (both scripts in one pipeline; each is atomic, as PutSession
// and PutRefresh are). It implements token.SessionRefreshPutter.
func (r *State) PutSessionRefresh(ctx context.Context, s token.Session, h token.TokenHash, rec token.RefreshRecord) error {
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		putSessionScript.EvalSha(ctx, p, []string{r.sessionKey(s.Origin)}, r.sessionArgs(s)...)
		putRefreshScript.EvalSha(ctx, p, []string{r.refreshKey(h)}, r.refreshArgs(rec)...)
		return nil
	})
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		// The scripts are not loaded yet (a new or flushed server): Run
		// loads them.
		if err := r.PutSession(ctx, s); err != nil {
			return err
		}
		return r.PutRefresh(ctx, h, rec)
	}
	if err != nil {
		return redisErr("put session and refresh token", err)
	}
	return nil
}

// GetSession implements token.RefreshState.
func (r *State) GetSession(ctx context.Context, origin string) (*token.Session, error) {
	m, err := r.client.HGetAll(ctx, r.sessionKey(origin)).Result()
	if err != nil {
		return nil, redisErr("get session", err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	s := &token.Session{}
	s.PoolID, s.ClientID, s.Username, s.Sub = m["pool"], m["client"], m["user"], m["sub"]
	s.Origin, s.DeviceKey = m["origin"], m["dev"]
	s.Revoked = m["rev"] == "1"
	var errs []error
	tm := func(field string) time.Time {
		t, err := statetime.ParseKey(m[field])
		errs = append(errs, err)
		return t
	}
	s.AuthTime, s.Created, s.Expires = tm("auth"), tm("created"), tm("exp")
	s.UserGeneration, err = strconv.ParseUint(m["gen"], 10, 64)
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, redisErr("get session", err)
	}
	if !r.now().Before(s.Expires) {
		return nil, nil
	}
	return s, nil
}

// RevokeSession implements token.RefreshState.
func (r *State) RevokeSession(ctx context.Context, origin string) error {
	if err := revokeSessionScript.Run(ctx, r.client, []string{r.sessionKey(origin)}).Err(); err != nil {
		return redisErr("revoke session", err)
	}
	return nil
}

// PutRefresh implements token.RefreshState.
func (r *State) PutRefresh(ctx context.Context, h token.TokenHash, rec token.RefreshRecord) error {
	if err := putRefreshScript.Run(ctx, r.client, []string{r.refreshKey(h)}, r.refreshArgs(rec)...).Err(); err != nil {
		return redisErr("put refresh token", err)
	}
	return nil
}

// GetRefresh implements token.RefreshState.
func (r *State) GetRefresh(ctx context.Context, h token.TokenHash) (*token.RefreshRecord, error) {
	v, err := r.client.HMGet(ctx, r.refreshKey(h), "o", "exp", "keep").Result()
	if err != nil {
		return nil, redisErr("get refresh token", err)
	}
	origin, ok1 := v[0].(string)
	exp, ok2 := v[1].(string)
	keep, ok3 := v[2].(string)
	if !ok1 || !ok2 || !ok3 {
		return nil, nil
	}
	rec := &token.RefreshRecord{Origin: origin}
	var err1, err2 error
	rec.Expires, err1 = statetime.ParseKey(exp)
	rec.Keep, err2 = statetime.ParseKey(keep)
	if err := errors.Join(err1, err2); err != nil {
		return nil, redisErr("get refresh token", err)
	}
	if !r.now().Before(rec.Keep) {
		return nil, nil
	}
	return rec, nil
}

// TouchRefresh implements token.RefreshState.
func (r *State) TouchRefresh(ctx context.Context, h token.TokenHash, expireBy, keepUntil time.Time) (time.Time, error) {
	by := ""
	if !expireBy.IsZero() {
		by = statetime.Key(expireBy)
	}
	prev, err := touchRefreshScript.Run(ctx, r.client, []string{r.refreshKey(h)},
		statetime.Key(r.now()), by, statetime.Key(keepUntil)).Text()
	if err != nil {
		return time.Time{}, redisErr("touch refresh token", err)
	}
	if prev == "" {
		return time.Time{}, nil
	}
	t, err := statetime.ParseKey(prev)
	if err != nil {
		return time.Time{}, redisErr("touch refresh token", err)
	}
	return t, nil
}

// RevokeUser implements token.RefreshState.
func (r *State) RevokeUser(ctx context.Context, poolID, username string, at, keep time.Time) error {
	err := revokeUserScript.Run(ctx, r.client, []string{r.userKey(poolID, username)},
		statetime.Key(r.now()), statetime.Key(at), statetime.Key(keep)).Err()
	if err != nil {
		return redisErr("revoke user", err)
	}
	return nil
}

// GetUserRevocation implements token.RefreshState.
func (r *State) GetUserRevocation(ctx context.Context, poolID, username string) (token.UserRevocation, error) {
	v, err := r.client.HMGet(ctx, r.userKey(poolID, username), "gen", "at", "keep").Result()
	if err != nil {
		return token.UserRevocation{}, redisErr("get user revocation", err)
	}
	gen, ok1 := v[0].(string)
	at, ok2 := v[1].(string)
	keep, ok3 := v[2].(string)
	if !ok1 || !ok2 || !ok3 {
		return token.UserRevocation{}, nil
	}
	var u token.UserRevocation
	var err1, err2, err3 error
	u.Generation, err1 = strconv.ParseUint(gen, 10, 64)
	u.At, err2 = statetime.ParseKey(at)
	u.Keep, err3 = statetime.ParseKey(keep)
	if err := errors.Join(err1, err2, err3); err != nil {
		return token.UserRevocation{}, redisErr("get user revocation", err)
	}
	return u, nil
}

var _ token.FailClosedState = (*State)(nil)
