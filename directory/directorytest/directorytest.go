// Package directorytest is the conformance suite of the ports that package
// directory implements, [flow.Directory] and [flow.Catalog], and of the
// shared secrets beside them. Every implementation in this module runs it
// (directory.Memory, sqldir.SQL on SQLite and on PostgreSQL); an embedder's
// own store can run it too:
//
//	func TestMyStore(t *testing.T) { directorytest.Run(t, mystore.New()) }
package directorytest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/userpool"
)

// Store is what an implementation provides: users and the catalog of user
// pools and app clients.
type Store interface {
	userpool.Directory
	userpool.Catalog
}

var t0 = time.Date(2025, 6, 7, 8, 9, 10, 123456789, time.UTC)

// newUser returns a user with the usual fields set.
func newUser(pool, username string, attrs ...string) *flow.User {
	u := &flow.User{
		PoolID:     pool,
		Username:   username,
		Sub:        "sub-" + pool + "-" + username,
		Status:     flow.StatusConfirmed,
		Enabled:    true,
		Attributes: map[string]string{},
		Salt:       []byte{1, 2, 3},
		Verifier:   []byte{4, 5, 6},
		Created:    t0,
	}
	for i := 0; i+1 < len(attrs); i += 2 {
		u.Attributes[attrs[i]] = attrs[i+1]
	}
	return u
}

// fullUser returns a user with every field set, by hand.
func fullUser(pool, username string) *flow.User {
	return &flow.User{
		PoolID:   pool,
		Username: username,
		Sub:      "5f0c4e2a-7d7e-4c1b-9d0c-4b1d2f3a4b5c",
		Status:   flow.StatusForceChangePassword,
		Enabled:  true,
		Version:  42, // ignored by a create
		Attributes: map[string]string{
			"email": "ana@example.com", "email_verified": "true",
			"phone_number": "+15555550100", "phone_number_verified": "false",
			"preferred_username": "ana", "custom:team": "blue", "name": "Ana Ñandú ✓",
		},
		Groups:                   []string{"admins", "staff"},
		Salt:                     []byte{0x00, 0xff, 0x10, 0x20},
		Verifier:                 []byte{0x7f, 0x00, 0x01},
		TemporaryPasswordExpires: t0.Add(7 * 24 * time.Hour),
		PasswordHistory: []flow.PasswordRecord{
			{Salt: []byte{1}, Verifier: []byte{2, 3}},
			{Salt: []byte{4, 5}, Verifier: []byte{6}},
		},
		FailedAttempts: 3,
		LockedUntil:    t0.Add(2 * time.Second),
		Codes: map[string]flow.PendingCode{
			"FORGOT_PASSWORD": {Hash: []byte{9, 8, 7}, Expires: t0.Add(time.Hour), Attempts: 1},
			"email":           {Hash: []byte{6, 5}, Expires: t0.Add(3 * time.Minute)},
		},
		MFA: flow.MFASettings{
			SMSEnabled: true, TOTPEnabled: true, EmailEnabled: true,
			Preferred:  "SOFTWARE_TOKEN_MFA",
			TOTPSecret: "JBSWY3DPEHPK3PXP", TOTPPending: "KRSXG5CTMVRXEZLU",
			TOTPFriendlyName: "phone", TOTPLastStep: 58_000_123,
		},
		Devices: []flow.Device{{
			Key: "us-east-1_f0e1d2c3-b4a5", GroupKey: "-abcdEFGH", Name: "laptop",
			Salt: []byte{1, 1}, Verifier: []byte{2, 2}, Remembered: true,
			Attributes:   map[string]string{"device_name": "laptop", "last_ip_used": "192.0.2.1"},
			Created:      t0.Add(-time.Hour),
			LastModified: t0.Add(-time.Minute), LastAuthenticated: t0,
		}, {
			Key: "us-east-1_second", GroupKey: "-g2", Created: t0,
		}},
		Passkeys: []challenge.PasskeyCredential{{
			ID: []byte{7, 7, 7}, PublicKey: []byte{8, 8}, SignCount: 3, AAGUID: []byte{9}, Transports: []string{"internal", "hybrid"},
			AttestationFormat: "none", BackupEligible: true, BackupState: true, UserVerified: true,
			RelyingPartyID: "auth.example.com", FriendlyName: "phone", Created: t0.Add(-time.Hour),
		}},
		PendingPasskey: &flow.PendingCeremony{Session: []byte{5, 5}, ClientID: "client-1", Expires: t0.Add(time.Minute)},
		AuthEvents: []flow.AuthEvent{{
			ID: "0f8fad5b-d9cb-469f-a165-70867728950e", Type: challenge.EventTypeSignIn, Created: t0.Add(-time.Minute),
			Response: challenge.EventResponsePass,
			Challenges: []challenge.ChallengeResponseType{{ChallengeName: challenge.EventChallengePassword, ChallengeResponse: challenge.EventChallengeSuccess},
				{ChallengeName: challenge.EventChallengeMfa, ChallengeResponse: challenge.EventChallengeFailure}},
			Context:  challenge.EventContextDataType{IpAddress: "192.0.2.7", DeviceName: "Mozilla/5.0 (X11) ✓"},
			Feedback: &flow.EventFeedback{Value: challenge.FeedbackInvalid, Provider: "Admin", Date: t0},
		}},
		Created:      t0.Add(-24 * time.Hour),
		LastModified: t0,
	}
}

