package webauthn

import (
	"errors"
	"slices"
	"testing"

	"github.com/authflow/authflow/challenge"
)

// The fuzz targets call the unguarded finishLogin / finishRegistration, so a
// panic anywhere (this package or go-webauthn) fails them instead of being
// turned into an error by the exported methods' recover.

// finishCodes are the only codes Finish* may return for bad input.
var finishCodes = []challenge.Code{
	challenge.ErrInvalidParameter,
	challenge.ErrNotAuthorized,
	challenge.ErrWebAuthnChallengeNotFound,
	challenge.ErrWebAuthnRelyingPartyMismatch,
	challenge.ErrWebAuthnOriginNotAllowed,
	challenge.ErrWebAuthnCredentialNotSupported,
}

func checkFinishError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var e *challenge.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *challenge.Error", err, err)
	}
	if !slices.Contains(finishCodes, e.Code) || e.Message == "" {
		t.Fatalf("unexpected error %v", err)
	}
}

func FuzzFinishLogin(f *testing.F) {
	fx := newFixture(f)
	fx.register()
	session, cred := fx.assert(fx.vrp)
	f.Add(session, cred)
	f.Add(session, []byte(`{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AAAA","signature":"AA"}}`))
	f.Add(session[:len(session)-3], cred[:len(cred)/2])
	f.Add([]byte("afwa\x01L"), []byte("{}"))
	f.Add([]byte{}, []byte{})
	user, rp, c := fx.user, fx.rp, fx.c
	f.Fuzz(func(t *testing.T, session, cred []byte) {
		got, err := c.finishLogin(rp, user, session, cred)
		checkFinishError(t, err)
		if err == nil && got == nil {
			t.Fatal("nil credential without an error")
		}
	})
}

func FuzzFinishRegistration(f *testing.F) {
	fx := newFixture(f)
	session, cred := fx.attest(fx.vrp)
	f.Add(session, cred)
	opts, noneSession, err := fx.c.BeginRegistration(fx.rp, fx.user)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(noneSession, noneAttestation(f, fx.rp.ID, fx.rp.Origins[0], opts, []byte("fuzz-cred"), newES256Key(f), "none"))
	f.Add(session[:len(session)-3], cred[:len(cred)/2])
	f.Add([]byte("afwa\x01R"), []byte(`{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA"}}`))
	f.Add([]byte{}, []byte{})
	user, rp, c := fx.user, fx.rp, fx.c
	f.Fuzz(func(t *testing.T, session, cred []byte) {
		got, err := c.finishRegistration(rp, user, session, cred)
		checkFinishError(t, err)
		if err == nil && got == nil {
			t.Fatal("nil credential without an error")
		}
	})
}

// TestGuard checks that the exported methods turn a panic into an error.
func TestGuard(t *testing.T) {
	f := func() (err error) {
		defer guard(&err, challenge.ErrInvalidParameter, msgUnexpectedCredential)
		panic("unexpected failure inside a ceremony")
	}
	wantCode(t, f(), challenge.ErrInvalidParameter)
}
