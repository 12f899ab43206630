package challenge

// Wire types of the group operations (CreateGroup ... ListUsersInGroup),
// with Cognito's JSON names.

// GroupType is a user pool group as the group operations return it.
type GroupType struct {
	GroupName        string `json:"GroupName"`
	UserPoolId       string `json:"UserPoolId"`
	Description      string `json:"Description,omitempty"`
	RoleArn          string `json:"RoleArn,omitempty"`
	Precedence       *int32 `json:"Precedence,omitempty"`
	CreationDate     Time   `json:"CreationDate"`
	LastModifiedDate Time   `json:"LastModifiedDate"`
}

// CreateGroupInput is the request of CreateGroup; UpdateGroup takes the
// same fields.
type CreateGroupInput struct {
	UserPoolId  string `json:"UserPoolId"`
	GroupName   string `json:"GroupName"`
	Description string `json:"Description,omitempty"`
	RoleArn     string `json:"RoleArn,omitempty"`
	Precedence  *int32 `json:"Precedence,omitempty"`
}

// UpdateGroupInput is the request of UpdateGroup: fields left out keep
// their value.
type UpdateGroupInput struct {
	UserPoolId  string  `json:"UserPoolId"`
	GroupName   string  `json:"GroupName"`
	Description *string `json:"Description,omitempty"`
	RoleArn     *string `json:"RoleArn,omitempty"`
	Precedence  *int32  `json:"Precedence,omitempty"`
}

// GroupOutput is the response of CreateGroup, GetGroup and UpdateGroup.
type GroupOutput struct {
	Group GroupType `json:"Group"`
}

// GroupInput names a group: the request of GetGroup and DeleteGroup.
type GroupInput struct {
	UserPoolId string `json:"UserPoolId"`
	GroupName  string `json:"GroupName"`
}

// ListGroupsInput is the request of ListGroups.
type ListGroupsInput struct {
	UserPoolId string `json:"UserPoolId"`
	Limit      int    `json:"Limit,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

// ListGroupsOutput is the response of ListGroups and AdminListGroupsForUser.
type ListGroupsOutput struct {
	Groups    []GroupType `json:"Groups"`
	NextToken string      `json:"NextToken,omitempty"`
}

// AdminUserGroupInput is the request of AdminAddUserToGroup and
// AdminRemoveUserFromGroup.
type AdminUserGroupInput struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
	GroupName  string `json:"GroupName"`
}

// AdminListGroupsForUserInput is the request of AdminListGroupsForUser.
type AdminListGroupsForUserInput struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
	Limit      int    `json:"Limit,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

// ListUsersInGroupInput is the request of ListUsersInGroup.
type ListUsersInGroupInput struct {
	UserPoolId string `json:"UserPoolId"`
	GroupName  string `json:"GroupName"`
	Limit      int    `json:"Limit,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

// ListUsersInGroupOutput is the response of ListUsersInGroup.
type ListUsersInGroupOutput struct {
	Users     []UserType `json:"Users"`
	NextToken string     `json:"NextToken,omitempty"`
}
