package authflow_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/authflow/authflow"

// allowed lists, for each package of the module, the module packages it may
// import (ARCHITECTURE.md §1). A package not listed here fails the test, so
// a new package must state its place in the layering.
var allowed = map[string][]string{
	"":                    {},
	"challenge":           {},
	"srp":                 {},
	"totp":                {},
	"session":             {},
	"webauthn":            {"challenge"},
	"token":               {"challenge"},
	"flow":                {"challenge", "srp", "totp"},
	"flow/flowtest":       {"flow", "challenge", "srp", "session", "totp", "directory"},
	"directory":           {"flow", "challenge"},
	"client":              {"challenge", "srp", "totp"},
	"cognitoclient":       {"challenge"},
	"cmd/authflow":        {"challenge", "client", "cognitoclient"},
	"cognitohttp":         {"challenge", "flow"},
	"internal/gendiagram": {"flow", "internal/diagram"},
	"internal/diagram":    {},
}

// examples may import anything in the module.
func isExample(rel string) bool { return strings.HasPrefix(rel, "examples/") }

// TestImportRules fails when a package imports a module package that the
// architecture does not allow, or when flow reaches a forbidden dependency.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for {
		var p struct {
			ImportPath string
			Module     *struct{ Path string }
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if p.Module == nil || p.Module.Path != module {
			continue
		}
		seen++
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		if isExample(rel) {
			continue
		}
		rules, ok := allowed[rel]
		if !ok {
			t.Errorf("package %q has no entry in the import rules; add it to allowed", rel)
			continue
		}
		for _, imp := range p.Imports {
			if imp == "net/http" && (rel == "flow" || rel == "challenge" || rel == "srp") {
				t.Errorf("%s imports net/http", rel)
			}
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			dep := strings.TrimPrefix(imp, module+"/")
			if !slices.Contains(rules, dep) {
				t.Errorf("%s imports %s, which ARCHITECTURE.md §1 does not allow", rel, dep)
			}
		}
	}
	if seen < 3 {
		t.Fatalf("go list saw only %d module packages", seen)
	}
}

// forbiddenInClient are packages a login program must not link: the engine
// and everything above it, and the database drivers.
var forbiddenInClient = []string{
	module + "/flow", module + "/directory", module + "/session", module + "/token", module + "/cognitohttp",
	"modernc.org/sqlite", "github.com/jackc/pgx", "github.com/redis/go-redis",
}

// TestClientLinksNoEngine: a program importing only package client and the
// HTTP client transport (cognitoclient) links neither the engine nor any
// database driver (issue 14: the 44-line wizard linked the whole engine).
func TestClientLinksNoEngine(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", module+"/client", module+"/cognitoclient").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, module+"/challenge") || !slices.Contains(deps, "net/http") {
		t.Fatalf("go list -deps gave an implausible list (%d packages)", len(deps))
	}
	for _, dep := range deps {
		for _, bad := range forbiddenInClient {
			if dep == bad || strings.HasPrefix(dep, bad+"/") {
				t.Errorf("client + cognitoclient link %s", dep)
			}
		}
	}
}
