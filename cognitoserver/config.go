package cognitoserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/userpool"
)

// Config declares pools, app clients and users that the server creates at
// start (-config FILE). Member names follow Cognito's API, so a pool takes
// every member of CreateUserPool and a client every member of
// CreateUserPoolClient:
//
//	{
//	  "Pools": [{
//	    "Id": "us-east-1_Local1",
//	    "PoolName": "local",
//	    "Policies": {"PasswordPolicy": {"MinimumLength": 8}},
//	    "AutoVerifiedAttributes": ["email"],
//	    "MfaConfig": {"MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": {"Enabled": true}},
//	    "Clients": [{
//	      "ClientId": "localclient0000000000000001",
//	      "ClientName": "web",
//	      "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
//	    }, {
//	      "ClientId": "localbackend00000000000001",
//	      "ClientSecret": "a-fixed-secret",
//	      "ClientName": "backend",
//	      "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
//	    }],
//	    "Users": [
//	      {"Username": "alice", "Password": "Passw0rd!", "Attributes": {"email": "alice@example.com", "email_verified": "true"}},
//	      {"Username": "bob", "Password": "Temp0rary!", "Temporary": true}
//	    ]
//	  }]
//	}
//
// Applying a Config is idempotent. A pool is found by Id (or, without one,
// by PoolName) and created when missing, else its mutable settings are
// updated (as UpdateUserPool; UsernameAttributes, AliasAttributes and
// Schema only apply at creation). A client is found by ClientId (or
// ClientName) and created or updated the same way; a fixed ClientSecret is
// set. A user is created when missing and otherwise left alone, so
// passwords changed since are kept. Without a Password, the engine makes a
// temporary one and delivers the invitation (to the outbox).
type Config struct {
	Pools []PoolConfig `json:"Pools"`
	// CustomChallengeAnswer turns on the demo CUSTOM_AUTH hooks, as the
	// flag -custom-challenge-answer does (the flag wins).
	CustomChallengeAnswer string `json:"CustomChallengeAnswer,omitempty"`
	// LambdaEndpoint runs the pools' LambdaConfig triggers at this Lambda
	// Invoke API endpoint, as the flag -lambda-endpoint does (the flag wins).
	LambdaEndpoint string `json:"LambdaEndpoint,omitempty"`

	fromFile bool             // read by LoadConfig
	file     string           // its name, for errors
	data     []byte           // its text, for positions
	pos      map[string]int64 // the offset of each member, by path
}

// PoolConfig is one pool of a Config.
type PoolConfig struct {
	// Id fixes the pool ID ("<region>_<alphanumerics>"); empty lets the
	// server choose, the pool then being found by PoolName.
	Id string `json:"Id,omitempty"`
	challenge.CreateUserPoolInput
	// MfaConfig, when set, is applied with SetUserPoolMfaConfig.
	MfaConfig *challenge.UserPoolMfaConfig `json:"MfaConfig,omitempty"`
	Clients   []ClientConfig               `json:"Clients,omitempty"`
	Users     []UserConfig                 `json:"Users,omitempty"`
}

// ClientConfig is one app client of a pool.
type ClientConfig struct {
	challenge.UserPoolClientInput
	// ClientSecret fixes the client's secret (ClientId must be set too).
	ClientSecret string `json:"ClientSecret,omitempty"`
}

// UserConfig is one user of a pool.
type UserConfig struct {
	Username string `json:"Username"`
	// Password is the user's password; empty means a generated temporary
	// password, delivered as an invitation.
	Password string `json:"Password,omitempty"`
	// Temporary leaves the user in FORCE_CHANGE_PASSWORD, so the first
	// sign-in asks for a new password.
	Temporary  bool              `json:"Temporary,omitempty"`
	Attributes map[string]string `json:"Attributes,omitempty"`
}

// maxConfigBytes bounds a config file.
const maxConfigBytes = 4 << 20

// ConfigError is an error in a config file: where it is (1-based line and
// column of the member or value at fault, when known) and what is wrong.
type ConfigError struct {
	File      string // the file name ("" for ParseConfig's input)
	Line, Col int    // 0 when the position is unknown
	Path      string // the member, as in Pools[0].Clients[1]
	Err       error
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if b.Len() == 0 {
		b.WriteString("config")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ConfigError) Unwrap() error { return e.Err }

// LoadConfig reads and checks a Config file. Unknown members are errors,
// to catch typos; every error names the file, line and column.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > maxConfigBytes {
		return nil, &ConfigError{File: path, Err: fmt.Errorf("larger than %d bytes", maxConfigBytes)}
	}
	c, err := ParseConfig(data)
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			ce.File = path
		}
		return nil, err
	}
	c.fromFile = true
	c.file = path
	return c, nil
}

