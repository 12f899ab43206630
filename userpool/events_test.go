package userpool_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/userpool"
)

const eventsPassword = "Correct-horse1"

func threatEnv(t *testing.T, mode string) *flowtest.Env {
	t.Helper()
	e := flowtest.New(t, flowtest.Options{Seed: 31, Pool: func(p *flow.Pool) { p.AdvancedSecurityMode = mode }})
	e.AddUser("ana", eventsPassword, flow.StatusConfirmed, map[string]string{"email": "ana@example.com", "email_verified": "true"})
	return e
}

func listEvents(t *testing.T, e *flowtest.Env, max int, next string) *challenge.AdminListUserAuthEventsOutput {
	t.Helper()
	out, err := e.Server.AdminListUserAuthEvents(ctx, &challenge.AdminListUserAuthEventsInput{UserPoolId: e.Pool.ID, Username: "ana",
		MaxResults: max, NextToken: next})
	require.NoError(t, err)
	return out
}

// TestAdminListUserAuthEvents: sign-ins are listed newest first with
// their outcome, factors, context and a fixed NoRisk evaluation; pages
// follow NextToken to the end.
func TestAdminListUserAuthEvents(t *testing.T) {
	e := threatEnv(t, "AUDIT")
	_, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: e.Client.ID,
		AuthParameters:  map[string]string{"USERNAME": "ana", "PASSWORD": "Wrong-horse1"},
		UserContextData: &challenge.UserContextData{IpAddress: "203.0.113.9"}})
	require.Error(t, err)
	for range 4 {
		e.Clock.Advance(time.Second)
		_, err := e.PasswordSignIn(ctx, "ana", eventsPassword)
		require.NoError(t, err)
	}

	all := listEvents(t, e, 0, "")
	require.Len(t, all.AuthEvents, 5)
	assert.Empty(t, all.NextToken)
	first := all.AuthEvents[4]
	assert.Equal(t, challenge.EventResponseFail, first.EventResponse)
	assert.Equal(t, challenge.EventTypeSignIn, first.EventType)
	assert.Equal(t, []challenge.ChallengeResponseType{{ChallengeName: "Password", ChallengeResponse: "Failure"}}, first.ChallengeResponses)
	require.NotNil(t, first.EventContextData)
	assert.Equal(t, "203.0.113.9", first.EventContextData.IpAddress)
	assert.Equal(t, &challenge.EventRiskType{RiskDecision: "NoRisk", RiskLevel: "Low"}, first.EventRisk)
	assert.Nil(t, first.EventFeedback)
	assert.Equal(t, challenge.EventResponsePass, all.AuthEvents[0].EventResponse)
	assert.Nil(t, all.AuthEvents[0].EventContextData, "no context given")
	for i := 1; i < 5; i++ {
		assert.True(t, all.AuthEvents[i-1].CreationDate.After(all.AuthEvents[i].CreationDate.Time), "newest first")
	}

	// Pages of two.
	var ids []string
	next := ""
	for page := 0; ; page++ {
		require.Less(t, page, 5)
		out := listEvents(t, e, 2, next)
		for _, ev := range out.AuthEvents {
			ids = append(ids, ev.EventId)
		}
		if next = out.NextToken; next == "" {
			break
		}
		assert.Len(t, out.AuthEvents, 2)
	}
	var want []string
	for _, ev := range all.AuthEvents {
		want = append(want, ev.EventId)
	}
	assert.Equal(t, want, ids)
}

