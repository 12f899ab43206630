package token_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
)

// TestNewMemoryIssuer: the issuer that needs nothing signs, verifies,
// refreshes and revokes, with a key of its own for each pool.
func TestNewMemoryIssuer(t *testing.T) {
	ctx := context.Background()
	iss := token.NewMemoryIssuer()

	res, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	assert.Equal(t, token.TokenType, res.TokenType)
	require.NotEmpty(t, res.RefreshToken)

	ac, err := iss.VerifyAccess(ctx, res.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, testPool, ac.PoolID)
	assert.Equal(t, "alice", ac.Username)

	// Each pool has its own key: A's token does not verify with B's JWKS.
	jwksA, err := iss.PoolJWKS(ctx, testPool)
	require.NoError(t, err)
	jwksB, err := iss.PoolJWKS(ctx, otherPool)
	require.NoError(t, err)
	require.NoError(t, verifyWithJWKS(t, res.AccessToken, jwksA))
	assert.Error(t, verifyWithJWKS(t, res.AccessToken, jwksB))
	assert.Nil(t, iss.Keys(), "no key set shared by every pool")

	// The refresh state is live: refresh, then revoke.
	rs, err := iss.Refresh(ctx, testClient, res.RefreshToken)
	require.NoError(t, err)
	assert.Equal(t, "alice", rs.Username)
	require.NoError(t, iss.Revoke(ctx, testClient, res.RefreshToken))
	_, err = iss.Refresh(ctx, testClient, res.RefreshToken)
	requireCode(t, err, challenge.ErrNotAuthorized, "Refresh Token has been revoked")
	_, err = iss.VerifyAccess(ctx, res.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, "Access Token has been revoked")

	// Two memory issuers share nothing: one does not accept the other's tokens.
	_, err = token.NewMemoryIssuer().VerifyAccess(ctx, res.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, "Invalid Access Token")
}
