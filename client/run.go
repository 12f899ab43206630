package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/authflow/authflow/challenge"
)

// Limits of Run against a server that never finishes or a UI that never
// gets a code right.
const (
	maxRounds  = 64 // requests per sign-in
	maxRetries = 5  // wrong codes re-prompted per sign-in
)

// UI answers a Prompt; an error aborts Run and is returned as is.
type UI func(Prompt) (Input, error)

// Run signs l in through svc: InitiateAuth, then RespondToAuthChallenge
// until tokens come back, calling ui for each Prompt (never for
// PromptDone). When the server refuses a one-time code with
// CodeMismatchException (the session stays valid), ui is shown the same
// Prompt again with Err set, a few times at most. Any other server error
// is returned unchanged and ends the sign-in.
func Run(ctx context.Context, svc challenge.Service, l *Login, ui UI) (*challenge.AuthenticationResult, error) {
	in, err := l.Start()
	if err != nil {
		return nil, err
	}
	out, err := svc.InitiateAuth(ctx, in)
	if err != nil {
		return nil, err
	}
	p, req, err := l.Next(FromInitiate(out))
	var last *Prompt // the prompt whose answer is in req
	retries := 0
	for round := 0; ; round++ {
		if err != nil {
			return nil, err
		}
		if round > maxRounds {
			return nil, fmt.Errorf("%w: no tokens after %d steps", ErrUnexpectedReply, maxRounds)
		}
		if req != nil {
			resp, err2 := svc.RespondToAuthChallenge(ctx, req)
			if err2 != nil {
				if last != nil && retryable(last.Kind, err2) && retries < maxRetries {
					retries++
					p, req, err = *last, nil, nil
					p.Err = err2
					continue
				}
				return nil, err2
			}
			last = nil
			p, req, err = l.Next(FromRespond(resp))
			continue
		}
		if p.Kind == PromptDone {
			return p.Result, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		v, uerr := ui(p)
		if uerr != nil {
			return nil, uerr
		}
		shown := p
		last = &shown
		p, req, err = l.Answer(p, v)
	}
}

// retryable reports whether a refused answer to a prompt of kind k may be
// retried in the same session.
func retryable(k PromptKind, err error) bool {
	switch k {
	case PromptTOTPCode, PromptSMSCode, PromptEmailCode:
		return errors.Is(err, challenge.ErrCodeMismatch)
	}
	return false
}
