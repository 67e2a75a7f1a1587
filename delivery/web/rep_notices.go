package web

import (
	"encoding/json"
	"fmt"
	"net/http"

	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/task"
)

// RepNoticesPath is the stream of notices for the signed-in rep that
// every page of theirs opens (see views.RepNotices): one per page, within
// the same limits as a record's live notices. It ends in /live, which
// the request deadline leaves alone, as it does a record's.
const RepNoticesPath = views.RepNoticesURL

// repNotice is what a page's rep notice receives.
type repNotice struct {
	Message string `json:"message"`
	Href    string `json:"href,omitempty"`
	Overdue int    `json:"overdue,omitempty"`
}

// repNotices streams the signed-in rep's notices as server-sent events
// named "notice": a record someone else gave them, and whatever else is
// sent on the rep's channel (domain.RepNotice). What the rep did
// themselves is not news to them.
func (s *server) repNotices(w http.ResponseWriter, r *http.Request) error {
	if s.live == nil {
		return errPageNotFound
	}
	rep, _ := views.CurrentUser(r.Context())
	if !s.streams.take(rep.ID) {
		s.refuseStream(w, r, http.StatusTooManyRequests, fmt.Sprintf("rep %d holds %d streams", rep.ID, MaxStreamsPerRep))
		return nil
	}
	defer s.streams.release(rep.ID)
	notices, stop, err := s.live.SubscribeRep(rep.ID)
	if err != nil {
		s.refuseStream(w, r, http.StatusServiceUnavailable, "the feed has no slot left: "+err.Error())
		return nil
	}
	defer stop()
	return serveEvents(w, r, nil, notices, func(n domain.RepNotice) ([]byte, error) {
		if n.From != "" && n.From == rep.Name {
			return nil, nil
		}
		return json.Marshal(repNotice{Message: n.Message, Href: n.Href, Overdue: n.Overdue})
	}, "notice")
}

// AssignedNotice words the notice of a save that gave a record to a rep
// (domain.Saved.To): "maria assigned you lead Acme", opening the record.
// The feed hands every such save to it (postgres.Feed.RepNoticeOf).
func AssignedNotice(s domain.Saved) domain.RepNotice {
	what := s.Kind
	if s.Title != "" {
		what += " " + s.Title
	}
	return domain.RepNotice{To: s.To, From: s.Actor, Href: views.RecordURL(s.Kind, s.ID),
		Message: fmt.Sprintf("%s assigned you %s.", views.Who(s.Actor), what)}
}

// ReminderNotice words the reminder of task t falling due for its rep,
// with how many of theirs are overdue now for the nav's count
// (postgres.Reminders sends it).
func ReminderNotice(t *task.Task, overdue int) domain.RepNotice {
	return domain.RepNotice{To: t.Fields().Assignee.ID, Href: views.RecordURL(task.Kind, t.ID()), Overdue: overdue,
		Message: fmt.Sprintf("Due now: %s.", t.Fields().Title)}
}
