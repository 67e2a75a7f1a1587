package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/user"
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

// fullFeed has no slot left for anyone.
type fullFeed struct{}

func (fullFeed) Subscribe(string, int64) (<-chan domain.Saved, func(), error) {
	return nil, nil, errors.New("1000 watchers already")
}

func (fullFeed) SubscribeRep(int64) (<-chan domain.RepNotice, func(), error) {
	return nil, nil, errors.New("1000 watchers already")
}

func TestStream_AFullFeedAsksToComeBackIn30sAndLogsOnceAMinute(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	s := &server{log: slog.New(slog.NewTextHandler(&log, nil)), live: fullFeed{}}
	for range 3 {
		req := httptest.NewRequest("GET", "/leads/1/live", nil)
		req = req.WithContext(views.WithUser(req.Context(), user.User{ID: 7, Name: "maria"}))
		w := httptest.NewRecorder()

		require.NoError(t, s.stream(w, req, "lead", 1, nil, nil))

		assert.Equal(t, http.StatusServiceUnavailable, w.Code)
		assert.Equal(t, "30", w.Header().Get("Retry-After"))
	}
	assert.Equal(t, 1, strings.Count(log.String(), "live notices refused"), "three refusals, one line")
	assert.NotContains(t, log.String(), "level=ERROR")
}

func TestErrorView_NothingWasSavedOnlyWhenTheSaveSurelyDidNotCommit(t *testing.T) {
	t.Parallel()
	broke := errorView(t.Context(), fmt.Errorf("update lead: %w: unexpected EOF", domain.ErrCommitUnknown))
	assert.Equal(t, http.StatusServiceUnavailable, broke.Status)
	assert.Contains(t, broke.Message, "the save may or may not have landed — reload to see")
	assert.NotContains(t, broke.Message, "Nothing was saved")

	down := errorView(t.Context(), fmt.Errorf("update lead: %w: dial tcp: refused", domain.ErrUnavailable))
	assert.Equal(t, http.StatusServiceUnavailable, down.Status)
	assert.Contains(t, down.Message, "Nothing was saved")
}
