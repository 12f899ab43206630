package flowtest

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"slices"

	"pgregory.net/rapid"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/srp"
)

// The remembered-devices extension of the model (ModelOptions.Devices):
// the pool tracks devices (ChallengeRequiredOnNewDevice, remembered at
// once), so every sign-in that proves no device returns NewDeviceMetadata.
// alice and mike confirm such devices (ConfirmDevice with the access token
// that carries the key, the secret made with srp.NewDeviceSecret from the
// model's own seeded reader), sign in later with DEVICE_KEY, answer
// DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER with the right or a wrong
// device password, forget devices (ForgetDevice), mark them remembered or
// not (UpdateDeviceStatus), and any confirmed user may send another user's,
// a forgotten or a never-confirmed key. The order is Cognito's: a proven
// remembered device replaces mike's TOTP (password, DEVICE_SRP_AUTH,
// DEVICE_PASSWORD_VERIFIER, tokens); on a confirmed device that is not
// remembered MFA comes first and the device proves itself after it, under
// the same session handle (password, SOFTWARE_TOKEN_MFA, DEVICE_SRP_AUTH,
// DEVICE_PASSWORD_VERIFIER, tokens).

// Names of the devices extension's invariants.
const (
	// InvDeviceSecret: a sign-in with DEVICE_KEY gets tokens only if its
	// DEVICE_PASSWORD_VERIFIER was signed with that device's own secret.
	InvDeviceSecret = "a device sign-in gets tokens only with the device's secret"
	// InvDeviceForgotten: a forgotten device's key, another user's key or
	// a key never confirmed never replaces MFA or yields tokens.
	InvDeviceForgotten = "a forgotten or foreign device key never signs in"
	// InvDeviceDirectory: the directory's devices (keys, remembered
	// status) are the ones the model confirmed, updated and forgot.
	InvDeviceDirectory = "the directory's devices are the model's"
)

// MsgNoDevice is the message of ResourceNotFoundException for an unknown device.
const MsgNoDevice = "Device does not exist."

// MsgDeviceNoLongerRemembered answers a device proof whose device replaced
// MFA when the sign-in began but was marked not remembered before it
// finished.
const MsgDeviceNoLongerRemembered = "The device is no longer remembered; sign in again."

// deviceUsers are the users who confirm devices.
var deviceUsers = []string{"alice", MFAUser}

func init() {
	OperationErrors["ConfirmDevice"] = errorsOf("ResourceNotFoundException", "InvalidParameterException",
		"InvalidPasswordException", "InvalidLambdaResponseException", "UsernameExistsException",
		"InvalidUserPoolConfigurationException", "TooManyRequestsException", "NotAuthorizedException",
		"PasswordResetRequiredException", "UserNotFoundException", "UserNotConfirmedException", "InternalErrorException",
		"ForbiddenException")
	OperationErrors["UpdateDeviceStatus"] = errorsOf("InvalidParameterException", "ResourceNotFoundException",
		"NotAuthorizedException", "InvalidUserPoolConfigurationException", "TooManyRequestsException",
		"PasswordResetRequiredException", "UserNotFoundException", "UserNotConfirmedException", "InternalErrorException",
		"ForbiddenException")
	OperationErrors["ForgetDevice"] = errorsOf("ResourceNotFoundException", "InvalidParameterException",
		"NotAuthorizedException", "TooManyRequestsException", "InvalidUserPoolConfigurationException",
		"PasswordResetRequiredException", "UserNotFoundException", "UserNotConfirmedException", "InternalErrorException",
		"ForbiddenException")
}

// ModelDevice is a device key the model saw offered (NewDeviceMetadata)
// and, once confirmed, its secret.
type ModelDevice struct {
	User, Key, Group string
	Offer            *AccessToken // the access token of the sign-in that offered it
	Confirmed        bool
	Forgotten        bool
	Remembered       bool   // the pool remembers at confirmation; UpdateDeviceStatus changes it
	Password         string // the device password (confirmed devices)
}