// TestAuthEventErrors: the exceptions errors.md lists, with threat
// protection off answering UserPoolAddOnNotEnabledException.
func TestAuthEventErrors(t *testing.T) {
	off := threatEnv(t, "OFF")
	_, err := off.PasswordSignIn(ctx, "ana", eventsPassword)
	require.NoError(t, err)
	_, err = off.Server.AdminListUserAuthEvents(ctx, &challenge.AdminListUserAuthEventsInput{UserPoolId: off.Pool.ID, Username: "ana"})
	requireCode(t, err, challenge.ErrUserPoolAddOnNotEnabled, "")
	_, err = off.Server.AdminUpdateAuthEventFeedback(ctx, &challenge.AdminUpdateAuthEventFeedbackInput{UserPoolId: off.Pool.ID,
		Username: "ana", EventId: "x", FeedbackValue: "Valid"})
	requireCode(t, err, challenge.ErrUserPoolAddOnNotEnabled, "")

	e := threatEnv(t, "ENFORCED")
	cases := []struct {
		name string
		in   challenge.AdminListUserAuthEventsInput
		code challenge.Code
	}{
		{"no pool", challenge.AdminListUserAuthEventsInput{UserPoolId: "us-east-1_nope", Username: "ana"}, challenge.ErrResourceNotFound},
		{"no user", challenge.AdminListUserAuthEventsInput{UserPoolId: e.Pool.ID, Username: "bob"}, challenge.ErrUserNotFound},
		{"missing user", challenge.AdminListUserAuthEventsInput{UserPoolId: e.Pool.ID}, challenge.ErrInvalidParameter},
		{"too many", challenge.AdminListUserAuthEventsInput{UserPoolId: e.Pool.ID, Username: "ana", MaxResults: 61}, challenge.ErrInvalidParameter},
		{"negative", challenge.AdminListUserAuthEventsInput{UserPoolId: e.Pool.ID, Username: "ana", MaxResults: -1}, challenge.ErrInvalidParameter},
		{"bad token", challenge.AdminListUserAuthEventsInput{UserPoolId: e.Pool.ID, Username: "ana", NextToken: "nope"}, challenge.ErrInvalidParameter},
	}
	for _, c := range cases {
		_, err := e.Server.AdminListUserAuthEvents(ctx, &c.in)
		requireCode(t, err, c.code, "")
	}
	for _, in := range []challenge.AdminUpdateAuthEventFeedbackInput{
		{UserPoolId: e.Pool.ID, Username: "ana", EventId: "e1", FeedbackValue: "valid"},
		{UserPoolId: e.Pool.ID, Username: "ana", EventId: "", FeedbackValue: "Valid"},
		{UserPoolId: e.Pool.ID, Username: "ana", EventId: "a b", FeedbackValue: "Valid"},
		{UserPoolId: e.Pool.ID, Username: "ana", EventId: strings.Repeat("a", 51), FeedbackValue: "Valid"},
	} {
		_, err := e.Server.AdminUpdateAuthEventFeedback(ctx, &in)
		requireCode(t, err, challenge.ErrInvalidParameter, "")
	}
	_, err = e.Server.AdminUpdateAuthEventFeedback(ctx, &challenge.AdminUpdateAuthEventFeedbackInput{UserPoolId: e.Pool.ID,
		Username: "ana", EventId: "0f8fad5b-d9cb-469f-a165-70867728950e", FeedbackValue: "Valid"})
	requireCode(t, err, challenge.ErrResourceNotFound, "Auth event not found.")
}

// TestAuthEventFeedback: an administrator's and a user's feedback (with
// the event's token) are recorded on the event.
func TestAuthEventFeedback(t *testing.T) {
	e := threatEnv(t, "AUDIT")
	_, err := e.PasswordSignIn(ctx, "ana", eventsPassword)
	require.NoError(t, err)
	id := listEvents(t, e, 0, "").AuthEvents[0].EventId

	e.Clock.Advance(time.Minute)
	_, err = e.Server.AdminUpdateAuthEventFeedback(ctx, &challenge.AdminUpdateAuthEventFeedbackInput{UserPoolId: e.Pool.ID,
		Username: "ana", EventId: id, FeedbackValue: challenge.FeedbackInvalid})
	require.NoError(t, err)
	ev := listEvents(t, e, 0, "").AuthEvents[0]
	require.NotNil(t, ev.EventFeedback)
	assert.Equal(t, challenge.EventFeedbackType{FeedbackValue: "Invalid", Provider: userpool.FeedbackProviderAdmin,
		FeedbackDate: challenge.At(e.Clock.Now())}, *ev.EventFeedback)

	e.Clock.Advance(time.Minute)
	_, err = e.Server.UpdateAuthEventFeedback(ctx, &challenge.UpdateAuthEventFeedbackInput{UserPoolId: e.Pool.ID, Username: "ana",
		EventId: id, FeedbackToken: e.Server.FeedbackToken(e.Pool.ID, id), FeedbackValue: challenge.FeedbackValid})
	require.NoError(t, err)
	ev = listEvents(t, e, 0, "").AuthEvents[0]
	assert.Equal(t, challenge.EventFeedbackType{FeedbackValue: "Valid", Provider: userpool.FeedbackProviderUser,
		FeedbackDate: challenge.At(e.Clock.Now())}, *ev.EventFeedback)
	assert.Equal(t, challenge.EventResponsePass, ev.EventResponse, "feedback leaves the event as it was")
}

