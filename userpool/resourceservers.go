package userpool

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// Resource servers live in the pool record (flow.Pool.ResourceServers),
// like groups. Their scopes, "<identifier>/<scope name>", are what app
// clients may allow (AllowedOAuthScopes) and what the client-credentials
// grant of managed login issues.

// Limits of the resource server operations (Cognito's quotas).
const (
	MaxResourceServersPerPool = 25
	MaxScopesPerServer        = 100
	maxResourceServerPage     = 50
)

var (
	rsIdentifierRE = regexp.MustCompile(`^[\x21\x23-\x5B\x5D-\x7E]+$`)
	rsNameRE       = regexp.MustCompile(`^[\w\s+=,.@-]+$`)
	rsScopeNameRE  = regexp.MustCompile(`^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$`)
)

func errNoResourceServer() error {
	return challenge.New(challenge.ErrResourceNotFound, "Resource server does not exist.")
}

func checkIdentifier(id string) error {
	if id == "" {
		return errMissing("Identifier")
	}
	if len(id) > 256 || !rsIdentifierRE.MatchString(id) {
		return errParam("1 validation error detected: Value at 'identifier' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\x21\\x23-\\x5B\\x5D-\\x7E]+")
	}
	return nil
}

// checkResourceServer validates the input and returns the record to keep.
func checkResourceServer(poolID string, in *challenge.ResourceServerInput) (challenge.ResourceServerType, error) {
	if err := checkIdentifier(in.Identifier); err != nil {
		return challenge.ResourceServerType{}, err
	}
	if in.Name == "" {
		return challenge.ResourceServerType{}, errMissing("Name")
	}
	if utf8.RuneCountInString(in.Name) > 256 || !rsNameRE.MatchString(in.Name) {
		return challenge.ResourceServerType{}, errParam("1 validation error detected: Value at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+")
	}
	if len(in.Scopes) > MaxScopesPerServer {
		return challenge.ResourceServerType{}, errParam("1 validation error detected: Value at 'scopes' failed to satisfy constraint: Member must have length less than or equal to 100")
	}
	rs := challenge.ResourceServerType{UserPoolId: poolID, Identifier: in.Identifier, Name: in.Name}
	for _, sc := range in.Scopes {
		if sc.ScopeName == "" || len(sc.ScopeName) > 256 || !rsScopeNameRE.MatchString(sc.ScopeName) {
			return challenge.ResourceServerType{}, errParam("1 validation error detected: Value at 'scopes.member.scopeName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]+")
		}
		if sc.ScopeDescription == "" || utf8.RuneCountInString(sc.ScopeDescription) > 256 || !utf8.ValidString(sc.ScopeDescription) {
			return challenge.ResourceServerType{}, errParam("1 validation error detected: Value at 'scopes.member.scopeDescription' failed to satisfy constraint: Member must have length between 1 and 256")
		}
		if slices.ContainsFunc(rs.Scopes, func(o challenge.ResourceServerScopeType) bool { return o.ScopeName == sc.ScopeName }) {
			return challenge.ResourceServerType{}, errParam("Duplicate scope names are not allowed: " + sc.ScopeName)
		}
		rs.Scopes = append(rs.Scopes, sc)
	}
	return rs, nil
}

func resourceServerIndex(p *flow.Pool, id string) int {
	return slices.IndexFunc(p.ResourceServers, func(r challenge.ResourceServerType) bool { return r.Identifier == id })
}

// PoolHasScope reports whether scope is a custom scope of one of the pool's
// resource servers ("<identifier>/<scope name>").
func PoolHasScope(p *flow.Pool, scope string) bool {
	for _, rs := range p.ResourceServers {
		name, ok := strings.CutPrefix(scope, rs.Identifier+"/")
		if !ok {
			continue
		}
		for _, sc := range rs.Scopes {
			if sc.ScopeName == name {
				return true
			}
		}
	}
	return false
}

func cloneResourceServer(rs challenge.ResourceServerType) challenge.ResourceServerType {
	rs.Scopes = slices.Clone(rs.Scopes)
	return rs
}

