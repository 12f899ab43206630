package userpool

import (
	"context"
	"maps"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// Tags are kept in the pool record (flow.Pool.Tags), given at
// CreateUserPool (UserPoolTags) or by TagResource, and returned by
// DescribeUserPool and ListTagsForResource. Only user pool ARNs are
// taggable.

// Limits of tags (AWS's): keys of 1 to 128 characters, values of at most
// 256, at most 50 tags per pool; keys starting with "aws:" are reserved.
const (
	MaxTagsPerPool = 50
	maxTagKey      = 128
	maxTagValue    = 256
	maxResourceArn = 2048
)

var tagRE = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

func checkTagKey(k string) error {
	if n := utf8.RuneCountInString(k); n < 1 || n > maxTagKey || !utf8.ValidString(k) || !tagRE.MatchString(k) {
		return errParam("1 validation error detected: Value at 'tags' failed to satisfy constraint: Map keys must have length between 1 and 128 and satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$")
	}
	if strings.HasPrefix(strings.ToLower(k), "aws:") {
		return errParam("Tag keys starting with aws: are reserved.")
	}
	return nil
}

// checkTags validates tags to add to a pool that has have.
func checkTags(tags, have map[string]string) error {
	for k, v := range tags {
		if err := checkTagKey(k); err != nil {
			return err
		}
		if utf8.RuneCountInString(v) > maxTagValue || !utf8.ValidString(v) || !tagRE.MatchString(v) {
			return errParam("1 validation error detected: Value at 'tags' failed to satisfy constraint: Map values must have length less than or equal to 256 and satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$")
		}
	}
	n := len(have)
	for k := range tags {
		if _, ok := have[k]; !ok {
			n++
		}
	}
	if n > MaxTagsPerPool {
		return errParam("A user pool can have at most 50 tags.")
	}
	return nil
}

// setPoolTags validates and sets the UserPoolTags of CreateUserPool.
func setPoolTags(p *flow.Pool, tags map[string]string) error {
	if len(tags) == 0 {
		return nil
	}
	if err := checkTags(tags, nil); err != nil {
		return err
	}
	p.Tags = maps.Clone(tags)
	return nil
}

// poolTags is a pool's tags as DescribeUserPool returns them.
func poolTags(p *flow.Pool) map[string]string { return maps.Clone(p.Tags) }

// taggedPool reads the pool an ARN names: InvalidParameterException for
// what is not a user pool ARN, ResourceNotFoundException for a pool that
// does not exist (or has another ARN).
func (s *Service) taggedPool(ctx context.Context, arn string) (*flow.Pool, error) {
	if arn == "" {
		return nil, errMissing("ResourceArn")
	}
	_, id, ok := strings.Cut(arn, ":userpool/")
	if len(arn) < 20 || len(arn) > maxResourceArn || !ok || !strings.HasPrefix(arn, "arn:") || id == "" || len(id) > 55 {
		return nil, errParam("1 validation error detected: Value at 'resourceArn' failed to satisfy constraint: Member must be the ARN of a user pool")
	}
	p, err := s.cat.Pool(ctx, id)
	if err != nil {
		return nil, errInternal(err)
	}
	if p == nil || p.Arn != arn {
		return nil, challenge.New(challenge.ErrResourceNotFound, "Resource "+truncate(arn, 256)+" does not exist.")
	}
	return p, nil
}

// TagResource adds or replaces tags of a user pool. Errors:
// InvalidParameterException (a malformed ARN, key or value, more than 50
// tags), ResourceNotFoundException, InternalErrorException.
func (s *Service) TagResource(ctx context.Context, in *challenge.TagResourceInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if in.Tags == nil {
		return nil, errMissing("Tags")
	}
	groupsMu.Lock() // the lock of every read-modify-write of a pool record
	defer groupsMu.Unlock()
	p, err := s.taggedPool(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags, p.Tags); err != nil {
		return nil, err
	}
	if p.Tags == nil {
		p.Tags = map[string]string{}
	}
	maps.Copy(p.Tags, in.Tags)
	if err := s.cat.PutPool(ctx, p); err != nil {
		return nil, errInternal(err)
	}
	return &challenge.Empty{}, nil
}

// UntagResource removes tags of a user pool (keys it does not have are
// ignored). Errors: InvalidParameterException, ResourceNotFoundException,
// InternalErrorException.
func (s *Service) UntagResource(ctx context.Context, in *challenge.UntagResourceInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if in.TagKeys == nil {
		return nil, errMissing("TagKeys")
	}
	if len(in.TagKeys) > MaxTagsPerPool {
		return nil, errParam("At most 50 tag keys can be removed at once.")
	}
	for _, k := range in.TagKeys {
		if err := checkTagKey(k); err != nil {
			return nil, err
		}
	}
	groupsMu.Lock()
	defer groupsMu.Unlock()
	p, err := s.taggedPool(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	for _, k := range in.TagKeys {
		delete(p.Tags, k)
	}
	if len(p.Tags) == 0 {
		p.Tags = nil
	}
	if err := s.cat.PutPool(ctx, p); err != nil {
		return nil, errInternal(err)
	}
	return &challenge.Empty{}, nil
}

// ListTagsForResource returns a user pool's tags. Errors:
// InvalidParameterException, ResourceNotFoundException, InternalErrorException.
func (s *Service) ListTagsForResource(ctx context.Context, in *challenge.ResourceArnInput) (*challenge.ListTagsForResourceOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, err := s.taggedPool(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags := poolTags(p)
	if tags == nil {
		tags = map[string]string{}
	}
	return &challenge.ListTagsForResourceOutput{Tags: tags}, nil
}
