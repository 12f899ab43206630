package client_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/client"
	"github.com/authflow/authflow/flow/flowtest"
)

// FuzzNext feeds arbitrary server answers (challenge name, parameters as
// "key=value" lines, available challenges) to each kind of Login and
// answers any prompt: nothing panics, errors are the client's own, and
// every request answers the pending challenge with a USERNAME.
func FuzzNext(f *testing.F) {
	f.Add(uint8(0), "PASSWORD_VERIFIER", "SALT=ab\nSRP_B=02\nSECRET_BLOCK=AAAA\nUSER_ID_FOR_SRP=u", "", "x")
	f.Add(uint8(1), "NEW_PASSWORD_REQUIRED", "requiredAttributes=[\"userAttributes.name\"]\nuserAttributes={\"email\":\"a@b\",\"n\":1}", "", "pw")
	f.Add(uint8(1), "SELECT_MFA_TYPE", "MFAS_CAN_CHOOSE=[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]", "", "SMS_MFA")
	f.Add(uint8(1), "MFA_SETUP", "MFAS_CAN_SETUP=[\"SOFTWARE_TOKEN_MFA\"]", "", "")
	f.Add(uint8(2), "SELECT_CHALLENGE", "", "PASSWORD,PASSWORD_SRP,EMAIL_OTP", "PASSWORD_SRP")
	f.Add(uint8(3), "CUSTOM_CHALLENGE", "question=?", "", "42")
	f.Add(uint8(0), "DEVICE_SRP_AUTH", "DEVICE_KEY=k\nUSERNAME=u", "", "")
	f.Add(uint8(2), "WEB_AUTHN", "CREDENTIAL_REQUEST_OPTIONS={}", "", "{\"id\":\"x\"}")
	f.Add(uint8(2), "SELECT_CHALLENGE", "CREDENTIAL_REQUEST_OPTIONS={}", "WEB_AUTHN", "WEB_AUTHN")
	f.Add(uint8(2), "PASSWORD", "", "", "pw")
	f.Add(uint8(2), "PASSWORD_SRP", "", "", "")
	f.Add(uint8(1), "MFA_SETUP", "MFAS_CAN_SETUP=[\"EMAIL_OTP\"]", "", "a@b.c")
	f.Add(uint8(0), "DEVICE_PASSWORD_VERIFIER", "SALT=zz\nSRP_B=00\nSECRET_BLOCK=!", "", "")
	f.Fuzz(func(t *testing.T, kind uint8, name, params, available, value string) {
		cfg := client.Config{ClientID: "c", ClientSecret: "s", PoolID: "us-east-1_P", Rand: flowtest.Rand(uint64(kind)),
			Now:    func() time.Time { return time.Unix(1795313211, 0) },
			Device: &client.DeviceSecret{Key: "k", GroupKey: "g", Password: "p"}}
		var l *client.Login
		switch kind % 4 {
		case 0:
			l = client.NewSRPLogin(cfg, "u", "pw")
		case 1:
			l = client.NewPasswordLogin(cfg, "u", "pw")
		case 2:
			l = client.NewUserAuthLogin(cfg, "u", "", "")
		default:
			l = client.NewCustomLogin(cfg, "u", "")
		}
		if _, err := l.Start(); err != nil {
			t.Fatal(err)
		}
		r := client.Reply{ChallengeName: challenge.Name(name), Session: "s", ChallengeParameters: map[string]string{}}
		for line := range strings.SplitSeq(params, "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				r.ChallengeParameters[k] = v
			}
		}
		if available != "" {
			for n := range strings.SplitSeq(available, ",") {
				r.AvailableChallenges = append(r.AvailableChallenges, challenge.Name(n))
			}
		}
		p, req, err := l.Next(r)
		for step := 0; step < 3 && err == nil && req == nil && p.Kind != client.PromptDone; step++ {
			p, req, err = l.Answer(p, client.Input{Value: value, Attributes: map[string]string{"name": value}})
		}
		if err != nil {
			if !errors.Is(err, client.ErrUnexpectedReply) && !errors.Is(err, client.ErrUnsupported) && !errors.Is(err, client.ErrInvalidInput) {
				t.Fatalf("foreign error %v", err)
			}
			return
		}
		if req != nil {
			if req.ChallengeName != challenge.Name(name) || req.ClientId != "c" || req.ChallengeResponses[challenge.KeyUsername] == "" ||
				req.ChallengeResponses[challenge.KeySecretHash] == "" {
				t.Fatalf("bad request %+v", req)
			}
		}
	})
}