// ParseConfig parses and checks a Config: JSON syntax, unknown members,
// types, and the rules that need no server (IDs, names, duplicates). Its
// errors are *ConfigError values with a line and column.
func ParseConfig(data []byte) (*Config, error) {
	pos, err := scanPositions(data, reflect.TypeFor[Config]())
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		ce := &ConfigError{Err: err}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			// Name the member (its key) rather than the end of its value.
			ce.Line, ce.Col = lineCol(data, te.Offset)
			ce.Path = te.Field
			last := te.Field[strings.LastIndexByte(te.Field, '.')+1:]
			best := int64(-1)
			for path, off := range pos {
				if (path == last || strings.HasSuffix(path, "."+last)) && off < te.Offset && off > best {
					best, ce.Path = off, path
				}
			}
			if best >= 0 {
				ce.Line, ce.Col = lineCol(data, best)
			}
			ce.Err = fmt.Errorf("want %s, have a JSON %s", te.Type, te.Value)
		}
		return nil, ce
	}
	c.data, c.pos = data, pos
	if err := c.check(); err != nil {
		return nil, err
	}
	return &c, nil
}

// errAt returns an error at the member path of the config.
func (c *Config) errAt(path string, err error) error {
	ce := &ConfigError{File: c.file, Path: path, Err: err}
	if off, ok := c.pos[path]; ok {
		ce.Line, ce.Col = lineCol(c.data, off)
	}
	return ce
}

// check applies the rules that need no server to the whole config.
func (c *Config) check() error {
	poolIDs := map[string]bool{}
	clientIDs := map[string]bool{}
	for i := range c.Pools {
		pc := &c.Pools[i]
		at := fmt.Sprintf("Pools[%d]", i)
		switch {
		case pc.Id != "" && !validPoolID(pc.Id):
			return c.errAt(at+".Id", errors.New(`pool Id must look like "us-east-1_Name1" (region, "_", letters and digits)`))
		case pc.Id == "" && pc.PoolName == "":
			return c.errAt(at, errors.New("a pool needs an Id or a PoolName"))
		case pc.Id != "" && poolIDs[pc.Id]:
			return c.errAt(at+".Id", fmt.Errorf("pool %s is declared twice", pc.Id))
		}
		poolIDs[pc.Id] = pc.Id != ""
		for j := range pc.Clients {
			cc := &pc.Clients[j]
			at := fmt.Sprintf("Pools[%d].Clients[%d]", i, j)
			switch {
			case cc.ClientId != "" && !validClientID(cc.ClientId):
				return c.errAt(at+".ClientId", errors.New("ClientId may hold letters, digits and +-_ only (at most 128)"))
			case cc.ClientId != "" && clientIDs[cc.ClientId]:
				return c.errAt(at+".ClientId", fmt.Errorf("client %s is declared twice", cc.ClientId))
			case cc.ClientSecret != "" && cc.ClientId == "":
				return c.errAt(at+".ClientSecret", errors.New("a fixed ClientSecret needs a fixed ClientId"))
			case len(cc.ClientSecret) > 128 || strings.ContainsAny(cc.ClientSecret, " \t\r\n"):
				return c.errAt(at+".ClientSecret", errors.New("ClientSecret must be at most 128 characters without spaces"))
			case cc.ClientId == "" && cc.ClientName == "":
				return c.errAt(at, errors.New("a client needs a ClientId or a ClientName"))
			}
			if cc.ClientId != "" {
				clientIDs[cc.ClientId] = true
			}
		}
		users := map[string]bool{}
		for j := range pc.Users {
			uc := &pc.Users[j]
			at := fmt.Sprintf("Pools[%d].Users[%d]", i, j)
			switch {
			case uc.Username == "":
				return c.errAt(at, errors.New("a user needs a Username"))
			case users[uc.Username]:
				return c.errAt(at+".Username", fmt.Errorf("user %q is declared twice", uc.Username))
			}
			users[uc.Username] = true
		}
	}
	return nil
}

