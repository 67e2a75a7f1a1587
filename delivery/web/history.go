package web

import (
	"context"
	"net/http"
	"strconv"

	"crm/delivery/web/views"
	"crm/domain"
	"crm/usecase/record"
)

// historyPageSize is how many entries of a history a record's page shows;
// "Show older" brings the next ones.
const historyPageSize = 20

// historyReader is what a page needs to show an aggregate's history; the
// services of every aggregate with a page provide it.
type historyReader interface {
	// History returns one page of the aggregate's recorded events, newest
	// first, paged by event id (see record.Repository.History).
	History(ctx context.Context, id int64, p record.Paging) (record.Page[domain.RecordedEvent], error)
}

// history reads the newest page of what happened to aggregate id, of kind,
// for its page. When the events cannot be read it logs why and marks the
// history unavailable instead of failing: the page may be reporting a save
// that did succeed.
func (s *server) history(ctx context.Context, kind string, h historyReader, id int64) views.HistoryView {
	if s.timelineKind(kind) {
		v, err := s.timeline(ctx, kind, h, id, "")
		if err != nil {
			s.log.WarnContext(ctx, "timeline unavailable", "err", err, "kind", kind, "id", id, "request_id", requestID(ctx))
			return views.HistoryView{Kind: kind, RecordID: id, Unavailable: true}
		}
		return v
	}
	page, err := h.History(ctx, id, record.Paging{Limit: historyPageSize})
	if err != nil {
		s.log.WarnContext(ctx, "history unavailable", "err", err, "kind", kind, "id", id, "request_id", requestID(ctx))
		return views.HistoryView{Kind: kind, RecordID: id, Unavailable: true}
	}
	return views.HistoryView{Kind: kind, RecordID: id, Entries: page.Items, Next: page.Next}
}

// olderHistory answers "Show older" under a record's history, the entries
// older than the event in after: for htmx they go at the end of the list
// the page shows, with the control for the next ones; without htmx they
// are a page of their own, whose "Show older" is a plain link.
func (p *recordPages[A, F]) olderHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, p.kind)
	if err != nil {
		return err
	}
	if p.s.timelineKind(p.kind) {
		if _, err := p.svc.Get(r.Context(), id); err != nil {
			return err
		}
		after := r.URL.Query().Get("after")
		if after == "" {
			return &badRequest{msg: "The timeline's cursor is not valid."}
		}
		v, err := p.s.timeline(r.Context(), p.kind, p.svc, id, after)
		if err != nil {
			return err
		}
		p.s.render(w, r, http.StatusOK, views.HistoryPage(v), views.OlderHistory(v))
		return nil
	}
	after, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if err != nil || after < 1 {
		return &badRequest{msg: "The history's cursor is not valid."}
	}
	if _, err := p.svc.Get(r.Context(), id); err != nil {
		return err // a purged record has no history to page through
	}
	page, err := p.svc.History(r.Context(), id, record.Paging{After: after, Limit: historyPageSize})
	if err != nil {
		return err
	}
	v := views.HistoryView{Kind: p.kind, RecordID: id, Entries: page.Items, Next: page.Next}
	p.s.render(w, r, http.StatusOK, views.HistoryPage(v), views.OlderHistory(v))
	return nil
}
