package flowtest

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/authflow/authflow/challenge"
)

// TestModelPredictsCognitosDeviceOrder drives the model through the chain
// that reaches a confirmed device that is not remembered, for the MFA
// user: sign in with TOTP, confirm the offered device, mark it
// not_remembered, sign in with its key, answer TOTP, then the device
// challenges. The model predicts Cognito's order (MFA, then
// DEVICE_SRP_AUTH under the same session, DEVICE_PASSWORD_VERIFIER,
// tokens) and its invariants are checked after each step; the test also
// checks that the chain was reached, so the prediction is exercised (with
// the engine's former order, device step first, it fails).
func TestModelPredictsCognitosDeviceOrder(t *testing.T) {
	steps := []struct {
		action string
		until  func(m *Model) bool // done when true (tried up to 3 times)
	}{
		{"MFASignIn", func(m *Model) bool { return len(m.LiveSessions(challenge.SoftwareTokenMFA)) > 0 }},
		{"AnswerTOTP", func(m *Model) bool { return len(m.deviceOffers()) > 0 }},
		{"ConfirmDevice", func(m *Model) bool { return len(m.confirmedDevices()) > 0 }},
		{"UpdateDeviceStatus", func(m *Model) bool {
			for _, d := range m.confirmedDevices() {
				if !d.Remembered && d.live(MFAUser) {
					return true
				}
			}
			return false
		}},
		{"DeviceSignIn", func(m *Model) bool { return len(m.LiveSessions(challenge.SoftwareTokenMFA)) > 0 }},
		{"AnswerTOTP", func(m *Model) bool { return len(m.LiveSessions(challenge.DeviceSRPAuth)) > 0 }},
		{"AnswerDeviceSRP", func(m *Model) bool { return len(m.LiveSessions(challenge.DevicePasswordVerifier)) > 0 }},
		{"AnswerDeviceVerifier", func(*Model) bool { return false }},
	}
	reached := 0
	rapid.Check(t, func(rt *rapid.T) {
		m := NewModel(rt, ModelOptions{TB: t, TOTP: true, Devices: true})
		m.Check(rt)
		for i, st := range steps {
			if st.action == "DeviceSignIn" {
				// A later TOTP step, so the second code is not a replay.
				m.Env.Clock.Advance(30 * time.Second)
			}
			for try := 0; try < 3 && (i == 0 || !st.until(m)); try++ {
				for _, a := range m.actions {
					if a.Name == st.action && (a.Enabled == nil || a.Enabled()) {
						a.Run(rt)
						m.Check(rt)
					}
				}
				if st.until(m) {
					break
				}
			}
		}
		for _, c := range m.History {
			if c.Action == "AnswerTOTP" && c.Err == nil && c.Challenge == challenge.DeviceSRPAuth {
				reached++
			}
		}
	})
	if reached == 0 {
		t.Fatal("no sequence reached MFA followed by DEVICE_SRP_AUTH on a device that is not remembered")
	}
	t.Logf("%d sequences reached the device step after MFA", reached)
}