// live reports whether d signs in for user.
func (d *ModelDevice) live(user string) bool {
	return d != nil && d.Confirmed && !d.Forgotten && d.User == user
}

// deviceModel is the model's account of the devices extension.
type deviceModel struct {
	rand    io.Reader
	Devices []*ModelDevice // every key offered, oldest first
	scanned int            // History entries scanned for offers
	current string         // the DEVICE_KEY the sign-in being stepped sent
	// calls notes, per call that sent a DEVICE_KEY, what the model held of it.
	calls map[*Call]deviceCall
}

type deviceCall struct {
	key    string
	bad    string // why the key cannot sign in for the call's user, "" if it can
	answer bool   // a DEVICE_PASSWORD_VERIFIER answer
	proven bool   // with the device's secret, in a live session, for a live device
	why    string
}

func (m *Model) installDevices(seed uint64) {
	m.dev = &deviceModel{rand: Rand(seed ^ 0xde71ce), calls: map[*Call]deviceCall{}}
	prev := m.SecondFactor
	m.SecondFactor = func(c *Call, u *UserState, epoch, steps int) *Expect {
		if key := m.dev.current; key != "" {
			d := m.dev.find(key)
			if !d.live(u.Name) {
				return expectErr(challenge.ErrResourceNotFound, "the DEVICE_KEY is not a live device of the user", MsgNoDevice)
			}
			if !d.Remembered && prev != nil {
				// Not remembered: the device does not replace MFA, which
				// comes first; the device proves itself after it.
				if e := prev(c, u, epoch, steps); e != nil {
					if n := len(m.Sessions); n > 0 && c.Session != "" && m.Sessions[n-1].Handle == c.Session {
						m.Sessions[n-1].Extra = map[string]any{"deviceKey": key}
					}
					return e
				}
			}
			m.addSession(c, &Session{Kind: challenge.DeviceSRPAuth, User: u.Name, Password: u.Password, Epoch: epoch, Steps: steps,
				Extra: map[string]any{"deviceKey": key}})
			return expectChallenge(challenge.DeviceSRPAuth, "a proven password with the key of a confirmed device",
				map[string]string{challenge.KeyUsername: u.Name, challenge.KeyDeviceKey: key})
		}
		if prev != nil {
			return prev(c, u, epoch, steps)
		}
		return nil
	}
	m.AddAction(Action{Name: "ConfirmDevice", Weight: 4, Enabled: func() bool { return len(m.deviceOffers()) > 0 }, Run: m.actConfirmDevice})
	m.AddAction(Action{Name: "DeviceSignIn", Weight: 5, Enabled: func() bool { return len(m.deviceSignInUsers()) > 0 && len(m.dev.Devices) > 0 },
		Run: m.actDeviceSignIn})
	m.AddAction(Action{Name: "AnswerDeviceSRP", Weight: 10, Enabled: func() bool { return len(m.LiveSessions(challenge.DeviceSRPAuth)) > 0 },
		Run: m.actAnswerDeviceSRP})
	m.AddAction(Action{Name: "AnswerDeviceVerifier", Weight: 10, Enabled: func() bool { return len(m.LiveSessions(challenge.DevicePasswordVerifier)) > 0 },
		Run: m.actAnswerDeviceVerifier})
	m.AddAction(Action{Name: "UpdateDeviceStatus", Weight: 2, Enabled: func() bool { return len(m.confirmedDevices()) > 0 }, Run: m.actUpdateDeviceStatus})
	m.AddAction(Action{Name: "ForgetDevice", Weight: 1, Enabled: func() bool { return len(m.confirmedDevices()) > 0 }, Run: m.actForgetDevice})
	m.Invariants = append([]Invariant{{Name: InvDeviceForgotten, Call: checkDeviceForgotten}, {Name: InvDeviceSecret, Call: checkDeviceSecret}},
		m.Invariants...)
	m.AddInvariant(Invariant{Name: InvDeviceDirectory, State: checkDeviceDirectory})
}

// find returns the device with key, or nil.
func (dm *deviceModel) find(key string) *ModelDevice {
	for _, d := range dm.Devices {
		if d.Key == key {
			return d
		}
	}
	return nil
}

