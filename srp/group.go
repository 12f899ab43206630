package srp

import (
	"crypto/sha256"
	"math/big"
)

// nHex is the 3072-bit MODP prime of RFC 3526 group 15 (also RFC 5054's
// 3072-bit group), in hexadecimal.
const nHex = "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74" +
	"020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f1437" +
	"4fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed" +
	"ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf05" +
	"98da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb" +
	"9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b" +
	"e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf695581718" +
	"3995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33" +
	"a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7" +
	"abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864" +
	"d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e2" +
	"08e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff"

// The group parameters. They are never handed out: N, G and K return copies,
// and every computation below only reads them, so they are safe to share
// between goroutines.
var (
	groupN = mustHex(nHex)
	groupG = big.NewInt(2)
	// k = SHA256(padHex(N) || padHex(g)) = SHA256(00 || N || 02).
	groupK = hashInt(PadHex(groupN), PadHex(groupG))
)

func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("srp: bad built-in constant") // unreachable: nHex is a literal
	}
	return n
}

// Size limits for untrusted input.
const (
	// MaxPublicValueBytes bounds SRP_A and SRP_B: 385 bytes, the size of
	// padHex of a value below 2^3080 (a value below N needs at most 384
	// bytes, plus the sign byte). Hex strings may be at most twice as long.
	MaxPublicValueBytes = 385

	// MaxSaltBytes bounds a SALT received by the client. Cognito's salts are
	// 16 random bytes (17 with the sign byte).
	MaxSaltBytes = 64

	// MaxTimestampLen bounds the TIMESTAMP string (the canonical form has at
	// most 28 bytes).
	MaxTimestampLen = 64

	// KeyLen is the length in bytes of the session key (HKDF output).
	KeyLen = 16
)

// N returns a copy of the group modulus: the 3072-bit prime of RFC 3526
// group 15. The caller may modify the result.
func N() *big.Int { return new(big.Int).Set(groupN) }

// G returns a copy of the group generator, 2. The caller may modify the result.
func G() *big.Int { return new(big.Int).Set(groupG) }

// K returns a copy of the multiplier k = SHA256(padHex(N) || padHex(g)),
// which is 0x538282c4…b66d9ee6. The caller may modify the result.
func K() *big.Int { return new(big.Int).Set(groupK) }

// PadHex returns the encoding that Cognito's client calls padHex: the
// minimal big-endian two's complement representation of x, as Java's
// BigInteger.toByteArray produces it. A non-negative x gets its minimal
// magnitude bytes, preceded by a 00 byte when the first byte is 0x80 or
// more; zero (and a nil x) encodes as the single byte 00. Every hash input
// of Cognito's SRP uses these bytes, which can be shorter or longer than
// RFC 5054's fixed-length PAD(). The result is a new slice.
func PadHex(x *big.Int) []byte {
	if x == nil || x.Sign() == 0 {
		return []byte{0}
	}
	if x.Sign() < 0 {
		// For x < 0, x = ^m with m = -x-1 >= 0: the two's complement of x is
		// the bitwise complement of the (sign-padded) encoding of m.
		m := new(big.Int).Neg(x)
		m.Sub(m, big.NewInt(1))
		b := PadHex(m)
		for i := range b {
			b[i] = ^b[i]
		}
		return b
	}
	b := x.Bytes()
	if b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

// HexInt returns x in minimal lowercase hexadecimal, as Cognito sends SRP_A
// and SRP_B (JavaScript's toString(16)): no leading zeros, "0" for zero
// (and for a nil x), a leading '-' for negative values.
func HexInt(x *big.Int) string {
	if x == nil {
		return "0"
	}
	return x.Text(16)
}

// ParseHexInt parses s as a non-negative hexadecimal integer. It accepts
// upper- and lower-case digits and odd lengths (leading zeros are allowed and
// ignored); it refuses an empty string, signs, "0x" prefixes, spaces and any
// other character (ErrMalformedHex), and a string longer than 2*maxBytes
// characters (ErrTooLarge), which it checks before looking at the digits.
// A maxBytes of zero or less refuses every non-empty string.
func ParseHexInt(s string, maxBytes int) (*big.Int, error) {
	if s == "" {
		return nil, errorf(ErrMalformedHex, "empty string")
	}
	if maxBytes <= 0 || (len(s)+1)/2 > maxBytes {
		return nil, errorf(ErrTooLarge, "%d hex digits, limit is %d bytes", len(s), max(maxBytes, 0))
	}
	for i := 0; i < len(s); i++ {
		if !isHexDigit(s[i]) {
			return nil, errorf(ErrMalformedHex, "invalid character at offset %d", i)
		}
	}
	x, ok := new(big.Int).SetString(s, 16)
	if !ok { // unreachable after the check above; kept to fail closed
		return nil, errorf(ErrMalformedHex, "not a hexadecimal number")
	}
	return x, nil
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// hashInt returns SHA256(parts[0] || parts[1] || ...) as a non-negative integer.
func hashInt(parts ...[]byte) *big.Int {
	return new(big.Int).SetBytes(hashBytes(parts...))
}

func hashBytes(parts ...[]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// isZeroModN reports whether x ≡ 0 (mod N).
func isZeroModN(x *big.Int) bool {
	return new(big.Int).Mod(x, groupN).Sign() == 0
}

// isUnitModN reports x ≡ 1 or x ≡ -1 (mod N).
func isUnitModN(x *big.Int) bool {
	r := new(big.Int).Mod(x, groupN)
	if r.Cmp(big.NewInt(1)) == 0 {
		return true
	}
	return r.Add(r, big.NewInt(1)).Cmp(groupN) == 0
}
