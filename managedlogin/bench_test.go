package managedlogin_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/authflow/authflow/client"
)

// BenchmarkSignInThroughPage is one code flow over HTTP: authorize, the
// login page's password POST (SRP computed by the page), the code
// exchange. Compare with BenchmarkSignInDirect, the same SRP sign-in
// through the service in process. Each iteration signs in a new user
// (the engine bounds the sign-ins of one user).
func BenchmarkSignInThroughPage(b *testing.B) {
	f := newFixture(b)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		name := fmt.Sprintf("bench%d", i)
		f.user(name)
		b.StartTimer()
		q := f.browser(b).signIn(nil, name)
		if status, _ := f.exchange(b, url.Values{"code": {q.Get("code")}, "redirect_uri": {f.callback}}); status != 200 {
			b.Fatal(status)
		}
	}
}

func BenchmarkSignInDirect(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		name := fmt.Sprintf("bench%d", i)
		f.user(name)
		b.StartTimer()
		_, err := client.Run(ctx, f.svc, client.NewSRPLogin(client.Config{ClientID: f.web.ClientId, PoolID: f.pool}, name, testPassword),
			func(client.Prompt) (client.Input, error) { return client.Input{}, errors.New("unexpected") })
		if err != nil {
			b.Fatal(err)
		}
	}
}