func create(t *testing.T, d Store, users ...*flow.User) {
	t.Helper()
	var changes []flow.Change
	for _, u := range users {
		changes = append(changes, flow.Change{Kind: flow.ChangeCreate, User: u})
	}
	require.NoError(t, d.Apply(context.Background(), changes...))
}

func get(t *testing.T, d Store, pool, username string) *flow.User {
	t.Helper()
	u, err := d.User(context.Background(), pool, username)
	require.NoError(t, err)
	return u
}

func byAttr(t *testing.T, d Store, pool, name, value string) string {
	t.Helper()
	u, err := d.UserByAttribute(context.Background(), pool, name, value)
	require.NoError(t, err)
	if u == nil {
		return ""
	}
	return u.Username
}

func withVersion(u *flow.User, v uint64) *flow.User {
	c := u.Clone()
	c.Version = v
	return c
}

// Run is the conformance suite that every implementation passes: the
// contract in the documentation of package directory, as subtests of t. d
// must be empty as far as pools whose IDs start with "us-test-1_" go; Run
// leaves users, pools and clients with such IDs behind.
func Run(t *testing.T, d Store) {
	ctx := context.Background()

	t.Run("RoundTrip", func(t *testing.T) {
		const pool = "us-test-1_roundtrip"
		u := fullUser(pool, "ana")
		assert.Empty(t, zeroFields(u), "fullUser must set every field")
		create(t, d, u)
		assert.Equal(t, withVersion(u, 1), get(t, d, pool, "ana"))

		// Every field, whatever flow adds later.
		var f flow.User
		fill(t, &f, 1)
		assert.Empty(t, zeroFields(&f))
		f.PoolID, f.Username = pool, "filled"
		create(t, d, &f)
		assert.Equal(t, withVersion(&f, 1), get(t, d, pool, "filled"))
	})

	t.Run("EmptyValues", func(t *testing.T) {
		const pool = "us-test-1_empty"
		u := &flow.User{PoolID: pool, Username: "min", Attributes: map[string]string{}, Groups: []string{}, Salt: []byte{}}
		create(t, d, u)
		// Empty slices come back as nil, as Clone makes them; maps stay.
		want := &flow.User{PoolID: pool, Username: "min", Version: 1, Attributes: map[string]string{}}
		assert.Equal(t, want, get(t, d, pool, "min"))
		create(t, d, &flow.User{PoolID: pool, Username: "nil"})
		assert.Equal(t, &flow.User{PoolID: pool, Username: "nil", Version: 1}, get(t, d, pool, "nil"))
	})

	t.Run("Missing", func(t *testing.T) {
		const pool = "us-test-1_missing"
		u, err := d.User(ctx, pool, "nobody")
		assert.NoError(t, err)
		assert.Nil(t, u)
		u, err = d.UserByAttribute(ctx, pool, "email", "nobody@example.com")
		assert.NoError(t, err)
		assert.Nil(t, u)
		us, err := d.Users(ctx, pool, "", 10)
		assert.NoError(t, err)
		assert.Empty(t, us)
		p, err := d.Pool(ctx, pool)
		assert.NoError(t, err)
		assert.Nil(t, p)
		c, err := d.Client(ctx, "noclient")
		assert.NoError(t, err)
		assert.Nil(t, c)
		cs, err := d.Clients(ctx, pool)
		assert.NoError(t, err)
		assert.Empty(t, cs)
		assert.NoError(t, d.DeleteClient(ctx, "noclient"))
		assert.NoError(t, d.DeletePool(ctx, pool))
	})

	t.Run("DuplicateCreate", func(t *testing.T) {
		const pool = "us-test-1_dup"
		create(t, d, newUser(pool, "bob", "email", "bob@example.com"))
		err := d.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: newUser(pool, "bob", "email", "other@example.com")})
		assert.ErrorIs(t, err, flow.ErrConflict)
		got := get(t, d, pool, "bob")
		assert.Equal(t, "bob@example.com", got.Attributes["email"])
		assert.EqualValues(t, 1, got.Version)
		assert.Empty(t, byAttr(t, d, pool, "email", "other@example.com"))
		// The same username in another pool is another user.
		create(t, d, newUser(pool+"x", "bob"))
	})

	t.Run("Versions", func(t *testing.T) {
		const pool = "us-test-1_versions"
		u := newUser(pool, "carl")
		u.Version = 9 // ignored
		create(t, d, u)
		u = get(t, d, pool, "carl")
		require.EqualValues(t, 1, u.Version)

		u.Attributes["name"] = "Carl"
		require.NoError(t, d.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: 1}))
		assert.EqualValues(t, 1, u.Version, "Apply does not modify its argument")
		got := get(t, d, pool, "carl")
		assert.Equal(t, withVersion(u, 2), got)

		// A writer that read version 1 loses.
		stale := u.Clone()
		stale.Attributes["name"] = "Stale"
		err := d.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: stale, Version: 1})
		assert.ErrorIs(t, err, flow.ErrConflict)
		err = d.Apply(ctx, flow.Change{Kind: flow.ChangeDelete, User: stale, Version: 1})
		assert.ErrorIs(t, err, flow.ErrConflict)
		assert.Equal(t, "Carl", get(t, d, pool, "carl").Attributes["name"])

		// Version 0 skips the check and still increments.
		stale.Version = 77
		require.NoError(t, d.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: stale}))
		got = get(t, d, pool, "carl")
		assert.EqualValues(t, 3, got.Version)
		assert.Equal(t, "Stale", got.Attributes["name"])

		require.NoError(t, d.Apply(ctx, flow.Change{Kind: flow.ChangeDelete, User: got, Version: 3}))
		assert.Nil(t, get(t, d, pool, "carl"))

		// Update and delete of a missing user conflict, with or without a version.
		for _, ch := range []flow.Change{
			{Kind: flow.ChangeUpdate, User: got},
			{Kind: flow.ChangeUpdate, User: got, Version: 3},
			{Kind: flow.ChangeDelete, User: got},
			{Kind: flow.ChangeDelete, User: got, Version: 3},
		} {
			assert.ErrorIs(t, d.Apply(ctx, ch), flow.ErrConflict, "kind %d version %d", ch.Kind, ch.Version)
		}
		assert.Nil(t, get(t, d, pool, "carl"))

		// A create after a delete starts again at version 1.
		create(t, d, newUser(pool, "carl"))
		assert.EqualValues(t, 1, get(t, d, pool, "carl").Version)
	})

	t.Run("AllOrNothing", func(t *testing.T) {
		const pool = "us-test-1_atomic"
		create(t, d, newUser(pool, "b", "email", "b@example.com"), newUser(pool, "c"))
		b := get(t, d, pool, "b")
		b.Attributes["email"] = "b2@example.com"
		err := d.Apply(ctx,
			flow.Change{Kind: flow.ChangeCreate, User: newUser(pool, "a", "email", "a@example.com")},
			flow.Change{Kind: flow.ChangeUpdate, User: b, Version: 1},
			flow.Change{Kind: flow.ChangeDelete, User: newUser(pool, "c")},
			flow.Change{Kind: flow.ChangeCreate, User: newUser(pool, "b")}, // exists: the batch fails
		)
		assert.ErrorIs(t, err, flow.ErrConflict)
		assert.Nil(t, get(t, d, pool, "a"))
		assert.Empty(t, byAttr(t, d, pool, "email", "a@example.com"))
		assert.Equal(t, "b", byAttr(t, d, pool, "email", "b@example.com"))
		assert.Empty(t, byAttr(t, d, pool, "email", "b2@example.com"))
		assert.EqualValues(t, 1, get(t, d, pool, "b").Version)
		assert.NotNil(t, get(t, d, pool, "c"))
		us, err := d.Users(ctx, pool, "", 0)
		require.NoError(t, err)
		assert.Len(t, us, 2)

		// A malformed change fails the batch too, with directory.ErrInvalid.
		for _, bad := range []flow.Change{
			{Kind: flow.ChangeCreate},
			{Kind: 0, User: newUser(pool, "x")},
			{Kind: flow.ChangeCreate, User: newUser(pool, "")},
			{Kind: flow.ChangeCreate, User: newUser("", "x")},
		} {
			err := d.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: newUser(pool, "a")}, bad)
			assert.ErrorIs(t, err, directory.ErrInvalid)
			assert.NotErrorIs(t, err, flow.ErrConflict)
			assert.Nil(t, get(t, d, pool, "a"))
		}

		// Changes see the earlier changes of the same batch.
		require.NoError(t, d.Apply(ctx,
			flow.Change{Kind: flow.ChangeCreate, User: newUser(pool, "d", "email", "d1@example.com")},
			flow.Change{Kind: flow.ChangeUpdate, User: newUser(pool, "d", "email", "d2@example.com"), Version: 1},
			flow.Change{Kind: flow.ChangeDelete, User: newUser(pool, "c"), Version: 1},
			flow.Change{Kind: flow.ChangeCreate, User: newUser(pool, "c", "email", "c@example.com")},
		))
		assert.EqualValues(t, 2, get(t, d, pool, "d").Version)
		assert.Equal(t, "d", byAttr(t, d, pool, "email", "d2@example.com"))
		assert.Empty(t, byAttr(t, d, pool, "email", "d1@example.com"))
		assert.EqualValues(t, 1, get(t, d, pool, "c").Version)
		assert.Equal(t, "c", byAttr(t, d, pool, "email", "c@example.com"))
		err = d.Apply(ctx,
			flow.Change{Kind: flow.ChangeCreate, User: newUser(pool, "e")},
			flow.Change{Kind: flow.ChangeCreate, User: newUser(pool, "e")},
		)
		assert.ErrorIs(t, err, flow.ErrConflict)
		assert.Nil(t, get(t, d, pool, "e"))
		err = d.Apply(ctx,
			flow.Change{Kind: flow.ChangeDelete, User: newUser(pool, "d")},
			flow.Change{Kind: flow.ChangeUpdate, User: newUser(pool, "d")},
		)
		assert.ErrorIs(t, err, flow.ErrConflict)
		assert.NotNil(t, get(t, d, pool, "d"))

		assert.NoError(t, d.Apply(ctx))
	})

	t.Run("UserByAttribute", func(t *testing.T) {
		const pool = "us-test-1_attrs"
		long := strings.Repeat("é✓", 1500) // 7500 bytes: too long for a plain B-tree key
		alice := newUser(pool, "alice", "email", "alice@example.com", "email_verified", "true",
			"phone_number", "+15555550101", "preferred_username", "ally", "custom:team", "red",
			"custom:long", long, "nickname", "")
		create(t, d, alice,
			newUser(pool, "bob", "email", "shared@example.com"),
			newUser(pool, "carol", "email", "shared@example.com", "email_verified", "true"),
			newUser(pool, "dave", "email", "shared@example.com", "email_verified", "false"),
			newUser(pool, "frank", "email", "dup@example.com"),
			newUser(pool, "erin", "email", "dup@example.com"),
			newUser(pool, "zoe", "email", "both@example.com", "email_verified", "true"),
			newUser(pool, "yan", "email", "both@example.com", "email_verified", "true"),
		)
		create(t, d, newUser(pool+"-other", "alice2", "email", "alice@example.com"))

		assert.Equal(t, "alice", byAttr(t, d, pool, "email", "alice@example.com"))
		assert.Equal(t, "alice", byAttr(t, d, pool, "phone_number", "+15555550101"))
		assert.Equal(t, "alice", byAttr(t, d, pool, "preferred_username", "ally"))
		assert.Equal(t, "alice", byAttr(t, d, pool, "custom:team", "red"))
		assert.Equal(t, "alice", byAttr(t, d, pool, "custom:long", long))
		assert.Equal(t, "alice", byAttr(t, d, pool, "sub", alice.Sub))
		assert.Equal(t, "alice2", byAttr(t, d, pool+"-other", "email", "alice@example.com"))
		assert.Equal(t, withVersion(alice, 1), func() *flow.User {
			u, err := d.UserByAttribute(ctx, pool, "email", "alice@example.com")
			require.NoError(t, err)
			return u
		}())

		// Exact matches only, and never on an empty value.
		for _, q := range [][2]string{
			{"email", "ALICE@example.com"}, {"email", "alice@example.co"}, {"email", ""},
			{"nickname", ""}, {"phone_number", "alice@example.com"}, {"custom:long", long[:len(long)-3]},
			{"sub", ""}, {"sub", "alice"},
		} {
			assert.Empty(t, byAttr(t, d, pool, q[0], q[1]), "%s=%.20q", q[0], q[1])
		}

		// Shared values: a verified user first, then the smallest username.
		assert.Equal(t, "carol", byAttr(t, d, pool, "email", "shared@example.com"))
		assert.Equal(t, "erin", byAttr(t, d, pool, "email", "dup@example.com"))
		assert.Equal(t, "yan", byAttr(t, d, pool, "email", "both@example.com"))
		carol := get(t, d, pool, "carol")
		carol.Attributes["email_verified"] = "false"
		require.NoError(t, d.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: carol, Version: carol.Version}))
		assert.Equal(t, "bob", byAttr(t, d, pool, "email", "shared@example.com"))

		// Updates move the index; deletes remove it.
		a := get(t, d, pool, "alice")
		a.Attributes["email"] = "alice@example.org"
		delete(a.Attributes, "custom:team")
		a.Sub = "new-sub"
		require.NoError(t, d.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: a, Version: 1}))
		assert.Empty(t, byAttr(t, d, pool, "email", "alice@example.com"))
		assert.Empty(t, byAttr(t, d, pool, "custom:team", "red"))
		assert.Empty(t, byAttr(t, d, pool, "sub", alice.Sub))
		assert.Equal(t, "alice", byAttr(t, d, pool, "email", "alice@example.org"))
		assert.Equal(t, "alice", byAttr(t, d, pool, "sub", "new-sub"))
		require.NoError(t, d.Apply(ctx, flow.Change{Kind: flow.ChangeDelete, User: a}))
		assert.Empty(t, byAttr(t, d, pool, "phone_number", "+15555550101"))
		assert.Empty(t, byAttr(t, d, pool, "email", "alice@example.org"))
		assert.Equal(t, "alice2", byAttr(t, d, pool+"-other", "email", "alice@example.com"))
	})

	t.Run("Users", func(t *testing.T) {
		const pool = "us-test-1_list"
		var names []string
		for i := range 25 {
			names = append(names, fmt.Sprintf("user-%02d", i))
		}
		// Byte order: upper case before lower case before non-ASCII.
		names = append(names, "Zed", "alice", "Émile", "émile", "user-1")
		shuffled := slices.Clone(names)
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		for _, n := range shuffled {
			create(t, d, newUser(pool, n))
		}
		create(t, d, newUser(pool+"-other", "user-05"), newUser(pool+"-other", "aaa"))
		slices.Sort(names)

		var got []string
		after := ""
		for {
			page, err := d.Users(ctx, pool, after, 7)
			require.NoError(t, err)
			assert.LessOrEqual(t, len(page), 7)
			if len(page) == 0 {
				break
			}
			for _, u := range page {
				assert.Equal(t, pool, u.PoolID)
				assert.EqualValues(t, 1, u.Version)
				got = append(got, u.Username)
			}
			after = page[len(page)-1].Username
		}
		assert.Equal(t, names, got)

		all, err := d.Users(ctx, pool, "", 0)
		require.NoError(t, err)
		assert.Len(t, all, len(names))
		assert.Equal(t, withVersion(newUser(pool, "Zed"), 1), all[0])
		assert.Equal(t, []string{"Zed", "alice", "user-00"}, usernames(t, d, pool, "", 3))
		assert.Equal(t, []string{"user-06", "user-07"}, usernames(t, d, pool, "user-05x", 2))
		assert.Equal(t, []string{"user-1", "user-10"}, usernames(t, d, pool, "user-09", 2))
		assert.Equal(t, []string{"Émile", "émile"}, usernames(t, d, pool, "user-24", -1))
		assert.Empty(t, usernames(t, d, pool, "émile", 10))
		assert.Equal(t, []string{"aaa", "user-05"}, usernames(t, d, pool+"-other", "", 10))
	})

	t.Run("Copies", func(t *testing.T) {
		const pool = "us-test-1_copies"
		var u flow.User
		fill(t, &u, 2)
		u.PoolID, u.Username = pool, "copy"
		want := withVersion(&u, 1)
		create(t, d, &u)
		mutate(&u) // the caller's record is not the stored one
		assert.Equal(t, want, get(t, d, pool, "copy"))

		for _, got := range []*flow.User{
			get(t, d, pool, "copy"),
			func() *flow.User {
				us, err := d.Users(ctx, pool, "", 1)
				require.NoError(t, err)
				return us[0]
			}(),
			func() *flow.User {
				u, err := d.UserByAttribute(ctx, pool, "sub", want.Sub)
				require.NoError(t, err)
				return u
			}(),
		} {
			require.Equal(t, want, got)
			mutate(got)
			assert.Equal(t, want, get(t, d, pool, "copy"))
		}

		upd := want.Clone()
		upd.Attributes = map[string]string{"email": "x@example.com"}
		require.NoError(t, d.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: upd, Version: 1}))
		want2 := withVersion(upd, 2)
		mutate(upd)
		assert.Equal(t, want2, get(t, d, pool, "copy"))

		var p, wantP flow.Pool
		fill(t, &p, 3)
		fill(t, &wantP, 3)
		p.ID, wantP.ID = "us-test-1_copies", "us-test-1_copies"
		require.NoError(t, d.PutPool(ctx, &p))
		mutate(&p)
		gotP, err := d.Pool(ctx, wantP.ID)
		require.NoError(t, err)
		require.Equal(t, &wantP, gotP)
		mutate(gotP)
		ps, err := d.Pools(ctx)
		require.NoError(t, err)
		for _, x := range ps {
			if x.ID == wantP.ID {
				assert.Equal(t, &wantP, x)
				mutate(x)
			}
		}
		gotP, err = d.Pool(ctx, wantP.ID)
		require.NoError(t, err)
		assert.Equal(t, &wantP, gotP)

		var c, wantC flow.AppClient
		fill(t, &c, 4)
		fill(t, &wantC, 4)
		c.PoolID, wantC.PoolID = wantP.ID, wantP.ID
		require.NoError(t, d.PutClient(ctx, &c))
		mutate(&c)
		gotC, err := d.Client(ctx, wantC.ID)
		require.NoError(t, err)
		require.Equal(t, &wantC, gotC)
		mutate(gotC)
		cs, err := d.Clients(ctx, wantP.ID)
		require.NoError(t, err)
		require.Equal(t, []*flow.AppClient{&wantC}, cs)
		mutate(cs[0])
		gotC, err = d.Client(ctx, wantC.ID)
		require.NoError(t, err)
		assert.Equal(t, &wantC, gotC)
	})

	t.Run("PoolsAndClients", func(t *testing.T) {
		const prefix = "us-test-1_pc"
		for _, id := range []string{prefix + "B", prefix + "A", prefix + "C"} {
			require.NoError(t, d.PutPool(ctx, &flow.Pool{ID: id, Name: "name " + id, MFA: flow.MFAOptional, Created: t0}))
		}
		p, err := d.Pool(ctx, prefix+"A")
		require.NoError(t, err)
		assert.Equal(t, &flow.Pool{ID: prefix + "A", Name: "name " + prefix + "A", MFA: flow.MFAOptional, Created: t0}, p)

		// Put replaces.
		p.Name = "renamed"
		p.Devices = &flow.DeviceConfiguration{ChallengeRequiredOnNewDevice: true}
		p.AliasAttributes = []string{"email"}
		p.CodeValidity = 5 * time.Minute
		require.NoError(t, d.PutPool(ctx, p))
		got, err := d.Pool(ctx, prefix+"A")
		require.NoError(t, err)
		assert.Equal(t, p, got)

		assert.Equal(t, []string{prefix + "A", prefix + "B", prefix + "C"}, poolIDs(t, d, prefix))

		clients := []*flow.AppClient{
			{ID: "pc-client-2", PoolID: prefix + "A", Name: "web", ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH"}},
			{ID: "pc-client-1", PoolID: prefix + "A", Name: "app", Secret: "s3cr3t", AccessTokenValidity: time.Hour},
			{ID: "pc-client-3", PoolID: prefix + "B", Name: "other"},
		}
		for _, c := range clients {
			require.NoError(t, d.PutClient(ctx, c))
		}
		err = d.PutClient(ctx, &flow.AppClient{ID: "pc-client-4", PoolID: prefix + "Z"})
		assert.ErrorIs(t, err, directory.ErrPoolNotFound)
		c, err := d.Client(ctx, "pc-client-4")
		require.NoError(t, err)
		assert.Nil(t, c)

		c, err = d.Client(ctx, "pc-client-1")
		require.NoError(t, err)
		assert.Equal(t, clients[1], c)
		cs, err := d.Clients(ctx, prefix+"A")
		require.NoError(t, err)
		assert.Equal(t, []*flow.AppClient{clients[1], clients[0]}, cs)

		// Put replaces, and may move a client to another pool.
		moved := *clients[0]
		moved.PoolID = prefix + "B"
		moved.Name = "moved"
		require.NoError(t, d.PutClient(ctx, &moved))
		cs, err = d.Clients(ctx, prefix+"B")
		require.NoError(t, err)
		assert.Equal(t, []*flow.AppClient{&moved, clients[2]}, cs)
		cs, err = d.Clients(ctx, prefix+"A")
		require.NoError(t, err)
		assert.Equal(t, []*flow.AppClient{clients[1]}, cs)

		require.NoError(t, d.DeleteClient(ctx, "pc-client-1"))
		c, err = d.Client(ctx, "pc-client-1")
		require.NoError(t, err)
		assert.Nil(t, c)
		cs, err = d.Clients(ctx, prefix+"A")
		require.NoError(t, err)
		assert.Empty(t, cs)

		// Invalid arguments.
		assert.ErrorIs(t, d.PutPool(ctx, nil), directory.ErrInvalid)
		assert.ErrorIs(t, d.PutPool(ctx, &flow.Pool{}), directory.ErrInvalid)
		assert.ErrorIs(t, d.PutClient(ctx, nil), directory.ErrInvalid)
		assert.ErrorIs(t, d.PutClient(ctx, &flow.AppClient{ID: "x"}), directory.ErrInvalid)
		assert.ErrorIs(t, d.PutClient(ctx, &flow.AppClient{PoolID: prefix + "A"}), directory.ErrInvalid)
	})

	t.Run("DeletePool", func(t *testing.T) {
		const gone, kept = "us-test-1_delgone", "us-test-1_delkept"
		for _, id := range []string{gone, kept} {
			require.NoError(t, d.PutPool(ctx, &flow.Pool{ID: id}))
			require.NoError(t, d.PutClient(ctx, &flow.AppClient{ID: id + "-client", PoolID: id}))
			create(t, d, newUser(id, "u1", "email", "u1@example.com"), newUser(id, "u2"))
		}
		require.NoError(t, d.DeletePool(ctx, gone))

		p, err := d.Pool(ctx, gone)
		require.NoError(t, err)
		assert.Nil(t, p)
		c, err := d.Client(ctx, gone+"-client")
		require.NoError(t, err)
		assert.Nil(t, c)
		assert.Nil(t, get(t, d, gone, "u1"))
		assert.Empty(t, byAttr(t, d, gone, "email", "u1@example.com"))
		assert.Empty(t, usernames(t, d, gone, "", 0))
		assert.NotContains(t, poolIDs(t, d, "us-test-1_del"), gone)

		assert.Equal(t, []string{kept}, poolIDs(t, d, "us-test-1_del"))
		c, err = d.Client(ctx, kept+"-client")
		require.NoError(t, err)
		assert.NotNil(t, c)
		assert.Equal(t, []string{"u1", "u2"}, usernames(t, d, kept, "", 0))
		assert.Equal(t, "u1", byAttr(t, d, kept, "email", "u1@example.com"))

		// The pool's users may be created again from scratch.
		create(t, d, newUser(gone, "u1"))
		assert.EqualValues(t, 1, get(t, d, gone, "u1").Version)
		require.NoError(t, d.DeletePool(ctx, gone)) // no pool, users only
		assert.Nil(t, get(t, d, gone, "u1"))
	})

	t.Run("Concurrent", func(t *testing.T) {
		const pool, n = "us-test-1_race", 20
		create(t, d, newUser(pool, "racer", "counter", "0"))

		// One round: each goroutine reads, then writes with the version it
		// read. Every version step is taken by exactly one writer.
		var (
			start = make(chan struct{})
			wg    sync.WaitGroup
			mu    sync.Mutex
			won   = map[uint64]string{} // version read -> writer
		)
		for i := range n {
			wg.Go(func() {
				<-start
				u, err := d.User(ctx, pool, "racer")
				if err != nil || u == nil {
					t.Errorf("read: %v", err)
					return
				}
				read := u.Version
				u.Attributes["writer"] = strconv.Itoa(i)
				err = d.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: read})
				if errors.Is(err, flow.ErrConflict) {
					return
				}
				if err != nil {
					t.Errorf("apply: %v", err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if w, dup := won[read]; dup {
					t.Errorf("writers %s and %d both updated version %d", w, i, read)
				}
				won[read] = strconv.Itoa(i)
			})
		}
		close(start)
		wg.Wait()
		final := get(t, d, pool, "racer")
		require.NotEmpty(t, won)
		assert.EqualValues(t, 1+len(won), final.Version)
		for v := uint64(1); v < final.Version; v++ {
			assert.Contains(t, won, v)
		}
		assert.Equal(t, won[final.Version-1], final.Attributes["writer"])
		t.Logf("%d of %d writers won the first round", len(won), n)

		// Retrying until success: no update is lost.
		base := final.Version
		var tries atomic.Int64
		start = make(chan struct{})
		for range n {
			wg.Go(func() {
				<-start
				for {
					tries.Add(1)
					u, err := d.User(ctx, pool, "racer")
					if err != nil {
						t.Errorf("read: %v", err)
						return
					}
					c, _ := strconv.Atoi(u.Attributes["counter"])
					u.Attributes["counter"] = strconv.Itoa(c + 1)
					err = d.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: u.Version})
					if err == nil {
						return
					}
					if !errors.Is(err, flow.ErrConflict) {
						t.Errorf("apply: %v", err)
						return
					}
				}
			})
		}
		close(start)
		wg.Wait()
		final = get(t, d, pool, "racer")
		assert.Equal(t, strconv.Itoa(n), final.Attributes["counter"])
		assert.Equal(t, base+n, final.Version)
		t.Logf("%d increments took %d attempts", n, tries.Load())

		// Concurrent creates of one username: exactly one wins.
		var created atomic.Int64
		for range n {
			wg.Go(func() {
				err := d.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: newUser(pool, "once")})
				switch {
				case err == nil:
					created.Add(1)
				case !errors.Is(err, flow.ErrConflict):
					t.Errorf("create: %v", err)
				}
			})
		}
		wg.Wait()
		assert.EqualValues(t, 1, created.Load())
	})
}