// TestAttackAuthEventFeedbackToken: UpdateAuthEventFeedback, a public
// unauthenticated operation, is refused without the event's own feedback
// token: a wrong one, one of another event, of another pool, or a token
// with a changed character. The refusal comes before the user is looked
// up, so it tells nothing of who exists; and the token of one event
// cannot be computed from another's (an HMAC under the service's key).
func TestAttackAuthEventFeedbackToken(t *testing.T) {
	e := threatEnv(t, "AUDIT")
	for range 2 {
		_, err := e.PasswordSignIn(ctx, "ana", eventsPassword)
		require.NoError(t, err)
	}
	events := listEvents(t, e, 0, "").AuthEvents
	id, other := events[0].EventId, events[1].EventId
	good := e.Server.FeedbackToken(e.Pool.ID, id)
	require.NotEqual(t, good, e.Server.FeedbackToken(e.Pool.ID, other))
	require.NotEqual(t, good, e.Server.FeedbackToken("us-east-1_other", id))
	flipped := []byte(good)
	flipped[10] ^= 1
	for name, token := range map[string]string{
		"wrong":         "not-the-token",
		"other event":   e.Server.FeedbackToken(e.Pool.ID, other),
		"other pool":    e.Server.FeedbackToken("us-east-1_other", id),
		"one bit":       string(flipped),
		"event id":      id,
		"prefix":        good[:20],
		"with trailing": good + "A",
		"huge":          strings.Repeat("A", 5000),
	} {
		for _, user := range []string{"ana", "nobody"} {
			_, err := e.Server.UpdateAuthEventFeedback(ctx, &challenge.UpdateAuthEventFeedbackInput{UserPoolId: e.Pool.ID, Username: user,
				EventId: id, FeedbackToken: token, FeedbackValue: challenge.FeedbackInvalid})
			require.Error(t, err, name)
			requireCode(t, err, challenge.ErrNotAuthorized, "Invalid feedback token.")
		}
	}
	for _, ev := range listEvents(t, e, 0, "").AuthEvents {
		assert.Nil(t, ev.EventFeedback, "no refused attempt left feedback")
	}
	// The right token works, and only for its event.
	_, err := e.Server.UpdateAuthEventFeedback(ctx, &challenge.UpdateAuthEventFeedbackInput{UserPoolId: e.Pool.ID, Username: "ana",
		EventId: id, FeedbackToken: good, FeedbackValue: challenge.FeedbackInvalid})
	require.NoError(t, err)
	// A key shared by nodes gives the same tokens; another key others.
	same := flowtest.New(t, flowtest.Options{Seed: 99})
	assert.Equal(t, good, same.Server.FeedbackToken(e.Pool.ID, id), "the key is Config.DecoyKey, shared by nodes")
}

