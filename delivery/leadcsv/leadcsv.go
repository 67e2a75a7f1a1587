// Package leadcsv writes leads as CSV for the export of a list's view, from
// the pages and the API alike.
package leadcsv

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"crm/domain"
	"crm/domain/lead"
)

// Header is the export's first row; the columns are the lead's fields,
// its status and owner (the user's id, empty for nobody), then what the
// store keeps of it.
var Header = []string{"id", "name", "email", "company", "phone", "source", "score", "status", "owner_id", "notes",
	"created_at", "updated_at", "updated_by", "version"}

// Row is a lead as one row under Header, each cell made Safe.
func Row(l *lead.Lead) []string {
	f := l.Fields()
	row := []string{strconv.FormatInt(l.ID(), 10), f.Name, f.Email, f.Company, f.Phone, f.Source, strconv.Itoa(f.Score),
		string(l.Status()), domain.OwnerText(f.Owner), f.Notes, l.CreatedAt().UTC().Format(time.RFC3339), l.UpdatedAt().UTC().Format(time.RFC3339),
		l.UpdatedBy(), strconv.FormatInt(l.Version(), 10)}
	for i, cell := range row {
		row[i] = Safe(cell)
	}
	return row
}

// Safe keeps a spreadsheet from running a cell as a formula: one that
// starts with = + - @ (or a tab or carriage return, which some spreadsheets
// skip before looking) gets a leading apostrophe, which they show as text
// (the OWASP advice for CSV injection). A phone number "+44 …" reads
// "'+44 …" in a text editor: that is the price of a file that opens safely.
func Safe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// flushEvery is how many rows go out at a time: the client sees the
// download progress, and the server holds no more than that.
const flushEvery = 1000

// rowTime bounds the wait for a client to take each batch of rows, so a
// stalled download ends while a large one may take as long as it needs
// (the server's write timeout is for pages).
const rowTime = 30 * time.Second

// Serve answers request r for an export: a CSV attachment named after
// name and today, streamed from each (which calls its function once per
// lead, in order, with the context it is given).
//
// The first row must come within firstRow (unbounded when 0), as any
// page must, or the export gives up with domain.ErrUnavailable (a frozen
// database); after it the export takes as long as the download does (r
// must carry no deadline of its own). Before the first row an error is returned for the caller to
// answer as any other; after it, the status is sent and the only honest
// thing left is to break the download, so that the client reports it
// failed rather than keeping a file that looks complete.
func Serve(w http.ResponseWriter, r *http.Request, name string, firstRow time.Duration,
	each func(context.Context, func(*lead.Lead) error) error) error {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	if firstRow <= 0 {
		firstRow = time.Duration(math.MaxInt64) // no bound but the request's
	}
	late := time.AfterFunc(firstRow, cancel)
	rc := http.NewResponseController(w)
	out := &lazy{w: w, header: func() {
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.csv"`, name, time.Now().UTC().Format(time.DateOnly)))
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	}}
	buf := bufio.NewWriterSize(out, 32<<10)
	cw := csv.NewWriter(buf)
	extend := func() { _ = rc.SetWriteDeadline(time.Now().Add(rowTime)) } // unsupported writers keep the server's
	extend()
	n := 0
	err := each(ctx, func(l *lead.Lead) error {
		if n == 0 {
			if !late.Stop() {
				return context.Canceled
			}
			if err := cw.Write(Header); err != nil {
				return err
			}
		}
		if err := cw.Write(Row(l)); err != nil {
			return err
		}
		if n++; n%flushEvery == 0 {
			cw.Flush()
			if err := buf.Flush(); err != nil {
				return err
			}
			extend()
			return rc.Flush()
		}
		return nil
	})
	if n == 0 && !late.Stop() {
		return fmt.Errorf("export %s: no row within %s: %w", name, firstRow, domain.ErrUnavailable)
	}
	if err == nil && n == 0 {
		err = cw.Write(Header) // an empty view is a header alone
	}
	if err == nil {
		cw.Flush()
		if err = cw.Error(); err == nil {
			err = buf.Flush()
		}
	}
	switch {
	case err == nil:
		return nil
	case !out.started:
		return err
	}
	panic(http.ErrAbortHandler)
}

// lazy sends the response's header with its first byte, so that an error
// before any row is still the caller's to answer.
type lazy struct {
	w       io.Writer
	header  func()
	started bool
}

func (l *lazy) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.header()
	}
	return l.w.Write(p)
}
