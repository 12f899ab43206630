package cognitohttp_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/cognitoclient"
	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/srp"
)

// The sign-in benchmarks measure whole sign-ins over loopback HTTP (the
// Client, JSON, the handler, the engine, memory stores, the fake issuer)
// beside the cryptography each sign-in cannot avoid, in one run, so the
// README can state HTTP throughput as a multiple of the crypto cost:
//
//	go test ./cognitohttp -run '^$' -bench 'SignIn|Crypto' -benchtime 2s
//
// Token signing is not included (flowtest's fake issuer); RS256 signing
// with package token adds two RSA-2048 signatures per sign-in.

const benchUsers = 16

// benchServer is an engine with benchUsers users behind a loopback server.
type benchServer struct {
	env    *flowtest.Env
	client *cognitoclient.Client
	names  []string
}

func newBenchServer(b *testing.B) *benchServer {
	env := flowtest.New(b, flowtest.Options{})
	bs := &benchServer{env: env}
	for i := range benchUsers {
		name := fmt.Sprintf("user%02d", i)
		env.AddUser(name, password, flow.StatusConfirmed, nil)
		bs.names = append(bs.names, name)
	}
	srv := httptest.NewServer(cognitohttp.NewHandler(env.Server, cognitohttp.Options{}))
	b.Cleanup(srv.Close)
	tr := &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64, IdleConnTimeout: time.Minute}
	b.Cleanup(tr.CloseIdleConnections)
	bs.client = cognitoclient.New(srv.URL, &http.Client{Transport: tr})
	return bs
}

func (bs *benchServer) passwordSignIn(ctx context.Context, user string) error {
	out, err := bs.client.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth,
		ClientId: flowtest.ClientID, AuthParameters: map[string]string{"USERNAME": user, "PASSWORD": password}})
	if err == nil && out.AuthenticationResult == nil {
		err = fmt.Errorf("no tokens: %s", out.ChallengeName)
	}
	return err
}

// srpSignIn does both round trips and the client's SRP work.
func (bs *benchServer) srpSignIn(ctx context.Context, user string) error {
	c, err := srp.NewClient(rand.Reader)
	if err != nil {
		return err
	}
	init, err := bs.client.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserSRPAuth,
		ClientId: flowtest.ClientID, AuthParameters: map[string]string{"USERNAME": user, "SRP_A": srp.HexInt(c.A())}})
	if err != nil {
		return err
	}
	resp, err := bs.env.PasswordVerifierResponse(c, init.ChallengeParameters, password)
	if err != nil {
		return err
	}
	out, err := bs.client.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.PasswordVerifier,
		ClientId: flowtest.ClientID, Session: init.Session, ChallengeResponses: resp})
	if err == nil && out.AuthenticationResult == nil {
		err = fmt.Errorf("no tokens: %s", out.ChallengeName)
	}
	return err
}

// concurrently runs b.N calls of fn on n workers, worker i signing in
// user i (so no two workers write the same user record).
func concurrently(b *testing.B, n int, names []string, fn func(context.Context, string) error) {
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	b.ResetTimer()
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				if err := fn(ctx, names[w%len(names)]); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if err := failed.Load(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signins/s")
}

// BenchmarkSignIn: whole sign-ins per second over loopback HTTP.
func BenchmarkSignIn(b *testing.B) {
	for _, flowName := range []string{"password", "srp"} {
		for _, n := range []int{1, 16} {
			b.Run(fmt.Sprintf("%s/concurrency=%d", flowName, n), func(b *testing.B) {
				bs := newBenchServer(b)
				fn := bs.passwordSignIn
				if flowName == "srp" {
					fn = bs.srpSignIn
				}
				if err := fn(context.Background(), bs.names[0]); err != nil { // warm up, and fail early
					b.Fatal(err)
				}
				concurrently(b, n, bs.names, fn)
			})
		}
	}
}

// BenchmarkCrypto: the cryptography one sign-in needs, without HTTP or the
// engine, at the same concurrencies: srp.CheckPassword for
// USER_PASSWORD_AUTH (the server recomputes the verifier); for
// USER_SRP_AUTH the server's ServerHandshake and VerifySignature plus the
// client's login (NewClient, SessionKey, Signature), since the SRP
// benchmark above does the client's work in the same process.
func BenchmarkCrypto(b *testing.B) {
	const pool, user = "TestPool1", "user00"
	salt, verifier, err := srp.NewPasswordVerifier(rand.Reader, pool, user, password)
	if err != nil {
		b.Fatal(err)
	}
	v := new(big.Int).SetBytes(verifier)
	saltInt := new(big.Int).SetBytes(salt)
	block := make([]byte, 1024)
	ts := srp.FormatTimestamp(time.Date(2026, 11, 3, 9, 5, 7, 0, time.UTC))
	names := []string{user}

	password1 := func(context.Context, string) error {
		if !srp.CheckPassword(salt, verifier, pool, user, password) {
			return fmt.Errorf("CheckPassword refused the password")
		}
		return nil
	}
	srp1 := func(context.Context, string) error {
		c, err := srp.NewClient(rand.Reader)
		if err != nil {
			return err
		}
		A, err := srp.ParseA(srp.HexInt(c.A()))
		if err != nil {
			return err
		}
		B, serverKey, err := srp.ServerHandshake(rand.Reader, A, v)
		if err != nil {
			return err
		}
		clientKey, err := c.SessionKey(pool, user, password, saltInt, B)
		if err != nil {
			return err
		}
		sig := srp.Signature(clientKey, pool, user, block, ts)
		if _, err := base64.StdEncoding.DecodeString(sig); err != nil {
			return err
		}
		return srp.VerifySignature(serverKey, pool, user, block, ts, sig)
	}
	for _, c := range []struct {
		name string
		fn   func(context.Context, string) error
	}{{"password", password1}, {"srp", srp1}} {
		for _, n := range []int{1, 16} {
			b.Run(fmt.Sprintf("%s/concurrency=%d", c.name, n), func(b *testing.B) {
				concurrently(b, n, names, c.fn)
			})
		}
	}
}