func riskInput(pool string) *challenge.SetRiskConfigurationInput {
	return &challenge.SetRiskConfigurationInput{UserPoolId: pool,
		AccountTakeoverRiskConfiguration: &challenge.AccountTakeoverRiskConfigurationType{
			Actions: &challenge.AccountTakeoverActionsType{
				HighAction:   &challenge.AccountTakeoverActionType{EventAction: "BLOCK", Notify: true},
				MediumAction: &challenge.AccountTakeoverActionType{EventAction: "MFA_REQUIRED"},
				LowAction:    &challenge.AccountTakeoverActionType{EventAction: "NO_ACTION"}},
			NotifyConfiguration: &challenge.NotifyConfigurationType{SourceArn: "arn:aws:ses:us-east-1:123456789012:identity/support@example.com",
				From: "support@example.com", BlockEmail: &challenge.NotifyEmailType{Subject: "Blocked", TextBody: "We blocked a sign-in."}}},
		CompromisedCredentialsRiskConfiguration: &challenge.CompromisedCredentialsRiskConfigurationType{
			Actions: &challenge.CompromisedCredentialsActionsType{EventAction: "BLOCK"}, EventFilter: []string{"SIGN_IN", "SIGN_UP"}},
		RiskExceptionConfiguration: &challenge.RiskExceptionConfigurationType{BlockedIPRangeList: []string{"192.0.2.0/24"},
			SkippedIPRangeList: []string{"2001:db8::/32", "10.0.0.1/32"}},
	}
}

// TestRiskConfiguration: a pool's and a client's configurations are kept
// as given and described; the client falls back to the pool's; all three
// left out deletes.
func TestRiskConfiguration(t *testing.T) {
	e := threatEnv(t, "AUDIT")
	in := riskInput(e.Pool.ID)
	out, err := e.Server.SetRiskConfiguration(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, e.Pool.ID, out.RiskConfiguration.UserPoolId)
	assert.Equal(t, in.AccountTakeoverRiskConfiguration, out.RiskConfiguration.AccountTakeoverRiskConfiguration)
	assert.Equal(t, challenge.At(e.Clock.Now()), out.RiskConfiguration.LastModifiedDate)

	got, err := e.Server.DescribeRiskConfiguration(ctx, &challenge.DescribeRiskConfigurationInput{UserPoolId: e.Pool.ID})
	require.NoError(t, err)
	assert.Equal(t, out.RiskConfiguration, got.RiskConfiguration)
	assert.Equal(t, in.RiskExceptionConfiguration, got.RiskConfiguration.RiskExceptionConfiguration)
	assert.Equal(t, in.CompromisedCredentialsRiskConfiguration, got.RiskConfiguration.CompromisedCredentialsRiskConfiguration)

	// The client has none of its own: the pool's.
	got, err = e.Server.DescribeRiskConfiguration(ctx, &challenge.DescribeRiskConfigurationInput{UserPoolId: e.Pool.ID, ClientId: e.Client.ID})
	require.NoError(t, err)
	assert.Empty(t, got.RiskConfiguration.ClientId)
	assert.Equal(t, in.AccountTakeoverRiskConfiguration, got.RiskConfiguration.AccountTakeoverRiskConfiguration)

	// Its own.
	_, err = e.Server.SetRiskConfiguration(ctx, &challenge.SetRiskConfigurationInput{UserPoolId: e.Pool.ID, ClientId: e.Client.ID,
		RiskExceptionConfiguration: &challenge.RiskExceptionConfigurationType{SkippedIPRangeList: []string{"198.51.100.0/24"}}})
	require.NoError(t, err)
	got, err = e.Server.DescribeRiskConfiguration(ctx, &challenge.DescribeRiskConfigurationInput{UserPoolId: e.Pool.ID, ClientId: e.Client.ID})
	require.NoError(t, err)
	assert.Equal(t, e.Client.ID, got.RiskConfiguration.ClientId)
	assert.Nil(t, got.RiskConfiguration.AccountTakeoverRiskConfiguration)
	assert.Equal(t, []string{"198.51.100.0/24"}, got.RiskConfiguration.RiskExceptionConfiguration.SkippedIPRangeList)

	// Deleting the pool's.
	_, err = e.Server.SetRiskConfiguration(ctx, &challenge.SetRiskConfigurationInput{UserPoolId: e.Pool.ID})
	require.NoError(t, err)
	got, err = e.Server.DescribeRiskConfiguration(ctx, &challenge.DescribeRiskConfigurationInput{UserPoolId: e.Pool.ID})
	require.NoError(t, err)
	assert.Equal(t, challenge.RiskConfigurationType{UserPoolId: e.Pool.ID}, got.RiskConfiguration)

	// Nothing acts on it: a sign-in from a "blocked" range passes.
	_, err = e.Server.SetRiskConfiguration(ctx, in)
	require.NoError(t, err)
	_, err = e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: e.Client.ID,
		AuthParameters:  map[string]string{"USERNAME": "ana", "PASSWORD": eventsPassword},
		UserContextData: &challenge.UserContextData{IpAddress: "192.0.2.5"}})
	require.NoError(t, err)
}

