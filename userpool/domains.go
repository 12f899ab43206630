package userpool

import (
	"context"
	"regexp"
	"strings"
	"sync"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// A user pool domain lives in its pool record (flow.Pool.Domain): one
// domain per pool, and one pool per domain. Managed login (package
// managedlogin) serves it.

// domainMu serializes the read-modify-write of domains and resource
// servers within this process (a domain must stay unique across pools).
var domainMu sync.Mutex

// editPoolLocked reads the pool poolID, lets edit change it, and stores it
// with a new LastModified, all under domainMu. An error of edit is
// returned as it is, and nothing is stored.
func (s *Service) editPoolLocked(ctx context.Context, poolID string, edit func(p *flow.Pool) error) (*flow.Pool, error) {
	domainMu.Lock()
	defer domainMu.Unlock()
	p, err := s.pool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if err := edit(p); err != nil {
		return nil, err
	}
	p.LastModified = s.now()
	if err := s.cat.PutPool(ctx, p); err != nil {
		return nil, errInternal(err)
	}
	return p, nil
}

var (
	// prefixDomainRE is Cognito's pattern of a prefix domain.
	prefixDomainRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
	// customDomainRE is a fully qualified host name.
	customDomainRE = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
)

// reservedDomainWords may not appear in a prefix domain, as in Cognito.
var reservedDomainWords = []string{"aws", "amazon", "cognito"}

func checkDomain(domain string, custom bool) error {
	if domain == "" {
		return errMissing("Domain")
	}
	if len(domain) > 63 && !custom || len(domain) > 253 {
		return errParam("1 validation error detected: Value at 'domain' failed to satisfy constraint: Member must have length less than or equal to 63")
	}
	if custom {
		if !customDomainRE.MatchString(domain) {
			return errParam("The custom domain " + truncate(domain, 253) + " is not a valid domain name.")
		}
		return nil
	}
	if !prefixDomainRE.MatchString(domain) {
		return errParam("1 validation error detected: Value at 'domain' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$")
	}
	for _, w := range reservedDomainWords {
		if strings.Contains(domain, w) {
			return errParam("Domain cannot contain reserved word: " + w)
		}
	}
	return nil
}

func checkManagedLoginVersion(v int) (int, error) {
	switch v {
	case 0:
		return 1, nil
	case 1, 2:
		return v, nil
	}
	return 0, errParam("ManagedLoginVersion must be 1 or 2.")
}

// poolOfDomain returns the pool whose domain is domain, or nil.
func (s *Service) poolOfDomain(ctx context.Context, domain string) (*flow.Pool, error) {
	pools, err := s.cat.Pools(ctx)
	if err != nil {
		return nil, errInternal(err)
	}
	for _, p := range pools {
		if p.Domain != "" && p.Domain == domain {
			return p, nil
		}
	}
	return nil, nil
}

// CreateUserPoolDomain gives a pool its domain: a prefix (myprefix, served
// as myprefix.auth.<region>.amazoncognito.com) or, with
// CustomDomainConfig, a fully qualified custom domain. A pool has at most
// one domain and a domain belongs to one pool. Errors:
// InvalidParameterException, ResourceNotFoundException,
// InternalErrorException.
func (s *Service) CreateUserPoolDomain(ctx context.Context, in *challenge.UserPoolDomainInput) (*challenge.UserPoolDomainOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	custom := in.CustomDomainConfig != nil
	if custom && in.CustomDomainConfig.CertificateArn == "" {
		return nil, errMissing("CustomDomainConfig.CertificateArn")
	}
	if err := checkDomain(in.Domain, custom); err != nil {
		return nil, err
	}
	version, err := checkManagedLoginVersion(in.ManagedLoginVersion)
	if err != nil {
		return nil, err
	}
	p, err := s.editPoolLocked(ctx, in.UserPoolId, func(p *flow.Pool) error {
		if p.Domain != "" {
			return errParam("User pool already has a domain configured.")
		}
		if other, err := s.poolOfDomain(ctx, in.Domain); err != nil {
			return err
		} else if other != nil {
			return errParam("Domain already associated with another user pool.")
		}
		p.Domain, p.ManagedLoginVersion = in.Domain, version
		if custom {
			p.DomainCertificateArn = in.CustomDomainConfig.CertificateArn
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return domainOutput(p), nil
}

func domainOutput(p *flow.Pool) *challenge.UserPoolDomainOutput {
	out := &challenge.UserPoolDomainOutput{ManagedLoginVersion: p.ManagedLoginVersion}
	if p.DomainCertificateArn != "" {
		out.CloudFrontDomain = p.Domain
	}
	return out
}

// DescribeUserPoolDomain describes a domain. A domain no pool has gives an
// empty DomainDescription, as in Cognito. Errors:
// InvalidParameterException, InternalErrorException.
func (s *Service) DescribeUserPoolDomain(ctx context.Context, in *challenge.DescribeUserPoolDomainInput) (*challenge.DescribeUserPoolDomainOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if in.Domain == "" {
		return nil, errMissing("Domain")
	}
	if len(in.Domain) > 253 {
		return nil, errParam("1 validation error detected: Value at 'domain' failed to satisfy constraint: Member must have length less than or equal to 63")
	}
	p, err := s.poolOfDomain(ctx, in.Domain)
	if err != nil || p == nil {
		return &challenge.DescribeUserPoolDomainOutput{}, err
	}
	d := challenge.DomainDescriptionType{
		UserPoolId: p.ID, AWSAccountId: accountOf(p.Arn), Domain: p.Domain, Version: "20130630",
		Status: "ACTIVE", ManagedLoginVersion: p.ManagedLoginVersion,
	}
	if p.DomainCertificateArn != "" {
		d.CustomDomainConfig = &challenge.CustomDomainConfigType{CertificateArn: p.DomainCertificateArn}
		d.CloudFrontDistribution = p.Domain
	}
	return &challenge.DescribeUserPoolDomainOutput{DomainDescription: d}, nil
}

// accountOf returns the account field of an ARN ("" when absent).
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// UpdateUserPoolDomain changes the managed login version or the
// certificate of a pool's domain. Errors: InvalidParameterException,
// ResourceNotFoundException, InternalErrorException.
func (s *Service) UpdateUserPoolDomain(ctx context.Context, in *challenge.UserPoolDomainInput) (*challenge.UserPoolDomainOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if in.Domain == "" {
		return nil, errMissing("Domain")
	}
	version, err := checkManagedLoginVersion(in.ManagedLoginVersion)
	if err != nil {
		return nil, err
	}
	p, err := s.editPoolLocked(ctx, in.UserPoolId, func(p *flow.Pool) error {
		if p.Domain != in.Domain {
			return challenge.New(challenge.ErrResourceNotFound, "No such domain or user pool exists.")
		}
		if in.CustomDomainConfig != nil {
			if p.DomainCertificateArn == "" {
				return errParam("A prefix domain has no certificate to update.")
			}
			if in.CustomDomainConfig.CertificateArn == "" {
				return errMissing("CustomDomainConfig.CertificateArn")
			}
			p.DomainCertificateArn = in.CustomDomainConfig.CertificateArn
		}
		if in.ManagedLoginVersion != 0 {
			p.ManagedLoginVersion = version
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return domainOutput(p), nil
}

// DeleteUserPoolDomain removes a pool's domain. Errors:
// InvalidParameterException, ResourceNotFoundException (no such pool),
// InternalErrorException.
func (s *Service) DeleteUserPoolDomain(ctx context.Context, in *challenge.DeleteUserPoolDomainInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if in.Domain == "" {
		return nil, errMissing("Domain")
	}
	_, err := s.editPoolLocked(ctx, in.UserPoolId, func(p *flow.Pool) error {
		if p.Domain != in.Domain {
			return errParam("No such domain or user pool exists.")
		}
		p.Domain, p.ManagedLoginVersion, p.DomainCertificateArn = "", 0, ""
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}
