package flow

import (
	"context"
	"errors"
	"io"
	"maps"
)

// maxRequests bounds the requests the driver answers for one call: the
// longest path asks for random bytes, a verify, a define and a create
// decision; a step that asks for more is a defect, not a sign-in.
const maxRequests = 12

// stepFunc is the machine the driver runs: Step, or in this package's
// tests Step wrapped in flowtest.CheckStep (export_test.go).
var stepFunc = Step

// step runs the machine for one call: it answers the requests the
// machine makes (random bytes from Config.Rand, the custom-auth hooks,
// the passkey ceremonies), stepping again with each answer, until the
// machine decides. It reports the decision's transitions to Config.Trace.
// ev is the driver's own Event; step appends the answers to it.
func (s *Server) step(ctx context.Context, st *State, ev *Event) Outcome {
	for range maxRequests {
		o := stepFunc(st, ev)
		if o.Need == nil {
			s.traceSteps(o.Transitions)
			return o
		}
		if o.Need.Kind == NeedRandom {
			b := make([]byte, o.Need.Random)
			if _, err := io.ReadFull(s.rand, b); err != nil {
				return s.stepFailed(st, errInternal(err))
			}
			ev.Random = append(ev.Random, b...)
			continue
		}
		ev.Replies = append(ev.Replies, s.answer(ctx, *o.Need))
	}
	return s.stepFailed(st, errInternal(errors.New("flow: the machine made too many requests")))
}

// stepFailed ends a step the driver could not complete.
func (s *Server) stepFailed(st *State, err error) Outcome {
	from := PhaseStart
	if st != nil {
		from = st.Phase
	}
	next := State{Phase: PhaseFailed}
	if st != nil {
		next = *st
		next.Phase = PhaseFailed
	}
	ts := []Transition{{Event: evFailed, From: from, To: PhaseFailed}}
	s.traceSteps(ts)
	return Outcome{Event: evFailed, Next: &next, Err: err, Transitions: ts}
}

// answer performs one request of the machine. A hook's failure (an
// error, a panic) is shaped by callHook into the Lambda exception Cognito
// answers with; the machine answers the call with it.
func (s *Server) answer(ctx context.Context, req Request) Reply {
	r := Reply{Kind: req.Kind}
	notConfigured := errInternal(errors.New("flow: the machine asked for " + req.Kind.String() + ", which is not configured"))
	switch req.Kind {
	case NeedDefine:
		if s.hooks.DefineAuthChallenge == nil || req.Define == nil {
			r.Err = notConfigured
			break
		}
		in := *req.Define
		in.ClientMetadata = maps.Clone(in.ClientMetadata) // the hook may keep or change it; the Event's stays
		r.Define, r.Err = callHook("DefineAuthChallenge", func() (*DefineAuthChallengeOutput, error) {
			return s.hooks.DefineAuthChallenge(ctx, in)
		})
	case NeedCreate:
		if s.hooks.CreateAuthChallenge == nil || req.Create == nil {
			r.Err = notConfigured
			break
		}
		in := *req.Create
		in.ClientMetadata = maps.Clone(in.ClientMetadata)
		r.Create, r.Err = callHook("CreateAuthChallenge", func() (*CreateAuthChallengeOutput, error) {
			return s.hooks.CreateAuthChallenge(ctx, in)
		})
	case NeedVerify:
		if s.hooks.VerifyAuthChallenge == nil || req.Verify == nil {
			r.Err = notConfigured
			break
		}
		in := *req.Verify
		in.ClientMetadata = maps.Clone(in.ClientMetadata)
		r.Verify, r.Err = callHook("VerifyAuthChallengeResponse", func() (*VerifyAuthChallengeOutput, error) {
			return s.hooks.VerifyAuthChallenge(ctx, in)
		})
	case NeedPasskeyBegin:
		if s.passkeys == nil || req.Passkey == nil {
			r.Err = notConfigured
			break
		}
		r.Options, r.Session, r.Err = s.passkeys.BeginLogin(req.Passkey.RP, req.Passkey.User)
	case NeedPasskeyFinish:
		if s.passkeys == nil || req.Passkey == nil {
			r.Err = notConfigured
			break
		}
		r.CredentialID, r.SignCount, r.Err = s.passkeys.FinishLogin(req.Passkey.RP, req.Passkey.User, req.Passkey.Session, req.Passkey.Credential)
	default:
		r.Err = errInternal(errors.New("flow: unknown request " + req.Kind.String()))
	}
	return r
}