// TestRiskConfigurationValidation: enums, required members, lengths and
// IP ranges are checked as the API reference states; unknown pools and
// clients, and pools without threat protection, are refused.
func TestRiskConfigurationValidation(t *testing.T) {
	e := threatEnv(t, "AUDIT")
	bad := map[string]func(in *challenge.SetRiskConfigurationInput){
		"takeover action": func(in *challenge.SetRiskConfigurationInput) {
			in.AccountTakeoverRiskConfiguration.Actions.LowAction.EventAction = "ALLOW"
		},
		"takeover action missing": func(in *challenge.SetRiskConfigurationInput) {
			in.AccountTakeoverRiskConfiguration.Actions.LowAction.EventAction = ""
		},
		"takeover actions missing": func(in *challenge.SetRiskConfigurationInput) { in.AccountTakeoverRiskConfiguration.Actions = nil },
		"notify without configuration": func(in *challenge.SetRiskConfigurationInput) {
			in.AccountTakeoverRiskConfiguration.NotifyConfiguration = nil
		},
		"source arn": func(in *challenge.SetRiskConfigurationInput) {
			in.AccountTakeoverRiskConfiguration.NotifyConfiguration.SourceArn = "not an arn"
		},
		"source arn missing": func(in *challenge.SetRiskConfigurationInput) {
			in.AccountTakeoverRiskConfiguration.NotifyConfiguration.SourceArn = ""
		},
		"subject missing": func(in *challenge.SetRiskConfigurationInput) {
			in.AccountTakeoverRiskConfiguration.NotifyConfiguration.BlockEmail.Subject = ""
		},
		"subject long": func(in *challenge.SetRiskConfigurationInput) {
			in.AccountTakeoverRiskConfiguration.NotifyConfiguration.BlockEmail.Subject = strings.Repeat("s", 141)
		},
		"body short": func(in *challenge.SetRiskConfigurationInput) {
			in.AccountTakeoverRiskConfiguration.NotifyConfiguration.BlockEmail.TextBody = "hi"
		},
		"compromised action": func(in *challenge.SetRiskConfigurationInput) {
			in.CompromisedCredentialsRiskConfiguration.Actions.EventAction = "MFA_REQUIRED"
		},
		"compromised actions missing": func(in *challenge.SetRiskConfigurationInput) {
			in.CompromisedCredentialsRiskConfiguration.Actions = nil
		},
		"event filter": func(in *challenge.SetRiskConfigurationInput) {
			in.CompromisedCredentialsRiskConfiguration.EventFilter = []string{"SIGN_OUT"}
		},
		"event filter twice": func(in *challenge.SetRiskConfigurationInput) {
			in.CompromisedCredentialsRiskConfiguration.EventFilter = []string{"SIGN_IN", "SIGN_IN"}
		},
		"ip range": func(in *challenge.SetRiskConfigurationInput) {
			in.RiskExceptionConfiguration.BlockedIPRangeList = []string{"192.0.2.0"}
		},
		"ip range garbage": func(in *challenge.SetRiskConfigurationInput) {
			in.RiskExceptionConfiguration.SkippedIPRangeList = []string{"10.0.0.0/33"}
		},
		"too many ranges": func(in *challenge.SetRiskConfigurationInput) {
			for i := range 201 {
				in.RiskExceptionConfiguration.BlockedIPRangeList = append(in.RiskExceptionConfiguration.BlockedIPRangeList, fmt.Sprintf("10.0.%d.%d/32", i/256, i%256))
			}
		},
	}
	for name, mutate := range bad {
		in := riskInput(e.Pool.ID)
		mutate(in)
		_, err := e.Server.SetRiskConfiguration(ctx, in)
		require.Error(t, err, name)
		assert.Equal(t, challenge.ErrInvalidParameter, challenge.CodeOf(err), name)
	}
	got, err := e.Server.DescribeRiskConfiguration(ctx, &challenge.DescribeRiskConfigurationInput{UserPoolId: e.Pool.ID})
	require.NoError(t, err)
	assert.Nil(t, got.RiskConfiguration.AccountTakeoverRiskConfiguration, "nothing half-applied")

	in := riskInput("us-east-1_nope")
	_, err = e.Server.SetRiskConfiguration(ctx, in)
	requireCode(t, err, challenge.ErrResourceNotFound, "")
	in = riskInput(e.Pool.ID)
	in.ClientId = "nosuchclient"
	_, err = e.Server.SetRiskConfiguration(ctx, in)
	requireCode(t, err, challenge.ErrResourceNotFound, "")
	_, err = e.Server.DescribeRiskConfiguration(ctx, &challenge.DescribeRiskConfigurationInput{UserPoolId: e.Pool.ID, ClientId: "nosuchclient"})
	requireCode(t, err, challenge.ErrResourceNotFound, "")

	off := threatEnv(t, "OFF")
	_, err = off.Server.SetRiskConfiguration(ctx, riskInput(off.Pool.ID))
	requireCode(t, err, challenge.ErrUserPoolAddOnNotEnabled, "")
	_, err = off.Server.DescribeRiskConfiguration(ctx, &challenge.DescribeRiskConfigurationInput{UserPoolId: off.Pool.ID})
	requireCode(t, err, challenge.ErrUserPoolAddOnNotEnabled, "")
}

