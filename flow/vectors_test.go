package flow_test

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/srp"
)

// The SRP vectors (amazon-cognito-identity-js 6.3.21, shared/vectors,
// copied to srp/testdata/vectors) replayed through the engine: the
// server's secret exponent and SECRET_BLOCK are fixed to the recorded
// ones, and the client's recorded requests must be accepted.

type vectorLogin struct {
	Name           string `json:"name"`
	UserPoolID     string `json:"user_pool_id"`
	PoolName       string `json:"pool_name"`
	Username       string `json:"username"`
	UserIDForSRP   string `json:"user_id_for_srp"`
	Password       string `json:"password"`
	SaltHexSent    string `json:"salt_hex_sent"`
	VerifierHex    string `json:"verifier_hex"`
	AHex           string `json:"A_hex"`
	BHex           string `json:"B_hex"`
	SmallBHex      string `json:"b_hex"`
	SecretBlock    string `json:"secret_block_b64"`
	Timestamp      string `json:"timestamp"`
	Signature      string `json:"password_claim_signature"`
	DeviceKey      string `json:"device_key"`
	DeviceGroupKey string `json:"device_group_key"`
	DeviceSRP      *vectorLogin
	ConfirmDevice  map[string]any  `json:"confirm_device"`
	DeviceSRPRaw   json.RawMessage `json:"device_srp"`
}

type vectorFile struct {
	UserSRP   []vectorLogin `json:"user_srp"`
	DeviceSRP []vectorLogin `json:"device_srp"`
}

// fixedSRP answers with the recorded b and SECRET_BLOCK.
type fixedSRP struct {
	b      *big.Int
	secret []byte
}

func (f fixedSRP) Handshake(_ []byte, A, v *big.Int) (*big.Int, []byte, error) {
	return srp.ServerHandshakeWithB(f.b, A, v)
}
func (f fixedSRP) SecretBlock([]byte) ([]byte, error) { return f.secret, nil }

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func loadVectors(t *testing.T) map[string]vectorFile {
	t.Helper()
	files, err := filepath.Glob("../srp/testdata/vectors/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out := map[string]vectorFile{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var v vectorFile
		require.NoError(t, json.Unmarshal(b, &v))
		out[filepath.Base(f)] = v
	}
	return out
}

func TestVectorsThroughEngine(t *testing.T) {
	for file, vf := range loadVectors(t) {
		for _, v := range vf.UserSRP {
			t.Run(file+"/"+v.Name, func(t *testing.T) {
				b, _ := new(big.Int).SetString(v.SmallBHex, 16)
				secret := mustBase64(t, v.SecretBlock)
				e := flowtest.New(t, flowtest.Options{Seed: 110, PoolID: v.UserPoolID, SRP: fixedSRP{b: b, secret: secret}})
				salt := srp.PadHex(new(big.Int).SetBytes(mustHex(t, v.SaltHexSent)))
				u := &flow.User{PoolID: e.Pool.ID, Username: v.UserIDForSRP, Sub: v.UserIDForSRP, Status: flow.StatusConfirmed,
					Enabled: true, Salt: salt, Verifier: mustHex(t, padEven(v.VerifierHex)), Attributes: map[string]string{}}
				if v.Username != v.UserIDForSRP {
					u.Attributes["email"], u.Attributes["email_verified"] = v.Username, "true"
					e.Pool.AliasAttributes = []string{"email"}
					require.NoError(t, e.Dir.PutPool(ctx, e.Pool))
				}
				require.NoError(t, e.Dir.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: u}))
				start, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserSRPAuth, ClientId: e.Client.ID,
					AuthParameters: map[string]string{"USERNAME": v.Username, "SRP_A": v.AHex}})
				require.NoError(t, err)
				p := start.ChallengeParameters
				assert.Equal(t, v.BHex, p["SRP_B"])
				assert.Equal(t, v.UserIDForSRP, p["USER_ID_FOR_SRP"])
				assert.Equal(t, v.SecretBlock, p["SECRET_BLOCK"])
				out, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.PasswordVerifier,
					ClientId: e.Client.ID, Session: start.Session, ChallengeResponses: map[string]string{
						"USERNAME": v.UserIDForSRP, "PASSWORD_CLAIM_SECRET_BLOCK": v.SecretBlock, "TIMESTAMP": v.Timestamp,
						"PASSWORD_CLAIM_SIGNATURE": v.Signature}})
				require.NoError(t, err)
				require.NotNil(t, out.AuthenticationResult, "the recorded claim signs the user in")
			})
		}
		for _, v := range vf.DeviceSRP {
			t.Run(file+"/"+v.Name, func(t *testing.T) { deviceVector(t, v) })
		}
	}
}