// scanOffers notes the NewDeviceMetadata of the calls made since the last scan.
func (m *Model) scanOffers() {
	for ; m.dev.scanned < len(m.History); m.dev.scanned++ {
		c := m.History[m.dev.scanned]
		if c.Err != nil || c.Result == nil || c.Result.NewDeviceMetadata == nil {
			continue
		}
		md := c.Result.NewDeviceMetadata
		var offer *AccessToken
		for _, a := range m.AccessTokens() {
			if a.Token == c.Result.AccessToken {
				offer = a
			}
		}
		if offer == nil || m.dev.find(md.DeviceKey) != nil {
			continue
		}
		m.dev.Devices = append(m.dev.Devices, &ModelDevice{User: offer.Grant.User, Key: md.DeviceKey, Group: md.DeviceGroupKey, Offer: offer})
	}
}

// deviceOffers lists the keys offered to alice or mike, not forgotten.
func (m *Model) deviceOffers() []*ModelDevice {
	m.scanOffers()
	var out []*ModelDevice
	for _, d := range m.dev.Devices {
		if slices.Contains(deviceUsers, d.User) && !d.Forgotten {
			out = append(out, d)
		}
	}
	return out
}

func (m *Model) confirmedDevices() []*ModelDevice {
	var out []*ModelDevice
	for _, d := range m.dev.Devices {
		if d.Confirmed {
			out = append(out, d)
		}
	}
	return out
}

// deviceSignInUsers are the confirmed users who sign in with device keys
// (a FORCE_CHANGE_PASSWORD user would carry the key through
// NEW_PASSWORD_REQUIRED, which the model leaves out).
func (m *Model) deviceSignInUsers() []string {
	var out []string
	for _, n := range []string{"alice", MFAUser, "bob"} {
		if u := m.Users[n]; u != nil && u.Status == flow.StatusConfirmed {
			out = append(out, n)
		}
	}
	return out
}

// actConfirmDevice confirms an offered key with the access token that
// carries it, sometimes with another offer's token, sometimes again.
func (m *Model) actConfirmDevice(t *rapid.T) {
	offers := m.deviceOffers()
	var fresh []*ModelDevice
	for _, d := range offers {
		if !d.Confirmed {
			fresh = append(fresh, d)
		}
	}
	pick := offers
	if len(fresh) > 0 && rapid.IntRange(0, 4).Draw(t, "confirmAgain") > 0 {
		pick = fresh
	}
	d := pick[rapid.IntRange(0, len(pick)-1).Draw(t, "device")]
	token := d.Offer
	if rapid.IntRange(0, 7).Draw(t, "otherToken") == 7 {
		token = offers[rapid.IntRange(0, len(offers)-1).Draw(t, "tokenOf")].Offer
	}
	pw, salt, verifier, err := srp.NewDeviceSecret(m.dev.rand, d.Group, d.Key)
	if err != nil {
		t.Fatal(err)
	}
	in := &challenge.ConfirmDeviceInput{AccessToken: token.Token, DeviceKey: d.Key, DeviceName: "model device",
		DeviceSecretVerifierConfig: &challenge.DeviceSecretVerifierConfigType{
			PasswordVerifier: base64.StdEncoding.EncodeToString(verifier), Salt: base64.StdEncoding.EncodeToString(salt)}}
	c := m.NewCall("ConfirmDevice", "ConfirmDevice", in, fmt.Sprintf("device %s of %s with the access token of %s", d.Key, d.User, token.Token))
	out, err := m.Env.Server.ConfirmDevice(m.ctx, in)
	c.Err = err
	if err == nil {
		c.Response = out
	}
	c.User, c.Presented, c.TokenRevoked = token.Grant.User, "access", token.Grant.Revoked
	c.Proof = Proof{Why: "ConfirmDevice issues no tokens"}
	if ok, sure := m.StepAccess(c, token); ok && sure {
		switch {
		case token != d.Offer:
			c.Expect = expectErr(challenge.ErrResourceNotFound, "the access token does not carry the device key", MsgNoDevice)
		case d.Confirmed:
			c.Expect = expectErr(challenge.ErrUsernameExists, "the device is already confirmed", "Device already confirmed.")
		default:
			d.Confirmed, d.Password, d.Remembered = true, pw, true
			c.Expect = expectOK("the access token carries the key of a device not yet confirmed")
		}
	}
	m.Record(c)
}

