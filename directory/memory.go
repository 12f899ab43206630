package directory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/authflow/authflow/directory/internal/contract"
	"github.com/authflow/authflow/flow"
)

// Memory keeps users, user pools and app clients in process memory. It
// implements [flow.Directory] and [flow.Catalog]; see the package
// documentation for the contract.
//
// The zero value is not usable; call [NewMemory]. A Memory is safe for
// concurrent use: one lock serialises writers, readers share it. Methods
// never block on anything but that lock and ignore their context. Errors
// are only those of the contract ([flow.ErrConflict], [ErrInvalid],
// [ErrPoolNotFound]).
type Memory struct {
	mu      sync.RWMutex
	pools   map[string]*flow.Pool      // by pool ID
	clients map[string]*flow.AppClient // by client ID
	users   map[string]*memPool        // by pool ID; created on the first user

	secretsMu sync.Mutex
	secrets   map[string][]byte // see secrets.go
}

// memPool is the users of one pool with their indexes.
type memPool struct {
	users map[string]*flow.User // by username; Version is the stored version
	names []string              // the usernames, sorted
	attrs map[attr][]string     // (name, value) -> usernames, sorted
}

type attr struct{ name, value string }

type userKey struct{ pool, username string }

// NewMemory returns an empty Memory.
func NewMemory() *Memory {
	return &Memory{
		pools:   make(map[string]*flow.Pool),
		clients: make(map[string]*flow.AppClient),
		users:   make(map[string]*memPool),
	}
}

// User returns a copy of the user, or (nil, nil) when there is none.
func (m *Memory) User(_ context.Context, poolID, username string) (*flow.User, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.lookup(userKey{poolID, username}).Clone(), nil
}

