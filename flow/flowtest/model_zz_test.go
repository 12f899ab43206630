package flowtest_test

import (
	"fmt"
	"sort"
	"testing"

	"pgregory.net/rapid"

	"github.com/authflow/authflow/flow/flowtest"
)

func TestZZStats(t *testing.T) {
	counts := map[string]int{}
	for seed := 0; seed < 300; seed++ {
		gen := rapid.Custom(func(rt *rapid.T) int {
			m := flowtest.NewModel(rt, flowtest.ModelOptions{TB: t, TOTP: true, CustomAuth: true})
			m.Repeat(rt)
			for _, c := range m.History {
				k := c.Action + " -> "
				switch {
				case c.Err != nil:
					k += string(c.Code())
				case c.Result != nil:
					k += "tokens"
				case c.Challenge != "":
					k += string(c.Challenge)
				default:
					k += "ok"
				}
				if c.Action == "AnswerTOTP" || c.Action == "MFASignIn" || c.Action == "CustomAuthStart" || c.Action == "AnswerCustomChallenge" || c.User == "mike" {
					counts[k]++
				}
			}
			return 0
		})
		gen.Example(seed)
	}
	var ks []string
	for k := range counts {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		fmt.Println(counts[k], k)
	}
}
