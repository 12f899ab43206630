package cognitoserver

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/template"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/userpool"
)

// Dev mode (-dev): memory only (unless -data or -postgres is given), one
// ready pool, app client and user with fixed IDs (or the pools of -config),
// tokens from a local issuer (iss is this server, so they verify offline
// against its JWKS), the outbox on when listening on loopback, and a
// banner on stdout with everything a client needs.

// Fixed IDs of the dev pool and client (the region prefix follows -region).
const (
	devPoolSuffix   = "_authflowDev"
	devClientID     = "authflowdevclient000000001"
	devUser         = "alice"
	devPassword     = "Passw0rd!"
	devCodeDigits   = 6
	devClientName   = "dev-web"
	devPoolNameName = "authflow-dev"
)

// devOptions are the -dev flags.
type devOptions struct {
	on                               bool
	poolID, clientID, user, password string
	email, code                      string
	passwordGiven                    bool
	memory                           bool
	given                            []string
}

func (d *devOptions) register(fs *flag.FlagSet) {
	fs.BoolVar(&d.on, "dev", false, "dev mode: memory only (unless -data/-postgres), a ready pool, client and user, local issuer, outbox on loopback; prints the client configuration")
	fs.StringVar(&d.poolID, "dev-pool-id", "", "dev mode: the pool `ID` (default <region>"+devPoolSuffix+")")
	fs.StringVar(&d.clientID, "dev-client-id", devClientID, "dev mode: the app client `ID` (no secret)")
	fs.StringVar(&d.user, "dev-user", devUser, "dev mode: the `username` of the ready user (CONFIRMED, email verified)")
	fs.StringVar(&d.password, "dev-password", devPassword, "dev mode: the ready user's `password`")
	fs.StringVar(&d.email, "dev-email", "", "dev mode: the ready user's `email` (default <user>@example.com)")
	fs.StringVar(&d.code, "dev-code", "", "dev mode: also accept `DIGITS` (6) for every emailed or SMS code, for end-to-end tests (never beyond tests)")
}

// check validates the dev flags against the rest.
func (d *devOptions) check(o *options) error {
	for _, name := range []string{"dev-pool-id", "dev-client-id", "dev-user", "dev-password", "dev-email", "dev-code"} {
		if o.set[name] {
			d.given = append(d.given, name)
		}
	}
	d.passwordGiven = o.set["dev-password"]
	if !d.on {
		if len(d.given) > 0 {
			return fmt.Errorf("-%s needs -dev", d.given[0])
		}
		return nil
	}
	if o.config != "" {
		for _, name := range d.given {
			if name != "dev-code" {
				return fmt.Errorf("-%s and -config: the config file declares the pools, clients and users", name)
			}
		}
	}
	if d.poolID == "" {
		d.poolID = o.region + devPoolSuffix
	}
	if !validPoolID(d.poolID) {
		return fmt.Errorf(`-dev-pool-id must look like "us-east-1_Name1" (region, "_", letters and digits)`)
	}
	if !validClientID(d.clientID) {
		return errors.New("-dev-client-id may hold letters, digits and +-_ only (at most 128)")
	}
	if d.user == "" || d.password == "" {
		return errors.New("-dev-user and -dev-password must not be empty")
	}
	if d.email == "" {
		d.email = d.user + "@example.com"
	}
	if d.code != "" {
		if len(d.code) != devCodeDigits || strings.Trim(d.code, "0123456789") != "" {
			return fmt.Errorf("-dev-code must be %d digits", devCodeDigits)
		}
	}
	return nil
}

// config is the Config of the dev pool, client and user.
func (d *devOptions) config(region string) *Config {
	_ = region
	return &Config{file: "the -dev flags", Pools: []PoolConfig{{
		Id: d.poolID,
		CreateUserPoolInput: challenge.CreateUserPoolInput{
			PoolName:               devPoolNameName,
			AutoVerifiedAttributes: []string{"email"},
		},
		MfaConfig: &challenge.UserPoolMfaConfig{MfaConfiguration: "OPTIONAL",
			SoftwareTokenMfaConfiguration: &challenge.SoftwareTokenMfaConfigType{Enabled: true}},
		Clients: []ClientConfig{{UserPoolClientInput: challenge.UserPoolClientInput{
			ClientId:   d.clientID,
			ClientName: devClientName,
			ExplicitAuthFlows: []string{challenge.ExplicitAllowUserSRPAuth, challenge.ExplicitAllowUserPasswordAuth,
				challenge.ExplicitAllowRefreshTokenAuth, challenge.ExplicitAllowUserAuth},
		}}},
		Users: []UserConfig{{Username: d.user, Password: d.password,
			Attributes: map[string]string{"email": d.email, "email_verified": "true"}}},
	}}}
}

