package cognitohttp_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/directory/postgresdir"
	"github.com/authflow/authflow/directory/sqlitedir"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/internal/pgtest"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/userpool"
)

// The threat protection and tag operations through the real AWS SDK for
// Go, over every directory (memory, SQLite, PostgreSQL with
// AUTHFLOW_POSTGRES_DSN), across a restart of the server: what was
// recorded and configured before is listed after.

type eventsDir interface {
	userpool.Directory
	userpool.Catalog
}

// eventsBackend opens (and reopens, for a restart) one directory.
type eventsBackend struct {
	open  func(t *testing.T) eventsDir
	close func(d eventsDir)
}

func eventsBackends(t *testing.T) map[string]eventsBackend {
	mem := directory.NewMemory()
	file := filepath.Join(t.TempDir(), "events.db")
	closeSQL := func(d eventsDir) {
		if c, ok := d.(interface{ Close() error }); ok {
			_ = c.Close()
		}
	}
	backends := map[string]eventsBackend{
		"memory": {open: func(*testing.T) eventsDir { return mem }, close: func(eventsDir) {}},
		"sqlite": {open: func(t *testing.T) eventsDir {
			d, err := sqlitedir.Open(file)
			require.NoError(t, err)
			return d
		}, close: closeSQL},
	}
	if os.Getenv(pgtest.Env) != "" {
		dsn := pgtest.DSN(t)
		backends["postgres"] = eventsBackend{open: func(t *testing.T) eventsDir {
			d, err := postgresdir.Open(dsn)
			require.NoError(t, err)
			return d
		}, close: closeSQL}
	}
	return backends
}

// eventsServer is one run of the server over a directory.
type eventsServer struct {
	svc *userpool.Service
	api *cip.Client
	dir eventsDir
}

func startEventsServer(t *testing.T, b eventsBackend, clock *flowtest.Clock) *eventsServer {
	t.Helper()
	d := b.open(t)
	svc, err := userpool.New(userpool.Config{Directory: d, Catalog: d, Sessions: session.NewMemory(session.WithClock(clock.Now)),
		Issuer: token.NewMemoryIssuer(), Now: clock.Now, DecoyKey: []byte("events sdk test key, shared by nodes")})
	require.NoError(t, err)
	srv := httptest.NewServer(cognitohttp.NewHandler(svc, cognitohttp.Options{Credentials: map[string]string{"AKID": "SECRET"}}))
	t.Cleanup(srv.Close)
	return &eventsServer{svc: svc, api: newSDK(srv.URL, "AKID", "SECRET"), dir: d}
}

// jwtClaim reads one claim of a token's payload.
func jwtClaim(t *testing.T, jwt, name string) any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	require.Len(t, parts, 3)
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var c map[string]any
	require.NoError(t, json.Unmarshal(raw, &c))
	return c[name]
}

func TestSDKAuthEventsRiskAndTags(t *testing.T) {
	for name, b := range eventsBackends(t) {
		t.Run(name, func(t *testing.T) { sdkEventsScenario(t, b) })
	}
}

