package token_test

import (
	"context"
	"fmt"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
)

// An issuer that needs nothing: each pool gets its own key in memory the
// first time it issues.
func ExampleNewMemoryIssuer() {
	ctx := context.Background()
	iss := token.NewMemoryIssuer()
	res, err := iss.Issue(ctx, challenge.TokenGrant{PoolID: "us-east-1_Example", ClientID: "exampleclient",
		Username: "alice", Sub: "8c4f1a2e-3b5d-4e6f-9a0b-1c2d3e4f5a6b", AuthTime: time.Now()})
	if err != nil {
		panic(err)
	}
	claims, err := iss.VerifyAccess(ctx, res.AccessToken)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.TokenType, res.ExpiresIn, claims.PoolID, claims.Username)
	// Output: Bearer 3600 us-east-1_Example alice
}
