package srp

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestExpGMatchesExp checks the fixed-base tables against math/big's Exp
// for exponents of every size class, including the edges of each table.
func TestExpGMatchesExp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	one := big.NewInt(1)
	var exps []*big.Int
	for _, bits := range []uint{0, 1, 2, 8, 31, 32, 33, 255, 256, 257, 300, 1023, 1024, 1025, 2048} {
		max := new(big.Int).Lsh(one, bits)
		exps = append(exps, new(big.Int).Sub(max, one)) // all ones
		if bits > 0 {
			exps = append(exps, new(big.Int).Rsh(max, 1)) // only the top bit
		}
		for range 3 {
			e := new(big.Int)
			for i := range bits {
				if r.IntN(2) == 1 {
					e.SetBit(e, int(i), 1)
				}
			}
			exps = append(exps, e)
		}
	}
	for _, e := range exps {
		want := new(big.Int).Exp(groupG, e, groupN)
		if got := expG(e); got.Cmp(want) != 0 {
			t.Fatalf("expG(%d-bit exponent %x) = %x…, want %x…", e.BitLen(), e, got.Bytes()[:8], want.Bytes()[:8])
		}
	}
	// The result is the caller's: changing it leaves the table intact.
	e := big.NewInt(1 << 20)
	expG(e).SetInt64(7)
	if expG(e).Cmp(new(big.Int).Exp(groupG, e, groupN)) != 0 {
		t.Fatal("expG returned a table entry")
	}
}
