// Package userpool is the Cognito user-pool service over authflow's
// sign-in engine (package flow): the management and self-service
// operations of Amazon Cognito's user-pool API, as etcdserver sits on raft.
//
// A [Service] (made by [New] from a [Config]) builds the engine and hands
// it the sign-in calls (InitiateAuth, RespondToAuthChallenge and their
// Admin forms, and the Session form of AssociateSoftwareToken and
// VerifySoftwareToken with which an MFA_SETUP challenge is answered). It
// serves the rest itself:
//
//   - pools and app clients: CreateUserPool, DescribeUserPool,
//     ListUserPools, UpdateUserPool, DeleteUserPool, the same for
//     UserPoolClient, and the pool's MFA configuration;
//   - users as an administrator: AdminCreateUser, AdminGetUser,
//     AdminDeleteUser, AdminDisableUser, AdminEnableUser,
//     AdminSetUserPassword, AdminResetUserPassword,
//     AdminUpdateUserAttributes, AdminSetUserMFAPreference,
//     AdminUserGlobalSignOut, ListUsers;
//   - groups: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups,
//     AdminAddUserToGroup, AdminRemoveUserFromGroup,
//     AdminListGroupsForUser, ListUsersInGroup. Groups are stored in the
//     pool record (flow.Pool.Groups), memberships in flow.User.Groups;
//     tokens carry them ordered by precedence (flow.Pool.TokenGroups);
//   - a user's own operations with an AccessToken: GetUser,
//     ChangePassword, GlobalSignOut, SetUserMFAPreference, software tokens,
//     devices, passkey registration, listing and deletion;
//   - the user's own attributes and account: UpdateUserAttributes,
//     GetUserAttributeVerificationCode, VerifyUserAttribute,
//     DeleteUserAttributes, DeleteUser, the deprecated SetUserSettings,
//     and as an administrator AdminConfirmSignUp,
//     AdminDeleteUserAttributes, AdminSetUserSettings;
//   - sign-up and forgotten passwords: SignUp, ConfirmSignUp,
//     ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword;
//   - tokens: GetTokensFromRefreshToken, RevokeToken;
//   - threat protection and tags: AdminListUserAuthEvents,
//     AdminUpdateAuthEventFeedback, UpdateAuthEventFeedback (with
//     [Service.FeedbackToken]), SetRiskConfiguration,
//     DescribeRiskConfiguration, TagResource, UntagResource,
//     ListTagsForResource. In a pool whose AdvancedSecurityMode is AUDIT or
//     ENFORCED the engine records every sign-in as an auth event (kept in
//     the user record, the newest flow.MaxAuthEvents), and SignUp,
//     ResendConfirmationCode, ForgotPassword and ChangePassword record
//     theirs. Risk is not evaluated: events read NoRisk, Low, no
//     compromised credentials, and risk configurations are stored and
//     returned as given, with nothing acting on them.
//
// Its ports ([Directory], [Catalog], [Issuer]) are the engine's widened by
// what these operations need besides sign-in: listing users, creating and
// deleting pools and clients, verifying and revoking tokens. The rules it
// shares with sign-in (the guess budget and lockout of a user, the keyed
// hash of one-time codes, alias uniqueness, the sign-up session) are the
// engine's, reached through [flow.Kit], so the two cannot drift apart.
//
// Package cognitohttp serves a Service over Cognito's JSON 1.1 protocol;
// Service implements cognitohttp.Service. Every error is a
// *challenge.Error whose Code is the exception Cognito documents for the
// operation.
package userpool
