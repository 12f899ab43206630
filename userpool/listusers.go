package userpool

import (
	"context"
	"slices"
	"strings"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// userFilter is a parsed ListUsers Filter: `name = "value"` or `name ^= "value"`.
type userFilter struct {
	attr   string
	prefix bool
	value  string
}

var filterable = []string{"username", "email", "phone_number", "name", "given_name", "family_name",
	"preferred_username", "cognito:user_status", "status", "sub"}

// parseUserFilter parses a ListUsers filter; "" means no filter.
func parseUserFilter(f string) (*userFilter, error) {
	f = strings.TrimSpace(f)
	if f == "" {
		return nil, nil
	}
	bad := errParam("Invalid search filter: " + truncate(f, 64))
	if len(f) > 256 {
		return nil, bad
	}
	var out userFilter
	i := strings.IndexAny(f, "=^ ")
	if i <= 0 {
		return nil, bad
	}
	out.attr = f[:i]
	rest := strings.TrimSpace(f[i:])
	switch {
	case strings.HasPrefix(rest, "^="):
		out.prefix = true
		rest = rest[2:]
	case strings.HasPrefix(rest, "="):
		rest = rest[1:]
	default:
		return nil, bad
	}
	rest = strings.TrimSpace(rest)
	if len(rest) < 2 || rest[0] != '"' || rest[len(rest)-1] != '"' {
		return nil, bad
	}
	var b strings.Builder
	body := rest[1 : len(rest)-1]
	for j := 0; j < len(body); j++ {
		c := body[j]
		if c == '\\' && j+1 < len(body) {
			j++
			c = body[j]
		} else if c == '"' {
			return nil, bad
		}
		b.WriteByte(c)
	}
	out.value = b.String()
	if !slices.Contains(filterable, out.attr) {
		return nil, errParam("Invalid search filter: attribute " + truncate(out.attr, 32) + " cannot be searched")
	}
	return &out, nil
}

func (f *userFilter) match(u *flow.User) bool {
	if f == nil {
		return true
	}
	var v string
	switch f.attr {
	case "username":
		v = u.Username
	case "sub":
		v = u.Sub
	case "cognito:user_status":
		v = string(u.Status)
	case "status":
		v = "Enabled"
		if !u.Enabled {
			v = "Disabled"
		}
	default:
		v = u.Attributes[f.attr]
	}
	if f.prefix {
		return strings.HasPrefix(v, f.value)
	}
	return v == f.value
}

// ListUsers lists a pool's users, optionally filtered. Errors:
// InvalidParameterException, ResourceNotFoundException, InternalErrorException.
func (s *Service) ListUsers(ctx context.Context, in *challenge.ListUsersInput) (*challenge.ListUsersOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	limit := in.Limit
	if limit == 0 {
		limit = 60
	}
	if limit < 1 || limit > 60 {
		return nil, errParam("1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")
	}
	filter, err := parseUserFilter(in.Filter)
	if err != nil {
		return nil, err
	}
	out := &challenge.ListUsersOutput{Users: []challenge.UserType{}}
	after := in.PaginationToken
	for len(out.Users) < limit {
		batch, err := s.dir.Users(ctx, p.ID, after, 100)
		if err != nil {
			return nil, errInternal(err)
		}
		for i, u := range batch {
			after = u.Username
			if !filter.match(u) {
				continue
			}
			t := userType(u)
			if len(in.AttributesToGet) > 0 {
				kept := t.Attributes[:0]
				for _, a := range t.Attributes {
					if slices.Contains(in.AttributesToGet, a.Name) {
						kept = append(kept, a)
					}
				}
				t.Attributes = kept
			}
			out.Users = append(out.Users, *t)
			if len(out.Users) == limit {
				if i < len(batch)-1 || len(batch) == 100 {
					out.PaginationToken = u.Username
				}
				return out, nil
			}
		}
		if len(batch) < 100 {
			break
		}
	}
	return out, nil
}
