package flow

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/schema"
	"github.com/authflow/authflow/srp"
)

// Event is one call to the machine: every fact the driver looked up, and
// nothing else. It holds no context, no port and no hook: what the machine
// needs from outside it asks for with Outcome.Need, and the answers come
// back in Random and Replies. Step never writes to an Event, nor to the
// Pool, AppClient and User it points to.
//
// The zero value of every field is safe: zero Limits are the defaults, a
// nil SRP is DefaultSRP, no Random bytes make the step ask for them. Pool
// and Client are required (without them the step fails with an internal
// error).
type Event struct {
	Admin  bool
	Flow   challenge.AuthFlow // set for InitiateAuth / AdminInitiateAuth
	Answer challenge.Name     // set for the respond operations
	Params map[string]string  // AuthParameters or ChallengeResponses
	Now    time.Time
	// Random are random bytes for the step, read in order (an SRP
	// exponent, a SECRET_BLOCK, a one-time code, a device key, a salt).
	// When they run short the step asks for more (NeedRandom) and the
	// driver appends them; a step that needs none takes none.
	Random []byte
	// Replies answer the requests this step made so far (Outcome.Need),
	// in order: a hook's decision or a passkey ceremony.
	Replies []Reply
	Pool    *Pool
	Client  *AppClient
	// User is the user the call is about; nil when there is no such user.
	User *User
	// Limits bound the sign-in; a zero field is its default.
	Limits Limits
	// DecoyKey keys the decoy salts shown for unknown users, and the
	// one-time codes kept in a session.
	DecoyKey []byte
	// SRP is the server side of SRP (nil: DefaultSRP): pure arithmetic on
	// the bytes it is given, no I/O.
	SRP SRP
	// Metadata is the call's ClientMetadata, passed to the hooks.
	Metadata map[string]string
	// Origins are extra allowed WebAuthn origins besides
	// https://<relying party id>.
	Origins []string
	// SignedUp says the call carries the Session of a confirmed sign-up.
	SignedUp bool
	// CanSend says a Sender is configured; without one, challenges that
	// deliver codes are never offered.
	CanSend bool
	// CanCustomAuth says the define, create and verify hooks are all
	// configured; without them CUSTOM_AUTH is refused.
	CanCustomAuth bool
	// CanPasskey says a Passkeys port is configured; without one,
	// WEB_AUTHN is never offered.
	CanPasskey bool
	// DecoyLocked says the unknown name of a decoy sign-in is locked out
	// by its failures, as a user would be (the driver reads the Limiter).
	DecoyLocked bool
}

// Outcome is what one step decided. The driver carries it out: it spends
// or keeps the session, applies Effects, saves Next under a new handle and
// turns Grant into tokens.
//
// An Outcome whose Need is set decides nothing: the step stopped at a
// request. Its other fields are zero; the driver answers the request and
// steps again with the same State and the Event with the answer added.
type Outcome struct {
	// Need is the request the step stopped at, or nil for a decision.
	Need  *Request
	Event string // the last transition taken (a name in Transitions)
	// Transitions are the edges of Transitions the step took, in order,
	// each checked against the table: one for most steps, two when the
	// step passes through a phase within the call (a plain password goes
	// START -password_received-> PASSWORD_VERIFIER, then on from there).
	// A retry (a wrong answer that keeps the session) is a transition from
	// the phase to itself.
	Transitions []Transition
	// Next is the state after the step. For a terminal step its Phase is
	// PhaseTokens or PhaseFailed.
	Next *State
	// The challenge to send when Next is not terminal.
	Challenge challenge.Name
	Params    map[string]string
	// Grant asks for tokens.
	Grant bool
	// Effects on the user, applied whatever the result.
	Effects Effects
	// Err is the error to answer with.
	Err error
	// Retry means the error leaves the session usable: it is kept (with
	// Next, which counts the wrong answer) instead of spent.
	Retry bool
	// NewDevice is the device the client may confirm (device tracking on).
	NewDevice *challenge.NewDeviceMetadata
	// Available lists the first factors of a SELECT_CHALLENGE.
	Available []challenge.Name
	// Continue carries Next under the answered session's handle instead of
	// a new one (the handle is swapped, not spent): DEVICE_SRP_AUTH after
	// an MFA answer, which amazon-cognito-identity-js answers with the
	// Session it sent the MFA code with.
	Continue bool
	// DecoyCode says a decoy pretended to send a code: the driver charges
	// the name's code budget as for a code sent.
	DecoyCode bool
}