// drawDeviceKey draws the key to sign in as user with: mostly one of the
// user's live devices, else another user's, a forgotten or an unconfirmed one.
func (m *Model) drawDeviceKey(t *rapid.T, user string) *ModelDevice {
	var own []*ModelDevice
	for _, d := range m.dev.Devices {
		if d.live(user) {
			own = append(own, d)
		}
	}
	k := rapid.IntRange(0, 9).Draw(t, "deviceKeyKind")
	if len(own) > 0 && k < 6 {
		return own[rapid.IntRange(0, len(own)-1).Draw(t, "device")]
	}
	if confirmed := m.confirmedDevices(); len(confirmed) > 0 && k < 9 {
		return confirmed[rapid.IntRange(0, len(confirmed)-1).Draw(t, "confirmedDevice")]
	}
	return m.dev.Devices[rapid.IntRange(0, len(m.dev.Devices)-1).Draw(t, "anyDevice")]
}

// badKey says why d cannot sign in for user, or "".
func badKey(d *ModelDevice, user string) string {
	switch {
	case d == nil:
		return "an unknown key"
	case d.User != user:
		return "another user's key"
	case !d.Confirmed:
		return "a key that was offered but never confirmed"
	case d.Forgotten:
		return "a forgotten key"
	}
	return ""
}

// actDeviceSignIn signs in with USER_PASSWORD_AUTH or
// ADMIN_USER_PASSWORD_AUTH and a DEVICE_KEY.
func (m *Model) actDeviceSignIn(t *rapid.T) {
	users := m.deviceSignInUsers()
	var owners []string
	for _, n := range users {
		if slices.ContainsFunc(m.dev.Devices, func(d *ModelDevice) bool { return d.live(n) }) {
			owners = append(owners, n)
		}
	}
	if len(owners) > 0 && rapid.IntRange(0, 2).Draw(t, "deviceOwner") < 2 {
		users = owners
	}
	name := users[rapid.IntRange(0, len(users)-1).Draw(t, "deviceUser")]
	u := m.Users[name]
	d := m.drawDeviceKey(t, name)
	pw := u.Password
	if rapid.IntRange(0, 7).Draw(t, "deviceWrongPassword") == 7 {
		pw = modelWrongPasswords[0]
	}
	admin := rapid.IntRange(0, 3).Draw(t, "admin") == 0
	f := challenge.FlowUserPasswordAuth
	if admin {
		f = challenge.FlowAdminUserPasswordAuth
	}
	params := m.withSecretHash(map[string]string{challenge.KeyUsername: name, challenge.KeyPassword: pw, challenge.KeyDeviceKey: d.Key}, name)
	c := m.Initiate("DeviceSignIn", admin, f, params, fmt.Sprintf("%s as %s with password %q and device %s", f, name, pw, d.Key))
	c.User = name
	c.Proof = m.PasswordProof(u, pw)
	if c.Proof.Proven {
		c.Proof = Proof{Why: "a DEVICE_KEY was sent: the device must prove itself"}
	}
	m.dev.calls[c] = deviceCall{key: d.Key, bad: badKey(d, name)}
	m.dev.current = d.Key
	m.StepPasswordAuth(c, name, pw)
	m.dev.current = ""
	m.Record(c)
}

// drawAnswerKey draws the DEVICE_KEY to answer s with: mostly the
// session's, else another known key.
func (m *Model) drawAnswerKey(t *rapid.T, s *Session) string {
	key, _ := s.Extra["deviceKey"].(string)
	if rapid.IntRange(0, 9).Draw(t, "otherAnswerKey") == 9 {
		key = m.dev.Devices[rapid.IntRange(0, len(m.dev.Devices)-1).Draw(t, "answerDevice")].Key
	}
	return key
}

