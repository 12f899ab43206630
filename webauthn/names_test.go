package webauthn

import (
	"strings"
	"testing"
)

// TestRegistrationKeepsNameAndAttachment: the credential keeps the
// authenticatorAttachment the client reported (Amplify sends it) and the
// authenticator's name from clientExtensionResults.credProps, cleaned and
// bounded; anything else gives no name and no attachment.
func TestRegistrationKeepsNameAndAttachment(t *testing.T) {
	cases := []struct {
		name, attachment  string // sent
		wantName, wantAtt string
	}{
		{"iCloud Keychain", "platform", "iCloud Keychain", "platform"},
		{" \u200eYubiKey\x00 5\n ", "cross-platform", "YubiKey 5", "cross-platform"},
		{strings.Repeat("é", 100), "sideways", strings.Repeat("é", MaxFriendlyName), ""},
		{"", "", "", ""},
	}
	for i, tc := range cases {
		f := newFixture(t)
		opts, session, err := f.c.BeginRegistration(f.rp, f.user)
		if err != nil {
			t.Fatal(err)
		}
		credID := []byte("named-credential-" + string(rune('a'+i)))
		cred := noneAttestation(t, f.rp.ID, f.rp.Origins[0], opts, credID, newES256Key(t), "none")
		cred = mutateJSON(t, cred, func(m map[string]any) {
			props := map[string]any{"rk": true}
			if tc.name != "" {
				props["authenticatorDisplayName"] = tc.name
			}
			m["clientExtensionResults"] = map[string]any{"credProps": props}
			if tc.attachment == "" {
				delete(m, "authenticatorAttachment")
			} else {
				m["authenticatorAttachment"] = tc.attachment
			}
		})
		pc, err := f.c.FinishRegistration(f.rp, f.user, session, cred)
		if err != nil {
			t.Fatalf("case %d: FinishRegistration: %v", i, err)
		}
		if pc.FriendlyName != tc.wantName || pc.AuthenticatorAttachment != tc.wantAtt {
			t.Errorf("case %d: name %q attachment %q, want %q %q", i, pc.FriendlyName, pc.AuthenticatorAttachment, tc.wantName, tc.wantAtt)
		}
	}
}
