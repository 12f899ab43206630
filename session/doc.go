// Package session holds the sign-in state of authflow between two API calls.
//
// Between two calls of a Cognito sign-in (InitiateAuth, then one or more
// RespondToAuthChallenge) the engine keeps its state as an opaque blob in a
// session store and hands the client an opaque, unguessable handle: Cognito's
// Session string. Two stores have the same contract:
//
//   - [Memory], in this package: an in-process map, the default for a single
//     server process and for tests (injected clock and randomness make it
//     deterministic).
//   - redisstore.Store, in package session/redisstore: a store shared by
//     several server processes, on any go-redis UniversalClient. Only that
//     subpackage links the Redis client, so a program on Memory links none.
//
// Both implement, structurally, the Store port that package flow declares,
// and its Limiter port beside it; both pass the conformance suite of package
// session/sessiontest. The Store port:
//
//	Save(ctx, blob, ttl) (handle string, err error)
//	Load(ctx, handle) (blob []byte, ok bool, err error)
//	Replace(ctx, handle, blob) (ok bool, err error)
//	Spend(ctx, handle) (ok bool, err error)
//
// # Contract
//
//   - A handle is live from Save until its ttl elapses or it is spent,
//     whichever comes first. Once it is no longer live it never becomes live
//     again: Load, Replace and Spend all report ok=false for it.
//   - Spend is atomic: of any number of concurrent Spend calls on one live
//     handle (from one process or, for redisstore.Store, from many), exactly
//     one gets ok=true. The engine spends a handle before it applies the effects of a
//     step, so two concurrent correct answers can never both succeed.
//   - Replace overwrites the blob and keeps the original expiry, so a session
//     cannot be kept alive by answering wrongly again and again.
//   - ok=false means "unknown, expired or spent"; the stores never say which.
//     A non-nil err is reserved for failures of the store itself (Redis down,
//     the random source failing, a full [Memory], a misuse such as ttl <= 0);
//     it is never used for "not found". When err is non-nil, ok is false and
//     the blob is nil.
//   - When ok is true the blob returned by Load is a fresh, non-nil copy that
//     the caller may modify; Save and Replace copy the blob they are given, so
//     the caller may reuse it after the call.
//
// # Handles
//
// A handle is [HandleLen] (43) characters: 32 bytes from the store's random
// source (crypto/rand unless [WithRand] says otherwise) in unpadded base64url
// (RFC 4648 §5, alphabet A-Z a-z 0-9 - _). Anything else, including the empty
// string and arbitrarily long input, is simply not found, without a round trip
// to Redis. Handles are bearer secrets: the stores never put them in errors.
package session
