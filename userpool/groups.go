package userpool

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// Groups live in the pool record (flow.Pool.Groups), which every directory
// persists; a user's memberships are flow.User.Groups. The engine orders
// them by precedence in tokens (flow.Pool.TokenGroups).

// Limits of the group operations.
const (
	// MaxGroupsPerPool bounds the groups of a pool (they travel with the
	// pool record, read at every sign-in). Cognito's quota is higher.
	MaxGroupsPerPool = 1000
	// MaxGroupsPerUser is Cognito's quota of groups a user may belong to.
	MaxGroupsPerUser = 100
	maxGroupName     = 128
	maxGroupDesc     = 2048
	maxRoleArn       = 2048
	maxGroupPage     = 60
)

// groupsMu serializes the read-modify-write of a pool's groups within this
// process.
var groupsMu sync.Mutex

var (
	groupNameRE = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)
	roleArnRE   = regexp.MustCompile(`^arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?$`)
)

func errNoGroup() error {
	return challenge.New(challenge.ErrResourceNotFound, "Group not found.")
}

func checkGroupName(name string) error {
	if name == "" {
		return errMissing("GroupName")
	}
	if len(name) > maxGroupName || !utf8.ValidString(name) || !groupNameRE.MatchString(name) {
		return errParam("1 validation error detected: Value at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+")
	}
	return nil
}

func checkGroupFields(desc, role *string, precedence *int32) error {
	if desc != nil && (len(*desc) > maxGroupDesc || !utf8.ValidString(*desc)) {
		return errParam("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048")
	}
	if role != nil && *role != "" && (len(*role) < 20 || len(*role) > maxRoleArn || !roleArnRE.MatchString(*role)) {
		return errParam("1 validation error detected: Value at 'roleArn' failed to satisfy constraint: Member must satisfy the ARN pattern")
	}
	if precedence != nil && *precedence < 0 {
		return errParam("1 validation error detected: Value at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0")
	}
	return nil
}

func checkLimit(limit int) (int, error) {
	if limit == 0 {
		return maxGroupPage, nil
	}
	if limit < 1 || limit > maxGroupPage {
		return 0, errParam("1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")
	}
	return limit, nil
}

func groupType(poolID string, g *flow.Group) challenge.GroupType {
	t := challenge.GroupType{GroupName: g.Name, UserPoolId: poolID, Description: g.Description, RoleArn: g.RoleArn,
		CreationDate: challenge.Time{Time: g.Created}, LastModifiedDate: challenge.Time{Time: g.LastModified}}
	if g.Precedence != nil {
		n := *g.Precedence
		t.Precedence = &n
	}
	return t
}

// putGroups stores the pool with its changed groups.
func (s *Service) putGroups(ctx context.Context, p *flow.Pool) error {
	if err := s.cat.PutPool(ctx, p); err != nil {
		return errInternal(err)
	}
	return nil
}

// CreateGroup creates a group in a pool. Errors: GroupExistsException,
// LimitExceededException, InvalidParameterException,
// ResourceNotFoundException (no such pool).
func (s *Service) CreateGroup(ctx context.Context, in *challenge.CreateGroupInput) (*challenge.GroupOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if err := checkGroupName(in.GroupName); err != nil {
		return nil, err
	}
	if err := checkGroupFields(&in.Description, &in.RoleArn, in.Precedence); err != nil {
		return nil, err
	}
	groupsMu.Lock()
	defer groupsMu.Unlock()
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	i, found := slices.BinarySearchFunc(p.Groups, in.GroupName, func(g flow.Group, n string) int { return strings.Compare(g.Name, n) })
	if found {
		return nil, challenge.New(challenge.ErrGroupExists, "A group with the name already exists.")
	}
	if len(p.Groups) >= MaxGroupsPerPool {
		return nil, challenge.New(challenge.ErrLimitExceeded, "The pool has reached its limit of groups.")
	}
	now := s.now()
	g := flow.Group{Name: in.GroupName, Description: in.Description, RoleArn: in.RoleArn, Created: now, LastModified: now}
	if in.Precedence != nil {
		n := *in.Precedence
		g.Precedence = &n
	}
	p.Groups = slices.Insert(p.Groups, i, g)
	if err := s.putGroups(ctx, p); err != nil {
		return nil, err
	}
	return &challenge.GroupOutput{Group: groupType(p.ID, &g)}, nil
}