// Effects are the changes a step makes to its user, as data.
type Effects struct {
	RecordFailure bool // a failed password or code: count it towards lockout
	ResetFailures bool // a proven password: clear the lockout counter
	// SetPassword replaces the password verifier.
	SetPassword *PasswordRecord
	SetStatus   UserStatus
	// SetAttributes are written over the user's attributes.
	SetAttributes map[string]string
	// TOTPStep records the time step of an accepted TOTP code, so the same
	// code is refused afterwards.
	TOTPStep uint64
	// SetTOTP makes a verified software token the user's TOTP factor.
	SetTOTP *TOTPChange
	// Messages are codes to deliver once the step is carried out.
	Messages []Message
	// DeviceAuthenticated names a device that just proved itself.
	DeviceAuthenticated string
	// PasskeyUsed records a passkey's new sign count.
	PasskeyUsed *PasskeyUse
}

// PasskeyUse is a passkey that signed a sign-in in.
type PasskeyUse struct {
	ID        []byte
	SignCount uint32
}

// TOTPChange is a newly verified software token.
type TOTPChange struct {
	Secret string
	Name   string
	Step   uint64
}

// userEffects reports whether e changes the user record.
func (e Effects) userEffects() bool {
	return e.RecordFailure || e.ResetFailures || e.SetPassword != nil || e.SetStatus != "" || len(e.SetAttributes) > 0 ||
		e.TOTPStep != 0 || e.SetTOTP != nil || e.DeviceAuthenticated != "" || e.PasskeyUsed != nil
}

var timeZero time.Time

func parseStep(s string) uint64 {
	var n uint64
	for _, c := range s {
		if c < '0' || c > '9' || n > 1<<58 {
			return 0
		}
		n = n*10 + uint64(c-'0')
	}
	return n
}

// codeValidity is how long an SMS or email code stays valid.
func codeValidity(p *Pool) time.Duration {
	if p.CodeValidity > 0 {
		return p.CodeValidity
	}
	return 3 * time.Minute
}

// Limits bound a sign-in.
type Limits struct {
	MaxWrongAnswers  int           // wrong answers one session takes before it dies (default 3)
	MaxSteps         int           // calls one sign-in may take (default 16)
	LockoutThreshold int           // consecutive failures before lockout (default 5)
	LockoutMax       time.Duration // the longest lockout (default 15 minutes)
	// CodeSends is how many sign-in codes (EMAIL_OTP, SMS_OTP, SMS_MFA,
	// email MFA) one user, or one unknown name, may be sent per
	// CodeSendWindow (defaults 5 per 15 minutes); more answer
	// TooManyRequestsException.
	CodeSends      int
	CodeSendWindow time.Duration
	// PendingSessions is how many sign-in sessions one user, or one
	// unknown name, may open per session validity (default 20), so that
	// nobody fills the session store with one name; more answer
	// TooManyRequestsException.
	PendingSessions int
	// TimestampSkew, when positive, refuses a PASSWORD_VERIFIER TIMESTAMP
	// further than this from the server clock. Off by default: clients
	// such as cognito-srp send 12-hour-clock times.
	TimestampSkew time.Duration
}

func (l Limits) withDefaults() Limits {
	if l.MaxWrongAnswers <= 0 {
		l.MaxWrongAnswers = 3
	}
	if l.MaxSteps <= 0 {
		l.MaxSteps = 16
	}
	if l.LockoutThreshold <= 0 {
		l.LockoutThreshold = 5
	}
	if l.LockoutMax <= 0 {
		l.LockoutMax = 15 * time.Minute
	}
	if l.CodeSends <= 0 {
		l.CodeSends = 5
	}
	if l.CodeSendWindow <= 0 {
		l.CodeSendWindow = 15 * time.Minute
	}
	if l.PendingSessions <= 0 {
		l.PendingSessions = 20
	}
	return l
}

