package flow

import (
	"github.com/authflow/authflow/challenge"
)

// The machine's requests: what a step needs from outside (a hook's
// decision, a passkey ceremony, more random bytes) before it can decide.
// Step never calls out. It ends the step at the request instead, with
// Outcome.Need; the driver performs the request and steps again with the
// answer in the Event (Replies, or Random for bytes). Because Step is a
// function of its inputs, the repeated step takes the same path up to the
// request and goes on from there: as etcd raft hands its Ready to the
// application and is told with Advance that it was carried out.

// RequestKind says what a Request asks for.
type RequestKind uint8

// The kinds of Request.
const (
	// NeedRandom asks for Request.Random more random bytes, appended to
	// Event.Random (not a Reply).
	NeedRandom RequestKind = iota + 1
	// NeedDefine asks for the define-auth-challenge hook's decision on
	// Request.Define; the Reply carries Define.
	NeedDefine
	// NeedCreate asks the create-auth-challenge hook for a challenge on
	// Request.Create; the Reply carries Create.
	NeedCreate
	// NeedVerify asks the verify-auth-challenge-response hook to judge
	// Request.Verify; the Reply carries Verify.
	NeedVerify
	// NeedPasskeyBegin asks the Passkeys port to begin a WebAuthn
	// assertion (BeginLogin) for Request.Passkey; the Reply carries
	// Options and Session.
	NeedPasskeyBegin
	// NeedPasskeyFinish asks the Passkeys port to verify the assertion in
	// Request.Passkey (FinishLogin); the Reply carries CredentialID and
	// SignCount.
	NeedPasskeyFinish
)

var requestNames = [...]string{"", "random", "define", "create", "verify", "passkey_begin", "passkey_finish"}

// String names the kind ("random", "define", ...).
func (k RequestKind) String() string {
	if int(k) < len(requestNames) && k != 0 {
		return requestNames[k]
	}
	return "invalid"
}

// Request is one thing the machine needs from outside, as data. Exactly
// the field its Kind names is set.
type Request struct {
	Kind RequestKind
	// Random is how many more bytes NeedRandom wants.
	Random int
	// The hooks' inputs.
	Define *DefineAuthChallengeInput
	Create *CreateAuthChallengeInput
	Verify *VerifyAuthChallengeInput
	// Passkey is the ceremony NeedPasskeyBegin and NeedPasskeyFinish ask for.
	Passkey *PasskeyRequest
}

// PasskeyRequest is a WebAuthn ceremony the machine asks the driver to run
// with its Passkeys port.
type PasskeyRequest struct {
	RP   challenge.RelyingParty
	User challenge.PasskeyUser
	// Session and Credential are set for NeedPasskeyFinish: the session
	// data BeginLogin returned, and the client's credential JSON.
	Session, Credential []byte
}

// Reply answers one Request other than NeedRandom. Kind repeats the
// request's; Err is the hook's or the port's error (a *challenge.Error,
// as the driver's callHook shapes hook errors), which the machine answers
// the call with. Event.Replies holds the replies to a step's requests in
// the order it asked them.
type Reply struct {
	Kind   RequestKind
	Define *DefineAuthChallengeOutput
	Create *CreateAuthChallengeOutput
	Verify *VerifyAuthChallengeOutput
	// NeedPasskeyBegin: the request options for the client and the
	// session data to keep.
	Options, Session []byte
	// NeedPasskeyFinish: the credential that signed, and its sign count.
	CredentialID []byte
	SignCount    uint32
	Err          error
}

// reply returns the answer to the step's next request, or asks for it:
// ok=false means the step ends here with Outcome.Need (the caller returns
// at once; Step discards what it returns).
func (m *machine) reply(req Request) (Reply, bool) {
	if m.need != nil {
		return Reply{}, false
	}
	if m.replies < len(m.ev.Replies) {
		r := m.ev.Replies[m.replies]
		m.replies++
		if r.Kind != req.Kind {
			return Reply{Kind: req.Kind, Err: errInternal(errReplyMismatch(req.Kind, r.Kind))}, true
		}
		return r, true
	}
	m.need = &req
	return Reply{}, false
}

type replyMismatch struct{ want, got RequestKind }

func (e replyMismatch) Error() string {
	return "flow: a " + e.got.String() + " reply answers a " + e.want.String() + " request"
}

func errReplyMismatch(want, got RequestKind) error { return replyMismatch{want, got} }

// entropy is the machine's view of Event.Random: bytes read in order.
// When they run out it counts how many more the step wanted and goes on
// with zero bytes, so that one repeated step learns the whole need; Step
// then discards the outcome and asks for that many (NeedRandom). Zero
// bytes only ever stand in for a step that is thrown away.
type entropy struct {
	src   []byte
	used  int
	short int
}

// Read implements io.Reader for the machine's randomness; it never fails.
func (e *entropy) Read(p []byte) (int, error) {
	n := 0
	if e.used < len(e.src) {
		n = copy(p, e.src[e.used:])
	}
	e.used += len(p)
	if n < len(p) {
		clear(p[n:])
		e.short += len(p) - n
	}
	return len(p), nil
}

// draw returns n bytes of the event's randomness (a fresh slice).
func (m *machine) draw(n int) []byte {
	b := make([]byte, n)
	_, _ = m.rng.Read(b)
	return b
}
