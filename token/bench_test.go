package token_test

import (
	"context"
	"testing"
	"time"
)

// BenchmarkIssuePair measures a new sign-in: an access and an ID token
// (two RS256 signatures) plus a refresh token stored in the MemoryState.
func BenchmarkIssuePair(b *testing.B) {
	iss, c := setup(b)
	ctx := context.Background()
	g := fullGrant()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iss.Issue(ctx, g); err != nil {
			b.Fatal(err)
		}
		c.Advance(time.Millisecond)
	}
}

// BenchmarkRefreshRotate measures a refresh with rotation: Refresh, then
// Issue with a new refresh token.
func BenchmarkRefreshRotate(b *testing.B) {
	iss, _ := setup(b)
	ctx := context.Background()
	res, err := iss.Issue(ctx, fullGrant())
	if err != nil {
		b.Fatal(err)
	}
	rt := res.RefreshToken
	b.ReportAllocs()
	for b.Loop() {
		s, err := iss.Refresh(ctx, testClient, rt)
		if err != nil {
			b.Fatal(err)
		}
		out, err := iss.Issue(ctx, refreshGrant(s, rt, true))
		if err != nil {
			b.Fatal(err)
		}
		rt = out.RefreshToken
	}
}

// BenchmarkVerifyAccess measures checking one access token: parse, RS256
// verification, claims, and the two state look-ups of the revocation check.
func BenchmarkVerifyAccess(b *testing.B) {
	iss, _ := setup(b)
	ctx := context.Background()
	res, err := iss.Issue(ctx, fullGrant())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iss.VerifyAccess(ctx, res.AccessToken); err != nil {
			b.Fatal(err)
		}
	}
}
