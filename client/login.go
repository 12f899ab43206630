package client

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/srp"
	"github.com/authflow/authflow/totp"
)

// Errors of the client itself (server errors are returned unchanged).
var (
	// ErrUnexpectedReply reports a server answer the client cannot use:
	// a missing or malformed challenge parameter, or neither tokens nor a
	// challenge.
	ErrUnexpectedReply = errors.New("client: unexpected server reply")
	// ErrUnsupported reports a challenge or choice this client does not
	// answer (an unknown challenge name, a device challenge without
	// Config.Device, an MFA_SETUP offering nothing it can set up).
	ErrUnsupported = errors.New("client: unsupported challenge")
	// ErrInvalidInput reports a Prompt that is not the pending one, or an
	// Input that cannot answer it.
	ErrInvalidInput = errors.New("client: invalid input")
)

// DeviceSecret is what a client keeps for a remembered device: the
// NewDeviceMetadata keys and the password it made for ConfirmDevice
// (srp.NewDeviceSecret).
type DeviceSecret struct {
	Key      string // DeviceKey
	GroupKey string // DeviceGroupKey
	Password string // the random device password
}

// String never prints the device password.
func (d DeviceSecret) String() string {
	return "DeviceSecret{Key:" + d.Key + " GroupKey:" + d.GroupKey + " Password:<redacted>}"
}

// Config describes the app client and the environment of a Login.
type Config struct {
	ClientID     string
	ClientSecret string // set for an app client with a secret: every request gets SECRET_HASH
	PoolID       string // "region_name"; its name part enters SRP
	// Rand draws the SRP exponents; crypto/rand when nil.
	Rand io.Reader
	// Now dates the SRP TIMESTAMP; time.Now when nil.
	Now func() time.Time
	// Device is the remembered device, if any: its DEVICE_KEY is sent and
	// DEVICE_SRP_AUTH is answered with it.
	Device *DeviceSecret
	// ClientMetadata is sent with every RespondToAuthChallenge (optional).
	ClientMetadata map[string]string
	// TOTPIssuer names the service in the otpauth:// URI of an
	// authenticator set up during sign-in (PromptTOTPSetup); "authflow"
	// when empty.
	TOTPIssuer string
}

// keyEmail is the MFA_SETUP response naming the address for email MFA.
const keyEmail = "EMAIL"

// defaultTOTPIssuer is the otpauth:// issuer when Config.TOTPIssuer is empty.
const defaultTOTPIssuer = "authflow"

// PromptKind says what a Prompt asks of the user.
type PromptKind int

// The kinds of Prompt.
const (
	// PromptNone is the zero Prompt that accompanies a request to send: the
	// user has nothing to do.
	PromptNone PromptKind = iota
	// PromptPassword asks for the password (USER_AUTH without one given
	// up front). Input.Value is the password.
	PromptPassword
	// PromptNewPassword (NEW_PASSWORD_REQUIRED) asks for a new password;
	// Input.Value is the password, Input.Attributes gives values for
	// Prompt.Required (names without the "userAttributes." prefix).
	PromptNewPassword
	// PromptTOTPCode (SOFTWARE_TOKEN_MFA) asks for the authenticator code.
	PromptTOTPCode
	// PromptSMSCode (SMS_MFA, SMS_OTP) asks for the code sent by SMS.
	PromptSMSCode
	// PromptEmailCode (EMAIL_OTP) asks for the code sent by email.
	PromptEmailCode
	// PromptSelectMFA (SELECT_MFA_TYPE): Input.Value is one of Choices.
	PromptSelectMFA
	// PromptMFASetup (MFA_SETUP, an authenticator app to set up) is the
	// low-level step for callers that drive a Login by hand: they run
	// AssociateSoftwareToken with Prompt.Session and VerifySoftwareToken,
	// then answer with Input.Value = the session VerifySoftwareToken
	// returned. Run never shows it: it does those calls itself and shows
	// PromptTOTPSetup.
	PromptMFASetup
	// PromptSelectChallenge (USER_AUTH's SELECT_CHALLENGE): Input.Value is
	// one of Choices (PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP).
	PromptSelectChallenge
	// PromptCustomAnswer (CUSTOM_CHALLENGE): Input.Value is the ANSWER;
	// Params holds the public challenge parameters.
	PromptCustomAnswer
	// PromptTOTPSetup (MFA_SETUP, shown by Run): Secret and URI (an
	// otpauth:// URI, for a QR code) describe the new authenticator;
	// Input.Value is a code it shows, Input.FriendlyName an optional name
	// for it.
	PromptTOTPSetup
	// PromptEmailSetup (MFA_SETUP offering EMAIL_OTP only): Input.Value is
	// the email address to receive codes; an EMAIL_OTP challenge follows.
	PromptEmailSetup
	// PromptPasskey (WEB_AUTHN, or WEB_AUTHN chosen at SELECT_CHALLENGE):
	// Options holds the PublicKeyCredentialRequestOptions (JSON) to hand to
	// an authenticator (navigator.credentials.get); Input.Value is the
	// resulting credential, as JSON.
	PromptPasskey
	// PromptDone: signed in, Result holds the tokens.
	PromptDone
)

