package cognitoclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/cognitoclient"
)

// A Client turns the server's exceptions into *challenge.Error values.
// Here a stand-in server refuses every sign-in as Cognito does.
func ExampleNew() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.Header.Get("X-Amz-Target"))
		w.Header().Set("Content-Type", cognitoclient.ContentType)
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"__type":"NotAuthorizedException","message":"Incorrect username or password."}`))
	}))
	defer srv.Close()

	svc := cognitoclient.New(srv.URL, nil) // or cognitoclient.RegionEndpoint("eu-west-1")
	_, err := svc.InitiateAuth(context.Background(), &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth,
		ClientId: "exampleclient", AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "wrong"}})
	fmt.Println(errors.Is(err, challenge.ErrNotAuthorized), challenge.MessageOf(err))
	// Output:
	// AWSCognitoIdentityProviderService.InitiateAuth
	// true Incorrect username or password.
}