// GetGroup returns a group. Errors: ResourceNotFoundException (no such
// pool or group), InvalidParameterException.
func (s *Service) GetGroup(ctx context.Context, in *challenge.GroupInput) (*challenge.GroupOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if err := checkGroupName(in.GroupName); err != nil {
		return nil, err
	}
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	g := p.Group(in.GroupName)
	if g == nil {
		return nil, errNoGroup()
	}
	return &challenge.GroupOutput{Group: groupType(p.ID, g)}, nil
}

// UpdateGroup changes a group's description, role and precedence; fields
// left out keep their value. Errors as GetGroup.
func (s *Service) UpdateGroup(ctx context.Context, in *challenge.UpdateGroupInput) (*challenge.GroupOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if err := checkGroupName(in.GroupName); err != nil {
		return nil, err
	}
	if err := checkGroupFields(in.Description, in.RoleArn, in.Precedence); err != nil {
		return nil, err
	}
	groupsMu.Lock()
	defer groupsMu.Unlock()
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	g := p.Group(in.GroupName)
	if g == nil {
		return nil, errNoGroup()
	}
	if in.Description != nil {
		g.Description = *in.Description
	}
	if in.RoleArn != nil {
		g.RoleArn = *in.RoleArn
	}
	if in.Precedence != nil {
		n := *in.Precedence
		g.Precedence = &n
	}
	g.LastModified = s.now()
	if err := s.putGroups(ctx, p); err != nil {
		return nil, err
	}
	return &challenge.GroupOutput{Group: groupType(p.ID, g)}, nil
}