var kindNames = [...]string{"None", "Password", "NewPassword", "TOTPCode", "SMSCode", "EmailCode",
	"SelectMFA", "MFASetup", "SelectChallenge", "CustomAnswer", "TOTPSetup", "EmailSetup", "Passkey", "Done"}

// String returns the kind's name without the Prompt prefix.
func (k PromptKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("PromptKind(%d)", int(k))
}

// Prompt is a step the user must take (or, with PromptDone, the end).
type Prompt struct {
	Kind      PromptKind
	Challenge challenge.Name    // the server's pending challenge
	Params    map[string]string // the challenge parameters, as received (a copy)
	// Choices lists the options of PromptSelectMFA, PromptSelectChallenge
	// and PromptMFASetup (MFAS_CAN_SETUP).
	Choices []challenge.Name
	// Required lists the attributes PromptNewPassword must be answered
	// with, without the "userAttributes." prefix; Attributes holds the
	// user's current attributes.
	Required   []string
	Attributes map[string]string
	// Destination and Medium describe where a code was sent (masked).
	Destination, Medium string
	// Session is the session PromptMFASetup hands to AssociateSoftwareToken.
	Session string
	// Options is the WebAuthn request options (JSON) of PromptPasskey.
	Options string
	// Secret (base32) and URI (otpauth://totp/...) describe the
	// authenticator of PromptTOTPSetup. String never prints them.
	Secret, URI string
	// Result holds the tokens of PromptDone.
	Result *challenge.AuthenticationResult
	// Err is set by Run when the same prompt is shown again after the
	// server refused the answer (a wrong code).
	Err error
}

// String describes the prompt without its secrets (no Secret, URI or
// tokens).
func (p Prompt) String() string {
	s := "Prompt{" + p.Kind.String()
	if p.Challenge != "" {
		s += " " + string(p.Challenge)
	}
	if len(p.Choices) > 0 {
		s += fmt.Sprintf(" choices=%v", p.Choices)
	}
	if p.Secret != "" {
		s += " secret=<redacted>"
	}
	if p.Result != nil {
		s += " " + p.Result.String()
	}
	return s + "}"
}

// Input is the user's answer to a Prompt.
type Input struct {
	Value      string
	Attributes map[string]string // PromptNewPassword only: name (without prefix) -> value
	// FriendlyName names the authenticator of PromptTOTPSetup (optional).
	FriendlyName string
}

// Reply is a server answer, from InitiateAuth or RespondToAuthChallenge.
type Reply struct {
	ChallengeName        challenge.Name
	ChallengeParameters  map[string]string
	Session              string
	AvailableChallenges  []challenge.Name
	AuthenticationResult *challenge.AuthenticationResult
}

// FromInitiate returns the Reply of an InitiateAuth answer (nil gives the
// zero Reply).
func FromInitiate(o *challenge.InitiateAuthOutput) Reply {
	if o == nil {
		return Reply{}
	}
	return Reply{ChallengeName: o.ChallengeName, ChallengeParameters: o.ChallengeParameters, Session: o.Session,
		AvailableChallenges: o.AvailableChallenges, AuthenticationResult: o.AuthenticationResult}
}

