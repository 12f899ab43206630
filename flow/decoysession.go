package flow

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"time"

	"github.com/authflow/authflow/challenge"
)

// Stateless decoy sessions. A sign-in of an unknown name under
// PreventUserExistenceErrors=ENABLED (SRP, USER_AUTH and its first
// factors) keeps no state in the session store: its state is sealed in the
// handle itself, which has the length and alphabet of a store handle (32
// bytes, unpadded base64url). A flood of made-up names therefore never
// fills the store. What a decoy session must remember after an answer (that
// it is spent, how many wrong codes it took) goes to the Limiter, keyed by
// the handle, and only when it is answered.
//
// Layout (32 bytes): kind (1), flags (1), expiry in Unix nanoseconds (8),
// steps (1), a 5-byte hash of the decoy user ID, a 4-byte nonce, and a
// 12-byte HMAC (keyed by the decoy key) over all that, the pool and the
// app client. The user ID is not in the handle: the answer's USERNAME is
// checked against its hash.

const (
	decoyHandleBytes = 32
	decoyMACBytes    = 12
	decoyFlagAdmin   = 1
	decoyFlagSRP     = 2 // started with USER_SRP_AUTH (else USER_AUTH)
)

// decoyKinds are the pending challenges a sealed decoy session may hold, by
// their kind byte.
var decoyKinds = [...]struct {
	phase Phase
	name  challenge.Name
}{
	1: {PhaseSRP, challenge.PasswordVerifier},
	2: {PhaseSelectChallenge, challenge.SelectChallenge},
	3: {PhaseUserAuth, challenge.Password},
	4: {PhaseUserAuth, challenge.PasswordSRP},
	5: {PhaseUserAuth, challenge.EmailOTP},
	6: {PhaseUserAuth, challenge.SMSOTP},
}

func decoyKind(st *State) byte {
	for k, d := range decoyKinds {
		if k > 0 && d.phase == st.Phase && d.name == st.Challenge {
			return byte(k)
		}
	}
	return 0
}

// sealable reports whether a next state is a decoy session that can be
// sealed in its handle (custom-auth decoys, defined by hooks, are stored).
func sealable(st *State) bool {
	return st.Decoy && (st.Flow == challenge.FlowUserSRPAuth || st.Flow == challenge.FlowUserAuth) && decoyKind(st) != 0
}

func (s *Server) decoyMAC(payload []byte, poolID, clientID string) []byte {
	h := hmac.New(sha256.New, s.decoyKey)
	h.Write([]byte("decoy-session\x00"))
	h.Write(payload)
	h.Write([]byte(poolID + "\x00" + clientID))
	return h.Sum(nil)[:decoyMACBytes]
}

func (s *Server) decoyUserHash(poolID, userID string) []byte {
	h := hmac.New(sha256.New, s.decoyKey)
	h.Write([]byte("decoy-user\x00" + poolID + "\x00" + userID))
	return h.Sum(nil)[:5]
}

// sealDecoy returns the handle of a decoy session in state st.
func (s *Server) sealDecoy(st *State) (string, error) {
	b := make([]byte, decoyHandleBytes)
	b[0] = decoyKind(st)
	if st.Admin {
		b[1] |= decoyFlagAdmin
	}
	if st.Flow == challenge.FlowUserSRPAuth {
		b[1] |= decoyFlagSRP
	}
	binary.BigEndian.PutUint64(b[2:10], uint64(st.Expires.UnixNano()))
	b[10] = st.Steps
	copy(b[11:16], s.decoyUserHash(st.PoolID, st.Username))
	if _, err := io.ReadFull(s.rand, b[16:20]); err != nil {
		return "", err
	}
	copy(b[20:], s.decoyMAC(b[:20], st.PoolID, st.ClientID))
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// openDecoy reads a sealed decoy handle presented to client cl of pool p
// with the answer's USERNAME. ok is false when the handle is not one. A
// USERNAME that is not the decoy's gives a state whose user ID matches no
// name, so the machine refuses it as it refuses a wrong USERNAME for a
// user.
func (s *Server) openDecoy(handle string, cl *AppClient, p *Pool, username string) (st State, ok bool) {
	if len(handle) != 43 {
		return st, false
	}
	b, err := base64.RawURLEncoding.DecodeString(handle)
	if err != nil || len(b) != decoyHandleBytes || b[0] == 0 || int(b[0]) >= len(decoyKinds) {
		return st, false
	}
	if !hmac.Equal(b[20:], s.decoyMAC(b[:20], p.ID, cl.ID)) {
		return st, false
	}
	k := decoyKinds[b[0]]
	st = State{Phase: k.phase, Challenge: k.name, PoolID: p.ID, ClientID: cl.ID, Decoy: true,
		Admin: b[1]&decoyFlagAdmin != 0, Flow: challenge.FlowUserAuth, Steps: b[10],
		Expires: time.Unix(0, int64(binary.BigEndian.Uint64(b[2:10]))).UTC()}
	if b[1]&decoyFlagSRP != 0 {
		st.Flow = challenge.FlowUserSRPAuth
	}
	st.Username = "\x00not the decoy's name"
	for _, id := range []string{username, decoyUserID(s.decoyKey, p, username)} {
		if username != "" && hmac.Equal(b[11:16], s.decoyUserHash(p.ID, id)) {
			st.Username = id
			break
		}
	}
	issued := st.Expires.Add(-cl.sessionValidity())
	switch st.Challenge {
	case challenge.SelectChallenge:
		m := &machine{ev: &Event{Pool: p, CanSend: s.sender != nil, CanPasskey: s.passkeys != nil}}
		list, _ := json.Marshal(m.firstFactors())
		st.Extra = map[string]string{extraAvailable: string(list)}
	case challenge.EmailOTP, challenge.SMSOTP:
		st.CodeHash = sessionCodeHash(s.decoyKey, "\x00decoy") // no code a client can send
		st.CodeExpires = issued.Add(codeValidity(p))
	}
	return st, true
}

// decoyKey is the Limiter key under which a decoy handle's answers are
// remembered.
func decoyAnswerKey(handle, what string) string { return "decoy-session\x00" + what + "\x00" + handle }

// decoyLive reports whether a decoy session was not yet spent, and how
// many wrong answers it took.
func (s *Server) decoyLive(ctx context.Context, handle string) (live bool, wrong int, err error) {
	spent, err := s.limiter.Take(ctx, decoyAnswerKey(handle, "spent"), 0)
	if err != nil || spent > 0 {
		return false, 0, err
	}
	wrong, err = s.limiter.Take(ctx, decoyAnswerKey(handle, "wrong"), 0)
	return err == nil, wrong, err
}

// decoySpend ends a decoy session: of concurrent callers exactly one gets
// ok (as Store.Spend).
func (s *Server) decoySpend(ctx context.Context, handle string, ttl time.Duration) (bool, error) {
	n, err := s.limiter.Take(ctx, decoyAnswerKey(handle, "spent"), ttl)
	return err == nil && n == 1, err
}

// decoySwap counts a wrong answer a decoy session survives: of concurrent
// callers that saw wrong answers, exactly one gets ok (as Store.Swap).
func (s *Server) decoySwap(ctx context.Context, handle string, wrong int, ttl time.Duration) (bool, error) {
	n, err := s.limiter.Take(ctx, decoyAnswerKey(handle, "wrong"), ttl)
	return err == nil && n == wrong+1, err
}
