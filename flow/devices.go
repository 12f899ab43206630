package flow

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"math/big"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/srp"
)

// The device part of the machine: DEVICE_SRP_AUTH and
// DEVICE_PASSWORD_VERIFIER for a remembered device, and NewDeviceMetadata
// for a new one.

func errNoDevice() error {
	return challenge.New(challenge.ErrResourceNotFound, "Device does not exist.")
}

// device returns the user's device with key, or nil.
func (u *User) device(key string) *Device {
	for i := range u.Devices {
		if u.Devices[i].Key == key {
			return &u.Devices[i]
		}
	}
	return nil
}

// DeviceGroupKey is the device group of a user: stable, derived from the
// engine's key and the user's sub, so nothing extra is stored.
func deviceGroupKey(key []byte, u *User) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("device-group\x00" + u.PoolID + "\x00" + u.Sub))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	sum := h.Sum(nil)
	out := []byte{'-'}
	for _, b := range sum[:9] {
		out = append(out, alphabet[int(b)%len(alphabet)])
	}
	return string(out)
}

// newDevice makes the metadata of a device the client has not confirmed.
func (m *machine) newDevice() (*challenge.NewDeviceMetadata, error) {
	id, err := newUUID(m.rng)
	if err != nil {
		return nil, err
	}
	return &challenge.NewDeviceMetadata{DeviceKey: m.ev.Pool.Region() + "_" + id,
		DeviceGroupKey: deviceGroupKey(m.ev.DecoyKey, m.ev.User)}, nil
}

// deviceNext asks a known, confirmed device to prove itself.
func (m *machine) deviceNext() (Outcome, bool) {
	if m.ev.Pool.Devices == nil || m.st.DeviceKey == "" || m.st.Proven&FactorDevice != 0 {
		return Outcome{}, false
	}
	d := m.ev.User.device(m.st.DeviceKey)
	if d == nil || len(d.Verifier) == 0 {
		return m.fail(errNoDevice()), true
	}
	next := m.st
	next.Phase = PhaseDeviceSRP
	next.Challenge = challenge.DeviceSRPAuth
	next.Wrong = 0
	// After MFA the session's handle goes on: amazon-cognito-identity-js
	// (sendMFACode, then getDeviceResponse) answers DEVICE_SRP_AUTH with the
	// Session it sent the MFA code with; Amplify uses the new one, the same.
	return Outcome{Event: evDeviceChallenge, Next: &next, Challenge: challenge.DeviceSRPAuth, Continue: m.st.Phase == PhaseMFA,
		Params: map[string]string{challenge.KeyUsername: m.ev.User.Username, challenge.KeyDeviceKey: d.Key}}, true
}

// deviceBeforeMFA runs the device step ahead of MFA where Cognito does:
// for a remembered device that replaces MFA (ChallengeRequiredOnNewDevice),
// and to refuse a DEVICE_KEY that is not a confirmed device of the user
// before any code is sent. A confirmed device that is not remembered
// proves itself after MFA, as amazon-cognito-identity-js and Amplify
// expect (they send DEVICE_KEY with the MFA answer and handle
// DEVICE_SRP_AUTH after it).
func (m *machine) deviceBeforeMFA() (Outcome, bool) {
	if m.ev.Pool.Devices == nil || m.st.DeviceKey == "" || m.st.Proven&FactorDevice != 0 {
		return Outcome{}, false
	}
	d := m.ev.User.device(m.st.DeviceKey)
	if d == nil || len(d.Verifier) == 0 || (d.Remembered && m.ev.Pool.Devices.ChallengeRequiredOnNewDevice) {
		return m.deviceNext()
	}
	return Outcome{}, false
}

// deviceRemembersMFA reports whether a proven device replaces MFA.
func (m *machine) deviceRemembersMFA() bool {
	if m.st.Proven&FactorDevice == 0 || m.ev.Pool.Devices == nil || !m.ev.Pool.Devices.ChallengeRequiredOnNewDevice {
		return false
	}
	d := m.ev.User.device(m.st.DeviceKey)
	return d != nil && d.Remembered
}

func (m *machine) deviceAnswer() Outcome {
	u := m.ev.User
	if dk := m.param(challenge.KeyDeviceKey); dk != m.st.DeviceKey {
		if dk == "" {
			return m.fail(errMissing(challenge.KeyDeviceKey))
		}
		return m.fail(errNoDevice())
	}
	d := u.device(m.st.DeviceKey)
	if d == nil || len(d.Verifier) == 0 {
		return m.fail(errNoDevice())
	}
	switch m.st.Challenge {
	case challenge.DeviceSRPAuth:
		aHex := m.param(challenge.KeySRPA)
		if aHex == "" {
			return m.fail(errMissing(challenge.KeySRPA))
		}
		A, err := srp.ParseA(aHex)
		if err != nil {
			return m.fail(challenge.Wrap(challenge.ErrInvalidParameter, "SRP_A is not valid.", err))
		}
		B, key, secret, bad := m.srpChallenge(A, new(big.Int).SetBytes(d.Verifier))
		if bad != nil {
			return *bad
		}
		next := m.st
		next.Challenge = challenge.DevicePasswordVerifier
		next.Key, next.Secret = key, secret
		return Outcome{Event: evDeviceVerifier, Next: &next, Challenge: challenge.DevicePasswordVerifier,
			Params: map[string]string{
				challenge.KeySRPB:        srp.HexInt(B),
				challenge.KeySalt:        hexBytes(d.Salt),
				challenge.KeySecretBlock: base64.StdEncoding.EncodeToString(secret),
				challenge.KeyDeviceKey:   d.Key,
				challenge.KeyUsername:    u.Username,
			}}
	case challenge.DevicePasswordVerifier:
		if bad := m.verifyClaim(d.GroupKey, d.Key); bad != nil {
			return *bad // a wrong device proof counts towards the lockout
		}
		m.st.Proven |= FactorDevice
		if _, due := m.mfaNext(); due {
			// The device was remembered when the sign-in began and
			// replaced MFA; it no longer is (UpdateDeviceStatus meanwhile),
			// so it cannot stand in for MFA: the sign-in ends.
			return m.fail(errNotAuthorized("The device is no longer remembered; sign in again."))
		}
		o := m.next()
		o.Effects.DeviceAuthenticated = d.Key
		return o
	}
	return m.fail(errInvalidSession())
}