// TestTags: CreateUserPool's tags, TagResource, UntagResource and
// ListTagsForResource on a pool's ARN, with AWS's limits.
func TestTags(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 32})
	created, err := e.Server.CreateUserPool(ctx, &challenge.CreateUserPoolInput{PoolName: "tagged",
		UserPoolTags: map[string]string{"team": "blue", "env": "dev"}})
	require.NoError(t, err)
	arn, id := created.UserPool.Arn, created.UserPool.Id
	assert.Equal(t, map[string]string{"team": "blue", "env": "dev"}, created.UserPool.UserPoolTags)
	desc, err := e.Server.DescribeUserPool(ctx, &challenge.UserPoolIdInput{UserPoolId: id})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "blue", "env": "dev"}, desc.UserPool.UserPoolTags)

	list := func() map[string]string {
		out, err := e.Server.ListTagsForResource(ctx, &challenge.ResourceArnInput{ResourceArn: arn})
		require.NoError(t, err)
		return out.Tags
	}
	_, err = e.Server.TagResource(ctx, &challenge.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"team": "red", "cost-center": ""}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "red", "env": "dev", "cost-center": ""}, list())
	_, err = e.Server.UntagResource(ctx, &challenge.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"env", "absent"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "red", "cost-center": ""}, list())
	_, err = e.Server.UntagResource(ctx, &challenge.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"team", "cost-center"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{}, list())

	// 50 tags, not 51.
	many := map[string]string{}
	for i := range userpool.MaxTagsPerPool {
		many[fmt.Sprintf("k%02d", i)] = "v"
	}
	_, err = e.Server.TagResource(ctx, &challenge.TagResourceInput{ResourceArn: arn, Tags: many})
	require.NoError(t, err)
	_, err = e.Server.TagResource(ctx, &challenge.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"one-more": "v"}})
	requireCode(t, err, challenge.ErrInvalidParameter, "A user pool can have at most 50 tags.")
	_, err = e.Server.TagResource(ctx, &challenge.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"k00": "replaced"}})
	require.NoError(t, err, "replacing a tag does not add one")
	assert.Len(t, list(), 50)

	for name, tags := range map[string]map[string]string{
		"empty key":  {"": "v"},
		"long key":   {strings.Repeat("k", 129): "v"},
		"long value": {"k": strings.Repeat("v", 257)},
		"aws prefix": {"aws:cloudformation:stack-name": "v"},
		"bad char":   {"k;": "v"},
	} {
		_, err := e.Server.CreateUserPool(ctx, &challenge.CreateUserPoolInput{PoolName: "bad", UserPoolTags: tags})
		assert.Equal(t, challenge.ErrInvalidParameter, challenge.CodeOf(err), name)
	}
	_, err = e.Server.TagResource(ctx, &challenge.TagResourceInput{ResourceArn: arn, Tags: map[string]string{strings.Repeat("k", 128): strings.Repeat("v", 256)}})
	requireCode(t, err, challenge.ErrInvalidParameter, "A user pool can have at most 50 tags.")

	for _, bad := range []string{"", "arn:aws:cognito-idp:us-east-1:000000000000:identitypool/x", "not-an-arn-at-all-really"} {
		_, err := e.Server.ListTagsForResource(ctx, &challenge.ResourceArnInput{ResourceArn: bad})
		requireCode(t, err, challenge.ErrInvalidParameter, "")
	}
	unknown := strings.Replace(arn, id, "us-east-1_Unknown1", 1)
	_, err = e.Server.TagResource(ctx, &challenge.TagResourceInput{ResourceArn: unknown, Tags: map[string]string{"a": "b"}})
	requireCode(t, err, challenge.ErrResourceNotFound, "Resource "+unknown+" does not exist.")
	_, err = e.Server.ListTagsForResource(ctx, &challenge.ResourceArnInput{ResourceArn: strings.Replace(arn, "000000000000", "111111111111", 1)})
	requireCode(t, err, challenge.ErrResourceNotFound, "")
	_, err = e.Server.UntagResource(ctx, &challenge.UntagResourceInput{ResourceArn: unknown, TagKeys: []string{"a"}})
	requireCode(t, err, challenge.ErrResourceNotFound, "")
}

