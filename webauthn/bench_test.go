package webauthn

import "testing"

func BenchmarkBeginLogin(b *testing.B) {
	f := newFixture(b)
	f.register()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := f.c.BeginLogin(f.rp, f.user); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFinishLogin verifies one ES256 assertion per iteration (FinishLogin
// is stateless, so the same pair verifies again while the counter is not
// persisted).
func BenchmarkFinishLogin(b *testing.B) {
	f := newFixture(b)
	f.register()
	session, cred := f.assert(f.vrp)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := f.c.FinishLogin(f.rp, f.user, session, cred); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBeginRegistration(b *testing.B) {
	f := newFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := f.c.BeginRegistration(f.rp, f.user); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFinishRegistration verifies one packed (self-attested ES256)
// registration per iteration.
func BenchmarkFinishRegistration(b *testing.B) {
	f := newFixture(b)
	session, cred := f.attest(f.vrp)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.c.FinishRegistration(f.rp, f.user, session, cred); err != nil {
			b.Fatal(err)
		}
	}
}
