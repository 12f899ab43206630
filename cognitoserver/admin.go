package cognitoserver

import (
	"log/slog"
	"net/http"

	"github.com/authflow/authflow/flow"
)

type adminConfig struct {
	engine      *flow.Server
	catalog     flow.Catalog
	outbox      *Outbox
	outboxOn    bool
	signins     *signInLog
	credentials map[string]string
	publicURL   string
	loopback    bool
	log         *slog.Logger
}

type admin struct{ adminConfig }

func newAdmin(c adminConfig) (*admin, error) { return &admin{c}, nil }

func (a *admin) routes(mux *http.ServeMux) {}