// Step is the pure sign-in machine: the current state (nil or a zero
// PhaseStart state for InitiateAuth) and one event give the outcome. It
// is a function of its arguments alone: no clock, no I/O, no randomness
// but Event.Random, and no writes through s or ev. Every transition it
// takes is checked against Transitions.
//
// When the step needs something from outside (a hook, a passkey
// ceremony, more random bytes) the Outcome carries only Need; answer it
// and call Step again with the same s and the Event with the answer
// appended (Event.Replies, or Event.Random for NeedRandom).
func Step(s *State, ev *Event) Outcome {
	if ev == nil || ev.Pool == nil || ev.Client == nil {
		from := PhaseStart
		if s != nil {
			from = s.Phase
		}
		return Outcome{Event: evFailed, Next: &State{Phase: PhaseFailed},
			Err:         errInternal(errors.New("flow: Step needs an Event with a Pool and a Client")),
			Transitions: []Transition{{Event: evFailed, From: from, To: PhaseFailed}}}
	}
	e := *ev // the machine's own copy: ev is never written to
	e.Limits = e.Limits.withDefaults()
	if e.SRP == nil {
		e.SRP = DefaultSRP{}
	}
	m := &machine{ev: &e, rng: &entropy{src: ev.Random}}
	if s == nil {
		s = &State{Phase: PhaseStart}
	}
	m.st = *s
	var o Outcome
	if m.st.Phase == PhaseStart {
		o = m.start()
	} else {
		o = m.respond()
	}
	switch {
	case m.rng.short > 0:
		// Random bytes first: the path to any later request may depend
		// on them.
		return Outcome{Need: &Request{Kind: NeedRandom, Random: m.rng.short}}
	case m.need != nil:
		return Outcome{Need: m.need}
	}
	return m.finish(s.Phase, o)
}

type machine struct {
	ev      *Event       // the machine's copy of the event
	st      State        // working copy of the state
	path    []Transition // transitions passed through within this step
	rng     *entropy     // Event.Random, read in order
	replies int          // Event.Replies consumed
	need    *Request     // the request the step stopped at
}

// pass takes a transition within the step: the machine enters phase to
// and goes on from there in the same call (see PhasePasswordVerifier).
func (m *machine) pass(event string, to Phase) {
	m.path = append(m.path, Transition{Event: event, From: m.st.Phase, To: to})
	m.st.Phase = to
}

// finish validates the transitions and fills in the state's bookkeeping.
func (m *machine) finish(from Phase, o Outcome) Outcome {
	// The lockout counter is cleared only by a completed sign-in: a proven
	// password followed by a second factor must not clear the failures of
	// that factor's wrong codes.
	o.Effects.ResetFailures = o.Grant && o.Err == nil
	if o.Next == nil {
		next := m.st
		next.Phase = PhaseFailed
		o.Next = &next
		if o.Event == "" {
			o.Event = evFailed
		}
	}
	path := append(m.path, Transition{Event: o.Event, To: o.Next.Phase})
	at := from
	for i := range path {
		if i == len(path)-1 {
			path[i].From = at
		}
		if path[i].From != at {
			return m.undeclared(from, errors.New("flow: transition from "+path[i].From.String()+" taken in "+at.String()))
		}
		if err := checkTransition(path[i].Event, path[i].From, path[i].To); err != nil {
			return m.undeclared(from, err)
		}
		at = path[i].To
	}
	o.Transitions = path
	if o.Retry {
		// A kept session stays in the phase it was stored in.
		o.Next.Phase = from
	}
	return o
}

// undeclared ends a step that left the table with an internal error.
func (m *machine) undeclared(from Phase, err error) Outcome {
	return Outcome{Event: evFailed, Next: &State{Phase: PhaseFailed}, Err: errInternal(err),
		Transitions: []Transition{{Event: evFailed, From: from, To: PhaseFailed}}}
}

// fail ends the sign-in with err.
func (m *machine) fail(err error) Outcome { return Outcome{Event: evFailed, Err: err} }

// failWith ends the sign-in with err and effects.
func (m *machine) failWith(err error, e Effects) Outcome {
	return Outcome{Event: evFailed, Err: err, Effects: e}
}

func (m *machine) param(key string) string { return m.ev.Params[key] }

// start handles InitiateAuth and AdminInitiateAuth for the flows that run
// through the machine (the refresh flows are handled by the driver).
func (m *machine) start() Outcome {
	ev := m.ev
	m.st.PoolID = ev.Pool.ID
	m.st.ClientID = ev.Client.ID
	m.st.Admin = ev.Admin
	m.st.Flow = ev.Flow
	m.st.Created = ev.Now
	m.st.DeviceKey = m.param(challenge.KeyDeviceKey)
	m.st.Proof = passwordProof(ev.User)
	switch ev.Flow {
	case challenge.FlowUserSRPAuth:
		return m.startSRP()
	case challenge.FlowUserPasswordAuth, challenge.FlowAdminUserPasswordAuth, challenge.FlowAdminNoSRPAuth:
		return m.startPassword()
	case challenge.FlowRefreshTokenAuth, challenge.FlowRefreshToken:
		// Refresh is proven by the issuer before the machine runs (the
		// driver does it without Step); it needs the token's user.
		if ev.User == nil {
			return m.fail(errNotAuthorized(challenge.MsgInvalidRefreshToken))
		}
		return m.tokens()
	case challenge.FlowCustomAuth:
		return m.startCustom()
	case challenge.FlowUserAuth:
		return m.startUserAuth()
	}
	return m.fail(errParam("Initiate Auth method not supported."))
}