func sdkEventsScenario(t *testing.T, b eventsBackend) {
	ctx := context.Background()
	clock := flowtest.NewClock(time.Time{})
	s := startEventsServer(t, b, clock)

	created, err := s.api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("threats"),
		UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit},
		UserPoolTags:   map[string]string{"team": "identity"}})
	require.NoError(t, err)
	pool, arn := aws.ToString(created.UserPool.Id), aws.ToString(created.UserPool.Arn)
	assert.Equal(t, map[string]string{"team": "identity"}, created.UserPool.UserPoolTags)
	client, err := s.api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(pool), ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	require.NoError(t, err)
	clientID := aws.ToString(client.UserPoolClient.ClientId)
	_, err = s.api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String("ana"),
		MessageAction: types.MessageActionTypeSuppress})
	require.NoError(t, err)
	_, err = s.api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(pool), Username: aws.String("ana"),
		Password: aws.String("Correct-horse1"), Permanent: true})
	require.NoError(t, err)

	// Three sign-ins: a public one with UserContextData, a wrong password,
	// an administrator's with ContextData.
	signIn, err := s.api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(clientID),
		AuthParameters:  map[string]string{"USERNAME": "ana", "PASSWORD": "Correct-horse1"},
		UserContextData: &types.UserContextDataType{IpAddress: aws.String("198.51.100.7"), EncodedData: aws.String("fingerprint")}})
	require.NoError(t, err)
	eventID := jwtClaim(t, aws.ToString(signIn.AuthenticationResult.IdToken), "event_id")
	assert.Equal(t, eventID, jwtClaim(t, aws.ToString(signIn.AuthenticationResult.AccessToken), "event_id"))
	clock.Advance(time.Second)
	_, err = s.api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(clientID),
		AuthParameters: map[string]string{"USERNAME": "ana", "PASSWORD": "Wrong-horse1"}})
	requireAPIError[*types.NotAuthorizedException](t, err)
	clock.Advance(time.Second)
	_, err = s.api.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
		UserPoolId: aws.String(pool), ClientId: aws.String(clientID),
		AuthParameters: map[string]string{"USERNAME": "ana", "PASSWORD": "Correct-horse1"},
		ContextData: &types.ContextDataType{IpAddress: aws.String("2001:db8::7"), ServerName: aws.String("app.example"),
			ServerPath: aws.String("/login"), HttpHeaders: []types.HttpHeader{{HeaderName: aws.String("User-Agent"), HeaderValue: aws.String("curl/8.5.0")}}}})
	require.NoError(t, err)

	// Risk configuration and tags, then a restart.
	_, err = s.api.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String(pool),
		CompromisedCredentialsRiskConfiguration: &types.CompromisedCredentialsRiskConfigurationType{
			Actions:     &types.CompromisedCredentialsActionsType{EventAction: types.CompromisedCredentialsEventActionTypeBlock},
			EventFilter: []types.EventFilterType{types.EventFilterTypeSignIn}},
		RiskExceptionConfiguration: &types.RiskExceptionConfigurationType{BlockedIPRangeList: []string{"192.0.2.0/24"}}})
	require.NoError(t, err)
	_, err = s.api.TagResource(ctx, &cip.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"env": "dev"}})
	require.NoError(t, err)
	b.close(s.dir)
	s = startEventsServer(t, b, clock)
	t.Cleanup(func() { b.close(s.dir) })

	events, err := s.api.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: aws.String(pool), Username: aws.String("ana")})
	require.NoError(t, err)
	require.Len(t, events.AuthEvents, 3)
	admin, wrong, public := events.AuthEvents[0], events.AuthEvents[1], events.AuthEvents[2]
	assert.Equal(t, eventID, aws.ToString(public.EventId), "the tokens' event_id is the event")
	assert.Equal(t, types.EventTypeSignIn, public.EventType)
	assert.Equal(t, types.EventResponseTypePass, public.EventResponse)
	assert.Equal(t, []types.ChallengeResponseType{{ChallengeName: types.ChallengeNamePassword, ChallengeResponse: types.ChallengeResponseSuccess}}, public.ChallengeResponses)
	require.NotNil(t, public.EventContextData)
	assert.Equal(t, "198.51.100.7", aws.ToString(public.EventContextData.IpAddress))
	require.NotNil(t, public.EventRisk)
	assert.Equal(t, types.RiskDecisionTypeNoRisk, public.EventRisk.RiskDecision)
	assert.Equal(t, types.RiskLevelTypeLow, public.EventRisk.RiskLevel)
	assert.False(t, aws.ToBool(public.EventRisk.CompromisedCredentialsDetected))
	assert.WithinDuration(t, clock.Now().Add(-2*time.Second), aws.ToTime(public.CreationDate), time.Second)
	assert.Equal(t, types.EventResponseTypeFail, wrong.EventResponse)
	assert.Equal(t, types.ChallengeResponseFailure, wrong.ChallengeResponses[0].ChallengeResponse)
	assert.Equal(t, "2001:db8::7", aws.ToString(admin.EventContextData.IpAddress))
	assert.Equal(t, "curl/8.5.0", aws.ToString(admin.EventContextData.DeviceName))

	// The SDK's paginator walks the same list in pages of one.
	var paged []string
	pager := cip.NewAdminListUserAuthEventsPaginator(s.api, &cip.AdminListUserAuthEventsInput{UserPoolId: aws.String(pool),
		Username: aws.String("ana"), MaxResults: aws.Int32(1)})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		require.NoError(t, err)
		for _, e := range page.AuthEvents {
			paged = append(paged, aws.ToString(e.EventId))
		}
	}
	assert.Equal(t, []string{aws.ToString(admin.EventId), aws.ToString(wrong.EventId), aws.ToString(public.EventId)}, paged)

	// Feedback: the administrator's, then the user's with its token.
	_, err = s.api.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: aws.String(pool),
		Username: aws.String("ana"), EventId: wrong.EventId, FeedbackValue: types.FeedbackValueTypeInvalid})
	require.NoError(t, err)
	_, err = s.api.UpdateAuthEventFeedback(ctx, &cip.UpdateAuthEventFeedbackInput{UserPoolId: aws.String(pool), Username: aws.String("ana"),
		EventId: public.EventId, FeedbackToken: aws.String("guessed"), FeedbackValue: types.FeedbackValueTypeValid})
	requireAPIError[*types.NotAuthorizedException](t, err)
	_, err = s.api.UpdateAuthEventFeedback(ctx, &cip.UpdateAuthEventFeedbackInput{UserPoolId: aws.String(pool), Username: aws.String("ana"),
		EventId: public.EventId, FeedbackToken: aws.String(s.svc.FeedbackToken(pool, aws.ToString(public.EventId))),
		FeedbackValue: types.FeedbackValueTypeValid})
	require.NoError(t, err)
	events, err = s.api.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: aws.String(pool), Username: aws.String("ana")})
	require.NoError(t, err)
	require.NotNil(t, events.AuthEvents[1].EventFeedback)
	assert.Equal(t, types.FeedbackValueTypeInvalid, events.AuthEvents[1].EventFeedback.FeedbackValue)
	assert.Equal(t, "Admin", aws.ToString(events.AuthEvents[1].EventFeedback.Provider))
	require.NotNil(t, events.AuthEvents[2].EventFeedback)
	assert.Equal(t, types.FeedbackValueTypeValid, events.AuthEvents[2].EventFeedback.FeedbackValue)
	assert.Nil(t, events.AuthEvents[0].EventFeedback)

	// What was configured before the restart.
	risk, err := s.api.DescribeRiskConfiguration(ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: aws.String(pool)})
	require.NoError(t, err)
	assert.Equal(t, types.CompromisedCredentialsEventActionTypeBlock, risk.RiskConfiguration.CompromisedCredentialsRiskConfiguration.Actions.EventAction)
	assert.Equal(t, []string{"192.0.2.0/24"}, risk.RiskConfiguration.RiskExceptionConfiguration.BlockedIPRangeList)
	assert.Nil(t, risk.RiskConfiguration.AccountTakeoverRiskConfiguration)
	tags, err := s.api.ListTagsForResource(ctx, &cip.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "identity", "env": "dev"}, tags.Tags)
	_, err = s.api.UntagResource(ctx, &cip.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"team"}})
	require.NoError(t, err)
	described, err := s.api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool)})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"env": "dev"}, described.UserPool.UserPoolTags)

	// Typed errors.
	_, err = s.api.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String(pool),
		RiskExceptionConfiguration: &types.RiskExceptionConfigurationType{SkippedIPRangeList: []string{"not-a-range"}}})
	requireAPIError[*types.InvalidParameterException](t, err)
	_, err = s.api.ListTagsForResource(ctx, &cip.ListTagsForResourceInput{ResourceArn: aws.String(strings.Replace(arn, pool, "us-east-1_Gone", 1))})
	requireAPIError[*types.ResourceNotFoundException](t, err)
	_, err = s.api.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: aws.String(pool), Username: aws.String("bob")})
	requireAPIError[*types.UserNotFoundException](t, err)
	plain, err := s.api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("plain")})
	require.NoError(t, err)
	_, err = s.api.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: plain.UserPool.Id, Username: aws.String("ana")})
	requireAPIError[*types.UserPoolAddOnNotEnabledException](t, err)
	_, err = s.api.DescribeRiskConfiguration(ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: plain.UserPool.Id})
	requireAPIError[*types.UserPoolAddOnNotEnabledException](t, err)
}