// Apply creates or updates everything c declares through the engine s,
// using cat directly only to give pools and clients their fixed IDs and
// secrets. It applies nothing when any part fails: the whole config is
// first applied to a throw-away memory server (which refuses what the
// engine would refuse: passwords against the policy, unknown attributes,
// auth flows), and checked against the existing pools and clients, before
// one pass on the real one. Secrets and passwords never appear in its
// errors or logs.
func (c *Config) Apply(ctx context.Context, s *userpool.Service, cat userpool.Catalog, log *slog.Logger) error {
	if err := c.check(); err != nil {
		return err
	}
	if err := c.checkAgainst(ctx, cat); err != nil {
		return err
	}
	trial, trialCat, err := trialServer()
	if err != nil {
		return err
	}
	dry := *c
	dry.Pools = clonePools(c.Pools)
	if err := dry.apply(ctx, trial, trialCat, slog.New(slog.DiscardHandler)); err != nil {
		return err
	}
	return c.apply(ctx, s, cat, log)
}

// checkAgainst refuses a config whose fixed client IDs belong to another
// pool of the server.
func (c *Config) checkAgainst(ctx context.Context, cat userpool.Catalog) error {
	for i := range c.Pools {
		pc := &c.Pools[i]
		for j := range pc.Clients {
			cc := &pc.Clients[j]
			if cc.ClientId == "" || pc.Id == "" {
				continue
			}
			existing, err := cat.Client(ctx, cc.ClientId)
			if err != nil {
				return err
			}
			if existing != nil && existing.PoolID != pc.Id {
				return c.errAt(fmt.Sprintf("Pools[%d].Clients[%d].ClientId", i, j), fmt.Errorf("ClientId is already used by pool %s", existing.PoolID))
			}
		}
	}
	return nil
}

// clonePools copies what apply changes (IDs and names it fills in).
func clonePools(p []PoolConfig) []PoolConfig {
	out := make([]PoolConfig, len(p))
	copy(out, p)
	for i := range out {
		out[i].Clients = append([]ClientConfig(nil), p[i].Clients...)
		out[i].Users = append([]UserConfig(nil), p[i].Users...)
	}
	return out
}

// trialServer is an engine on memory stores, for dry runs.
func trialServer() (*userpool.Service, userpool.Catalog, error) {
	mem := directory.NewMemory()
	issuer, err := token.New(token.Config{PoolKeys: token.NewPoolKeys(mem, nil), State: token.NewMemoryState(time.Now)})
	if err != nil {
		return nil, nil, err
	}
	s, err := userpool.New(userpool.Config{Directory: mem, Catalog: mem, Sessions: session.NewMemory(), Issuer: issuer,
		Sender: discardSender{}})
	if err != nil {
		return nil, nil, err
	}
	return s, mem, nil
}

// discardSender drops codes (dry runs).
type discardSender struct{}

func (discardSender) Send(context.Context, flow.Message) error { return nil }

// apply is one pass of Apply.
func (c *Config) apply(ctx context.Context, s *userpool.Service, cat userpool.Catalog, log *slog.Logger) error {
	for i := range c.Pools {
		pc := &c.Pools[i]
		id, err := pc.ensure(ctx, s, cat, log)
		if err != nil {
			return c.errAt(fmt.Sprintf("Pools[%d]", i), fmt.Errorf("pool %q: %w", pc.label(), err))
		}
		pc.Id = id
		for j := range pc.Clients {
			if err := pc.Clients[j].ensure(ctx, s, cat, id, log); err != nil {
				return c.errAt(fmt.Sprintf("Pools[%d].Clients[%d]", i, j), fmt.Errorf("client %q: %w", pc.Clients[j].label(), err))
			}
		}
		for j := range pc.Users {
			if err := pc.Users[j].ensure(ctx, s, id, log); err != nil {
				return c.errAt(fmt.Sprintf("Pools[%d].Users[%d]", i, j), fmt.Errorf("user %q: %w", pc.Users[j].Username, err))
			}
		}
	}
	return nil
}

func (pc *PoolConfig) label() string {
	if pc.Id != "" {
		return pc.Id
	}
	return pc.PoolName
}