// userGate refuses users who may not sign in whatever they prove.
func (m *machine) userGate() error {
	u := m.ev.User
	if !u.Enabled {
		return errNotAuthorized(challenge.MsgUserDisabled)
	}
	if !u.LockedUntil.IsZero() && m.ev.Now.Before(u.LockedUntil) {
		return errNotAuthorized(challenge.MsgPasswordAttempts)
	}
	if u.Status == StatusResetRequired {
		return challenge.New(challenge.ErrPasswordResetRequired, challenge.MsgPasswordReset)
	}
	return nil
}

// statusGate refuses users whose status forbids tokens once the password
// is proven.
func (m *machine) statusGate() error {
	u := m.ev.User
	switch u.Status {
	case StatusUnconfirmed:
		return challenge.New(challenge.ErrUserNotConfirmed, challenge.MsgUserNotConfirmed)
	case StatusForceChangePassword:
		if !u.TemporaryPasswordExpires.IsZero() && !m.ev.Now.Before(u.TemporaryPasswordExpires) {
			return errNotAuthorized(challenge.MsgTemporaryExpired)
		}
	}
	return nil
}

func (m *machine) preventExistenceErrors() bool {
	return m.ev.Client.PreventUserExistenceErrors == challenge.PreventUserExistenceErrorsOn
}

// startPassword checks a plain password (USER_PASSWORD_AUTH,
// ADMIN_USER_PASSWORD_AUTH, ADMIN_NO_SRP_AUTH).
func (m *machine) startPassword() Outcome {
	username, password := m.param(challenge.KeyUsername), m.param(challenge.KeyPassword)
	if password == "" {
		return m.fail(errMissing(challenge.KeyPassword))
	}
	m.pass(evPasswordReceived, PhasePasswordVerifier)
	u := m.ev.User
	if u == nil {
		if m.preventExistenceErrors() {
			if err := m.decoyGate(); err != nil {
				return m.fail(err)
			}
			// Spend the same exponentiation a real check costs.
			userID := decoyUserID(m.ev.DecoyKey, m.ev.Pool, username)
			salt := m.decoySalt(userID)
			srp.CheckPassword(salt, salt, srp.PoolName(m.ev.Pool.ID), userID, password)
			return m.failWith(errIncorrect(), Effects{RecordFailure: true})
		}
		return m.fail(errUserNotFound())
	}
	m.st.Username = u.Username
	if err := m.userGate(); err != nil {
		return m.fail(err)
	}
	if !u.HasPassword() || !srp.CheckPassword(u.Salt, u.Verifier, srp.PoolName(u.PoolID), u.Username, password) {
		return m.failWith(errIncorrect(), Effects{RecordFailure: true})
	}
	return m.firstFactorProven()
}

// startSRP answers USER_SRP_AUTH with a PASSWORD_VERIFIER challenge. The
// session key is computed now, so only it is kept.
func (m *machine) startSRP() Outcome {
	username := m.param(challenge.KeyUsername)
	aHex := m.param(challenge.KeySRPA)
	if aHex == "" {
		return m.fail(errMissing(challenge.KeySRPA))
	}
	A, err := srp.ParseA(aHex)
	if err != nil {
		return m.fail(challenge.Wrap(challenge.ErrInvalidParameter, "SRP_A is not valid.", err))
	}
	u := m.ev.User
	var salt []byte
	var v *big.Int
	userID := username
	if u == nil {
		if !m.preventExistenceErrors() {
			return m.fail(errUserNotFound())
		}
		// A decoy: a stable salt and a verifier no password matches.
		if err := m.decoyGate(); err != nil {
			return m.fail(err)
		}
		m.st.Decoy = true
		userID = decoyUserID(m.ev.DecoyKey, m.ev.Pool, username)
		salt = m.decoySalt(userID)
		v = new(big.Int).SetBytes(m.decoyBytes("verifier", userID, 384))
	} else {
		if err := m.userGate(); err != nil {
			return m.fail(err)
		}
		if !u.HasPassword() {
			return m.fail(errIncorrect())
		}
		salt, v, userID = u.Salt, new(big.Int).SetBytes(u.Verifier), u.Username
	}
	B, key, secret, bad := m.srpChallenge(A, v)
	if bad != nil {
		return *bad
	}
	next := m.st
	next.Phase = PhaseSRP
	next.Challenge = challenge.PasswordVerifier
	next.Username = userID
	next.Key = key
	next.Secret = secret
	return Outcome{
		Event: evSRPChallenge, Next: &next, Challenge: challenge.PasswordVerifier,
		Params: map[string]string{
			challenge.KeySalt:         hexBytes(salt),
			challenge.KeySRPB:         srp.HexInt(B),
			challenge.KeySecretBlock:  base64.StdEncoding.EncodeToString(secret),
			challenge.KeyUserIDForSRP: userID,
			challenge.KeyUsername:     userID,
		},
	}
}

