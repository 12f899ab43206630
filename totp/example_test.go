package totp_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/authflow/authflow/totp"
)

func ExampleConfig_Validate() {
	const secret = "JBSWY3DPEHPK3PXP"
	c := totp.DefaultConfig()
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

	code, _ := c.Code(secret, now.Add(-30*time.Second)) // typed a little late
	step, ok, err := c.Validate(secret, code, now)
	fmt.Println(code, step, ok, err)

	_, ok, err = c.Validate(secret, "000000", now)
	fmt.Println(ok, err)
	// Output:
	// 328769 56805487 true <nil>
	// false <nil>
}

func ExampleConfig_ValidateOnce() {
	const secret = "JBSWY3DPEHPK3PXP"
	c := totp.DefaultConfig()
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	code, _ := c.Code(secret, now)

	var lastStep uint64 // stored with the user; 0 before the first use
	step, ok, _ := c.ValidateOnce(secret, code, now, lastStep)
	fmt.Println("first use:", ok)
	if ok {
		lastStep = step
	}
	_, ok, _ = c.ValidateOnce(secret, code, now.Add(10*time.Second), lastStep)
	fmt.Println("replayed:", ok)
	// Output:
	// first use: true
	// replayed: false
}

func ExampleURI() {
	fmt.Println(totp.URI("JBSWY3DPEHPK3PXP", "My Pool", "alice@example.com"))
	// Output:
	// otpauth://totp/My%20Pool:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=My%20Pool&algorithm=SHA1&digits=6&period=30
}

func ExampleNewSecret() {
	// Production code passes nil (crypto/rand); a fixed reader gives a fixed
	// secret for tests.
	secret, _ := totp.NewSecret(bytes.NewReader(make([]byte, totp.SecretSize)))
	fmt.Println(len(secret), secret)
	// Output:
	// 52 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
}
