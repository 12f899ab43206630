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

// SoftwareTokenService enrols an authenticator app:
// AssociateSoftwareToken gives a secret, VerifySoftwareToken checks a code
// of it. Both take the Session of an MFA_SETUP challenge (or an
// AccessToken, outside sign-in).
type SoftwareTokenService interface {
	AssociateSoftwareToken(ctx context.Context, in *challenge.AssociateSoftwareTokenInput) (*challenge.AssociateSoftwareTokenOutput, error)
	VerifySoftwareToken(ctx context.Context, in *challenge.VerifySoftwareTokenInput) (*challenge.VerifySoftwareTokenOutput, error)
}

// Service is what Run needs of a user pool: the sign-in operations and,
// to answer MFA_SETUP, the software-token ones. The engine implements it
// in process and cognitoclient.Client over HTTP.
type Service interface {
	challenge.Service
	SoftwareTokenService
}

// UI answers a Prompt; an error aborts Run and is returned as is.
type UI func(Prompt) (Input, error)

// Run signs l in through svc: InitiateAuth, then RespondToAuthChallenge
// until tokens come back, calling ui for each Prompt (never for
// PromptDone or PromptMFASetup). For MFA_SETUP with an authenticator app
// Run calls AssociateSoftwareToken, shows PromptTOTPSetup (the secret and
// its otpauth:// URI), and checks the code with VerifySoftwareToken.
//
// When the server refuses a one-time code (CodeMismatchException, or
// EnableSoftwareTokenMFAException during setup; the session stays valid),
// ui is shown the same Prompt again with Err set, a few times at most. Any
// other server error is returned unchanged and ends the sign-in.
func Run(ctx context.Context, svc Service, l *Login, ui UI) (*challenge.AuthenticationResult, error) {
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
		if p.Kind == PromptMFASetup {
			var session string
			session, err = setupTOTP(ctx, svc, l, p, ui, &retries)
			if err == nil {
				p, req, err = l.Answer(p, Input{Value: session})
			}
			continue
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

// setupTOTP enrols an authenticator for the MFA_SETUP prompt p and returns
// the session that answers it.
func setupTOTP(ctx context.Context, svc SoftwareTokenService, l *Login, p Prompt, ui UI, retries *int) (string, error) {
	assoc, err := svc.AssociateSoftwareToken(ctx, &challenge.AssociateSoftwareTokenInput{Session: p.Session})
	if err != nil {
		return "", err
	}
	if assoc.SecretCode == "" || assoc.Session == "" {
		return "", fmt.Errorf("%w: AssociateSoftwareToken gave no secret or session", ErrUnexpectedReply)
	}
	shown := l.TOTPSetup(p, assoc.SecretCode)
	for {
		v, err := ui(shown)
		if err != nil {
			return "", err
		}
		if v.Value == "" {
			return "", fmt.Errorf("%w: empty code", ErrInvalidInput)
		}
		out, err := svc.VerifySoftwareToken(ctx, &challenge.VerifySoftwareTokenInput{Session: assoc.Session,
			UserCode: v.Value, FriendlyDeviceName: v.FriendlyName})
		if err == nil && out.Status != "" && out.Status != "SUCCESS" {
			err = challenge.New(challenge.ErrEnableSoftwareTokenMFA, "The code was not accepted.")
		}
		if err == nil {
			if out.Session == "" {
				return "", fmt.Errorf("%w: VerifySoftwareToken gave no session", ErrUnexpectedReply)
			}
			return out.Session, nil
		}
		if !retryable(PromptTOTPSetup, err) || *retries >= maxRetries {
			return "", err
		}
		*retries++
		shown.Err = err
	}
}

// retryable reports whether a refused answer to a prompt of kind k may be
// retried in the same session.
func retryable(k PromptKind, err error) bool {
	switch k {
	case PromptTOTPCode, PromptSMSCode, PromptEmailCode:
		return errors.Is(err, challenge.ErrCodeMismatch)
	case PromptTOTPSetup:
		return errors.Is(err, challenge.ErrCodeMismatch) || errors.Is(err, challenge.ErrEnableSoftwareTokenMFA)
	}
	return false
}
