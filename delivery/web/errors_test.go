package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFail_AClientThatLeftIsLoggedAsSuchNotAsAServerError(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	s := &server{log: slog.New(slog.NewTextHandler(&log, nil))}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	req := httptest.NewRequest("GET", "/leads", nil).WithContext(ctx)
	w := httptest.NewRecorder()

	s.fail(w, req, fmt.Errorf("list leads: %w", context.Canceled))

	assert.Equal(t, statusClientClosed, w.Code)
	assert.Contains(t, log.String(), "level=INFO msg=\"client went away\"")
	assert.NotContains(t, log.String(), "level=ERROR")
}
