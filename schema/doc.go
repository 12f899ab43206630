// Package schema is a user pool's attribute schema as Cognito has it: the
// standard attributes every pool starts with (names, data types,
// mutability, length and value constraints, exactly as DescribeUserPool
// reports them for a new pool), the custom attributes a pool declares
// (CreateUserPool's Schema, AddCustomAttributes; named "custom:<name>", or
// "dev:custom:<name>" when developer-only), and the validation of every
// attribute write against them.
//
// A schema is a []challenge.SchemaAttributeType in the form
// DescribeUserPool returns: every member set, custom names prefixed. New
// builds one from CreateUserPool's declarations, AddCustom extends one,
// and Check validates a write: SignUp, AdminCreateUser, the updates and
// deletions of attributes, and the attributes a NEW_PASSWORD_REQUIRED
// answer sets. Refusals are *challenge.Error with
// InvalidParameterException and Cognito's message where it is known:
// "Attributes did not conform to the schema: <name>: <reason>" (one line
// per attribute), "Invalid email address format.", "Invalid phone number
// format.".
//
// The package is pure: no I/O, no clock, no randomness. An empty schema
// (a pool configured before schemas existed) checks nothing.
package schema