func usernames(t *testing.T, d Store, pool, after string, limit int) []string {
	t.Helper()
	us, err := d.Users(context.Background(), pool, after, limit)
	require.NoError(t, err)
	var out []string
	for _, u := range us {
		out = append(out, u.Username)
	}
	return out
}

// poolIDs lists the IDs of the pools that start with prefix, as Pools orders them.
func poolIDs(t *testing.T, d Store, prefix string) []string {
	t.Helper()
	ps, err := d.Pools(context.Background())
	require.NoError(t, err)
	var out []string
	for _, p := range ps {
		if strings.HasPrefix(p.ID, prefix) {
			out = append(out, p.ID)
		}
	}
	return out
}

// BenchUser measures what the engine does for every sign-in step that
// changes a user: read a user and write it back with a version check. It
// uses the pool "us-bench-1_pool".
func BenchUser(b *testing.B, d Store) {
	ctx := context.Background()
	const pool = "us-bench-1_pool"
	u := fullUser(pool, "bench")
	require.NoError(b, d.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: u}))
	b.ReportAllocs()
	for b.Loop() {
		u, err := d.User(ctx, pool, "bench")
		if err != nil || u == nil {
			b.Fatal(u, err)
		}
		u.FailedAttempts++
		if err := d.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: u.Version}); err != nil {
			b.Fatal(err)
		}
	}
}
