package challenge

// Wire types of threat protection (auth events and their feedback, risk
// configuration) and of the tag operations, with Cognito's JSON names.

// The values of AuthEventType's enumerations.
const (
	EventTypeSignIn         = "SignIn"
	EventTypeSignUp         = "SignUp"
	EventTypeForgotPassword = "ForgotPassword"
	EventTypePasswordChange = "PasswordChange"
	EventTypeResendCode     = "ResendCode"

	EventResponsePass       = "Pass"
	EventResponseFail       = "Fail"
	EventResponseInProgress = "InProgress"

	EventChallengePassword = "Password"
	EventChallengeMfa      = "Mfa"
	EventChallengeSuccess  = "Success"
	EventChallengeFailure  = "Failure"

	FeedbackValid   = "Valid"
	FeedbackInvalid = "Invalid"

	RiskDecisionNoRisk = "NoRisk"
	RiskLevelLow       = "Low"
)

// ChallengeResponseType is one factor of a sign-in event and how it went.
type ChallengeResponseType struct {
	ChallengeName     string `json:"ChallengeName,omitempty"`     // Password or Mfa
	ChallengeResponse string `json:"ChallengeResponse,omitempty"` // Success or Failure
}

// EventContextDataType is where an event came from, as far as the caller
// said (ContextData or UserContextData).
type EventContextDataType struct {
	City       string `json:"City,omitempty"`
	Country    string `json:"Country,omitempty"`
	DeviceName string `json:"DeviceName,omitempty"`
	IpAddress  string `json:"IpAddress,omitempty"`
	Timezone   string `json:"Timezone,omitempty"`
}

// EventFeedbackType is the feedback given on an event.
type EventFeedbackType struct {
	FeedbackDate  Time   `json:"FeedbackDate"`
	FeedbackValue string `json:"FeedbackValue"`
	Provider      string `json:"Provider"`
}

// EventRiskType is the risk evaluation of an event.
type EventRiskType struct {
	CompromisedCredentialsDetected bool   `json:"CompromisedCredentialsDetected"`
	RiskDecision                   string `json:"RiskDecision,omitempty"`
	RiskLevel                      string `json:"RiskLevel,omitempty"`
}

// AuthEventType is one event of AdminListUserAuthEvents.
type AuthEventType struct {
	ChallengeResponses []ChallengeResponseType `json:"ChallengeResponses,omitempty"`
	CreationDate       Time                    `json:"CreationDate"`
	EventContextData   *EventContextDataType   `json:"EventContextData,omitempty"`
	EventFeedback      *EventFeedbackType      `json:"EventFeedback,omitempty"`
	EventId            string                  `json:"EventId"`
	EventResponse      string                  `json:"EventResponse,omitempty"`
	EventRisk          *EventRiskType          `json:"EventRisk,omitempty"`
	EventType          string                  `json:"EventType"`
}

// AdminListUserAuthEventsInput is the request of AdminListUserAuthEvents.
type AdminListUserAuthEventsInput struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
	MaxResults int    `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

// AdminListUserAuthEventsOutput is the response of AdminListUserAuthEvents.
type AdminListUserAuthEventsOutput struct {
	AuthEvents []AuthEventType `json:"AuthEvents"`
	NextToken  string          `json:"NextToken,omitempty"`
}

// AdminUpdateAuthEventFeedbackInput is the request of AdminUpdateAuthEventFeedback.
type AdminUpdateAuthEventFeedbackInput struct {
	UserPoolId    string `json:"UserPoolId"`
	Username      string `json:"Username"`
	EventId       string `json:"EventId"`
	FeedbackValue string `json:"FeedbackValue"`
}

// UpdateAuthEventFeedbackInput is the request of UpdateAuthEventFeedback:
// the user's own feedback, proven with the event's FeedbackToken.
type UpdateAuthEventFeedbackInput struct {
	UserPoolId    string `json:"UserPoolId"`
	Username      string `json:"Username"`
	EventId       string `json:"EventId"`
	FeedbackToken string `json:"FeedbackToken"`
	FeedbackValue string `json:"FeedbackValue"`
}

// String never prints the feedback token.
func (in UpdateAuthEventFeedbackInput) String() string {
	return "UpdateAuthEventFeedbackInput{" + in.UserPoolId + " " + in.Username + " " + in.EventId + " " + in.FeedbackValue + "}"
}

// AccountTakeoverActionType is what to do at one risk level.
type AccountTakeoverActionType struct {
	EventAction string `json:"EventAction"` // BLOCK, MFA_IF_CONFIGURED, MFA_REQUIRED, NO_ACTION
	Notify      bool   `json:"Notify"`
}

// AccountTakeoverActionsType are the actions per risk level.
type AccountTakeoverActionsType struct {
	HighAction   *AccountTakeoverActionType `json:"HighAction,omitempty"`
	LowAction    *AccountTakeoverActionType `json:"LowAction,omitempty"`
	MediumAction *AccountTakeoverActionType `json:"MediumAction,omitempty"`
}

// NotifyEmailType is one notification email template.
type NotifyEmailType struct {
	HtmlBody string `json:"HtmlBody,omitempty"`
	Subject  string `json:"Subject"`
	TextBody string `json:"TextBody,omitempty"`
}

// NotifyConfigurationType configures the notification emails.
type NotifyConfigurationType struct {
	BlockEmail    *NotifyEmailType `json:"BlockEmail,omitempty"`
	From          string           `json:"From,omitempty"`
	MfaEmail      *NotifyEmailType `json:"MfaEmail,omitempty"`
	NoActionEmail *NotifyEmailType `json:"NoActionEmail,omitempty"`
	ReplyTo       string           `json:"ReplyTo,omitempty"`
	SourceArn     string           `json:"SourceArn"`
}

// AccountTakeoverRiskConfigurationType is the account takeover part of a
// risk configuration.
type AccountTakeoverRiskConfigurationType struct {
	Actions             *AccountTakeoverActionsType `json:"Actions,omitempty"`
	NotifyConfiguration *NotifyConfigurationType    `json:"NotifyConfiguration,omitempty"`
}

// CompromisedCredentialsActionsType is the action on compromised credentials.
type CompromisedCredentialsActionsType struct {
	EventAction string `json:"EventAction"` // BLOCK or NO_ACTION
}

// CompromisedCredentialsRiskConfigurationType is the compromised
// credentials part of a risk configuration.
type CompromisedCredentialsRiskConfigurationType struct {
	Actions     *CompromisedCredentialsActionsType `json:"Actions,omitempty"`
	EventFilter []string                           `json:"EventFilter,omitempty"` // SIGN_IN, PASSWORD_CHANGE, SIGN_UP
}

// RiskExceptionConfigurationType lists IP ranges (CIDR) always blocked or
// never evaluated.
type RiskExceptionConfigurationType struct {
	BlockedIPRangeList []string `json:"BlockedIPRangeList,omitempty"`
	SkippedIPRangeList []string `json:"SkippedIPRangeList,omitempty"`
}

// RiskConfigurationType is a pool's or an app client's risk configuration.
type RiskConfigurationType struct {
	AccountTakeoverRiskConfiguration        *AccountTakeoverRiskConfigurationType        `json:"AccountTakeoverRiskConfiguration,omitempty"`
	ClientId                                string                                       `json:"ClientId,omitempty"`
	CompromisedCredentialsRiskConfiguration *CompromisedCredentialsRiskConfigurationType `json:"CompromisedCredentialsRiskConfiguration,omitempty"`
	LastModifiedDate                        Time                                         `json:"LastModifiedDate"`
	RiskExceptionConfiguration              *RiskExceptionConfigurationType              `json:"RiskExceptionConfiguration,omitempty"`
	UserPoolId                              string                                       `json:"UserPoolId,omitempty"`
}

// SetRiskConfigurationInput is the request of SetRiskConfiguration.
type SetRiskConfigurationInput struct {
	UserPoolId                              string                                       `json:"UserPoolId"`
	ClientId                                string                                       `json:"ClientId,omitempty"`
	AccountTakeoverRiskConfiguration        *AccountTakeoverRiskConfigurationType        `json:"AccountTakeoverRiskConfiguration,omitempty"`
	CompromisedCredentialsRiskConfiguration *CompromisedCredentialsRiskConfigurationType `json:"CompromisedCredentialsRiskConfiguration,omitempty"`
	RiskExceptionConfiguration              *RiskExceptionConfigurationType              `json:"RiskExceptionConfiguration,omitempty"`
}

// DescribeRiskConfigurationInput is the request of DescribeRiskConfiguration.
type DescribeRiskConfigurationInput struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId,omitempty"`
}

