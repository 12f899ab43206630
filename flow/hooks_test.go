package flow_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

func TestPreTokenGenerationHook(t *testing.T) {
	var seen []flow.PreTokenGenerationInput
	hook := func(_ context.Context, in flow.PreTokenGenerationInput) (*challenge.ClaimsShape, error) {
		seen = append(seen, in)
		if in.Username == "refused" {
			return nil, errors.New("no tokens for you")
		}
		return &challenge.ClaimsShape{IDClaimsToAdd: map[string]any{"tenant": "acme"}, IDClaimsToSuppress: []string{"email"},
			GroupsOverride: []string{"admins"}}, nil
	}
	e := flowtest.New(t, flowtest.Options{Seed: 60, Hooks: flow.Hooks{PreTokenGeneration: hook}})
	e.AddUser("abby", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "abby@example.com"})
	e.AddUser("refused", "Correct-horse1", flow.StatusConfirmed, nil)

	out, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "abby", "PASSWORD": "Correct-horse1"}, ClientMetadata: map[string]string{"k": "v"}})
	require.NoError(t, err)
	require.Len(t, seen, 1)
	assert.Equal(t, "Authentication", seen[0].Source)
	assert.Equal(t, map[string]string{"k": "v"}, seen[0].ClientMetadata)
	assert.Equal(t, "abby@example.com", seen[0].Attributes["email"])
	g := e.Issuer.Grants[0]
	require.NotNil(t, g.Shape)
	assert.Equal(t, map[string]any{"tenant": "acme"}, g.Shape.IDClaimsToAdd)
	assert.Equal(t, []string{"admins"}, g.Shape.GroupsOverride)

	_, err = e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowRefreshTokenAuth, ClientId: e.Client.ID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": out.AuthenticationResult.RefreshToken}})
	require.NoError(t, err)
	assert.Equal(t, "RefreshTokens", seen[1].Source)

	_, err = e.PasswordSignIn(ctx, "refused", "Correct-horse1")
	requireCode(t, err, challenge.ErrUserLambdaValidation, "PreTokenGeneration failed with error no tokens for you.")
}