// actAnswerDeviceSRP answers DEVICE_SRP_AUTH with SRP_A.
func (m *Model) actAnswerDeviceSRP(t *rapid.T) {
	s := m.drawSession(t, challenge.DeviceSRPAuth)
	key := m.drawAnswerKey(t, s)
	cl, err := modelClient(m.dev.rand)
	if err != nil {
		t.Fatal(err)
	}
	resp := m.withSecretHash(map[string]string{challenge.KeyUsername: s.User, challenge.KeyDeviceKey: key, challenge.KeySRPA: srp.HexInt(cl.A())}, s.User)
	c := m.Respond("AnswerDeviceSRP", s, challenge.DeviceSRPAuth, resp, s.Admin)
	c.Summary += " with device " + key
	c.Proof = Proof{Why: "DEVICE_SRP_AUTH proves nothing"}
	m.dev.calls[c] = deviceCall{key: key, bad: badKey(m.dev.find(key), s.User)}
	m.StepDeviceSRP(c, s, key, cl)
	m.Record(c)
}

// deviceGate applies what both device answers meet after the session
// gate: the user gate, a replaced password, the key. It returns true when
// the call stops there.
func (m *Model) deviceGate(c *Call, s *Session, key string) bool {
	u := m.Users[s.User]
	own, _ := s.Extra["deviceKey"].(string)
	switch g := m.Gate(u); {
	case g != nil:
		c.Expect = g
	case stale(s, u):
		c.Expect = expectIncorrect("the password proven was replaced since")
	case key == "":
		c.Expect = expectErr(challenge.ErrInvalidParameter, "DEVICE_KEY is missing")
	case key != own:
		c.Expect = expectErr(challenge.ErrResourceNotFound, "not the session's DEVICE_KEY", MsgNoDevice)
	case !m.dev.find(key).live(s.User):
		c.Expect = expectErr(challenge.ErrResourceNotFound, "the device was forgotten since", MsgNoDevice)
	default:
		return false
	}
	return true
}

// StepDeviceSRP applies a DEVICE_SRP_AUTH answer.
func (m *Model) StepDeviceSRP(c *Call, s *Session, key string, cl *srp.Client) {
	if m.SessionGate(c, s, challenge.DeviceSRPAuth) {
		return
	}
	s.Spent = true // the verifier comes with a new session
	if m.deviceGate(c, s, key) {
		return
	}
	m.addSession(c, &Session{Kind: challenge.DevicePasswordVerifier, User: s.User, Password: s.Password, Epoch: s.Epoch, Steps: s.Steps,
		Extra: map[string]any{"deviceKey": key, "mfa": s.Extra["mfa"]}, client: cl})
	c.Expect = expectChallenge(challenge.DevicePasswordVerifier, "a live device's SRP starts",
		map[string]string{challenge.KeyUsername: s.User, challenge.KeyDeviceKey: key})
}

// actAnswerDeviceVerifier answers DEVICE_PASSWORD_VERIFIER with the
// device's password or a wrong one.
func (m *Model) actAnswerDeviceVerifier(t *rapid.T) {
	s := m.drawSession(t, challenge.DevicePasswordVerifier)
	key := m.drawAnswerKey(t, s)
	own, _ := s.Extra["deviceKey"].(string)
	d := m.dev.find(own)
	right := rapid.IntRange(0, 4).Draw(t, "wrongDevicePassword") < 4
	pw := "wrong-device-password"
	if right {
		pw = d.Password
	}
	resp, err := deviceVerifierResponse(s, d, pw, srp.FormatTimestamp(m.Now()))
	if err != nil {
		t.Fatalf("computing the DEVICE_PASSWORD_VERIFIER answer: %v", err)
	}
	resp[challenge.KeyDeviceKey] = key
	resp = m.withSecretHash(resp, s.User)
	c := m.Respond("AnswerDeviceVerifier", s, challenge.DevicePasswordVerifier, resp, s.Admin)
	c.Summary += fmt.Sprintf(" with device %s and the %s device password", key, map[bool]string{true: "right", false: "wrong"}[right])
	dc := deviceCall{key: key, bad: badKey(m.dev.find(key), s.User), answer: true}
	c.Proof = m.DeviceProof(s, key, right)
	dc.proven, dc.why = c.Proof.Proven, c.Proof.Why
	m.dev.calls[c] = dc
	m.StepDeviceVerifier(c, s, key, right)
	m.Record(c)
}

