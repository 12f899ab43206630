//go:build !race

package flowtest_test

const raceBuild = false
