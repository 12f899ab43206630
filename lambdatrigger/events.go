package lambdatrigger

// The event documents, as Cognito sends them to a trigger's function: the
// common members of Event, and a request and a response per trigger. A
// function answers with the event, its response filled in.

// Event is the document a trigger's function receives.
type Event struct {
	Version       string        `json:"version"`
	Region        string        `json:"region"`
	UserPoolID    string        `json:"userPoolId"`
	UserName      string        `json:"userName"`
	CallerContext CallerContext `json:"callerContext"`
	TriggerSource string        `json:"triggerSource"`
	Request       any           `json:"request"`
	Response      any           `json:"response"`
}

// CallerContext names the caller. AWSSDKVersion is always
// "aws-sdk-unknown-unknown" (the server does not know the caller's SDK);
// ClientID is "CLIENT_ID_NOT_APPLICABLE" for administrator operations.
type CallerContext struct {
	AWSSDKVersion string `json:"awsSdkVersion"`
	ClientID      string `json:"clientId"`
}

const sdkVersion = "aws-sdk-unknown-unknown"

// PreSignUpRequest is the request of PreSignUp_SignUp and PreSignUp_AdminCreateUser.
type PreSignUpRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ValidationData map[string]string `json:"validationData"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// PreSignUpResponse is the response of a pre sign-up function.
type PreSignUpResponse struct {
	AutoConfirmUser bool `json:"autoConfirmUser"`
	AutoVerifyEmail bool `json:"autoVerifyEmail"`
	AutoVerifyPhone bool `json:"autoVerifyPhone"`
}

// PostConfirmationRequest is the request of PostConfirmation_ConfirmSignUp
// and PostConfirmation_ConfirmForgotPassword (the response is {}).
type PostConfirmationRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// PreAuthenticationRequest is the request of PreAuthentication_Authentication.
type PreAuthenticationRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	UserNotFound   bool              `json:"userNotFound,omitempty"`
	ValidationData map[string]string `json:"validationData"`
}

// PostAuthenticationRequest is the request of PostAuthentication_Authentication.
type PostAuthenticationRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	NewDeviceUsed  bool              `json:"newDeviceUsed"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// ChallengeResult is one round of a custom sign-in in a request's session.
type ChallengeResult struct {
	ChallengeName     string `json:"challengeName"`
	ChallengeResult   bool   `json:"challengeResult"`
	ChallengeMetadata string `json:"challengeMetadata,omitempty"`
}

// DefineAuthChallengeRequest is the request of DefineAuthChallenge_Authentication.
type DefineAuthChallengeRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	Session        []ChallengeResult `json:"session"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
	UserNotFound   bool              `json:"userNotFound"`
}

// DefineAuthChallengeResponse is the response of a define function.
type DefineAuthChallengeResponse struct {
	ChallengeName      *string `json:"challengeName"`
	IssueTokens        *bool   `json:"issueTokens"`
	FailAuthentication *bool   `json:"failAuthentication"`
}

// CreateAuthChallengeRequest is the request of CreateAuthChallenge_Authentication.
type CreateAuthChallengeRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ChallengeName  string            `json:"challengeName"`
	Session        []ChallengeResult `json:"session"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
	UserNotFound   bool              `json:"userNotFound"`
}

// CreateAuthChallengeResponse is the response of a create function.
type CreateAuthChallengeResponse struct {
	PublicChallengeParameters  map[string]string `json:"publicChallengeParameters"`
	PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
	ChallengeMetadata          *string           `json:"challengeMetadata"`
}

// VerifyAuthChallengeRequest is the request of VerifyAuthChallengeResponse_Authentication.
type VerifyAuthChallengeRequest struct {
	UserAttributes             map[string]string `json:"userAttributes"`
	PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
	ChallengeAnswer            string            `json:"challengeAnswer"`
	ClientMetadata             map[string]string `json:"clientMetadata,omitempty"`
	UserNotFound               bool              `json:"userNotFound"`
}