// srpChallenge draws the exponent and SECRET_BLOCK bytes and runs the
// handshake. Short of random bytes it stops at once (the handshake is the
// costly part of the step), and Step asks for them.
func (m *machine) srpChallenge(A, v *big.Int) (B *big.Int, key, secret []byte, bad *Outcome) {
	rnd := m.draw(SRPHandshakeBytes + SRPSecretBlockBytes)
	if m.rng.short > 0 {
		return nil, nil, nil, &Outcome{}
	}
	B, key, err := m.ev.SRP.Handshake(rnd[:SRPHandshakeBytes], A, v)
	if err != nil {
		o := m.fail(challenge.Wrap(challenge.ErrInvalidParameter, "SRP_A is not valid.", err))
		return nil, nil, nil, &o
	}
	secret, err = m.ev.SRP.SecretBlock(rnd[SRPHandshakeBytes:])
	if err != nil {
		o := m.fail(errInternal(err))
		return nil, nil, nil, &o
	}
	return B, key, secret, nil
}

func hexBytes(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// decoyBytes derives n stable bytes for an unknown username, so repeated
// probes see the same values.
func (m *machine) decoyBytes(label, username string, n int) []byte {
	var out []byte
	for i := byte(0); len(out) < n; i++ {
		h := hmac.New(sha256.New, m.ev.DecoyKey)
		h.Write([]byte{i})
		h.Write([]byte(label))
		h.Write([]byte{0})
		h.Write([]byte(m.ev.Pool.ID))
		h.Write([]byte{0})
		h.Write([]byte(username))
		out = h.Sum(out)
	}
	return out[:n]
}

// decoyUserID is the USER_ID_FOR_SRP of an unknown name: what a user with
// that name would have. In a pool whose usernames are email addresses or
// phone numbers that is a UUID (a user's username is its sub), stable per
// name; otherwise the name in the pool's case.
func decoyUserID(key []byte, p *Pool, name string) string {
	name = canonicalUsername(p, name)
	if len(p.UsernameAttributes) == 0 {
		return name
	}
	h := hmac.New(sha256.New, key)
	h.Write([]byte("decoy-sub\x00" + p.ID + "\x00" + name))
	u, _ := uuid.FromBytes(h.Sum(nil)[:16])
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u.String()
}

// decoyGate refuses a decoy sign-in whose name is locked out, where
// userGate would refuse a user.
func (m *machine) decoyGate() error {
	if m.ev.DecoyLocked {
		return errLockedOut()
	}
	return nil
}

func (m *machine) decoySalt(username string) []byte {
	return srp.PadHex(new(big.Int).SetBytes(m.decoyBytes("salt", username, 16)))
}

// respond handles the respond operations.
func (m *machine) respond() Outcome {
	st := &m.st
	ev := m.ev
	if int(st.Steps) >= ev.Limits.MaxSteps {
		return m.fail(errInvalidSession())
	}
	m.st.Steps++
	if username := m.param(challenge.KeyUsername); username == "" {
		return m.fail(errMissing(challenge.KeyUsername))
	} else if username != st.Username {
		return m.fail(errIncorrect())
	}
	if ev.User == nil && !st.Decoy {
		// The user was deleted during the sign-in.
		return m.fail(errIncorrect())
	}
	switch st.Challenge {
	case challenge.PasswordVerifier:
		return m.passwordVerifier()
	case challenge.NewPasswordRequired:
		return m.newPassword()
	}
	switch m.st.Phase {
	case PhaseCustom:
		return m.customAnswer()
	case PhaseSelectChallenge:
		return m.selectAnswer()
	case PhaseUserAuth:
		return m.userAuthAnswer()
	}
	if m.st.Phase == PhaseDeviceSRP || m.st.Phase == PhaseMFA {
		if err := m.userGate(); err != nil {
			return m.fail(err)
		}
		if m.stale() {
			return m.fail(errIncorrect())
		}
		if m.st.Phase == PhaseDeviceSRP {
			return m.deviceAnswer()
		}
		return m.mfaAnswer()
	}
	return m.fail(errInvalidSession())
}

// passwordVerifier checks the SRP claim.
func (m *machine) passwordVerifier() Outcome {
	if m.st.Decoy {
		if err := m.decoyGate(); err != nil {
			return m.fail(err)
		}
		claim, bad := m.claimParams()
		if bad != nil {
			return *bad
		}
		// The work of a real check: decode the block, sign with a key.
		secret, _ := base64.StdEncoding.DecodeString(claim[1])
		_ = srp.VerifySignature(m.decoyBytes("key", m.st.Username, 16), srp.PoolName(m.ev.Pool.ID), m.st.Username, secret, claim[2], claim[0])
		return m.failWith(errIncorrect(), Effects{RecordFailure: true})
	}
	if err := m.userGate(); err != nil {
		return m.fail(err)
	}
	u := m.ev.User
	if bad := m.verifyClaim(srp.PoolName(u.PoolID), u.Username); bad != nil {
		return *bad
	}
	if m.stale() {
		return m.fail(errIncorrect())
	}
	if dk := m.param(challenge.KeyDeviceKey); dk != "" {
		m.st.DeviceKey = dk
	}
	if m.st.Flow == challenge.FlowCustomAuth {
		o := m.customAfterPassword()
		o.Effects.ResetFailures = o.Err == nil
		return o
	}
	return m.firstFactorProven()
}

// claimParams reads the three claim responses.
func (m *machine) claimParams() (claim [3]string, bad *Outcome) {
	keys := [3]string{challenge.KeyPasswordClaimSignature, challenge.KeyPasswordClaimSecretBlock, challenge.KeyTimestamp}
	for i, k := range keys {
		if claim[i] = m.param(k); claim[i] == "" {
			o := m.fail(errMissing(k))
			return claim, &o
		}
	}
	if _, err := srp.ParseTimestamp(claim[2]); err != nil {
		o := m.fail(challenge.Wrap(challenge.ErrInvalidParameter, "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.", err))
		return claim, &o
	}
	return claim, nil
}

// verifyClaim checks a PASSWORD_VERIFIER or DEVICE_PASSWORD_VERIFIER claim
// against the session's key and secret block; poolName and userID come
// from the engine's own state, never from the client. It returns the
// failing outcome, or nil.
func (m *machine) verifyClaim(poolName, userID string) *Outcome {
	claim, bad := m.claimParams()
	if bad != nil {
		return bad
	}
	sig, block, ts := claim[0], claim[1], claim[2]
	fail := func(err error) *Outcome { o := m.failWith(err, Effects{RecordFailure: true}); return &o }
	secret, err := base64.StdEncoding.DecodeString(block)
	if err != nil || subtle.ConstantTimeCompare(secret, m.st.Secret) != 1 {
		return fail(errIncorrect())
	}
	if skew := m.ev.Limits.TimestampSkew; skew > 0 {
		when, _ := srp.ParseTimestamp(ts)
		if d := m.ev.Now.Sub(when); d > skew || d < -skew {
			o := m.fail(errNotAuthorized("Timestamp is outside the allowed window."))
			return &o
		}
	}
	if err := srp.VerifySignature(m.st.Key, poolName, userID, secret, ts, sig); err != nil {
		if errors.Is(err, srp.ErrTimestampFormat) {
			o := m.fail(challenge.Wrap(challenge.ErrInvalidParameter, "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.", err))
			return &o
		}
		return fail(errIncorrect())
	}
	m.st.Key, m.st.Secret = nil, nil
	return nil
}

// firstFactorProven records a proven password and decides what follows.
func (m *machine) firstFactorProven() Outcome {
	if err := m.statusGate(); err != nil {
		return m.failWith(err, Effects{ResetFailures: true})
	}
	m.st.Proven |= FactorPassword
	m.st.AuthTime = m.ev.Now
	o := m.next()
	o.Effects.ResetFailures = true
	return o
}

// next is the one place that decides what follows a proven factor: a
// forced password change, then MFA and device authentication in Cognito's
// order (a remembered device that replaces MFA first; otherwise MFA, then
// the device), and finally tokens.
func (m *machine) next() Outcome {
	u := m.ev.User
	if u.Status == StatusForceChangePassword && m.st.Proven&FactorNewPassword == 0 {
		return m.challengeNewPassword()
	}
	if o, ok := m.deviceBeforeMFA(); ok {
		return o
	}
	if o, ok := m.mfaNext(); ok {
		return o
	}
	if o, ok := m.deviceNext(); ok {
		return o
	}
	return m.tokens()
}

func (m *machine) tokens() Outcome {
	next := m.st
	next.Phase = PhaseTokens
	next.Challenge = ""
	o := Outcome{Event: evTokensIssued, Next: &next, Grant: true}
	if m.ev.Pool.Devices != nil && m.ev.User != nil && next.Proven&FactorDevice == 0 && m.ev.Flow != challenge.FlowRefreshTokenAuth && m.ev.Flow != challenge.FlowRefreshToken {
		nd, err := m.newDevice()
		if err != nil {
			return m.fail(errInternal(err))
		}
		o.NewDevice = nd
		next.DeviceKey = nd.DeviceKey
	} else if next.Proven&FactorDevice == 0 {
		next.DeviceKey = ""
	}
	return o
}

// challengeNewPassword asks a user with a temporary password for a new one.
func (m *machine) challengeNewPassword() Outcome {
	u := m.ev.User
	attrs := map[string]string{}
	for k, v := range u.Attributes {
		attrs[k] = v
	}
	required := []string{}
	for _, name := range m.ev.Pool.SchemaRequired {
		if u.Attributes[name] == "" {
			required = append(required, challenge.PrefixUserAttributes+name)
		}
	}
	slices.Sort(required)
	ua, _ := json.Marshal(attrs)
	ra, _ := json.Marshal(required)
	next := m.st
	next.Phase = PhaseNewPasswordRequired
	next.Challenge = challenge.NewPasswordRequired
	next.Wrong = 0
	return Outcome{
		Event: evNewPasswordRequired, Next: &next, Challenge: challenge.NewPasswordRequired,
		Params: map[string]string{
			challenge.KeyUserIDForSRP:       u.Username,
			challenge.KeyUserAttributes:     string(ua),
			challenge.KeyRequiredAttributes: string(ra),
		},
	}
}

// stale reports that the user's password changed since the sign-in
// started (an administrator or the user replaced it): what was, or is
// being, proven is no longer the user's password.
func (m *machine) stale() bool {
	return m.ev.User != nil && subtle.ConstantTimeCompare(m.st.Proof, passwordProof(m.ev.User)) != 1
}

// passwordProof fingerprints a user's password verifier (nil without one).
func passwordProof(u *User) []byte {
	if u == nil || !u.HasPassword() {
		return nil
	}
	h := sha256.New()
	h.Write(u.Salt)
	h.Write([]byte{0})
	h.Write(u.Verifier)
	return h.Sum(nil)[:8]
}

// guesses reports whether Step(s, ev) evaluates a guessable secret of the
// sign-in's user: a password, an SRP or device proof, a one-time code, a
// passkey assertion or a custom answer. The driver reserves a guess in the
// user's lockout counter before such a step, so parallel guesses cannot
// outrun the lockout. A step it names that evaluates nothing after all
// (a malformed answer) has its reservation taken back.
func guesses(s *State, ev *Event) bool {
	has := func(k string) bool { return ev.Params[k] != "" }
	if s == nil || s.Phase == PhaseStart {
		switch ev.Flow {
		case challenge.FlowUserPasswordAuth, challenge.FlowAdminUserPasswordAuth, challenge.FlowAdminNoSRPAuth:
			return has(challenge.KeyPassword)
		case challenge.FlowUserAuth:
			return challenge.Name(ev.Params[challenge.KeyPreferredChallenge]) == challenge.Password && has(challenge.KeyPassword)
		}
		return false
	}
	switch s.Challenge {
	case challenge.PasswordVerifier, challenge.DevicePasswordVerifier:
		return has(challenge.KeyPasswordClaimSignature)
	case challenge.Password:
		return has(challenge.KeyPassword)
	case challenge.EmailOTP:
		return has(challenge.KeyEmailOTPCode)
	case challenge.SMSOTP:
		return has(challenge.KeySMSOTPCode)
	case challenge.SMSMFA:
		return has(challenge.KeySMSMFACode)
	case challenge.SoftwareTokenMFA:
		return has(challenge.KeySoftwareTokenMFACode)
	case challenge.WebAuthn:
		return has(challenge.KeyCredential)
	case challenge.CustomChallenge:
		return has(challenge.KeyAnswer)
	case challenge.SelectChallenge:
		var offered []challenge.Name
		_ = json.Unmarshal([]byte(s.Extra[extraAvailable]), &offered)
		if !slices.Contains(offered, challenge.Name(ev.Params[challenge.KeyAnswer])) {
			return false
		}
		switch challenge.Name(ev.Params[challenge.KeyAnswer]) {
		case challenge.Password:
			return has(challenge.KeyPassword)
		case challenge.WebAuthn:
			return has(challenge.KeyCredential)
		}
	}
	return false
}

// retry keeps the session for another answer, or ends it when the wrong
// answers are used up.
func (m *machine) retry(event string, err error) Outcome {
	if int(m.st.Wrong)+1 >= m.ev.Limits.MaxWrongAnswers {
		return m.fail(err)
	}
	next := m.st
	next.Wrong++
	return Outcome{Event: event, Next: &next, Challenge: next.Challenge, Err: err, Retry: true}
}

// newPassword answers NEW_PASSWORD_REQUIRED.
func (m *machine) newPassword() Outcome {
	u := m.ev.User
	pw := m.param(challenge.KeyNewPassword)
	if pw == "" {
		return m.retry(evNewPasswordRejected, errMissing(challenge.KeyNewPassword))
	}
	if err := m.userGate(); err != nil {
		return m.fail(err)
	}
	if m.stale() {
		return m.fail(errIncorrect())
	}
	set := map[string]string{}
	for k, v := range m.ev.Params {
		name, ok := strings.CutPrefix(k, challenge.PrefixUserAttributes)
		if !ok {
			continue
		}
		if err := checkWritableAttribute(m.ev.Client, name); err != nil {
			return m.retry(evNewPasswordRejected, err)
		}
		if slices.Contains(m.ev.Pool.SchemaRequired, name) && u.Attributes[name] != "" && u.Attributes[name] != v {
			return m.retry(evNewPasswordRejected, errParam("Cannot modify an already provided "+name))
		}
		set[name] = v
	}
	if err := checkClientAttributeWrite(m.ev.Client, u, set); err != nil {
		return m.retry(evNewPasswordRejected, err)
	}
	if err := schema.Check(m.ev.Pool.Schema, schema.Complete, u.Attributes, set); err != nil {
		return m.retry(evNewPasswordRejected, err)
	}
	for _, name := range m.ev.Pool.SchemaRequired {
		if u.Attributes[name] == "" && set[name] == "" {
			return m.retry(evNewPasswordRejected, errParam("Missing required attribute "+name))
		}
	}
	if err := m.ev.Pool.PasswordPolicy.Check(pw); err != nil {
		return m.retry(evNewPasswordRejected, err)
	}
	if err := passwordReused(u, m.ev.Pool, pw); err != nil {
		return m.retry(evNewPasswordRejected, err)
	}
	salt, verifier, err := srp.NewPasswordVerifier(m.rng, srp.PoolName(u.PoolID), u.Username, pw)
	if err != nil {
		return m.fail(errInternal(err))
	}
	m.st.Proven |= FactorNewPassword
	m.st.Wrong = 0
	m.st.Proof = passwordProof(&User{Salt: salt, Verifier: verifier})
	// The rest of the policy sees the user as it will be.
	changed := u.Clone()
	changed.Status = StatusConfirmed
	m.ev.User = changed
	o := m.next()
	if o.Err != nil {
		// Nothing is half-applied: a step that fails after the new password
		// (e.g. an unknown DEVICE_KEY) keeps the old one.
		return o
	}
	o.Effects.SetPassword = &PasswordRecord{Salt: salt, Verifier: verifier}
	o.Effects.SetStatus = StatusConfirmed
	if len(set) > 0 {
		o.Effects.SetAttributes = set
	}
	return o
}

// passwordReused enforces PasswordHistorySize.
func passwordReused(u *User, p *Pool, pw string) error {
	n := p.PasswordPolicy.PasswordHistorySize
	if n <= 0 {
		return nil
	}
	records := append([]PasswordRecord{{Salt: u.Salt, Verifier: u.Verifier}}, u.PasswordHistory...)
	for i, r := range records {
		if i >= n {
			break
		}
		if len(r.Verifier) > 0 && srp.CheckPassword(r.Salt, r.Verifier, srp.PoolName(u.PoolID), u.Username, pw) {
			return challenge.New(challenge.ErrPasswordHistoryPolicyViolation,
				"The password you have entered has been used previously. Please choose a new password.")
		}
	}
	return nil
}

// checkWritableAttribute refuses attributes a client may not write.
func checkWritableAttribute(c *AppClient, name string) error {
	switch name {
	case "sub", "identities", "cognito:user_status", "cognito:mfa_enabled":
		return errParam("Cannot modify the non-mutable attribute " + name)
	}
	if name == "" || len(name) > 64 {
		return errParam("Invalid attribute name.")
	}
	if len(c.WriteAttributes) > 0 && !slices.Contains(c.WriteAttributes, name) {
		return challenge.New(challenge.ErrNotAuthorized, "A client attempted to write unauthorized attribute")
	}
	return nil
}