// DeleteGroup deletes a group and removes its members from it. Errors as
// GetGroup.
func (s *Service) DeleteGroup(ctx context.Context, in *challenge.GroupInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if err := checkGroupName(in.GroupName); err != nil {
		return nil, err
	}
	groupsMu.Lock()
	defer groupsMu.Unlock()
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if p.Group(in.GroupName) == nil {
		return nil, errNoGroup()
	}
	// Memberships go first: a group recreated under the same name must not
	// find the old members in it.
	err = s.eachUser(ctx, p.ID, "", func(u *flow.User) (bool, error) {
		if i := slices.Index(u.Groups, in.GroupName); i >= 0 {
			u.Groups = slices.Delete(u.Groups, i, i+1)
			return true, s.update(ctx, u, s.now())
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	p.Groups = slices.DeleteFunc(p.Groups, func(g flow.Group) bool { return g.Name == in.GroupName })
	if err := s.putGroups(ctx, p); err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}

// eachUser calls fn for every user of a pool in username order, starting
// after `after`, until fn returns false.
func (s *Service) eachUser(ctx context.Context, poolID, after string, fn func(*flow.User) (bool, error)) error {
	for {
		batch, err := s.dir.Users(ctx, poolID, after, 100)
		if err != nil {
			return errInternal(err)
		}
		for _, u := range batch {
			after = u.Username
			more, err := fn(u)
			if err != nil {
				return err
			}
			if !more {
				return nil
			}
		}
		if len(batch) < 100 {
			return nil
		}
	}
}

// ListGroups lists a pool's groups in name order. Errors:
// ResourceNotFoundException, InvalidParameterException.
func (s *Service) ListGroups(ctx context.Context, in *challenge.ListGroupsInput) (*challenge.ListGroupsOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	limit, err := checkLimit(in.Limit)
	if err != nil {
		return nil, err
	}
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return pageGroups(p, p.Groups, in.NextToken, limit), nil
}

// pageGroups returns the groups after the name `after`, at most limit.
func pageGroups(p *flow.Pool, groups []flow.Group, after string, limit int) *challenge.ListGroupsOutput {
	out := &challenge.ListGroupsOutput{Groups: []challenge.GroupType{}}
	for i := range groups {
		if after != "" && groups[i].Name <= after {
			continue
		}
		if len(out.Groups) == limit {
			out.NextToken = out.Groups[limit-1].GroupName
			break
		}
		out.Groups = append(out.Groups, groupType(p.ID, &groups[i]))
	}
	return out
}

// AdminAddUserToGroup adds a user to a group (adding it again is not an
// error). Errors: ResourceNotFoundException (no such pool or group),
// UserNotFoundException, LimitExceededException, InvalidParameterException.
func (s *Service) AdminAddUserToGroup(ctx context.Context, in *challenge.AdminUserGroupInput) (*challenge.Empty, error) {
	return s.setMember(ctx, in, true)
}

// AdminRemoveUserFromGroup removes a user from a group. Errors as
// AdminAddUserToGroup.
func (s *Service) AdminRemoveUserFromGroup(ctx context.Context, in *challenge.AdminUserGroupInput) (*challenge.Empty, error) {
	return s.setMember(ctx, in, false)
}

func (s *Service) setMember(ctx context.Context, in *challenge.AdminUserGroupInput, member bool) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if err := checkGroupName(in.GroupName); err != nil {
		return nil, err
	}
	groupsMu.Lock()
	defer groupsMu.Unlock()
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if p.Group(in.GroupName) == nil {
		return nil, errNoGroup()
	}
	i := slices.Index(u.Groups, in.GroupName)
	switch {
	case member && i >= 0, !member && i < 0:
		return &challenge.Empty{}, nil
	case member:
		if len(u.Groups) >= MaxGroupsPerUser {
			return nil, challenge.New(challenge.ErrLimitExceeded, "The user has reached its limit of groups.")
		}
		u.Groups = append(u.Groups, in.GroupName)
	default:
		u.Groups = slices.Delete(u.Groups, i, i+1)
	}
	if err := s.update(ctx, u, s.now()); err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}

// AdminListGroupsForUser lists the groups of a user in name order.
// Errors: ResourceNotFoundException, UserNotFoundException,
// InvalidParameterException.
func (s *Service) AdminListGroupsForUser(ctx context.Context, in *challenge.AdminListGroupsForUserInput) (*challenge.ListGroupsOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	limit, err := checkLimit(in.Limit)
	if err != nil {
		return nil, err
	}
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	var mine []flow.Group
	for _, g := range p.Groups {
		if slices.Contains(u.Groups, g.Name) {
			mine = append(mine, g)
		}
	}
	return pageGroups(p, mine, in.NextToken, limit), nil
}

// ListUsersInGroup lists the members of a group in username order.
// Errors: ResourceNotFoundException (no such pool or group),
// InvalidParameterException.
func (s *Service) ListUsersInGroup(ctx context.Context, in *challenge.ListUsersInGroupInput) (*challenge.ListUsersInGroupOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if err := checkGroupName(in.GroupName); err != nil {
		return nil, err
	}
	limit, err := checkLimit(in.Limit)
	if err != nil {
		return nil, err
	}
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if p.Group(in.GroupName) == nil {
		return nil, errNoGroup()
	}
	out := &challenge.ListUsersInGroupOutput{Users: []challenge.UserType{}}
	err = s.eachUser(ctx, p.ID, in.NextToken, func(u *flow.User) (bool, error) {
		if !slices.Contains(u.Groups, in.GroupName) {
			return true, nil
		}
		if len(out.Users) == limit {
			out.NextToken = out.Users[limit-1].Username
			return false, nil
		}
		out.Users = append(out.Users, *userType(u))
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