// CreateResourceServer adds a resource server with its custom scopes.
// Errors: InvalidParameterException, ResourceNotFoundException,
// LimitExceededException, InternalErrorException.
func (s *Service) CreateResourceServer(ctx context.Context, in *challenge.ResourceServerInput) (*challenge.ResourceServerOutput, error) {
	return s.putResourceServer(ctx, in, true)
}

// putResourceServer adds (create) or replaces a resource server.
func (s *Service) putResourceServer(ctx context.Context, in *challenge.ResourceServerInput, create bool) (*challenge.ResourceServerOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	var rs challenge.ResourceServerType
	_, err := s.editPoolLocked(ctx, in.UserPoolId, func(p *flow.Pool) error {
		var err error
		if rs, err = checkResourceServer(p.ID, in); err != nil {
			return err
		}
		i := resourceServerIndex(p, rs.Identifier)
		switch {
		case create && i >= 0:
			return errParam(truncate(rs.Identifier, 256) + " already exists in pool " + p.ID + ".")
		case create && len(p.ResourceServers) >= MaxResourceServersPerPool:
			return challenge.New(challenge.ErrLimitExceeded, "The user pool has reached its limit of resource servers.")
		case create:
			p.ResourceServers = append(p.ResourceServers, rs)
			slices.SortFunc(p.ResourceServers, func(a, b challenge.ResourceServerType) int { return strings.Compare(a.Identifier, b.Identifier) })
		case i < 0:
			return errNoResourceServer()
		default:
			p.ResourceServers[i] = rs
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &challenge.ResourceServerOutput{ResourceServer: cloneResourceServer(rs)}, nil
}

// DescribeResourceServer returns a resource server. Errors:
// InvalidParameterException, ResourceNotFoundException,
// InternalErrorException.
func (s *Service) DescribeResourceServer(ctx context.Context, in *challenge.ResourceServerIdInput) (*challenge.ResourceServerOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if err := checkIdentifier(in.Identifier); err != nil {
		return nil, err
	}
	i := resourceServerIndex(p, in.Identifier)
	if i < 0 {
		return nil, errNoResourceServer()
	}
	return &challenge.ResourceServerOutput{ResourceServer: cloneResourceServer(p.ResourceServers[i])}, nil
}

// UpdateResourceServer replaces a resource server's name and scopes
// (scopes left out are removed, as in Cognito). Errors:
// InvalidParameterException, ResourceNotFoundException,
// InternalErrorException.
func (s *Service) UpdateResourceServer(ctx context.Context, in *challenge.ResourceServerInput) (*challenge.ResourceServerOutput, error) {
	return s.putResourceServer(ctx, in, false)
}

// DeleteResourceServer removes a resource server; its scopes are no longer
// granted (clients that allow them keep the names, as in Cognito).
// Errors: InvalidParameterException, ResourceNotFoundException,
// InternalErrorException.
func (s *Service) DeleteResourceServer(ctx context.Context, in *challenge.ResourceServerIdInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	_, err := s.editPoolLocked(ctx, in.UserPoolId, func(p *flow.Pool) error {
		if err := checkIdentifier(in.Identifier); err != nil {
			return err
		}
		i := resourceServerIndex(p, in.Identifier)
		if i < 0 {
			return errNoResourceServer()
		}
		p.ResourceServers = slices.Delete(p.ResourceServers, i, i+1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}

// ListResourceServers lists a pool's resource servers in identifier
// order; MaxResults (1 to 50) is required. Errors:
// InvalidParameterException, ResourceNotFoundException,
// InternalErrorException.
func (s *Service) ListResourceServers(ctx context.Context, in *challenge.ListResourceServersInput) (*challenge.ListResourceServersOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if in.MaxResults < 1 || in.MaxResults > maxResourceServerPage {
		return nil, errParam("1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50")
	}
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(p.ResourceServers))
	for i, rs := range p.ResourceServers {
		ids[i] = rs.Identifier
	}
	keep, next := page(ids, in.NextToken, in.MaxResults)
	out := &challenge.ListResourceServersOutput{ResourceServers: []challenge.ResourceServerType{}, NextToken: next}
	for _, id := range keep {
		out.ResourceServers = append(out.ResourceServers, cloneResourceServer(p.ResourceServers[resourceServerIndex(p, id)]))
	}
	return out, nil
}