// validID reports whether id is "<region>_<alphanumerics>".
func validPoolID(id string) bool {
	region, name, ok := strings.Cut(id, "_")
	if !ok || !validRegion(region) || name == "" || len(id) > 55 {
		return false
	}
	for _, ch := range name {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9') {
			return false
		}
	}
	return true
}

// ensure creates the pool or updates it, and returns its ID.
func (pc *PoolConfig) ensure(ctx context.Context, s *userpool.Service, cat userpool.Catalog, log *slog.Logger) (string, error) {
	if pc.Id != "" && !validPoolID(pc.Id) {
		return "", errors.New(`pool Id must look like "us-east-1_Name1" (region, "_", letters and digits)`)
	}
	if pc.PoolName == "" && pc.Id != "" {
		_, pc.PoolName, _ = strings.Cut(pc.Id, "_")
	}
	if pc.PoolName == "" {
		return "", errors.New("a pool needs an Id or a PoolName")
	}
	var existing *flow.Pool
	if pc.Id != "" {
		p, err := cat.Pool(ctx, pc.Id)
		if err != nil {
			return "", err
		}
		existing = p
	} else {
		pools, err := cat.Pools(ctx)
		if err != nil {
			return "", err
		}
		for _, p := range pools {
			if p.Name == pc.PoolName {
				if existing != nil {
					return "", errors.New("several pools have this name; give an Id")
				}
				existing = p
			}
		}
	}

	var id string
	if existing == nil {
		out, err := s.CreateUserPool(ctx, &pc.CreateUserPoolInput)
		if err != nil {
			return "", err
		}
		id = out.UserPool.Id
		if pc.Id != "" && pc.Id != id {
			if err := renamePool(ctx, cat, id, pc.Id); err != nil {
				return "", err
			}
			id = pc.Id
		}
		log.Info("config: pool created", "pool", id, "name", pc.PoolName)
	} else {
		id = existing.ID
		in := &pc.CreateUserPoolInput
		if _, err := s.UpdateUserPool(ctx, &challenge.UpdateUserPoolInput{UserPoolId: id, Policies: in.Policies,
			MfaConfiguration: in.MfaConfiguration, DeviceConfiguration: in.DeviceConfiguration,
			AutoVerifiedAttributes: in.AutoVerifiedAttributes, UserPoolTier: in.UserPoolTier,
			AdminCreateUserConfig: in.AdminCreateUserConfig, DeletionProtection: in.DeletionProtection,
			UserPoolAddOns: in.UserPoolAddOns, LambdaConfig: in.LambdaConfig,
			UserAttributeUpdateSettings: in.UserAttributeUpdateSettings}); err != nil {
			return "", err
		}
		log.Info("config: pool updated", "pool", id, "name", existing.Name)
	}
	if pc.MfaConfig != nil {
		m := *pc.MfaConfig
		m.UserPoolId = id
		if _, err := s.SetUserPoolMfaConfig(ctx, &m); err != nil {
			return "", err
		}
	}
	return id, nil
}

// renamePool moves a just-created, empty pool to a fixed ID.
func renamePool(ctx context.Context, cat userpool.Catalog, from, to string) error {
	p, err := cat.Pool(ctx, from)
	if err != nil {
		return err
	}
	if p == nil {
		return errors.New("the created pool vanished")
	}
	region, _, _ := strings.Cut(to, "_")
	p.ID = to
	p.Arn = "arn:aws:cognito-idp:" + region + ":000000000000:userpool/" + to
	if err := cat.PutPool(ctx, p); err != nil {
		return err
	}
	return cat.DeletePool(ctx, from)
}

func (cc *ClientConfig) label() string {
	if cc.ClientId != "" {
		return cc.ClientId
	}
	return cc.ClientName
}

// validClientID accepts Cognito-like client IDs: letters, digits and
// "+-_", at most 128 characters.
func validClientID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, ch := range id {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.ContainsRune("+-_", ch)) {
			return false
		}
	}
	return true
}

