package flow

import (
	"fmt"
	"strings"

	"github.com/looplab/fsm"
)

// Event names of the transition table. Each names what happened; the
// machine checks every step it takes against Transitions, retries
// included, and so does the driver for the few transitions it takes itself
// (the MFA_SETUP session operations, the sign-up sessions, refresh).
const (
	evSRPChallenge        = "srp_challenge"         // an SRP verifier was sent (PASSWORD_VERIFIER)
	evPasswordReceived    = "password_received"     // a plain password arrived and is checked against the verifier
	evNewPasswordRequired = "new_password_required" // a temporary password was proven
	evNewPasswordRejected = "new_password_rejected" // NEW_PASSWORD broke the policy; the session stays for another answer
	evTokensIssued        = "tokens_issued"         // everything required was proven
	evFailed              = "failed"                // the sign-in ended without tokens
	evMFARequired         = "mfa_required"          // a second factor (or its setup) is due
	evMFASelected         = "mfa_selected"          // SELECT_MFA_TYPE answered
	evMFARejected         = "mfa_rejected"          // a wrong code; the session stays for another answer
	evFactorRejected      = "first_factor_rejected" // a wrong EMAIL_OTP or SMS_OTP first-factor code; the session stays
	evMFASetupAssociated  = "mfa_setup_associated"  // AssociateSoftwareToken with an MFA_SETUP session
	evMFASetupVerified    = "mfa_setup_verified"    // VerifySoftwareToken accepted the code of an MFA_SETUP session
	evMFASetupRejected    = "mfa_setup_rejected"    // VerifySoftwareToken refused the code; the session stays
	evDeviceChallenge     = "device_challenge"      // a remembered device must prove itself (DEVICE_SRP_AUTH)
	evDeviceVerifier      = "device_verifier"       // the device SRP verifier was sent (DEVICE_PASSWORD_VERIFIER)
	evCustomChallenge     = "custom_challenge"      // the define hook asked for a CUSTOM_CHALLENGE
	evChoiceOffered       = "choice_offered"        // USER_AUTH without a usable preference: SELECT_CHALLENGE
	evFirstFactorChosen   = "first_factor_chosen"   // a first factor awaits its proof (PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN)
	evSignedUp            = "signed_up"             // SignUp returned a session; it waits in START for ConfirmSignUp
	evSignUpConfirmed     = "sign_up_confirmed"     // ConfirmSignUp returned a session; it waits in START for InitiateAuth
)

// Phase names, for the table below.
var (
	sStart       = PhaseStart.String()
	sUserAuth    = PhaseUserAuth.String()
	sSRP         = PhaseSRP.String()
	sPasswordVer = PhasePasswordVerifier.String()
	sMFA         = PhaseMFA.String()
	sSelect      = PhaseSelectChallenge.String()
	sNewPassword = PhaseNewPasswordRequired.String()
	sDeviceSRP   = PhaseDeviceSRP.String()
	sCustom      = PhaseCustom.String()
	sTokens      = PhaseTokens.String()
	sFailed      = PhaseFailed.String()
)