// TestSelfServiceEvents: SignUp, ResendConfirmationCode, ForgotPassword
// and ChangePassword each record an event in a pool with threat
// protection, and none without.
func TestSelfServiceEvents(t *testing.T) {
	for _, mode := range []string{"AUDIT", "OFF"} {
		e := flowtest.New(t, flowtest.Options{Seed: 33, Pool: func(p *flow.Pool) {
			p.AdvancedSecurityMode = mode
			p.AutoVerifiedAttributes = []string{"email"}
		}})
		_, err := e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: e.Client.ID, Username: "ana", Password: eventsPassword,
			UserAttributes: []challenge.AttributeType{{Name: "email", Value: "ana@example.com"}}})
		require.NoError(t, err)
		e.Clock.Advance(time.Second)
		_, err = e.Server.ResendConfirmationCode(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: "ana"})
		require.NoError(t, err)
		msg, ok := e.Outbox.Last("ana", "SIGN_UP")
		require.True(t, ok)
		_, err = e.Server.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: e.Client.ID, Username: "ana", ConfirmationCode: msg.Code})
		require.NoError(t, err)
		e.Clock.Advance(time.Second)
		_, err = e.Server.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: "ana"})
		require.NoError(t, err)
		e.Clock.Advance(time.Second)
		signIn, err := e.PasswordSignIn(ctx, "ana", eventsPassword)
		require.NoError(t, err)
		e.Clock.Advance(time.Second)
		_, err = e.Server.ChangePassword(ctx, &challenge.ChangePasswordInput{AccessToken: signIn.AuthenticationResult.AccessToken,
			PreviousPassword: eventsPassword, ProposedPassword: "Another-horse2"})
		require.NoError(t, err)

		if mode == "OFF" {
			assert.Empty(t, e.User("ana").AuthEvents)
			continue
		}
		var types []string
		for _, ev := range listEvents(t, e, 0, "").AuthEvents {
			types = append(types, ev.EventType)
			assert.Equal(t, challenge.EventResponsePass, ev.EventResponse, ev.EventType)
		}
		assert.Equal(t, []string{challenge.EventTypePasswordChange, challenge.EventTypeSignIn, challenge.EventTypeForgotPassword,
			challenge.EventTypeResendCode, challenge.EventTypeSignUp}, types)
	}
}
