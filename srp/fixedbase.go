package srp

import (
	"math/big"
	"sync"
)

// comb computes g^e mod N for the fixed generator g with a precomputed
// table (the Lim-Lee comb method): an exponent of at most h·rowBits bits is
// cut into h rows of rowBits bits and each row into v columns of colBits
// bits; tab[j][i] holds the product of g^(2^(k·rowBits + j·colBits)) over
// the bits k set in i. An exponentiation then costs colBits squarings and
// at most v·colBits multiplications (instead of one squaring per exponent
// bit and a multiplication per window), and the table is built once per
// process, on first use, with about h·rowBits squarings and v·2^h
// multiplications.
//
// Like math/big, which it uses, it is not constant time: the table index at
// each step is made of exponent bits, so the memory accessed and the
// multiplications skipped for a zero index depend on the exponent (see the
// package documentation).
type comb struct {
	maxBits, rowBits, colBits, h, v int
	tab                             [][]*big.Int // tab[j][i], i in 1..2^h-1 (tab[j][0] unused)
}

func newComb(base *big.Int, maxBits, h, v int) *comb {
	rowBits := (maxBits + h - 1) / h
	colBits := (rowBits + v - 1) / v
	rowBits = colBits * v
	c := &comb{maxBits: h * rowBits, rowBits: rowBits, colBits: colBits, h: h, v: v}
	// bases[j][k] = g^(2^(k·rowBits + j·colBits)), walking the powers g^(2^t).
	bases := make([][]*big.Int, v)
	for j := range bases {
		bases[j] = make([]*big.Int, h)
	}
	p := new(big.Int).Mod(base, groupN)
	var q big.Int
	for t := 0; t < h*rowBits; t++ {
		if t%colBits == 0 {
			k, j := t/rowBits, (t%rowBits)/colBits
			bases[j][k] = new(big.Int).Set(p)
		}
		p.Mul(p, p)
		q.QuoRem(p, groupN, p)
	}
	c.tab = make([][]*big.Int, v)
	for j := range c.tab {
		row := make([]*big.Int, 1<<h)
		for i := 1; i < len(row); i++ {
			top := highBit(i)
			if i == 1<<top {
				row[i] = bases[j][top]
				continue
			}
			z := new(big.Int).Mul(row[i&^(1<<top)], bases[j][top])
			row[i] = z.Mod(z, groupN)
		}
		c.tab[j] = row
	}
	return c
}

func highBit(i int) int {
	n := -1
	for ; i > 0; i >>= 1 {
		n++
	}
	return n
}

// exp returns g^e mod N for 0 <= e < 2^maxBits (the caller checks; a
// longer exponent would be silently truncated).
func (c *comb) exp(e *big.Int) *big.Int {
	z := big.NewInt(1)
	var prod, q big.Int
	one := true
	for t := c.colBits - 1; t >= 0; t-- {
		if !one {
			prod.Mul(z, z)
			q.QuoRem(&prod, groupN, z)
		}
		for j := 0; j < c.v; j++ {
			i := 0
			off := j*c.colBits + t
			for k := 0; k < c.h; k++ {
				i |= int(e.Bit(k*c.rowBits+off)) << k
			}
			if i == 0 {
				continue
			}
			if one {
				z.Set(c.tab[j][i])
				one = false
				continue
			}
			prod.Mul(z, c.tab[j][i])
			q.QuoRem(&prod, groupN, z)
		}
	}
	return z
}

// The two tables of the generator: one for 256-bit exponents (the server's
// b, and x, a SHA-256 output) and one for the client's 1024-bit a. With
// h = 8 rows and v = 4 columns each holds 4·255 values of 384 bytes (about
// 400 KB); g^e then costs 8 squarings and at most 32 multiplications for a
// 256-bit e, 32 and 128 for a 1024-bit one.
var (
	comb256  = sync.OnceValue(func() *comb { return newComb(groupG, 256, 8, 4) })
	comb1024 = sync.OnceValue(func() *comb { return newComb(groupG, 1024, 8, 4) })
)

// expG returns g^e mod N for e >= 0, with a fixed-base table when e fits
// one, and math/big's Exp otherwise.
func expG(e *big.Int) *big.Int {
	switch n := e.BitLen(); {
	case e.Sign() < 0:
		return new(big.Int).Exp(groupG, e, groupN)
	case n <= 256:
		return comb256().exp(e)
	case n <= 1024:
		return comb1024().exp(e)
	default:
		return new(big.Int).Exp(groupG, e, groupN)
	}
}
