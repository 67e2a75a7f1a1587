package web

import (
	"context"

	"crm/delivery/web/views"
	"crm/domain"
)

// historyReader is what a page needs to show an aggregate's history; the
// services of every aggregate with a page provide it.
type historyReader interface {
	// History returns the aggregate's recorded events, newest first.
	History(ctx context.Context, id int64) ([]domain.RecordedEvent, error)
}

// history reads what happened to aggregate id, of kind, for its page. When the
// events cannot be read it logs why and marks the history unavailable
// instead of failing: the page may be reporting a save that did succeed.
func (s *server) history(ctx context.Context, kind string, h historyReader, id int64) views.HistoryView {
	events, err := h.History(ctx, id)
	if err != nil {
		s.log.WarnContext(ctx, "history unavailable", "err", err, "kind", kind, "id", id, "request_id", requestID(ctx))
		return views.HistoryView{Kind: kind, Unavailable: true}
	}
	return views.HistoryView{Kind: kind, Entries: events}
}