// UserByAttribute returns a copy of the user of the pool whose attribute
// name is exactly value ("sub" matches User.Sub), or (nil, nil). When
// several users match, it prefers one whose attribute name+"_verified" is
// "true", then the smallest username.
func (m *Memory) UserByAttribute(_ context.Context, poolID, name, value string) (*flow.User, error) {
	if value == "" {
		return nil, nil
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	p := m.users[poolID]
	if p == nil {
		return nil, nil
	}
	names := p.attrs[attr{name, value}]
	if len(names) == 0 {
		return nil, nil
	}
	for _, n := range names {
		if u := p.users[n]; u.Attributes[name+"_verified"] == "true" {
			return u.Clone(), nil
		}
	}
	return p.users[names[0]].Clone(), nil
}

// Users returns copies of up to limit users of the pool (all of them when
// limit <= 0) whose usernames sort after after, in username order.
func (m *Memory) Users(_ context.Context, poolID, after string, limit int) ([]*flow.User, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	p := m.users[poolID]
	if p == nil {
		return nil, nil
	}
	i, found := slices.BinarySearch(p.names, after)
	if found {
		i++
	}
	names := p.names[i:]
	if limit > 0 && len(names) > limit {
		names = names[:limit]
	}
	if len(names) == 0 {
		return nil, nil
	}
	out := make([]*flow.User, 0, len(names))
	for _, n := range names {
		out = append(out, p.users[n].Clone())
	}
	return out, nil
}

// Apply applies all the changes or none of them; see the package
// documentation. It returns an error wrapping [flow.ErrConflict] for a
// change that does not apply and [ErrInvalid] for a malformed one.
func (m *Memory) Apply(_ context.Context, changes ...flow.Change) error {
	if err := contract.CheckChanges(changes); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()

	// Check every change against the store as the earlier changes leave it,
	// keeping the results aside; a nil value is a deleted user.
	staged := make(map[userKey]*flow.User, len(changes))
	for i, ch := range changes {
		k := userKey{ch.User.PoolID, ch.User.Username}
		cur, ok := staged[k]
		if !ok {
			cur = m.lookup(k)
		}
		if ch.Kind == flow.ChangeCreate {
			if cur != nil {
				return contract.Conflict(i, ch, "user exists")
			}
			u := ch.User.Clone()
			u.Version = 1
			staged[k] = u
			continue
		}
		if cur == nil {
			return contract.Conflict(i, ch, "no such user")
		}
		if ch.Version != 0 && ch.Version != cur.Version {
			return contract.Conflict(i, ch, fmt.Sprintf("version is %d, not %d", cur.Version, ch.Version))
		}
		if ch.Kind == flow.ChangeDelete {
			staged[k] = nil
			continue
		}
		u := ch.User.Clone()
		u.Version = cur.Version + 1
		staged[k] = u
	}

	// Nothing can fail from here on.
	for k, u := range staged {
		p := m.users[k.pool]
		if p == nil {
			p = &memPool{users: make(map[string]*flow.User), attrs: make(map[attr][]string)}
			m.users[k.pool] = p
		}
		p.put(k.username, u)
		if len(p.users) == 0 {
			delete(m.users, k.pool)
		}
	}
	return nil
}

// lookup returns the stored user (not a copy), or nil. The caller holds m.mu.
func (m *Memory) lookup(k userKey) *flow.User {
	if p := m.users[k.pool]; p != nil {
		return p.users[k.username]
	}
	return nil
}

// put replaces the user stored under username by u (nil: deletes it) and
// updates the indexes.
func (p *memPool) put(username string, u *flow.User) {
	if old := p.users[username]; old != nil {
		contract.IndexedAttrs(old, func(name, value string) {
			a := attr{name, value}
			if s := removeSorted(p.attrs[a], username); len(s) > 0 {
				p.attrs[a] = s
			} else {
				delete(p.attrs, a)
			}
		})
	} else if u != nil {
		p.names = insertSorted(p.names, username)
	}
	if u == nil {
		delete(p.users, username)
		p.names = removeSorted(p.names, username)
		return
	}
	p.users[username] = u
	contract.IndexedAttrs(u, func(name, value string) {
		a := attr{name, value}
		p.attrs[a] = insertSorted(p.attrs[a], username)
	})
}

func insertSorted(s []string, v string) []string {
	i, found := slices.BinarySearch(s, v)
	if found {
		return s
	}
	return slices.Insert(s, i, v)
}

func removeSorted(s []string, v string) []string {
	i, found := slices.BinarySearch(s, v)
	if !found {
		return s
	}
	return slices.Delete(s, i, i+1)
}

// Pool returns a copy of the pool, or (nil, nil) when there is none.
func (m *Memory) Pool(_ context.Context, poolID string) (*flow.Pool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return contract.ClonePool(m.pools[poolID]), nil
}

// Pools returns copies of all pools in pool ID order.
func (m *Memory) Pools(_ context.Context) ([]*flow.Pool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []*flow.Pool
	for _, p := range m.pools {
		out = append(out, contract.ClonePool(p))
	}
	slices.SortFunc(out, func(a, b *flow.Pool) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// PutPool creates or replaces the pool p.ID with a copy of p. It returns
// [ErrInvalid] for a nil pool or an empty ID.
func (m *Memory) PutPool(_ context.Context, p *flow.Pool) error {
	if err := contract.CheckPool(p); err != nil {
		return err
	}
	c := contract.ClonePool(p)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pools[c.ID] = c
	return nil
}

// DeletePool deletes the pool, its app clients and its users. Deleting a
// pool that does not exist still deletes users and clients left under its ID.
func (m *Memory) DeletePool(_ context.Context, poolID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.pools, poolID)
	delete(m.users, poolID)
	for id, c := range m.clients {
		if c.PoolID == poolID {
			delete(m.clients, id)
		}
	}
	return nil
}

// Client returns a copy of the app client, or (nil, nil) when there is none.
func (m *Memory) Client(_ context.Context, clientID string) (*flow.AppClient, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return contract.CloneClient(m.clients[clientID]), nil
}

// Clients returns copies of the app clients of the pool in client ID order.
func (m *Memory) Clients(_ context.Context, poolID string) ([]*flow.AppClient, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []*flow.AppClient
	for _, c := range m.clients {
		if c.PoolID == poolID {
			out = append(out, contract.CloneClient(c))
		}
	}
	slices.SortFunc(out, func(a, b *flow.AppClient) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// PutClient creates or replaces the app client c.ID with a copy of c. It
// returns [ErrPoolNotFound] when the pool c.PoolID does not exist and
// [ErrInvalid] for a nil client or an empty ID.
func (m *Memory) PutClient(_ context.Context, c *flow.AppClient) error {
	if err := contract.CheckClient(c); err != nil {
		return err
	}
	cc := contract.CloneClient(c)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pools[cc.PoolID] == nil {
		return contract.ErrPoolNotFound
	}
	m.clients[cc.ID] = cc
	return nil
}

// DeleteClient deletes the app client, if it exists.
func (m *Memory) DeleteClient(_ context.Context, clientID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.clients, clientID)
	return nil
}
