package cognitoserver

import (
	"fmt"
	"net/url"

	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/lambdatrigger"
	"github.com/authflow/authflow/userpool"
)

// redactedURL is s without the password of its user information, for logs.
func redactedURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return u.Redacted()
}

// lambdaHooks builds the hooks that run the pools' Lambda triggers at
// -lambda-endpoint; goHooks (the demo custom auth) stay for pools without
// custom-auth functions.
func lambdaHooks(o *options, db store, goHooks flow.Hooks) (flow.Hooks, userpool.Hooks, error) {
	u, err := url.Parse(o.lambdaEndpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return flow.Hooks{}, userpool.Hooks{}, fmt.Errorf("-lambda-endpoint %q: want an http:// or https:// URL", o.lambdaEndpoint)
	}
	client := lambdatrigger.NewClient(o.lambdaEndpoint, lambdatrigger.ClientOptions{Region: o.region, ByName: o.lambdaByName})
	t, err := lambdatrigger.New(lambdatrigger.Config{Catalog: db, Directory: db, Invoker: client, Hooks: goHooks})
	if err != nil {
		return flow.Hooks{}, userpool.Hooks{}, err
	}
	return t.FlowHooks(), t.UserHooks(), nil
}
