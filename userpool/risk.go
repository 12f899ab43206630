package userpool

import (
	"context"
	"net/netip"
	"slices"
	"unicode/utf8"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// Risk configurations live in the pool record (flow.Pool.RiskConfigurations),
// one for the pool and one per app client that has its own. They are
// stored and returned as given, after validation: authflow does not
// evaluate risk, so nothing acts on them (no blocking, no adaptive MFA, no
// notification email, no compromised-credentials check).

// Limits of the risk configuration.
const (
	maxIPRanges      = 200 // per list, Cognito's limit
	maxNotifySubject = 140
	minEmailBody     = 6
	maxEmailBody     = 20000
	maxNotifyArn     = 2048
	maxNotifyFrom    = 2048
)

func riskParam(field, msg string) error {
	return errParam("1 validation error detected: Value at '" + field + "' failed to satisfy constraint: " + msg)
}

func checkTakeoverAction(field string, a *challenge.AccountTakeoverActionType) (notify bool, err error) {
	if a == nil {
		return false, nil
	}
	switch a.EventAction {
	case "BLOCK", "MFA_IF_CONFIGURED", "MFA_REQUIRED", "NO_ACTION":
		return a.Notify, nil
	case "":
		return false, errMissing(field + ".EventAction")
	}
	return false, riskParam(field+".eventAction", "Member must satisfy enum value set: [BLOCK, MFA_IF_CONFIGURED, MFA_REQUIRED, NO_ACTION]")
}

func checkNotifyEmail(field string, e *challenge.NotifyEmailType) error {
	if e == nil {
		return nil
	}
	if e.Subject == "" {
		return errMissing(field + ".Subject")
	}
	if utf8.RuneCountInString(e.Subject) > maxNotifySubject || !utf8.ValidString(e.Subject) {
		return riskParam(field+".subject", "Member must have length less than or equal to 140")
	}
	for i, body := range []string{e.HtmlBody, e.TextBody} {
		name := [...]string{"htmlBody", "textBody"}[i]
		if body == "" {
			continue
		}
		if n := utf8.RuneCountInString(body); n < minEmailBody || n > maxEmailBody || !utf8.ValidString(body) {
			return riskParam(field+"."+name, "Member must have length between 6 and 20000")
		}
	}
	return nil
}

func checkTakeover(c *challenge.AccountTakeoverRiskConfigurationType) error {
	if c == nil {
		return nil
	}
	const f = "accountTakeoverRiskConfiguration"
	if c.Actions == nil {
		return errMissing("AccountTakeoverRiskConfiguration.Actions")
	}
	notify := false
	for i, a := range []*challenge.AccountTakeoverActionType{c.Actions.HighAction, c.Actions.MediumAction, c.Actions.LowAction} {
		name := [...]string{"highAction", "mediumAction", "lowAction"}[i]
		n, err := checkTakeoverAction(f+".actions."+name, a)
		if err != nil {
			return err
		}
		notify = notify || n
	}
	n := c.NotifyConfiguration
	if n == nil {
		if notify {
			return errParam("NotifyConfiguration is required when an action has Notify set.")
		}
		return nil
	}
	if n.SourceArn == "" {
		return errMissing("AccountTakeoverRiskConfiguration.NotifyConfiguration.SourceArn")
	}
	if len(n.SourceArn) < 20 || len(n.SourceArn) > maxNotifyArn || !roleArnRE.MatchString(n.SourceArn) {
		return riskParam(f+".notifyConfiguration.sourceArn", "Member must satisfy the ARN pattern")
	}
	if len(n.From) > maxNotifyFrom || len(n.ReplyTo) > maxNotifyFrom || !utf8.ValidString(n.From) || !utf8.ValidString(n.ReplyTo) {
		return riskParam(f+".notifyConfiguration", "From and ReplyTo must be valid strings of at most 2048 bytes")
	}
	for i, e := range []*challenge.NotifyEmailType{n.BlockEmail, n.MfaEmail, n.NoActionEmail} {
		name := [...]string{"blockEmail", "mfaEmail", "noActionEmail"}[i]
		if err := checkNotifyEmail(f+".notifyConfiguration."+name, e); err != nil {
			return err
		}
	}
	return nil
}

func checkCompromised(c *challenge.CompromisedCredentialsRiskConfigurationType) error {
	if c == nil {
		return nil
	}
	if c.Actions == nil || c.Actions.EventAction == "" {
		return errMissing("CompromisedCredentialsRiskConfiguration.Actions.EventAction")
	}
	if c.Actions.EventAction != "BLOCK" && c.Actions.EventAction != "NO_ACTION" {
		return riskParam("compromisedCredentialsRiskConfiguration.actions.eventAction", "Member must satisfy enum value set: [BLOCK, NO_ACTION]")
	}
	if len(c.EventFilter) > 3 {
		return riskParam("compromisedCredentialsRiskConfiguration.eventFilter", "Member must have length less than or equal to 3")
	}
	for i, f := range c.EventFilter {
		switch f {
		case "SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP":
		default:
			return riskParam("compromisedCredentialsRiskConfiguration.eventFilter", "Member must satisfy enum value set: [SIGN_IN, PASSWORD_CHANGE, SIGN_UP]")
		}
		if slices.Contains(c.EventFilter[:i], f) {
			return errParam("EventFilter lists " + f + " twice.")
		}
	}
	return nil
}

func checkIPRanges(field string, ranges []string) error {
	if len(ranges) > maxIPRanges {
		return riskParam(field, "Member must have length less than or equal to 200")
	}
	for _, r := range ranges {
		if _, err := netip.ParsePrefix(r); err != nil {
			return errParam("Invalid IP range " + truncate(r, 64) + " in " + field + ": use CIDR notation, such as 192.0.2.0/24.")
		}
	}
	return nil
}

func checkRiskException(c *challenge.RiskExceptionConfigurationType) error {
	if c == nil {
		return nil
	}
	if err := checkIPRanges("riskExceptionConfiguration.blockedIPRangeList", c.BlockedIPRangeList); err != nil {
		return err
	}
	return checkIPRanges("riskExceptionConfiguration.skippedIPRangeList", c.SkippedIPRangeList)
}

func riskType(poolID string, r *flow.RiskConfiguration) challenge.RiskConfigurationType {
	return challenge.RiskConfigurationType{UserPoolId: poolID, ClientId: r.ClientID,
		AccountTakeoverRiskConfiguration:        r.AccountTakeover.Clone(),
		CompromisedCredentialsRiskConfiguration: r.CompromisedCredentials.Clone(),
		RiskExceptionConfiguration:              r.RiskException.Clone(), LastModifiedDate: challenge.At(r.LastModified)}
}

// riskPool reads the pool (with threat protection on) and checks that the
// app client, when named, is one of its.
func (s *Service) riskPool(ctx context.Context, poolID, clientID string) (*flow.Pool, error) {
	p, err := s.threatPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if clientID != "" {
		if len(clientID) > 128 {
			return nil, errParam("ClientId is too long.")
		}
		if _, err := s.poolClient(ctx, p.ID, clientID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// SetRiskConfiguration stores the risk configuration of a pool (no
// ClientId) or of one of its app clients, replacing the previous one; all
// three configurations left out deletes it. Nothing acts on it (see the
// package doc). Errors: InvalidParameterException,
// ResourceNotFoundException (no such pool or client),
// UserPoolAddOnNotEnabledException, InternalErrorException.
func (s *Service) SetRiskConfiguration(ctx context.Context, in *challenge.SetRiskConfigurationInput) (*challenge.RiskConfigurationOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if err := checkTakeover(in.AccountTakeoverRiskConfiguration); err != nil {
		return nil, err
	}
	if err := checkCompromised(in.CompromisedCredentialsRiskConfiguration); err != nil {
		return nil, err
	}
	if err := checkRiskException(in.RiskExceptionConfiguration); err != nil {
		return nil, err
	}
	groupsMu.Lock() // the lock of every read-modify-write of a pool record
	defer groupsMu.Unlock()
	p, err := s.riskPool(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	r := flow.RiskConfiguration{ClientID: in.ClientId, AccountTakeover: in.AccountTakeoverRiskConfiguration.Clone(),
		CompromisedCredentials: in.CompromisedCredentialsRiskConfiguration.Clone(),
		RiskException:          in.RiskExceptionConfiguration.Clone(), LastModified: s.now()}
	p.RiskConfigurations = slices.DeleteFunc(p.RiskConfigurations, func(c flow.RiskConfiguration) bool { return c.ClientID == in.ClientId })
	if r.AccountTakeover != nil || r.CompromisedCredentials != nil || r.RiskException != nil {
		p.RiskConfigurations = append(p.RiskConfigurations, r)
	}
	if err := s.cat.PutPool(ctx, p); err != nil {
		return nil, errInternal(err)
	}
	return &challenge.RiskConfigurationOutput{RiskConfiguration: riskType(p.ID, &r)}, nil
}

// DescribeRiskConfiguration returns the risk configuration of an app
// client, or the pool's when the client has none of its own (then without
// ClientId), or the pool's when no ClientId is given. With none stored it
// answers the pool's id alone. Errors: InvalidParameterException,
// ResourceNotFoundException, UserPoolAddOnNotEnabledException,
// InternalErrorException.
func (s *Service) DescribeRiskConfiguration(ctx context.Context, in *challenge.DescribeRiskConfigurationInput) (*challenge.RiskConfigurationOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, err := s.riskPool(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	for _, id := range []string{in.ClientId, ""} {
		for i := range p.RiskConfigurations {
			if r := &p.RiskConfigurations[i]; r.ClientID == id {
				return &challenge.RiskConfigurationOutput{RiskConfiguration: riskType(p.ID, r)}, nil
			}
		}
	}
	return &challenge.RiskConfigurationOutput{RiskConfiguration: challenge.RiskConfigurationType{UserPoolId: p.ID}}, nil
}