// RiskConfigurationOutput is the response of SetRiskConfiguration and
// DescribeRiskConfiguration.
type RiskConfigurationOutput struct {
	RiskConfiguration RiskConfigurationType `json:"RiskConfiguration"`
}

// TagResourceInput is the request of TagResource.
type TagResourceInput struct {
	ResourceArn string            `json:"ResourceArn"`
	Tags        map[string]string `json:"Tags"`
}

// UntagResourceInput is the request of UntagResource.
type UntagResourceInput struct {
	ResourceArn string   `json:"ResourceArn"`
	TagKeys     []string `json:"TagKeys"`
}

// ResourceArnInput is the request of ListTagsForResource.
type ResourceArnInput struct {
	ResourceArn string `json:"ResourceArn"`
}

// ListTagsForResourceOutput is the response of ListTagsForResource.
type ListTagsForResourceOutput struct {
	Tags map[string]string `json:"Tags"`
}

// Clone returns a deep copy (nil for nil).
func (c *AccountTakeoverRiskConfigurationType) Clone() *AccountTakeoverRiskConfigurationType {
	if c == nil {
		return nil
	}
	out := *c
	if c.Actions != nil {
		a := *c.Actions
		a.HighAction, a.LowAction, a.MediumAction = cloneAction(a.HighAction), cloneAction(a.LowAction), cloneAction(a.MediumAction)
		out.Actions = &a
	}
	if c.NotifyConfiguration != nil {
		n := *c.NotifyConfiguration
		n.BlockEmail, n.MfaEmail, n.NoActionEmail = cloneEmail(n.BlockEmail), cloneEmail(n.MfaEmail), cloneEmail(n.NoActionEmail)
		out.NotifyConfiguration = &n
	}
	return &out
}

func cloneAction(a *AccountTakeoverActionType) *AccountTakeoverActionType {
	if a == nil {
		return nil
	}
	c := *a
	return &c
}

func cloneEmail(e *NotifyEmailType) *NotifyEmailType {
	if e == nil {
		return nil
	}
	c := *e
	return &c
}

// Clone returns a deep copy (nil for nil).
func (c *CompromisedCredentialsRiskConfigurationType) Clone() *CompromisedCredentialsRiskConfigurationType {
	if c == nil {
		return nil
	}
	out := *c
	if c.Actions != nil {
		a := *c.Actions
		out.Actions = &a
	}
	out.EventFilter = cloneStrings(c.EventFilter)
	return &out
}

// Clone returns a deep copy (nil for nil).
func (c *RiskExceptionConfigurationType) Clone() *RiskExceptionConfigurationType {
	if c == nil {
		return nil
	}
	return &RiskExceptionConfigurationType{BlockedIPRangeList: cloneStrings(c.BlockedIPRangeList),
		SkippedIPRangeList: cloneStrings(c.SkippedIPRangeList)}
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}