// Transitions is the one declared transition table of the sign-in machine:
// the single source for step validation and for the diagram in the README.
// A step that would take an edge not declared here ends the sign-in with
// an InternalErrorException instead.
var Transitions = fsm.Events{
	{Name: evSignedUp, Src: []string{sStart}, Dst: sStart},
	{Name: evSignUpConfirmed, Src: []string{sStart}, Dst: sStart},
	{Name: evChoiceOffered, Src: []string{sStart}, Dst: sSelect},
	{Name: evFirstFactorChosen, Src: []string{sStart, sSelect}, Dst: sUserAuth},
	{Name: evSRPChallenge, Src: []string{sStart, sSelect, sUserAuth}, Dst: sSRP},
	{Name: evPasswordReceived, Src: []string{sStart, sSelect, sUserAuth}, Dst: sPasswordVer},
	{Name: evNewPasswordRequired, Src: []string{sSelect, sUserAuth, sSRP, sPasswordVer}, Dst: sNewPassword},
	{Name: evNewPasswordRejected, Src: []string{sNewPassword}, Dst: sNewPassword},
	{Name: evCustomChallenge, Src: []string{sStart, sSRP, sCustom}, Dst: sCustom},
	{Name: evDeviceChallenge, Src: []string{sSelect, sUserAuth, sSRP, sPasswordVer, sNewPassword, sMFA}, Dst: sDeviceSRP},
	{Name: evDeviceVerifier, Src: []string{sDeviceSRP}, Dst: sDeviceSRP},
	{Name: evMFARequired, Src: []string{sSRP, sPasswordVer, sNewPassword}, Dst: sMFA},
	{Name: evMFASelected, Src: []string{sMFA}, Dst: sMFA},
	{Name: evMFARejected, Src: []string{sMFA}, Dst: sMFA},
	{Name: evFactorRejected, Src: []string{sUserAuth}, Dst: sUserAuth},
	{Name: evMFASetupAssociated, Src: []string{sMFA}, Dst: sMFA},
	{Name: evMFASetupVerified, Src: []string{sMFA}, Dst: sMFA},
	{Name: evMFASetupRejected, Src: []string{sMFA}, Dst: sMFA},
	{Name: evTokensIssued, Src: []string{sStart, sSelect, sUserAuth, sSRP, sPasswordVer, sNewPassword, sMFA, sDeviceSRP, sCustom}, Dst: sTokens},
	{Name: evFailed, Src: []string{sStart, sSelect, sUserAuth, sSRP, sPasswordVer, sNewPassword, sMFA, sDeviceSRP, sCustom}, Dst: sFailed},
}

// rejected names the retry of a wrong code in phase p.
func rejected(p Phase) string {
	if p == PhaseUserAuth {
		return evFactorRejected
	}
	return evMFARejected
}

// Transition is one edge of Transitions taken by a step.
type Transition struct {
	Event    string
	From, To Phase
}

// String renders the edge as "FROM -event-> TO".
func (t Transition) String() string {
	return t.From.String() + " -" + t.Event + "-> " + t.To.String()
}

// Edges lists every declared edge of Transitions, one per source, in the
// table's order.
func Edges() []Transition {
	var out []Transition
	for _, e := range Transitions {
		for _, src := range e.Src {
			out = append(out, Transition{Event: e.Name, From: phaseByName[src], To: phaseByName[e.Dst]})
		}
	}
	return out
}

var phaseByName = func() map[string]Phase {
	m := map[string]Phase{}
	for p := Phase(0); p < phaseCount; p++ {
		m[p.String()] = p
	}
	return m
}()

type edge struct {
	event string
	src   Phase
}

// edges is Transitions as a plain lookup, built once.
var edges = func() map[edge]Phase {
	byName := phaseByName
	m := map[edge]Phase{}
	for _, e := range Transitions {
		dst, ok := byName[e.Dst]
		if !ok {
			panic("flow: transition table names unknown state " + e.Dst)
		}
		for _, s := range e.Src {
			src, ok := byName[s]
			if !ok {
				panic("flow: transition table names unknown state " + s)
			}
			if _, dup := m[edge{e.Name, src}]; dup {
				panic("flow: transition declared twice: " + e.Name + " from " + s)
			}
			m[edge{e.Name, src}] = dst
		}
	}
	return m
}()

// checkTransition reports whether event from src to dst is declared.
func checkTransition(event string, src, dst Phase) error {
	want, ok := edges[edge{event, src}]
	if !ok || want != dst {
		return fmt.Errorf("flow: undeclared transition %s: %s -> %s", event, src, dst)
	}
	return nil
}

// take checks a transition the driver takes outside Step (the MFA_SETUP
// session operations, the sign-up sessions, refresh) against Transitions
// and reports it to Config.Trace.
func (s *Server) take(event string, from, to Phase) error {
	if err := checkTransition(event, from, to); err != nil {
		return errInternal(err)
	}
	s.traceSteps([]Transition{{Event: event, From: from, To: to}})
	return nil
}

func (s *Server) traceSteps(ts []Transition) {
	if s.trace != nil && len(ts) > 0 {
		s.trace(ts)
	}
}

// Diagram renders Transitions as a Mermaid state diagram (deterministic).
func Diagram() string {
	f := fsm.NewFSM(PhaseStart.String(), Transitions, fsm.Callbacks{})
	out, err := fsm.VisualizeWithType(f, fsm.MermaidStateDiagram)
	if err != nil {
		return "%% " + err.Error()
	}
	return strings.TrimSpace(out) + "\n"
}

//go:generate go run ../internal/gendiagram ../README.md