// FromRespond returns the Reply of a RespondToAuthChallenge answer (nil
// gives the zero Reply).
func FromRespond(o *challenge.RespondToAuthChallengeOutput) Reply {
	if o == nil {
		return Reply{}
	}
	return Reply{ChallengeName: o.ChallengeName, ChallengeParameters: o.ChallengeParameters, Session: o.Session,
		AuthenticationResult: o.AuthenticationResult}
}

// Login is one sign-in attempt, from Start to PromptDone. It does no I/O.
// A Login is not safe for concurrent use.
type Login struct {
	cfg       Config
	flow      challenge.AuthFlow
	typed     string // the username as given, for the otpauth:// label
	username  string // the USERNAME sent next: typed, then USER_ID_FOR_SRP / USERNAME from the server
	password  string
	preferred challenge.Name // USER_AUTH

	user   *srp.Client // A of PASSWORD_VERIFIER
	device *srp.Client // A of DEVICE_PASSWORD_VERIFIER

	session   string
	pending   challenge.Name // the server's challenge being answered
	params    map[string]string
	choice    challenge.Name // SELECT_CHALLENGE answer waiting for PromptPassword
	started   bool
	completed bool
}

// NewSRPLogin signs in with USER_SRP_AUTH: the password never leaves the
// client; PASSWORD_VERIFIER is answered automatically (with an empty
// password, a PromptPassword asks for it first).
func NewSRPLogin(cfg Config, username, password string) *Login {
	return &Login{cfg: cfg, flow: challenge.FlowUserSRPAuth, username: username, password: password, typed: username}
}

// NewPasswordLogin signs in with USER_PASSWORD_AUTH (the password is sent
// over TLS).
func NewPasswordLogin(cfg Config, username, password string) *Login {
	return &Login{cfg: cfg, flow: challenge.FlowUserPasswordAuth, username: username, password: password, typed: username}
}

// NewUserAuthLogin signs in with choice-based USER_AUTH. preferred is the
// PREFERRED_CHALLENGE ("" to get SELECT_CHALLENGE); password may be empty,
// in which case a PromptPassword asks for it when a password factor is
// chosen (PREFERRED_CHALLENGE PASSWORD needs it up front).
func NewUserAuthLogin(cfg Config, username, password string, preferred challenge.Name) *Login {
	return &Login{cfg: cfg, flow: challenge.FlowUserAuth, username: username, password: password, preferred: preferred, typed: username}
}

// NewCustomLogin signs in with CUSTOM_AUTH. With a password it asks for the
// SRP variant (CHALLENGE_NAME SRP_A), so PASSWORD_VERIFIER comes before the
// custom challenges.
func NewCustomLogin(cfg Config, username, password string) *Login {
	return &Login{cfg: cfg, flow: challenge.FlowCustomAuth, username: username, password: password, typed: username}
}

// Username returns the USERNAME the Login sends next: the one it was given
// until the server names the user (USER_ID_FOR_SRP or USERNAME).
func (l *Login) Username() string { return l.username }

func (l *Login) rand() io.Reader {
	if l.cfg.Rand != nil {
		return l.cfg.Rand
	}
	return rand.Reader
}

func (l *Login) now() time.Time {
	if l.cfg.Now != nil {
		return l.cfg.Now()
	}
	return time.Now()
}