// deviceVerifierResponse computes a DEVICE_PASSWORD_VERIFIER answer for
// the device password pw.
func deviceVerifierResponse(s *Session, d *ModelDevice, pw, ts string) (map[string]string, error) {
	p := s.Params
	salt, err := srp.ParseSalt(p[challenge.KeySalt])
	if err != nil {
		return nil, err
	}
	B, err := srp.ParseB(p[challenge.KeySRPB])
	if err != nil {
		return nil, err
	}
	key, err := s.client.DeviceSessionKey(d.Group, d.Key, pw, salt, B)
	if err != nil {
		return nil, err
	}
	secret, err := base64.StdEncoding.DecodeString(p[challenge.KeySecretBlock])
	if err != nil {
		return nil, err
	}
	return map[string]string{challenge.KeyUsername: s.User, challenge.KeyPasswordClaimSecretBlock: p[challenge.KeySecretBlock],
		challenge.KeyTimestamp: ts, challenge.KeyPasswordClaimSignature: srp.Signature(key, d.Group, d.Key, secret, ts)}, nil
}

// DeviceProof says whether a DEVICE_PASSWORD_VERIFIER answer completes a
// sign-in legitimately: the password proven before still the user's, the
// device live and the user's, its secret right. A remembered device is
// the second factor, so nothing else is due.
func (m *Model) DeviceProof(s *Session, key string, right bool) Proof {
	u := m.Users[s.User]
	own, _ := s.Extra["deviceKey"].(string)
	switch {
	case s.Spent:
		return Proof{Why: "the session is spent"}
	case m.Expired(s):
		return Proof{Why: "the session has expired"}
	case u == nil:
		return Proof{Why: "no such user"}
	case stale(s, u):
		return Proof{Why: "the password proven was replaced since"}
	case !u.Enabled:
		return Proof{Why: "the user is disabled"}
	case key != own || !m.dev.find(key).live(s.User):
		return Proof{Why: "not a live device of the user, or not the session's"}
	case !right:
		return Proof{Why: "the device password is wrong"}
	case s.Extra["mfa"] != true && m.secondFactorDue(u) && !m.dev.find(key).Remembered:
		return Proof{Why: "a device that is not remembered does not replace MFA"}
	}
	return Proof{Proven: true}
}

// StepDeviceVerifier applies a DEVICE_PASSWORD_VERIFIER answer.
func (m *Model) StepDeviceVerifier(c *Call, s *Session, key string, right bool) {
	if m.SessionGate(c, s, challenge.DevicePasswordVerifier) {
		return
	}
	s.Spent = true
	if m.deviceGate(c, s, key) {
		return
	}
	if !right {
		// A wrong device secret counts towards the lockout.
		m.RecordFailure(m.Users[s.User])
		c.Expect = expectIncorrect("the device password is wrong")
		return
	}
	if s.Extra["mfa"] != true && m.secondFactorDue(m.Users[s.User]) && !m.dev.find(key).Remembered {
		c.Expect = expectErr(challenge.ErrNotAuthorized, "the device stopped being remembered during the sign-in: it no longer replaces MFA",
			MsgDeviceNoLongerRemembered)
		return
	}
	m.grantTo(c, s.User)
	if s.Extra["mfa"] == true {
		c.Expect = expectTokens("a confirmed device proved its secret after the password and MFA")
		return
	}
	c.Expect = expectTokens("a device proved its secret after the password (remembered, it replaces MFA)")
}

