package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"crm/delivery/web/views"
	"crm/usecase/trash"
)

// TrashService is what the Trash page needs: the deleted records. Each
// restore posts to its record's own restore address.
type TrashService interface {
	List(ctx context.Context, q trash.Query) (trash.Page, error)
}

func (s *server) showTrash(w http.ResponseWriter, r *http.Request) error {
	after, err := trashCursor(r.URL.Query().Get("after"))
	if err != nil {
		return err
	}
	got, err := s.trash.List(r.Context(), trash.Query{Viewer: me(r).ID, After: after})
	if err != nil {
		return err
	}
	v := views.TrashView{Items: got.Items, CanPurge: me(r).Admin(), Notice: purgedNotice(r.URL.Query().Get("purged"))}
	if got.Next != nil {
		v.Next = "/trash?after=" + formatTrashCursor(*got.Next)
	}
	page := views.TrashPage(v) // no fragment: nothing swaps part of it
	s.render(w, r, http.StatusOK, page, page)
	return nil
}

// A Trash cursor in a URL is when, in microseconds since 1970 (the
// database's precision), then kind and id: "1764403200000000.lead.42".
func formatTrashCursor(c trash.Cursor) string {
	return fmt.Sprintf("%d.%s.%d", c.At.UnixMicro(), c.Kind, c.ID)
}

func trashCursor(raw string) (*trash.Cursor, error) {
	if raw == "" {
		return nil, nil
	}
	bad := &badRequest{msg: "The page cursor is not valid."}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, bad
	}
	at, err1 := strconv.ParseInt(parts[0], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || id < 1 || parts[1] == "" {
		return nil, bad
	}
	return &trash.Cursor{At: time.UnixMicro(at), Kind: parts[1], ID: id}, nil
}

// purgedNotice says what a purge removed, from the counts its redirect
// carries ("3,1,2,0,4,7": leads, contacts, deals, views, tasks, entries); "" for anything
// else, so a link cannot make the page say something else.
func purgedNotice(raw string) string {
	parts := strings.Split(raw, ",")
	if len(parts) != 6 {
		return ""
	}
	var n [6]int64
	for i, p := range parts {
		var err error
		if n[i], err = strconv.ParseInt(p, 10, 64); err != nil || n[i] < 0 {
			return ""
		}
	}
	return fmt.Sprintf("Purged %d leads, %d contacts, %d deals, %d saved views, %d tasks and %d timeline entries for good.", n[0], n[1], n[2], n[3], n[4], n[5])
}
