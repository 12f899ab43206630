// Package directory keeps authflow's users, user pools and app clients.
//
// It provides two implementations of the ports that package flow declares,
// [flow.Directory] (users) and [flow.Catalog] (user pools and app clients):
//
//   - [Memory], in this package: in-process maps, for tests, examples and
//     single-process servers that do not need to keep users across restarts.
//   - sqldir.SQL, in package directory/sqldir: a database, opened by
//     directory/sqlitedir (SQLite through modernc.org/sqlite, no cgo) or by
//     directory/postgresdir (PostgreSQL through github.com/jackc/pgx/v5).
//     Several server processes may share one PostgreSQL database, or one
//     SQLite file on a local disk.
//
// Each database driver is linked only by the subpackage that opens it, so a
// program that keeps its users in memory links no driver at all, and one on
// SQLite links no pgx.
//
// Both pass the same conformance suite (package directory/directorytest,
// which an embedder's own store can run too) and behave the same way; the
// contract below holds for both.
//
// # Contract
//
//   - Copies in, copies out. Every method copies what it is given and what it
//     returns (users with [flow.User.Clone], pools and clients with an
//     equivalent deep copy), so the caller may modify both freely. Empty
//     slices come back as nil.
//   - Missing is not an error. User, UserByAttribute, Pool and Client return
//     (nil, nil) for something that does not exist; DeletePool and
//     DeleteClient of something that does not exist do nothing. A non-nil
//     error means a failure of the store itself (the database is down, a
//     record does not decode), a misuse ([ErrInvalid]), or one of the two
//     documented refusals: [flow.ErrConflict] from Apply and [ErrPoolNotFound]
//     from PutClient. The messages this package writes contain no user data
//     (usernames, attribute values) and no secrets.
//   - Apply is all-or-nothing and optimistic. The changes of one call are
//     checked in order against the stored users as the earlier changes of the
//     same call leave them, then applied together or not at all. A create of a
//     username that exists, an update or delete of a user that does not
//     exist, and an update or delete whose Change.Version is not 0 and differs
//     from the stored version all fail with an error that wraps
//     [flow.ErrConflict]. The stored Version is 1 after a create and grows by
//     1 with every update, whatever Version the given User carries.
//   - Usernames and attribute values are compared exactly, byte for byte.
//     Canonicalisation (lower-casing usernames and emails in case-insensitive
//     pools) is the engine's job.
//   - UserByAttribute searches every attribute in User.Attributes, and the
//     name "sub" searches User.Sub. An empty value never matches. Uniqueness
//     of aliases (email, phone_number, preferred_username) is the engine's
//     job. When several users of a pool share the value (Cognito lets
//     unverified aliases repeat), the one returned is a user whose attribute
//     name+"_verified" is "true" if there is one, and otherwise, as among
//     several verified ones, the one with the smallest username.
//   - Users lists in byte order of usernames, so pages are stable; limit <= 0
//     means no limit.
//   - Users belong to a pool ID but do not require the pool to exist in the
//     Catalog; app clients do ([ErrPoolNotFound]). DeletePool deletes the
//     pool, its app clients and its users.
//   - Every method is safe for concurrent use by multiple goroutines.
//
// # Storage
//
// sqldir.SQL keeps each record as the JSON encoding of the flow struct, in
// tables whose names start with "authflow_" (see sqldir.SQL for the schema).
// That includes the users' SRP salts and verifiers, hashed pending codes,
// TOTP secrets and app client secrets: protect the database as you would a
// password file.
package directory
