package token_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
)

// lossyState is a state and a way to lose everything it holds (a Redis
// restart without persistence, a truncated table).
type lossyState struct {
	state token.RefreshState
	lose  func()
}

// testRevocationSurvivesLoss: an access token revoked by a global sign-out
// must stay refused after the state loses its contents (issue 12, item 8):
// the state fails closed. Tokens issued after the loss work.
func testRevocationSurvivesLoss(t *testing.T, st lossyState, c *clock) {
	ctx := context.Background()
	iss, err := token.New(token.Config{Keys: loadKeys(t), Now: c.Now, Rand: seeded(9), State: st.state})
	require.NoError(t, err)

	res, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	other, err := iss.Issue(ctx, grant("bob"))
	require.NoError(t, err)
	_, err = iss.VerifyAccess(ctx, res.AccessToken)
	require.NoError(t, err)
	c.Advance(time.Minute)
	require.NoError(t, iss.RevokeUser(ctx, testPool, "alice"))
	_, err = iss.VerifyAccess(ctx, res.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)

	c.Advance(time.Minute)
	st.lose()
	_, err = iss.VerifyAccess(ctx, res.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)
	// Every token from before the loss is refused: the state cannot tell
	// which of them were revoked.
	_, err = iss.VerifyAccess(ctx, other.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)
	_, err = iss.VerifyID(ctx, res.IdToken, testClient)
	requireCode(t, err, challenge.ErrNotAuthorized, token.MsgIDTokenRevoked)

	// A sign-in after the loss works.
	c.Advance(time.Second)
	fresh, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	_, err = iss.VerifyAccess(ctx, fresh.AccessToken)
	require.NoError(t, err)
	// And another loss refuses it too.
	c.Advance(time.Second)
	st.lose()
	_, err = iss.VerifyAccess(ctx, fresh.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)
}

func TestAttackRevocationSurvivesRedisLossMini(t *testing.T) {
	mr := miniredis.RunT(t)
	c := newClock()
	client := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { client.Close() })
	testRevocationSurvivesLoss(t, lossyState{
		state: token.NewRedisState(client, "authflow:token:").WithClock(c.Now),
		lose:  mr.FlushAll,
	}, c)
}

// TestAttackRevocationSurvivesRedisLossReal loses the keys of its own
// prefix in database 9 of the real Redis (other tests' keys are left alone).
func TestAttackRevocationSurvivesRedisLossReal(t *testing.T) {
	url := os.Getenv("AUTHFLOW_REDIS_URL")
	if url == "" {
		t.Skip("AUTHFLOW_REDIS_URL is not set")
	}
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	opt.DB = 9
	client := redis.NewClient(opt)
	t.Cleanup(func() { client.Close() })
	ctx := context.Background()
	require.NoError(t, client.Ping(ctx).Err())
	prefix := "authflow-loss-test:" + randomHex(8) + ":"
	lose := func() {
		iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		require.NoError(t, iter.Err())
		require.NotEmpty(t, keys)
		require.NoError(t, client.Del(ctx, keys...).Err())
	}
	t.Cleanup(func() {
		iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
	})
	c := newClock()
	testRevocationSurvivesLoss(t, lossyState{state: token.NewRedisState(client, prefix).WithClock(c.Now), lose: lose}, c)
}

// emptyTokenTables deletes every row of SQLState's data tables.
func emptyTokenTables(t *testing.T, db *sql.DB) func() {
	return func() {
		for _, n := range []string{"authflow_token_sessions", "authflow_token_refresh", "authflow_token_users"} {
			_, err := db.Exec(`DELETE FROM ` + n)
			require.NoError(t, err)
		}
	}
}

func TestAttackRevocationSurvivesSQLLoss(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "tokens.db")+"?_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	c := newClock()
	s, err := token.NewSQLState(db, "sqlite")
	require.NoError(t, err)
	testRevocationSurvivesLoss(t, lossyState{state: s.WithClock(c.Now), lose: emptyTokenTables(t, db)}, c)
}

func TestAttackRevocationSurvivesPostgresLoss(t *testing.T) {
	db, err := sql.Open("pgx", postgresDSN(t))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	c := newClock()
	s, err := token.NewSQLState(db, "postgres")
	require.NoError(t, err)
	testRevocationSurvivesLoss(t, lossyState{state: s.WithClock(c.Now), lose: emptyTokenTables(t, db)}, c)
}
