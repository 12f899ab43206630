package cognitoserver

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConfigErrorsNamePosition: every kind of config error names the file,
// line and column of the member at fault.
func TestConfigErrorsNamePosition(t *testing.T) {
	for _, tc := range []struct {
		name, text    string
		line, col     int
		path, message string
	}{
		{"syntax", "{\"Pools\": [\n  {\"Id\": \"us-east-1_A1\",}\n]}", 2, 25, "", "invalid character '}'"},
		{"unknown member", "{\"Pools\": [{\n  \"Id\": \"us-east-1_A1\",\n    \"PoolNmae\": \"x\"\n}]}", 3, 5, "Pools[0]", `unknown member "PoolNmae" (did you mean "PoolName"?)`},
		{"unknown nested member", "{\"Pools\": [{\"Id\": \"us-east-1_A1\", \"Clients\": [\n {\"ClientName\": \"w\", \"Secret\": \"s\"}]}]}", 2, 22, "Pools[0].Clients[0]", `unknown member "Secret"`},
		{"type", "{\"Pools\": [{\"Id\": \"us-east-1_A1\",\n \"AutoVerifiedAttributes\": \"email\"}]}", 2, 2, "Pools[0].AutoVerifiedAttributes", "want []string, have a JSON string"},
		{"rule", "{\"Pools\": [\n {\"Id\": \"us-east-1_A1\"},\n {\"PoolName\": \"b\",\n  \"Id\": \"bad id\"}]}", 4, 3, "Pools[1].Id", "pool Id must look like"},
		{"duplicate user", "{\"Pools\": [{\"Id\": \"us-east-1_A1\", \"Users\": [\n{\"Username\": \"a\"},\n{\"Username\": \"a\"}]}]}", 3, 2, "Pools[0].Users[1].Username", `user "a" is declared twice`},
		{"truncated", "{\"Pools\": [{\"Id\": \"us-east-1_A1\"", 1, 33, "", "unexpected end"},
		{"two values", "{}\n{}", 2, 1, "", "more than one JSON value"},
		{"é counts as one column", "{\"Pools\": [{\"PoolName\": \"é\", \"Nope\": 1}]}", 1, 30, "Pools[0]", `unknown member "Nope"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "pools.json")
			require.NoError(t, os.WriteFile(path, []byte(tc.text), 0o600))
			_, err := LoadConfig(path)
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, path, ce.File)
			assert.Equal(t, [2]int{tc.line, tc.col}, [2]int{ce.Line, ce.Col}, "line and column: %v", err)
			assert.Equal(t, tc.path, ce.Path)
			assert.Contains(t, err.Error(), tc.message)
			assert.Regexp(t, `^.*pools\.json:\d+:\d+: `, err.Error())
		})
	}
}

// TestConfigAppliesNothingOnError: a config whose second pool fails (a
// password its policy refuses, which only the engine knows) creates
// nothing, not even the first pool; the error names the user's position.
func TestConfigAppliesNothingOnError(t *testing.T) {
	text := `{"Pools": [
  {"Id": "us-east-1_Good1", "Clients": [{"ClientId": "goodclient0000000000000001", "ClientName": "web"}],
   "Users": [{"Username": "alice", "Password": "Passw0rd!"}]},
  {"Id": "us-east-1_Bad1", "Policies": {"PasswordPolicy": {"MinimumLength": 12}},
   "Users": [{"Username": "bob", "Password": "Short-1a"}]}
]}`
	cfg, err := ParseConfig([]byte(text))
	require.NoError(t, err)
	s, cat, err := trialServer()
	require.NoError(t, err)
	err = cfg.Apply(context.Background(), s, cat, slog.New(slog.DiscardHandler))
	var ce *ConfigError
	require.ErrorAs(t, err, &ce, "%v", err)
	assert.Equal(t, "Pools[1].Users[0]", ce.Path)
	assert.Equal(t, [2]int{5, 14}, [2]int{ce.Line, ce.Col})
	assert.NotContains(t, err.Error(), "Short-1a")
	pools, err := cat.Pools(context.Background())
	require.NoError(t, err)
	assert.Empty(t, pools, "nothing applied")
	c, err := cat.Client(context.Background(), "goodclient0000000000000001")
	require.NoError(t, err)
	assert.Nil(t, c)

	// The same config without the bad user applies whole.
	cfg, err = ParseConfig([]byte(text[:len(text)-len(`,
   "Users": [{"Username": "bob", "Password": "Short-1a"}]}
]}`)] + "}]}"))
	require.NoError(t, err)
	require.NoError(t, cfg.Apply(context.Background(), s, cat, slog.New(slog.DiscardHandler)))
	pools, err = cat.Pools(context.Background())
	require.NoError(t, err)
	assert.Len(t, pools, 2)
}

// TestConfigClientOfAnotherPool: a fixed ClientId that another pool owns
// is refused before anything is applied.
func TestConfigClientOfAnotherPool(t *testing.T) {
	ctx := context.Background()
	s, cat, err := trialServer()
	require.NoError(t, err)
	first, err := ParseConfig([]byte(`{"Pools": [{"Id": "us-east-1_One1", "Clients": [{"ClientId": "sharedclient01", "ClientName": "w"}]}]}`))
	require.NoError(t, err)
	require.NoError(t, first.Apply(ctx, s, cat, slog.New(slog.DiscardHandler)))
	second, err := ParseConfig([]byte("{\"Pools\": [{\"Id\": \"us-east-1_Two1\",\n \"Clients\": [{\"ClientId\": \"sharedclient01\"}]}]}"))
	require.NoError(t, err)
	err = second.Apply(ctx, s, cat, slog.New(slog.DiscardHandler))
	assert.ErrorContains(t, err, "config:2:15: Pools[0].Clients[0].ClientId: ClientId is already used by pool us-east-1_One1")
	p, err := cat.Pool(ctx, "us-east-1_Two1")
	require.NoError(t, err)
	assert.Nil(t, p)
	assert.False(t, errors.Is(err, context.Canceled))
}
