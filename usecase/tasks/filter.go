package tasks

import (
	"strconv"
	"time"

	"crm/domain"
	"crm/domain/task"
)

// Filter is the task list's filters in the words the list's address and
// the API's query string use, so the pages and the API read them alike.
// The zero Filter selects every task.
type Filter struct {
	// Assignee is "me", "all" (or "") or a rep's user id.
	Assignee string
	// Status is "open", "done" or "" for either.
	Status string
	// Due is "overdue", "today", "week" (Monday to Sunday) or "" for any.
	Due string
	// Priority is a task.Priority or "" for any.
	Priority string
	// LinkKind is "lead", "contact", "deal" or "" for anything; LinkID,
	// with it, one record of that kind.
	LinkKind string
	LinkID   string
}

// The names of the filters, as the query string and refusals name them.
const (
	FilterAssignee = "assignee"
	FilterStatus   = "status"
	FilterDue      = "due"
	FilterPriority = "priority"
	FilterLinkKind = "link_kind"
	FilterLinkID   = "link_id"
)

// Query turns f into a query for rep (whom "me" means) at now, their days
// running midnight to midnight in loc. A value it does not know is a
// *domain.ValidationError naming the filter.
func (f Filter) Query(rep int64, now time.Time, loc *time.Location) (ListQuery, error) {
	var q ListQuery
	refuse := func(field, msg string) (ListQuery, error) {
		return ListQuery{}, &domain.ValidationError{Fields: []domain.FieldError{{Field: field, Message: msg}}}
	}
	switch f.Assignee {
	case "me":
		q.Assignee = rep
	case "all", "":
	default:
		id, err := strconv.ParseInt(f.Assignee, 10, 64)
		if err != nil || id < 1 {
			return refuse(FilterAssignee, "Choose whose tasks to list: me, all or a rep's id.")
		}
		q.Assignee = id
	}
	switch Status(f.Status) {
	case StatusOpen, StatusDone, "":
		q.Status = Status(f.Status)
	default:
		return refuse(FilterStatus, "Choose open or done tasks, or any.")
	}
	day := StartOfDay(now, loc)
	switch f.Due {
	case "":
	case "overdue":
		if q.Status == StatusDone {
			return refuse(FilterDue, "Overdue tasks are open ones: choose open or any status to see them.")
		}
		q.DueBefore, q.Status = now, StatusOpen
	case "today":
		q.DueFrom, q.DueBefore = day, day.AddDate(0, 0, 1)
	case "week":
		monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		q.DueFrom, q.DueBefore = monday, monday.AddDate(0, 0, 7)
	default:
		return refuse(FilterDue, "Choose overdue, today, week or any time.")
	}
	if f.Priority != "" {
		p, err := task.ParsePriority(f.Priority)
		if err != nil {
			return refuse(FilterPriority, "Choose a priority: low, normal or high.")
		}
		q.Priority = p
	}
	switch f.LinkKind {
	case "", task.LinkLead, task.LinkContact, task.LinkDeal:
		q.LinkKind = f.LinkKind
	default:
		return refuse(FilterLinkKind, "Choose tasks about leads, contacts or deals, or anything.")
	}
	if f.LinkID != "" {
		id, err := strconv.ParseInt(f.LinkID, 10, 64)
		if err != nil || id < 1 || q.LinkKind == "" {
			return refuse(FilterLinkID, "Give the id of a record with its kind in link_kind.")
		}
		q.LinkID = id
	}
	return q, nil
}