// DeviceAfterMFA is what follows a right MFA answer in session s: when the
// sign-in carries the key of a confirmed device that is not remembered,
// the device proves itself next, under the same session handle (which
// amazon-cognito-identity-js answers DEVICE_SRP_AUTH with); s becomes that
// step's session. nil means no device step (tokens follow).
func (m *Model) DeviceAfterMFA(c *Call, s *Session) *Expect {
	if m.dev == nil {
		return nil
	}
	key, _ := s.Extra["deviceKey"].(string)
	if key == "" {
		return nil
	}
	if !m.dev.find(key).live(s.User) {
		return expectErr(challenge.ErrResourceNotFound, "the device was forgotten before MFA was answered", MsgNoDevice)
	}
	if c.Err == nil && c.Challenge == challenge.DeviceSRPAuth && c.Session == s.Handle {
		s.Kind, s.Spent, s.Wrong, s.Params = challenge.DeviceSRPAuth, false, 0, c.Params
		s.Extra = map[string]any{"deviceKey": key, "mfa": true}
	}
	return expectChallenge(challenge.DeviceSRPAuth, "MFA answered on a confirmed device that is not remembered: the device step follows",
		map[string]string{challenge.KeyUsername: s.User, challenge.KeyDeviceKey: key})
}

// actUpdateDeviceStatus marks a confirmed device remembered or not, with an
// access token of its user (sometimes another user's).
func (m *Model) actUpdateDeviceStatus(t *rapid.T) {
	devs := m.confirmedDevices()
	d := devs[rapid.IntRange(0, len(devs)-1).Draw(t, "device")]
	var tokens, others []*AccessToken
	for _, a := range m.AccessTokens() {
		if a.Grant.User == d.User {
			tokens = append(tokens, a)
		} else {
			others = append(others, a)
		}
	}
	if len(others) > 0 && (len(tokens) == 0 || rapid.IntRange(0, 7).Draw(t, "foreignToken") == 0) {
		tokens = others
	}
	if len(tokens) == 0 {
		return
	}
	a := tokens[rapid.IntRange(0, len(tokens)-1).Draw(t, "accessToken")]
	remember := rapid.Bool().Draw(t, "remember")
	status := map[bool]string{true: "remembered", false: "not_remembered"}[remember]
	in := &challenge.DeviceInput{AccessToken: a.Token, DeviceKey: d.Key, DeviceRememberedStatus: status}
	c := m.NewCall("UpdateDeviceStatus", "UpdateDeviceStatus", in, fmt.Sprintf("device %s of %s %s with %s", d.Key, d.User, status, a.Token))
	out, err := m.Env.Server.UpdateDeviceStatus(m.ctx, in)
	c.Err = err
	if err == nil {
		c.Response = out
	}
	c.User, c.Presented, c.TokenRevoked = a.Grant.User, "access", a.Grant.Revoked
	c.Proof = Proof{Why: "UpdateDeviceStatus issues no tokens"}
	if ok, sure := m.StepAccess(c, a); ok && sure {
		if d.live(a.Grant.User) {
			d.Remembered = remember
			c.Expect = expectOK("the user marks a device of theirs " + status)
		} else {
			c.Expect = expectErr(challenge.ErrResourceNotFound, "a forgotten device or another user's", MsgNoDevice)
		}
	}
	m.Record(c)
}

