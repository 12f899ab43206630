package userpool_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/srp"
	"github.com/authflow/authflow/userpool"
)

// An embedder wires the service from its ports, creates a pool, an app
// client and a user with the Cognito operations, and signs the user in with SRP as amazon-cognito-identity-js
// would.
func Example() {
	ctx := context.Background()
	clock := flowtest.NewClock(time.Time{})
	dir := directory.NewMemory()
	srv, err := userpool.New(userpool.Config{
		Directory: dir,
		Catalog:   dir,
		Sessions:  session.NewMemory(session.WithClock(clock.Now)),
		Issuer:    flowtest.NewIssuer(clock.Now), // token.Issuer in production
		Now:       clock.Now,
	})
	if err != nil {
		panic(err)
	}
	pool, _ := srv.CreateUserPool(ctx, &challenge.CreateUserPoolInput{PoolName: "shop"})
	poolID := pool.UserPool.Id
	app, _ := srv.CreateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: poolID, ClientName: "web"})
	clientID := app.UserPoolClient.ClientId
	srv.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: poolID, Username: "alice", MessageAction: "SUPPRESS"})
	srv.AdminSetUserPassword(ctx, &challenge.AdminSetUserPasswordInput{UserPoolId: poolID, Username: "alice",
		Password: "Correct-horse1", Permanent: true})

	// Client side: USER_SRP_AUTH, then the PASSWORD_VERIFIER claim.
	c, _ := srp.NewClient(rand.Reader)
	start, err := srv.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserSRPAuth, ClientId: clientID,
		AuthParameters: map[string]string{"USERNAME": "alice", "SRP_A": srp.HexInt(c.A())}})
	if err != nil {
		panic(err)
	}
	p := start.ChallengeParameters
	salt, _ := srp.ParseSalt(p["SALT"])
	B, _ := srp.ParseB(p["SRP_B"])
	key, _ := c.SessionKey(srp.PoolName(poolID), p["USER_ID_FOR_SRP"], "Correct-horse1", salt, B)
	secret, _ := base64.StdEncoding.DecodeString(p["SECRET_BLOCK"])
	ts := srp.FormatTimestamp(clock.Now())
	out, err := srv.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{
		ChallengeName: challenge.PasswordVerifier, ClientId: clientID, Session: start.Session,
		ChallengeResponses: map[string]string{
			"USERNAME": p["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "TIMESTAMP": ts,
			"PASSWORD_CLAIM_SIGNATURE": srp.Signature(key, srp.PoolName(poolID), p["USER_ID_FOR_SRP"], secret, ts),
		}})
	if err != nil {
		panic(err)
	}
	fmt.Println(start.ChallengeName, "->", out.AuthenticationResult.TokenType, out.AuthenticationResult.ExpiresIn)

	// The same session cannot be answered twice.
	_, err = srv.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{
		ChallengeName: challenge.PasswordVerifier, ClientId: clientID, Session: start.Session,
		ChallengeResponses: map[string]string{"USERNAME": "alice"}})
	fmt.Println(challenge.CodeOf(err), challenge.MessageOf(err))
	// Output:
	// PASSWORD_VERIFIER -> Bearer 3600
	// NotAuthorizedException Invalid session for the user.
}