// ensure creates the client or updates it.
func (cc *ClientConfig) ensure(ctx context.Context, s *userpool.Service, cat userpool.Catalog, poolID string, log *slog.Logger) error {
	if cc.ClientId != "" && !validClientID(cc.ClientId) {
		return errors.New("ClientId may hold letters, digits and +-_ only (at most 128)")
	}
	if cc.ClientSecret != "" {
		if cc.ClientId == "" {
			return errors.New("a fixed ClientSecret needs a fixed ClientId")
		}
		if len(cc.ClientSecret) > 128 || strings.ContainsAny(cc.ClientSecret, " \t\r\n") {
			return errors.New("ClientSecret must be at most 128 characters without spaces")
		}
	}
	if cc.ClientName == "" {
		cc.ClientName = cc.ClientId
	}
	if cc.ClientName == "" {
		return errors.New("a client needs a ClientId or a ClientName")
	}
	var existing *flow.AppClient
	if cc.ClientId != "" {
		c, err := cat.Client(ctx, cc.ClientId)
		if err != nil {
			return err
		}
		if c != nil && c.PoolID != poolID {
			return fmt.Errorf("ClientId is already used by pool %s", c.PoolID)
		}
		existing = c
	} else {
		clients, err := cat.Clients(ctx, poolID)
		if err != nil {
			return err
		}
		for _, c := range clients {
			if c.Name == cc.ClientName {
				if existing != nil {
					return errors.New("several clients have this name; give a ClientId")
				}
				existing = c
			}
		}
	}

	in := cc.UserPoolClientInput
	in.UserPoolId = poolID
	var id string
	if existing == nil {
		in.ClientId = ""
		in.GenerateSecret = cc.GenerateSecret && cc.ClientSecret == ""
		out, err := s.CreateUserPoolClient(ctx, &in)
		if err != nil {
			return err
		}
		id = out.UserPoolClient.ClientId
		if cc.ClientId != "" {
			c, err := cat.Client(ctx, id)
			if err != nil {
				return err
			}
			if c == nil {
				return errors.New("the created client vanished")
			}
			c.ID = cc.ClientId
			if cc.ClientSecret != "" {
				c.Secret = cc.ClientSecret
			}
			if err := cat.PutClient(ctx, c); err != nil {
				return err
			}
			if err := cat.DeleteClient(ctx, id); err != nil {
				return err
			}
			id = cc.ClientId
		}
		log.Info("config: client created", "pool", poolID, "client_id", id, "name", cc.ClientName,
			"secret", cc.ClientSecret != "" || in.GenerateSecret)
		return nil
	}
	id = existing.ID
	in.ClientId = id
	if _, err := s.UpdateUserPoolClient(ctx, &in); err != nil {
		return err
	}
	if cc.ClientSecret != "" {
		c, err := cat.Client(ctx, id)
		if err != nil {
			return err
		}
		if c != nil && c.Secret != cc.ClientSecret {
			c.Secret = cc.ClientSecret
			if err := cat.PutClient(ctx, c); err != nil {
				return err
			}
		}
	}
	log.Info("config: client updated", "pool", poolID, "client_id", id, "name", cc.ClientName)
	return nil
}

// ensure creates the user when missing.
func (uc *UserConfig) ensure(ctx context.Context, s *userpool.Service, poolID string, log *slog.Logger) error {
	if uc.Username == "" {
		return errors.New("a user needs a Username")
	}
	_, err := s.AdminGetUser(ctx, &challenge.AdminUserInput{UserPoolId: poolID, Username: uc.Username})
	if err == nil {
		log.Info("config: user exists, left as it is", "pool", poolID, "username", uc.Username)
		return nil
	}
	if !errors.Is(err, challenge.ErrUserNotFound) {
		return err
	}
	var attrs []challenge.AttributeType
	for name, value := range uc.Attributes {
		attrs = append(attrs, challenge.AttributeType{Name: name, Value: value})
	}
	slices.SortFunc(attrs, func(a, b challenge.AttributeType) int { return strings.Compare(a.Name, b.Name) })
	in := &challenge.AdminCreateUserInput{UserPoolId: poolID, Username: uc.Username, UserAttributes: attrs,
		TemporaryPassword: uc.Password}
	if uc.Password != "" {
		in.MessageAction = "SUPPRESS"
	}
	if _, err := s.AdminCreateUser(ctx, in); err != nil {
		return err
	}
	if uc.Password != "" && !uc.Temporary {
		if _, err := s.AdminSetUserPassword(ctx, &challenge.AdminSetUserPasswordInput{UserPoolId: poolID,
			Username: uc.Username, Password: uc.Password, Permanent: true}); err != nil {
			return err
		}
	}
	log.Info("config: user created", "pool", poolID, "username", uc.Username, "temporary", uc.Temporary || uc.Password == "")
	return nil
}