// actForgetDevice forgets a confirmed device with an access token of its
// user (sometimes another user's, sometimes a forgotten device again).
func (m *Model) actForgetDevice(t *rapid.T) {
	devs := m.confirmedDevices()
	d := devs[rapid.IntRange(0, len(devs)-1).Draw(t, "device")]
	var tokens, others []*AccessToken
	for _, a := range m.AccessTokens() {
		if a.Grant.User == d.User {
			tokens = append(tokens, a)
		} else {
			others = append(others, a)
		}
	}
	if len(others) > 0 && (len(tokens) == 0 || rapid.IntRange(0, 7).Draw(t, "foreignToken") == 0) {
		tokens = others
	}
	a := tokens[rapid.IntRange(0, len(tokens)-1).Draw(t, "accessToken")]
	in := &challenge.DeviceInput{AccessToken: a.Token, DeviceKey: d.Key}
	c := m.NewCall("ForgetDevice", "ForgetDevice", in, fmt.Sprintf("device %s of %s with %s", d.Key, d.User, a.Token))
	out, err := m.Env.Server.ForgetDevice(m.ctx, in)
	c.Err = err
	if err == nil {
		c.Response = out
	}
	c.User, c.Presented, c.TokenRevoked = a.Grant.User, "access", a.Grant.Revoked
	c.Proof = Proof{Why: "ForgetDevice issues no tokens"}
	if ok, sure := m.StepAccess(c, a); ok && sure {
		if d.live(a.Grant.User) {
			d.Forgotten = true
			c.Expect = expectOK("the user forgets a device of theirs")
		} else {
			c.Expect = expectErr(challenge.ErrResourceNotFound, "a forgotten device or another user's", MsgNoDevice)
		}
	}
	m.Record(c)
}

// checkDeviceSecret: tokens for an answer to DEVICE_PASSWORD_VERIFIER come
// with the device's secret, in a live session, for a live device of the
// user; a sign-in that sent a DEVICE_KEY never gets tokens before the
// device proved itself.
func checkDeviceSecret(m *Model, c *Call) error {
	if m.dev == nil || c.Err != nil || c.Result == nil {
		return nil
	}
	dc, ok := m.dev.calls[c]
	switch {
	case c.Answered != nil && c.Answered.Kind == challenge.DevicePasswordVerifier && !dc.proven:
		return fmt.Errorf("tokens for a DEVICE_PASSWORD_VERIFIER answer that did not prove the device: %s", dc.why)
	case c.Answered != nil && c.Answered.Kind == challenge.DeviceSRPAuth:
		return fmt.Errorf("tokens for a DEVICE_SRP_AUTH answer, before the device's secret was proven")
	case ok && !dc.answer:
		return fmt.Errorf("tokens for a sign-in that sent DEVICE_KEY %s before the device proved itself", dc.key)
	}
	return nil
}

// checkDeviceForgotten: a call that sent a key that is not a live device
// of its user (forgotten, another user's, never confirmed) never gets
// tokens or the next device challenge; where the model expects the key
// to be looked at, the answer is ResourceNotFoundException "Device does
// not exist.".
func checkDeviceForgotten(m *Model, c *Call) error {
	if m.dev == nil {
		return nil
	}
	dc, ok := m.dev.calls[c]
	if !ok || dc.bad == "" {
		return nil
	}
	if c.Result != nil || c.Challenge == challenge.DeviceSRPAuth || c.Challenge == challenge.DevicePasswordVerifier {
		return fmt.Errorf("%s (%s) got %s", dc.key, dc.bad, c.Outcome())
	}
	if e := c.Expect; e != nil && e.Code == challenge.ErrResourceNotFound && (c.Code() != challenge.ErrResourceNotFound || c.Message() != MsgNoDevice) {
		return fmt.Errorf("%s (%s): want ResourceNotFoundException %q, got %s", dc.key, dc.bad, MsgNoDevice, c.Outcome())
	}
	return nil
}

// checkDeviceDirectory: each user's devices in the directory are the
// confirmed, not forgotten devices of the model, remembered as the model
// holds them.
func checkDeviceDirectory(m *Model) error {
	for _, name := range m.userNames() {
		u, err := m.Env.Dir.User(context.Background(), m.Env.Pool.ID, name)
		if err != nil || u == nil {
			return fmt.Errorf("reading %s: %v", name, err)
		}
		var got, want []string
		for _, d := range u.Devices {
			if md := m.dev.find(d.Key); md != nil && md.Remembered != d.Remembered {
				return fmt.Errorf("%s: device %s remembered %v, model %v", name, d.Key, d.Remembered, md.Remembered)
			}
			got = append(got, d.Key)
		}
		for _, d := range m.dev.Devices {
			if d.live(name) {
				want = append(want, d.Key)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			return fmt.Errorf("%s: devices %q, model %q", name, got, want)
		}
	}
	return nil
}
