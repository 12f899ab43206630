// Package srp implements the variant of SRP-6a that Amazon Cognito user
// pools use for USER_SRP_AUTH / PASSWORD_VERIFIER and for remembered devices
// (DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER), for both roles: the server
// (ParseA, ServerHandshake, VerifySignature) and the client (NewClient,
// Client.SessionKey, Signature). It also provides verifier generation
// (NewPasswordVerifier, NewDeviceSecret for ConfirmDevice), the TIMESTAMP
// format, and the app client SECRET_HASH.
//
// The mathematics was established against amazon-cognito-identity-js 6.3.21
// (see testdata/vectors):
//
//	N, g    RFC 3526 group 15 (3072-bit prime), g = 2
//	padHex  minimal two's complement big-endian bytes (PadHex)
//	k       SHA256(padHex(N) || padHex(g))
//	x       SHA256(padHex(salt) || SHA256(poolName || userID || ":" || password))
//	v       g^x mod N
//	A       g^a mod N, a = 1024 random bits
//	B       (k*v + g^b) mod N
//	u       SHA256(padHex(A) || padHex(B))
//	S       client (B - k*g^x)^(a + u*x) mod N, server (A * v^u)^b mod N
//	key     HKDF-SHA256(ikm = padHex(S), salt = padHex(u), info = "Caldera Derived Key"), 16 bytes
//	claim   base64(HMAC-SHA256(key, poolName || userID || SECRET_BLOCK || TIMESTAMP))
//
// poolName is the part of the user pool id after '_' (PoolName) and userID
// is USER_ID_FOR_SRP. For devices, poolName is the DeviceGroupKey, userID the
// DeviceKey and the password the random device password.
//
// # Differences from RFC 5054
//
//   - SHA-256 throughout, and g = 2 for the 3072-bit prime (RFC 5054 uses 5).
//   - Hash inputs use padHex, not PAD(): A, B and S are 383 to 385 bytes
//     (a sign byte when the top bit is set, fewer bytes when the value is
//     small), u is 32 or 33 bytes, and k hashes 00||N||02 instead of N||PAD(g).
//   - The salt enters x as an integer, so leading zero bytes of SALT are
//     dropped; the identity is poolName||userID with no separator.
//   - The session key is HKDF of S with u as salt, not H(S); there are no
//     M1/M2 proofs. The client proves the key with an HMAC over the pool
//     name, user id, the server's opaque SECRET_BLOCK and a TIMESTAMP
//     ("Tue Nov 3 09:05:07 UTC 2026", see FormatTimestamp), and the server
//     sends no proof back.
//   - The client exponent a has 1024 bits; ServerHandshake uses a 256-bit b.
//
// # Server rules
//
// Store salts in the canonical form of GenerateSalt and send SALT as their
// hex; refuse A ≡ 0 (mod N) (ParseA) before any exponentiation; verify the
// claim over the canonical TIMESTAMP (VerifySignature), which turns
// non-canonical but parseable timestamps into ErrSignatureMismatch, as
// Cognito does, while unparseable ones give ErrTimestampFormat.
//
// # Safety
//
// All functions and methods are safe for concurrent use; the package holds
// no mutable state besides two read-only tables built once (N, G and K
// return copies). Parsers bound their input before doing any work, nothing
// panics on untrusted input, and no error message contains a key,
// password, exponent or the rejected input.
//
// # Speed
//
// Powers of the generator (g^b for B, g^x for verifiers and
// CheckPassword, the client's g^a and g^x) use fixed-base tables (the
// Lim-Lee comb, about 400 KB for 256-bit exponents and 400 KB for the
// client's 1024-bit a, each built on first use in a few tens of
// milliseconds): a 256-bit power costs about a tenth of a math/big Exp.
// The other two exponentiations of the server, v^u and (A·v^u)^b, have
// bases that change with every sign-in and stay math/big's Exp. The server
// does all its SRP work once per challenge (ServerHandshake, at
// InitiateAuth); the response costs one HMAC. BenchmarkServerVerify and
// BenchmarkClientLogin report the ratios to plain math/big in the same run
// (about 0.73 of three exponentiations for the server, about 0.6 of the
// previous cost for a client login).
//
// # Constant time
//
// Constant time: the comparison of claim signatures (VerifySignature,
// hmac.Equal), of SECRET_HASH values, and of verifiers in CheckPassword
// (subtle.ConstantTimeCompare); SHA-256, HMAC and HKDF.
//
// Not constant time: every modular exponentiation and multiplication. They
// use math/big, whose running time and memory accesses depend on the
// values (including the secret exponents b, a and x), and the fixed-base
// tables are indexed by exponent bits. A party that can time many
// exponentiations with the same secret precisely (same machine, shared
// caches) could learn about it. b and a are fresh for every sign-in, which
// limits what one measurement can reveal; x (and so the password's
// verifier) is the same in every sign-in of a user, on the client and in
// the server's CheckPassword. Like other Go SRP implementations, this
// package accepts that; Go's constant-time modular arithmetic
// (crypto/internal/fips140/bigmod) is not importable, and filippo.io/bigmod
// is not among this module's dependencies.
package srp