// devBanner is what dev mode prints once the server is ready.
type devBanner struct {
	cfg                        *Config
	catalog                    userpool.Catalog
	publicURL, region, code    string
	outbox, admin, localIssuer bool
	dev                        *devOptions
}

var bannerTemplate = template.Must(template.New("banner").Parse(`
authflow dev mode{{if .Memory}}: memory only, everything is gone when it stops{{end}}

  endpoint     {{.Endpoint}}
  region       {{.Region}}
  user pool    {{.Pool}}
  app client   {{.Client}} (no secret)
{{- if .User}}
  user         {{.User}}{{if .Password}} / {{.Password}}{{end}} (confirmed, email verified)
{{- end}}
  issuer       {{.Issuer}}
  jwks         {{.Endpoint}}/{{.Pool}}/.well-known/jwks.json
{{- if .Outbox}}
  outbox       {{.Endpoint}}/local/outbox?pool={{.Pool}}&username={{.UserQuery}}
{{- else}}
  outbox       off: one-time codes are dropped (give -outbox)
{{- end}}
{{- if .Admin}}
  admin page   {{.Endpoint}}/
{{- end}}
{{- if .Code}}
  codes        every emailed or SMS code is also accepted as {{.Code}} (-dev-code)
{{- end}}

Amplify v6:

  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: "{{.Pool}}",
        userPoolClientId: "{{.Client}}",
        userPoolEndpoint: "{{.Endpoint}}",
      },
    },
  });

amazon-cognito-identity-js:

  const pool = new CognitoUserPool({
    UserPoolId: "{{.Pool}}",
    ClientId: "{{.Client}}",
    endpoint: "{{.Endpoint}}",
  });

A sign-in from the terminal:

  authflow login -endpoint {{.Endpoint}} -pool {{.Pool}} -client-id {{.Client}}{{if .User}} -username {{.User}}{{end}}

AWS CLI and SDKs (any credentials are accepted unless -credentials is given):

  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws cognito-idp list-users \
    --endpoint-url {{.Endpoint}} --region {{.Region}} --user-pool-id {{.Pool}}

`))

// printDevBanner writes the dev banner: the first pool of the config and
// its first app client without a secret.
func printDevBanner(ctx context.Context, w io.Writer, b devBanner) {
	var pool, client, user, password string
	if len(b.cfg.Pools) > 0 {
		pc := b.cfg.Pools[0]
		pool = pc.Id
		for _, cc := range pc.Clients {
			if cc.ClientSecret == "" && !cc.GenerateSecret {
				client = cc.ClientId
				break
			}
		}
		if len(pc.Users) > 0 {
			user = pc.Users[0].Username
			password = pc.Users[0].Password
		}
	}
	if client == "" && pool != "" {
		if cs, err := b.catalog.Clients(ctx, pool); err == nil {
			for _, c := range cs {
				if c.Secret == "" {
					client = c.ID
					break
				}
			}
		}
	}
	// Print only the built-in password; one given on the command line or
	// in a config file is the operator's to remember.
	if b.dev == nil || b.dev.passwordGiven || b.cfg.fromFile {
		password = ""
	}
	issuer := "https://cognito-idp." + b.region + ".amazonaws.com/" + pool
	if b.localIssuer {
		issuer = b.publicURL + "/" + pool
	}
	_ = bannerTemplate.Execute(w, map[string]any{
		"Memory": b.dev != nil && b.dev.memory, "Endpoint": b.publicURL, "Region": b.region,
		"Pool": pool, "Client": client, "User": user, "Password": password, "UserQuery": url.QueryEscape(user),
		"Issuer": issuer, "Outbox": b.outbox, "Admin": b.admin, "Code": b.code,
	})
}