func deviceVector(t *testing.T, v vectorLogin) {
	var ds struct {
		SaltHexSent string `json:"salt_hex_sent"`
		AHex        string `json:"A_hex"`
		BHex        string `json:"B_hex"`
		SmallBHex   string `json:"b_hex"`
		SecretBlock string `json:"secret_block_b64"`
		Timestamp   string `json:"timestamp"`
		Signature   string `json:"password_claim_signature"`
	}
	require.NoError(t, json.Unmarshal(v.DeviceSRPRaw, &ds))
	verifierHex, _ := v.ConfirmDevice["verifier_hex"].(string)
	b, _ := new(big.Int).SetString(ds.SmallBHex, 16)
	e := flowtest.New(t, flowtest.Options{Seed: 111, PoolID: v.UserPoolID, SRP: fixedSRP{b: b, secret: mustBase64(t, ds.SecretBlock)},
		Pool: func(p *flow.Pool) { p.Devices = &flow.DeviceConfiguration{ChallengeRequiredOnNewDevice: true} }})
	e.AddUser(v.UserIDForSRP, "Correct-horse1", flow.StatusConfirmed, nil)
	u := e.User(v.UserIDForSRP)
	old := u.Version
	u.Devices = []flow.Device{{Key: v.DeviceKey, GroupKey: v.DeviceGroupKey, Salt: mustHex(t, ds.SaltHexSent),
		Verifier: srp.PadHex(new(big.Int).SetBytes(mustHex(t, padEven(verifierHex)))), Remembered: true}}
	require.NoError(t, e.Dir.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: old}))

	out, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": v.UserIDForSRP, "PASSWORD": "Correct-horse1", "DEVICE_KEY": v.DeviceKey}})
	require.NoError(t, err)
	require.Equal(t, challenge.DeviceSRPAuth, out.ChallengeName)
	dev, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.DeviceSRPAuth,
		ClientId: e.Client.ID, Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": v.UserIDForSRP, "DEVICE_KEY": v.DeviceKey, "SRP_A": ds.AHex}})
	require.NoError(t, err)
	require.Equal(t, challenge.DevicePasswordVerifier, dev.ChallengeName)
	assert.Equal(t, ds.BHex, dev.ChallengeParameters["SRP_B"])
	assert.Equal(t, ds.SaltHexSent, dev.ChallengeParameters["SALT"])
	assert.Equal(t, v.DeviceKey, dev.ChallengeParameters["DEVICE_KEY"])
	done, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.DevicePasswordVerifier,
		ClientId: e.Client.ID, Session: dev.Session, ChallengeResponses: map[string]string{"USERNAME": v.UserIDForSRP, "DEVICE_KEY": v.DeviceKey,
			"PASSWORD_CLAIM_SECRET_BLOCK": ds.SecretBlock, "TIMESTAMP": ds.Timestamp, "PASSWORD_CLAIM_SIGNATURE": ds.Signature}})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)
	assert.Nil(t, done.AuthenticationResult.NewDeviceMetadata, "a known device gets no new metadata")
	assert.Equal(t, v.DeviceKey, e.Issuer.Grants[0].DeviceKey, "the access token names the device")
}

func padEven(h string) string {
	if len(h)%2 == 1 {
		return "0" + h
	}
	return h
}

func mustBase64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}