// Start returns the InitiateAuth request. It may be called again to start
// over (with a fresh SRP exponent).
func (l *Login) Start() (*challenge.InitiateAuthInput, error) {
	*l = Login{cfg: l.cfg, flow: l.flow, typed: l.typed, username: l.typed, password: l.password, preferred: l.preferred}
	if l.username == "" {
		return nil, fmt.Errorf("%w: empty username", ErrInvalidInput)
	}
	p := map[string]string{challenge.KeyUsername: l.username}
	switch l.flow {
	case challenge.FlowUserSRPAuth:
		if err := l.newUserSRP(p); err != nil {
			return nil, err
		}
	case challenge.FlowUserPasswordAuth:
		p[challenge.KeyPassword] = l.password
	case challenge.FlowUserAuth:
		switch l.preferred {
		case "":
		case challenge.Password:
			// Without the password the server answers with a PASSWORD
			// challenge, and PromptPassword asks for it.
			if l.password != "" {
				p[challenge.KeyPassword] = l.password
			}
		case challenge.PasswordSRP:
			if err := l.newUserSRP(p); err != nil {
				return nil, err
			}
		}
		if l.preferred != "" {
			p[challenge.KeyPreferredChallenge] = string(l.preferred)
		}
	case challenge.FlowCustomAuth:
		if l.password != "" {
			p[challenge.KeyChallengeName] = challenge.ValueChallengeNameSRPA
			if err := l.newUserSRP(p); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("%w: flow %s", ErrUnsupported, l.flow)
	}
	l.decorate(p)
	l.started = true
	return &challenge.InitiateAuthInput{AuthFlow: l.flow, ClientId: l.cfg.ClientID, AuthParameters: p}, nil
}

// newUserSRP draws a fresh exponent and puts its SRP_A in p.
func (l *Login) newUserSRP(p map[string]string) error {
	c, err := srp.NewClient(l.rand())
	if err != nil {
		return fmt.Errorf("client: SRP: %w", err)
	}
	l.user = c
	p[challenge.KeySRPA] = srp.HexInt(c.A())
	return nil
}

// decorate adds SECRET_HASH (over p's USERNAME) and DEVICE_KEY.
func (l *Login) decorate(p map[string]string) {
	if l.cfg.ClientSecret != "" {
		p[challenge.KeySecretHash] = srp.SecretHash(l.cfg.ClientSecret, p[challenge.KeyUsername], l.cfg.ClientID)
	}
	if l.cfg.Device != nil && l.cfg.Device.Key != "" {
		p[challenge.KeyDeviceKey] = l.cfg.Device.Key
	}
}

// respond builds the request answering the pending challenge with r
// (USERNAME, SECRET_HASH and DEVICE_KEY added).
func (l *Login) respond(session string, r map[string]string) *challenge.RespondToAuthChallengeInput {
	r[challenge.KeyUsername] = l.username
	l.decorate(r)
	return &challenge.RespondToAuthChallengeInput{ChallengeName: l.pending, ClientId: l.cfg.ClientID, Session: session,
		ChallengeResponses: r, ClientMetadata: maps.Clone(l.cfg.ClientMetadata)}
}

// Next takes the server's answer to the last request. It returns either a
// request to send (with the zero Prompt: SRP steps are answered here) or a
// Prompt for the user (and no request); PromptDone ends the sign-in.
func (l *Login) Next(r Reply) (Prompt, *challenge.RespondToAuthChallengeInput, error) {
	if !l.started {
		return Prompt{}, nil, fmt.Errorf("%w: Next before Start", ErrInvalidInput)
	}
	if l.completed {
		return Prompt{}, nil, fmt.Errorf("%w: sign-in already complete", ErrInvalidInput)
	}
	if r.AuthenticationResult != nil {
		l.completed = true
		l.pending, l.session, l.params = "", "", nil
		return Prompt{Kind: PromptDone, Result: r.AuthenticationResult}, nil, nil
	}
	if r.ChallengeName == "" {
		return Prompt{}, nil, fmt.Errorf("%w: neither tokens nor a challenge", ErrUnexpectedReply)
	}
	l.pending, l.session, l.params, l.choice = r.ChallengeName, r.Session, maps.Clone(r.ChallengeParameters), ""
	if id := r.ChallengeParameters[challenge.KeyUserIDForSRP]; id != "" {
		l.username = id
	} else if name := r.ChallengeParameters[challenge.KeyUsername]; name != "" {
		l.username = name
	}
	p := Prompt{Challenge: r.ChallengeName, Params: maps.Clone(r.ChallengeParameters),
		Destination: r.ChallengeParameters[challenge.KeyCodeDeliveryDestination],
		Medium:      r.ChallengeParameters[challenge.KeyCodeDeliveryDeliveryMedium]}
	switch r.ChallengeName {
	case challenge.PasswordVerifier:
		if l.password == "" {
			p.Kind = PromptPassword
			return p, nil, nil
		}
		req, err := l.passwordVerifier()
		return Prompt{}, req, err
	case challenge.Password: // USER_AUTH's PASSWORD factor, asked for
		if l.password == "" {
			p.Kind = PromptPassword
			return p, nil, nil
		}
		return Prompt{}, l.respond(l.session, map[string]string{challenge.KeyPassword: l.password}), nil
	case challenge.PasswordSRP: // USER_AUTH's PASSWORD_SRP factor, asked for: send SRP_A
		r := map[string]string{}
		if err := l.newUserSRP(r); err != nil {
			return Prompt{}, nil, err
		}
		return Prompt{}, l.respond(l.session, r), nil
	case challenge.WebAuthn:
		p.Kind = PromptPasskey
		p.Options = r.ChallengeParameters[challenge.KeyCredentialRequestOptions]
		if p.Options == "" {
			return Prompt{}, nil, fmt.Errorf("%w: WEB_AUTHN without %s", ErrUnexpectedReply, challenge.KeyCredentialRequestOptions)
		}
	case challenge.DeviceSRPAuth:
		req, err := l.deviceSRP()
		return Prompt{}, req, err
	case challenge.DevicePasswordVerifier:
		req, err := l.devicePasswordVerifier()
		return Prompt{}, req, err
	case challenge.NewPasswordRequired:
		p.Kind = PromptNewPassword
		p.Required, p.Attributes = requiredAttributes(r.ChallengeParameters)
	case challenge.SoftwareTokenMFA:
		p.Kind = PromptTOTPCode
	case challenge.SMSMFA, challenge.SMSOTP:
		p.Kind = PromptSMSCode
	case challenge.EmailOTP:
		p.Kind = PromptEmailCode
	case challenge.SelectMFAType:
		p.Kind = PromptSelectMFA
		p.Choices = nameList(r.ChallengeParameters[challenge.KeyMFAsCanChoose])
	case challenge.MFASetup:
		p.Choices = nameList(r.ChallengeParameters[challenge.KeyMFAsCanSetup])
		switch {
		case len(p.Choices) == 0 || slices.Contains(p.Choices, challenge.SoftwareTokenMFA):
			p.Kind = PromptMFASetup
			p.Session = r.Session
		case slices.Contains(p.Choices, challenge.EmailOTP):
			p.Kind = PromptEmailSetup
		default: // SMS_MFA only: a phone number must be added by other means
			return Prompt{}, nil, fmt.Errorf("%w: MFA_SETUP offers only %v", ErrUnsupported, p.Choices)
		}
	case challenge.SelectChallenge:
		p.Kind = PromptSelectChallenge
		p.Choices = slices.Clone(r.AvailableChallenges)
	case challenge.CustomChallenge:
		p.Kind = PromptCustomAnswer
	default:
		return Prompt{}, nil, fmt.Errorf("%w: %.64q", ErrUnsupported, string(r.ChallengeName))
	}
	return p, nil, nil
}

// Answer answers Prompt p (the one Next or Answer returned last) with in.
// It returns the request to send, or another Prompt when the answer needs
// more from the user (choosing PASSWORD without a password gives
// PromptPassword).
func (l *Login) Answer(p Prompt, in Input) (Prompt, *challenge.RespondToAuthChallengeInput, error) {
	if l.pending == "" || p.Challenge != l.pending {
		return Prompt{}, nil, fmt.Errorf("%w: the prompt is not the pending one", ErrInvalidInput)
	}
	if p.Kind == PromptTOTPSetup {
		// Its code goes to VerifySoftwareToken, not to the challenge.
		return Prompt{}, nil, fmt.Errorf("%w: verify the code with VerifySoftwareToken and answer the PromptMFASetup with its session", ErrInvalidInput)
	}
	if p.Kind != PromptMFASetup && p.Kind != PromptCustomAnswer && in.Value == "" {
		return Prompt{}, nil, fmt.Errorf("%w: empty answer", ErrInvalidInput)
	}
	r := map[string]string{}
	switch p.Kind {
	case PromptPassword:
		l.password = in.Value
		switch {
		case l.pending == challenge.PasswordVerifier:
			req, err := l.passwordVerifier()
			return Prompt{}, req, err
		case l.pending == challenge.Password:
			return Prompt{}, l.respond(l.session, map[string]string{challenge.KeyPassword: l.password}), nil
		case l.pending == challenge.SelectChallenge && l.choice != "":
			return l.selectChallenge(l.choice)
		}
		return Prompt{}, nil, fmt.Errorf("%w: no password was asked for", ErrInvalidInput)
	case PromptNewPassword:
		r[challenge.KeyNewPassword] = in.Value
		for k, v := range in.Attributes {
			r[challenge.PrefixUserAttributes+k] = v
		}
	case PromptTOTPCode:
		r[challenge.KeySoftwareTokenMFACode] = in.Value
	case PromptSMSCode:
		if l.pending == challenge.SMSOTP {
			r[challenge.KeySMSOTPCode] = in.Value
		} else {
			r[challenge.KeySMSMFACode] = in.Value
		}
	case PromptEmailCode:
		r[challenge.KeyEmailOTPCode] = in.Value
	case PromptSelectMFA:
		r[challenge.KeyAnswer] = in.Value
	case PromptMFASetup:
		session := in.Value
		if session == "" {
			session = l.session
		}
		return Prompt{}, l.respond(session, r), nil
	case PromptEmailSetup:
		r[keyEmail] = in.Value
	case PromptPasskey:
		r[challenge.KeyCredential] = in.Value
		if l.pending == challenge.SelectChallenge {
			r[challenge.KeyAnswer] = string(challenge.WebAuthn)
		}
	case PromptSelectChallenge:
		return l.selectChallenge(challenge.Name(in.Value))
	case PromptCustomAnswer:
		r[challenge.KeyAnswer] = in.Value
	default:
		return Prompt{}, nil, fmt.Errorf("%w: prompt %s takes no answer", ErrInvalidInput, p.Kind)
	}
	return Prompt{}, l.respond(l.session, r), nil
}

// TOTPSetup returns the PromptTOTPSetup that shows a new authenticator:
// p is the PromptMFASetup being answered and secret the SecretCode that
// AssociateSoftwareToken returned for p.Session. The URI is an otpauth://
// URI labelled with Config.TOTPIssuer and the username as given.
func (l *Login) TOTPSetup(p Prompt, secret string) Prompt {
	issuer := l.cfg.TOTPIssuer
	if issuer == "" {
		issuer = defaultTOTPIssuer
	}
	q := p
	q.Kind = PromptTOTPSetup
	q.Secret = secret
	q.URI = totp.URI(secret, issuer, l.typed)
	return q
}

// selectChallenge answers SELECT_CHALLENGE with choice.
func (l *Login) selectChallenge(choice challenge.Name) (Prompt, *challenge.RespondToAuthChallengeInput, error) {
	r := map[string]string{challenge.KeyAnswer: string(choice)}
	switch choice {
	case challenge.Password, challenge.PasswordSRP:
		if l.password == "" {
			l.choice = choice
			return Prompt{Kind: PromptPassword, Challenge: l.pending, Params: maps.Clone(l.params)}, nil, nil
		}
		if choice == challenge.Password {
			r[challenge.KeyPassword] = l.password
		} else if err := l.newUserSRP(r); err != nil {
			return Prompt{}, nil, err
		}
	case challenge.EmailOTP, challenge.SMSOTP:
	case challenge.WebAuthn:
		// SELECT_CHALLENGE may carry the request options already: the
		// credential then goes with the answer; else the server sends a
		// WEB_AUTHN challenge with them.
		if opts := l.params[challenge.KeyCredentialRequestOptions]; opts != "" {
			return Prompt{Kind: PromptPasskey, Challenge: l.pending, Params: maps.Clone(l.params), Options: opts}, nil, nil
		}
	default:
		return Prompt{}, nil, fmt.Errorf("%w: choice %.64q", ErrUnsupported, string(choice))
	}
	l.choice = ""
	return Prompt{}, l.respond(l.session, r), nil
}

// srpParams parses SALT, SRP_B and SECRET_BLOCK of a verifier challenge.
func (l *Login) srpParams() (salt, B *big.Int, secret []byte, err error) {
	if salt, err = srp.ParseSalt(l.params[challenge.KeySalt]); err != nil {
		return nil, nil, nil, fmt.Errorf("%w: SALT: %w", ErrUnexpectedReply, err)
	}
	if B, err = srp.ParseB(l.params[challenge.KeySRPB]); err != nil {
		return nil, nil, nil, fmt.Errorf("%w: SRP_B: %w", ErrUnexpectedReply, err)
	}
	sb := l.params[challenge.KeySecretBlock]
	if sb == "" {
		return nil, nil, nil, fmt.Errorf("%w: missing SECRET_BLOCK", ErrUnexpectedReply)
	}
	if secret, err = base64.StdEncoding.DecodeString(sb); err != nil {
		return nil, nil, nil, fmt.Errorf("%w: SECRET_BLOCK is not base64", ErrUnexpectedReply)
	}
	return salt, B, secret, nil
}

// passwordVerifier answers PASSWORD_VERIFIER: the claim over the pool name
// and USER_ID_FOR_SRP, as amazon-cognito-identity-js computes it.
func (l *Login) passwordVerifier() (*challenge.RespondToAuthChallengeInput, error) {
	if l.user == nil {
		return nil, fmt.Errorf("%w: PASSWORD_VERIFIER without SRP_A", ErrUnexpectedReply)
	}
	salt, B, secret, err := l.srpParams()
	if err != nil {
		return nil, err
	}
	pool := srp.PoolName(l.cfg.PoolID)
	key, err := l.user.SessionKey(pool, l.username, l.password, salt, B)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnexpectedReply, err)
	}
	ts := srp.FormatTimestamp(l.now())
	return l.respond(l.session, map[string]string{
		challenge.KeyPasswordClaimSecretBlock: l.params[challenge.KeySecretBlock],
		challenge.KeyTimestamp:                ts,
		challenge.KeyPasswordClaimSignature:   srp.Signature(key, pool, l.username, secret, ts),
	}), nil
}

