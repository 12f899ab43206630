package userpool

import (
	"slices"
	"testing"

	"github.com/authflow/authflow/challenge"
)

// FuzzUserFilter: ListUsers filters never panic, and a parsed filter names
// a searchable attribute.
func FuzzUserFilter(f *testing.F) {
	for _, s := range []string{`email = "a@b.c"`, `username ^= "al"`, `name="x\"y"`, `status = "Enabled"`, `x`, `email = "`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := parseUserFilter(s)
		if err != nil {
			if challenge.CodeOf(err) != challenge.ErrInvalidParameter {
				t.Fatalf("wrong code %v", err)
			}
			return
		}
		if flt != nil && !slices.Contains(filterable, flt.attr) {
			t.Fatalf("unsearchable attribute %q accepted", flt.attr)
		}
	})
}

// FuzzThreatInputs: the risk configuration and tag validators never panic
// on any decoded input, answer only InvalidParameterException, and what
// they accept stays within the documented bounds.
func FuzzThreatInputs(f *testing.F) {
	f.Add([]byte(`{"AccountTakeoverRiskConfiguration":{"Actions":{"HighAction":{"EventAction":"BLOCK","Notify":true}},"NotifyConfiguration":{"SourceArn":"arn:aws:ses:us-east-1:123456789012:identity/a@b.c","BlockEmail":{"Subject":"s","TextBody":"blocked"}}}}`))
	f.Add([]byte(`{"CompromisedCredentialsRiskConfiguration":{"Actions":{"EventAction":"NO_ACTION"},"EventFilter":["SIGN_IN","SIGN_UP"]}}`))
	f.Add([]byte(`{"RiskExceptionConfiguration":{"BlockedIPRangeList":["10.0.0.0/8","::/0"],"SkippedIPRangeList":["1.2.3.4/33"]}}`))
	f.Add([]byte(`{"UserPoolId":"x","Tags":{"k":"v","aws:x":"y","":""}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var in challenge.SetRiskConfigurationInput
		if challenge.Decode(body, &in) == nil {
			for _, err := range []error{checkTakeover(in.AccountTakeoverRiskConfiguration), checkCompromised(in.CompromisedCredentialsRiskConfiguration),
				checkRiskException(in.RiskExceptionConfiguration)} {
				if err != nil && challenge.CodeOf(err) != challenge.ErrInvalidParameter {
					t.Fatalf("wrong code %v", err)
				}
			}
			if r := in.RiskExceptionConfiguration; r != nil && checkRiskException(r) == nil && len(r.BlockedIPRangeList) > maxIPRanges {
				t.Fatal("too many ranges accepted")
			}
		}
		var tags challenge.TagResourceInput
		if challenge.Decode(body, &tags) == nil {
			err := checkTags(tags.Tags, nil)
			if err != nil && challenge.CodeOf(err) != challenge.ErrInvalidParameter {
				t.Fatalf("wrong code %v", err)
			}
			if err == nil && len(tags.Tags) > MaxTagsPerPool {
				t.Fatal("too many tags accepted")
			}
		}
	})
}
