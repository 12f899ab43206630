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
	"":                     {},
	"challenge":            {},
	"srp":                  {},
	"totp":                 {},
	"session":              {"internal/windowcount"},
	"webauthn":             {"challenge"},
	"token":                {"challenge"},
	"flow":                 {"challenge", "srp", "totp", "schema", "internal/windowcount"},
	"schema":               {"challenge"},
	"flow/flowtest":        {"flow", "challenge", "srp", "session", "totp", "directory", "userpool"},
	"userpool":             {"flow", "challenge", "srp", "totp", "schema"},
	"directory":            {"flow", "challenge"},
	"client":               {"challenge", "srp", "totp"},
	"cognitoclient":        {"challenge"},
	"cmd/authflow":         {"challenge", "client", "cognitoclient", "cognitoserver"},
	"cognitoserver":        {"challenge", "flow", "userpool", "cognitohttp", "directory", "directory/sqldir", "directory/sqlitedir", "directory/postgresdir", "session", "session/redisstore", "token", "token/redisstate", "token/sqlstate", "webauthn", "lambdatrigger", "managedlogin"},
	"cognitohttp":          {"challenge"},
	"lambdatrigger":        {"challenge", "flow", "userpool"},
	"managedlogin":         {"challenge", "client", "srp", "token"},
	"internal/gendiagram":  {"flow", "internal/diagram"},
	"internal/passkeytest": {},
	"internal/diagram":     {},
	"conformance/awscli":   {"cognitoserver", "lambdatrigger/lambdatest"},
	"internal/groupcommit": {},
	"internal/sqlstore":    {"internal/groupcommit"},
	"internal/pgtest":      {},
	"internal/windowcount": {},
	"cmd/authflow-load":    {"challenge", "client", "cognitoclient", "cognitoserver", "srp", "directory/postgresdir"},

	// Backends that link a driver, and the conformance suites every
	// backend runs (issue 14). A package may also import the internal
	// packages under it (see importAllowed).
	"directory/internal/contract": {"flow", "schema"},
	"directory/sqldir":            {"flow", "directory/internal/contract", "internal/sqlstore"},
	"directory/sqlitedir":         {"directory/sqldir", "directory/internal/contract"},
	"directory/postgresdir":       {"directory/sqldir"},
	"directory/directorytest":     {"flow", "challenge", "directory", "userpool"},
	"token/internal/statetime":    {},
	"token/redisstate":            {"token", "token/internal/statetime"},
	"token/sqlstate":              {"token", "token/internal/statetime", "internal/sqlstore"},
	"token/statetest":             {"challenge", "token"},
	"session/redisstore":          {"session", "session/internal/handles"},
	"session/sessiontest":         {"session"},
	"session/internal/handles":    {},
	"lambdatrigger/lambdatest":    {},
}

// importAllowed reports whether package rel may import the module package
// dep: dep is in rel's rules, or an internal package under rel.
func importAllowed(rel, dep string, rules []string) bool {
	return slices.Contains(rules, dep) || strings.HasPrefix(dep, rel+"/internal/")
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
			if !importAllowed(rel, dep, rules) {
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
	module + "/flow", module + "/userpool", module + "/directory", module + "/session", module + "/token", module + "/cognitohttp",
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

// memoryEmbed is what a program embedding the engine on memory stores
// imports: the engine, the user-pool service, the memory directory, session store and token
// issuer (MemoryState), and the HTTP handler.
var memoryEmbed = []string{
	module + "/flow", module + "/userpool", module + "/directory", module + "/session", module + "/token",
	module + "/cognitohttp",
}

// databaseDrivers are the modules only a backend subpackage may link.
var databaseDrivers = []string{"modernc.org/sqlite", "github.com/jackc/pgx", "github.com/redis/go-redis"}

// TestMemoryEmbedLinksNoDriver: a program that embeds the engine on memory
// stores links no database driver (issue 14: such a program linked sqlite,
// pgx and redis, 13 MB). The drivers live in the backend subpackages
// (directory/sqlitedir, directory/postgresdir, token/redisstate,
// token/sqlstate, session/redisstore), which only a program that uses them
// imports.
func TestMemoryEmbedLinksNoDriver(t *testing.T) {
	out, err := exec.Command("go", append([]string{"list", "-deps"}, memoryEmbed...)...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, want := range append([]string{"net/http"}, memoryEmbed...) {
		if !slices.Contains(deps, want) {
			t.Fatalf("go list -deps gave an implausible list (%d packages, no %s)", len(deps), want)
		}
	}
	for _, dep := range deps {
		for _, bad := range databaseDrivers {
			if dep == bad || strings.HasPrefix(dep, bad+"/") {
				t.Errorf("a memory-only embed links %s", dep)
			}
		}
	}
}

// TestBackendsLinkOnlyTheirDriver: each backend subpackage links its own
// driver and not the others', so a SQLite deployment carries no pgx and
// no Redis client, and so on.
func TestBackendsLinkOnlyTheirDriver(t *testing.T) {
	cases := map[string]string{
		"directory/sqlitedir":   "modernc.org/sqlite",
		"directory/postgresdir": "github.com/jackc/pgx",
		"token/redisstate":      "github.com/redis/go-redis",
		"token/sqlstate":        "",
		"directory/sqldir":      "",
		"session/redisstore":    "github.com/redis/go-redis",
	}
	for pkg, own := range cases {
		out, err := exec.Command("go", "list", "-deps", module+"/"+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		linked := map[string]bool{}
		for _, dep := range strings.Fields(string(out)) {
			for _, d := range databaseDrivers {
				if dep == d || strings.HasPrefix(dep, d+"/") {
					linked[d] = true
				}
			}
		}
		for _, d := range databaseDrivers {
			if linked[d] != (d == own) {
				t.Errorf("%s links %s: %v, want %v", pkg, d, linked[d], d == own)
			}
		}
	}
}

// forbiddenInEngine are packages the engine must not link, directly or
// through another package (ARCHITECTURE.md §1): the service above it, the
// port implementations, the client side and the HTTP stack.
var forbiddenInEngine = []string{
	module + "/userpool", module + "/client", module + "/session", module + "/directory", module + "/token",
	module + "/webauthn", module + "/cognitohttp", module + "/cognitoclient", "net/http",
}

// TestEngineLinksNoService: flow links neither the user-pool service nor
// any port implementation, client or net/http (issue 14, the split).
func TestEngineLinksNoService(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", module+"/flow").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, module+"/challenge") || !slices.Contains(deps, module+"/srp") {
		t.Fatalf("go list -deps gave an implausible list (%d packages)", len(deps))
	}
	for _, dep := range deps {
		for _, bad := range forbiddenInEngine {
			if dep == bad || strings.HasPrefix(dep, bad+"/") {
				t.Errorf("flow links %s", dep)
			}
		}
	}
}
