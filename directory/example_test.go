package directory_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow"
)

func ExampleMemory() {
	ctx := context.Background()
	d := directory.NewMemory()

	err := d.PutPool(ctx, &flow.Pool{ID: "us-east-1_example", AliasAttributes: []string{"email"}})
	if err != nil {
		panic(err)
	}
	err = d.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: &flow.User{
		PoolID:     "us-east-1_example",
		Username:   "ana",
		Status:     flow.StatusConfirmed,
		Enabled:    true,
		Attributes: map[string]string{"email": "ana@example.com", "email_verified": "true"},
	}})
	if err != nil {
		panic(err)
	}

	// Read by alias, change, and write back with the version read.
	u, _ := d.UserByAttribute(ctx, "us-east-1_example", "email", "ana@example.com")
	fmt.Println(u.Username, u.Status, u.Version)
	read := u.Version
	u.Attributes["name"] = "Ana"
	fmt.Println(d.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: read}))

	// A second writer that read the same version loses.
	err = d.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: read})
	fmt.Println(errors.Is(err, flow.ErrConflict))

	u, _ = d.User(ctx, "us-east-1_example", "ana")
	fmt.Println(u.Attributes["name"], u.Version)

	missing, err := d.User(ctx, "us-east-1_example", "bob")
	fmt.Println(missing == nil, err)
	// Output:
	// ana CONFIRMED 1
	// <nil>
	// true
	// Ana 2
	// true <nil>
}
