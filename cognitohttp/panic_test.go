package cognitohttp

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPanicBecomesInternalError(t *testing.T) {
	var logs bytes.Buffer
	h := NewHandler(nil, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))}).(*handler)
	h.ops["Boom"] = operation{name: "Boom", call: func(Service, context.Context, []byte) (any, error) { panic("kaboom") }}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", TargetPrefix+"Boom")
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.JSONEq(t, `{"__type":"InternalErrorException","message":"An internal error occurred."}`, rec.Body.String())
	assert.Contains(t, logs.String(), "kaboom")
	assert.Contains(t, logs.String(), "level=ERROR")
}