// VerifyAuthChallengeResponse is the response of a verify function.
type VerifyAuthChallengeResponse struct {
	AnswerCorrect *bool `json:"answerCorrect"`
}

// GroupConfiguration is the user's groups and roles as a pre token
// generation function sees them, and what it may put in their place.
type GroupConfiguration struct {
	GroupsToOverride   []string `json:"groupsToOverride"`
	IAMRolesToOverride []string `json:"iamRolesToOverride"`
	PreferredRole      *string  `json:"preferredRole"`
}

// PreTokenGenerationRequest is the request of TokenGeneration_* events;
// Scopes only in version 2 and 3.
type PreTokenGenerationRequest struct {
	UserAttributes     map[string]string  `json:"userAttributes"`
	Scopes             []string           `json:"scopes,omitempty"`
	GroupConfiguration GroupConfiguration `json:"groupConfiguration"`
	ClientMetadata     map[string]string  `json:"clientMetadata,omitempty"`
}

// PreTokenGenerationResponseV1 is the response of a version 1 function:
// claims of the ID token only, string values only.
type PreTokenGenerationResponseV1 struct {
	ClaimsOverrideDetails *struct {
		ClaimsToAddOrOverride map[string]string   `json:"claimsToAddOrOverride"`
		ClaimsToSuppress      []string            `json:"claimsToSuppress"`
		GroupOverrideDetails  *GroupConfiguration `json:"groupOverrideDetails"`
	} `json:"claimsOverrideDetails"`
}

// TokenGeneration is what a version 2 or 3 function changes in one token
// (scopes in the access token only).
type TokenGeneration struct {
	ClaimsToAddOrOverride map[string]any `json:"claimsToAddOrOverride"`
	ClaimsToSuppress      []string       `json:"claimsToSuppress"`
	ScopesToAdd           []string       `json:"scopesToAdd"`
	ScopesToSuppress      []string       `json:"scopesToSuppress"`
}

// PreTokenGenerationResponseV2 is the response of a version 2 or 3 function.
type PreTokenGenerationResponseV2 struct {
	ClaimsAndScopeOverrideDetails *struct {
		IDTokenGeneration     *TokenGeneration    `json:"idTokenGeneration"`
		AccessTokenGeneration *TokenGeneration    `json:"accessTokenGeneration"`
		GroupOverrideDetails  *GroupConfiguration `json:"groupOverrideDetails"`
	} `json:"claimsAndScopeOverrideDetails"`
}

// UserMigrationRequest is the request of UserMigration_Authentication and
// UserMigration_ForgotPassword. Password is the password the user typed
// (empty for a forgotten password), as Cognito sends it.
type UserMigrationRequest struct {
	Password       string            `json:"password,omitempty"`
	ValidationData map[string]string `json:"validationData"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// UserMigrationResponse is the response of a migration function.
// MessageAction, DesiredDeliveryMediums, ForceAliasCreation and
// EnableSMSMFA are read and not used.
type UserMigrationResponse struct {
	UserAttributes         map[string]string `json:"userAttributes"`
	FinalUserStatus        string            `json:"finalUserStatus"`
	MessageAction          string            `json:"messageAction"`
	DesiredDeliveryMediums []string          `json:"desiredDeliveryMediums"`
	ForceAliasCreation     bool              `json:"forceAliasCreation"`
	EnableSMSMFA           bool              `json:"enableSMSMFA"`
}

// CustomMessageRequest is the request of CustomMessage_* events.
type CustomMessageRequest struct {
	UserAttributes    map[string]string `json:"userAttributes"`
	CodeParameter     string            `json:"codeParameter"`
	LinkParameter     string            `json:"linkParameter"`
	UsernameParameter *string           `json:"usernameParameter"`
	ClientMetadata    map[string]string `json:"clientMetadata,omitempty"`
}

// CustomMessageResponse is the response of a custom message function.
type CustomMessageResponse struct {
	SMSMessage   *string `json:"smsMessage"`
	EmailMessage *string `json:"emailMessage"`
	EmailSubject *string `json:"emailSubject"`
}

// empty is the response of triggers that answer nothing.
type empty struct{}
