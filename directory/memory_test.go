package directory_test

import (
	"testing"

	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/directory/directorytest"
)

func TestMemory(t *testing.T) {
	directorytest.Run(t, directory.NewMemory())
}

func TestSecretsMemory(t *testing.T) {
	m := directory.NewMemory()
	directorytest.RunSecrets(t, m, m)
}

func BenchmarkMemoryUser(b *testing.B) {
	directorytest.BenchUser(b, directory.NewMemory())
}
