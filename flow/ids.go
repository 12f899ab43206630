package flow

import (
	"crypto/hmac"
	"crypto/sha256"
	"io"
	"math/big"

	"github.com/google/uuid"
)

// newUUID returns a random (version 4) UUID read from r.
func newUUID(r io.Reader) (string, error) {
	u, err := uuid.NewRandomFromReader(r)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// randomDigits returns n decimal digits read uniformly from r.
func randomDigits(r io.Reader, n int) (string, error) {
	out := make([]byte, n)
	ten := big.NewInt(10)
	for i := range out {
		d, err := randInt(r, ten)
		if err != nil {
			return "", err
		}
		out[i] = byte('0' + d)
	}
	return string(out), nil
}

// randInt returns a uniform integer in [0, max) from r by rejection sampling.
func randInt(r io.Reader, max *big.Int) (int, error) {
	var b [1]byte
	m := int(max.Int64())
	limit := 256 - 256%m
	for {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, err
		}
		if int(b[0]) < limit {
			return int(b[0]) % m, nil
		}
	}
}

// codeHash keys a one-time code so that only its MAC is stored.
func (s *Server) codeHash(purpose, code string) []byte {
	h := hmac.New(sha256.New, s.decoyKey)
	h.Write([]byte("code\x00" + purpose + "\x00" + code))
	return h.Sum(nil)
}

// temporaryPassword makes a password that satisfies the pool's policy.
func temporaryPassword(r io.Reader, p PasswordPolicy) (string, error) {
	const (
		upper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		lower  = "abcdefghijkmnopqrstuvwxyz"
		digits = "23456789"
		symbol = "!#%*+=?"
	)
	n := max(p.MinimumLength, 12)
	sets := []string{upper, lower, digits, symbol}
	all := upper + lower + digits + symbol
	out := make([]byte, 0, n)
	for i := 0; i < n; i++ {
		set := all
		if i < len(sets) {
			set = sets[i]
		}
		k, err := randIntN(r, len(set))
		if err != nil {
			return "", err
		}
		out = append(out, set[k])
	}
	return string(out), nil
}

func randIntN(r io.Reader, n int) (int, error) { return randInt(r, big.NewInt(int64(n))) }