// deviceSRP answers DEVICE_SRP_AUTH with a fresh A.
func (l *Login) deviceSRP() (*challenge.RespondToAuthChallengeInput, error) {
	d := l.cfg.Device
	if d == nil || d.Key == "" {
		return nil, fmt.Errorf("%w: DEVICE_SRP_AUTH without a remembered device", ErrUnsupported)
	}
	c, err := srp.NewClient(l.rand())
	if err != nil {
		return nil, fmt.Errorf("client: SRP: %w", err)
	}
	l.device = c
	return l.respond(l.session, map[string]string{challenge.KeySRPA: srp.HexInt(c.A())}), nil
}

// devicePasswordVerifier answers DEVICE_PASSWORD_VERIFIER: the same claim
// with the DeviceGroupKey and DeviceKey in place of pool and user.
func (l *Login) devicePasswordVerifier() (*challenge.RespondToAuthChallengeInput, error) {
	d := l.cfg.Device
	if d == nil || l.device == nil {
		return nil, fmt.Errorf("%w: DEVICE_PASSWORD_VERIFIER without DEVICE_SRP_AUTH", ErrUnexpectedReply)
	}
	salt, B, secret, err := l.srpParams()
	if err != nil {
		return nil, err
	}
	key, err := l.device.DeviceSessionKey(d.GroupKey, d.Key, d.Password, salt, B)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnexpectedReply, err)
	}
	ts := srp.FormatTimestamp(l.now())
	return l.respond(l.session, map[string]string{
		challenge.KeyPasswordClaimSecretBlock: l.params[challenge.KeySecretBlock],
		challenge.KeyTimestamp:                ts,
		challenge.KeyPasswordClaimSignature:   srp.Signature(key, d.GroupKey, d.Key, secret, ts),
	}), nil
}

// requiredAttributes parses NEW_PASSWORD_REQUIRED's JSON-string parameters
// leniently: what does not parse is left out (the server names what is
// still missing when the answer is sent).
func requiredAttributes(params map[string]string) (required []string, attrs map[string]string) {
	var names []string
	if json.Unmarshal([]byte(params[challenge.KeyRequiredAttributes]), &names) == nil {
		for _, n := range names {
			required = append(required, strings.TrimPrefix(n, challenge.PrefixUserAttributes))
		}
	}
	var raw map[string]any
	if json.Unmarshal([]byte(params[challenge.KeyUserAttributes]), &raw) == nil && len(raw) > 0 {
		attrs = make(map[string]string, len(raw))
		for k, v := range raw {
			if s, ok := v.(string); ok {
				attrs[k] = s
			}
		}
	}
	return required, attrs
}

// nameList parses a JSON array of challenge names (MFAS_CAN_CHOOSE,
// MFAS_CAN_SETUP); anything else gives nil.
func nameList(s string) []challenge.Name {
	var names []challenge.Name
	if json.Unmarshal([]byte(s), &names) != nil {
		return nil
	}
	return names
}
