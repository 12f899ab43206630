package flow

import (
	"fmt"
	"strings"

	"github.com/looplab/fsm"
)

// Event names of the transition table. Each names what happened; the
// machine checks every step it takes against Transitions.
const (
	evSRPChallenge        = "srp_challenge"         // an SRP verifier was sent (PASSWORD_VERIFIER)
	evNewPasswordRequired = "new_password_required" // a temporary password was proven
	evNewPasswordRejected = "new_password_rejected" // NEW_PASSWORD broke the policy; try again
	evTokensIssued        = "tokens_issued"         // everything required was proven
	evFailed              = "failed"                // the sign-in ended without tokens
	evMFARequired         = "mfa_required"          // a second factor (or its setup) is due
	evMFASelected         = "mfa_selected"          // SELECT_MFA_TYPE answered, or MFA_SETUP progressed
	evMFARejected         = "mfa_rejected"          // a wrong code; the session stays (not a transition)
	evDeviceChallenge     = "device_challenge"      // a remembered device must prove itself (DEVICE_SRP_AUTH)
	evDeviceVerifier      = "device_verifier"       // the device SRP verifier was sent (DEVICE_PASSWORD_VERIFIER)
	evCustomChallenge     = "custom_challenge"      // the define hook asked for a CUSTOM_CHALLENGE
	evChoiceOffered       = "choice_offered"        // USER_AUTH without a usable preference: SELECT_CHALLENGE
	evFirstFactorChosen   = "first_factor_chosen"   // a first factor awaits its proof (PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN)
)

// Transitions is the one declared transition table of the sign-in machine:
// the single source for step validation and for the diagram in the README.
// Later capabilities (MFA, devices, choice-based and custom sign-in) add
// their edges here.
var Transitions = fsm.Events{
	{Name: evChoiceOffered, Src: []string{PhaseStart.String()}, Dst: PhaseSelectChallenge.String()},
	{Name: evFirstFactorChosen, Src: []string{PhaseStart.String(), PhaseSelectChallenge.String()}, Dst: PhaseUserAuth.String()},
	{Name: evSRPChallenge, Src: []string{PhaseStart.String(), PhaseSelectChallenge.String(), PhaseUserAuth.String()}, Dst: PhaseSRP.String()},
	{Name: evNewPasswordRequired, Src: []string{PhaseStart.String(), PhaseSelectChallenge.String(), PhaseUserAuth.String(), PhaseSRP.String()}, Dst: PhaseNewPasswordRequired.String()},
	{Name: evNewPasswordRejected, Src: []string{PhaseNewPasswordRequired.String()}, Dst: PhaseNewPasswordRequired.String()},
	{Name: evCustomChallenge, Src: []string{PhaseStart.String(), PhaseSRP.String(), PhaseCustom.String()}, Dst: PhaseCustom.String()},
	{Name: evDeviceChallenge, Src: []string{PhaseStart.String(), PhaseSelectChallenge.String(), PhaseUserAuth.String(), PhaseSRP.String(), PhaseNewPasswordRequired.String(), PhaseMFA.String()}, Dst: PhaseDeviceSRP.String()},
	{Name: evDeviceVerifier, Src: []string{PhaseDeviceSRP.String()}, Dst: PhaseDeviceSRP.String()},
	{Name: evMFARequired, Src: []string{PhaseStart.String(), PhaseSelectChallenge.String(), PhaseUserAuth.String(), PhaseSRP.String(), PhaseNewPasswordRequired.String()}, Dst: PhaseMFA.String()},
	{Name: evMFASelected, Src: []string{PhaseMFA.String()}, Dst: PhaseMFA.String()},
	{Name: evTokensIssued, Src: []string{PhaseStart.String(), PhaseSelectChallenge.String(), PhaseUserAuth.String(), PhaseSRP.String(), PhaseNewPasswordRequired.String(), PhaseMFA.String(), PhaseDeviceSRP.String(), PhaseCustom.String()}, Dst: PhaseTokens.String()},
	{Name: evFailed, Src: []string{PhaseStart.String(), PhaseSelectChallenge.String(), PhaseUserAuth.String(), PhaseSRP.String(), PhaseNewPasswordRequired.String(), PhaseMFA.String(), PhaseDeviceSRP.String(), PhaseCustom.String()}, Dst: PhaseFailed.String()},
}

type edge struct {
	event string
	src   Phase
}

// edges is Transitions as a plain lookup, built once.
var edges = func() map[edge]Phase {
	byName := map[string]Phase{}
	for p := Phase(0); p < phaseCount; p++ {
		byName[p.String()] = p
	}
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

// Diagram renders Transitions as a Mermaid state diagram (deterministic).
func Diagram() string {
	f := fsm.NewFSM(PhaseStart.String(), Transitions, fsm.Callbacks{})
	out, err := fsm.VisualizeWithType(f, fsm.MermaidStateDiagram)
	if err != nil {
		return "%% " + err.Error()
	}
	return strings.TrimSpace(out) + "\n"
}

// Markers around the diagram in a Markdown file.
const (
	DiagramBegin = "<!-- diagram:begin -->"
	DiagramEnd   = "<!-- diagram:end -->"
)

//go:generate go run ../internal/gendiagram ../README.md

// ReplaceDiagram returns doc with the text between DiagramBegin and
// DiagramEnd replaced by a fenced Mermaid block of Diagram().
func ReplaceDiagram(doc string) (string, error) {
	i := strings.Index(doc, DiagramBegin)
	j := strings.Index(doc, DiagramEnd)
	if i < 0 || j < i {
		return "", fmt.Errorf("no %s ... %s section", DiagramBegin, DiagramEnd)
	}
	block := DiagramBegin + "\n```mermaid\n" + Diagram() + "```\n"
	return doc[:i] + block + doc[j:], nil
}
