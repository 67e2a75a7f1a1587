package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/go-chi/chi/v5"

	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/contact"
	"crm/domain/lead"
	"crm/usecase/imports"
)

// ImportService is what the import pages need from the imports of one
// kind of record.
type ImportService interface {
	Kind() string
	Targets() []imports.Target
	// Upload refuses a file that cannot be imported with a
	// *domain.RuleError saying why and where, and stores any other.
	Upload(ctx context.Context, by string, owner int64, name string, content []byte) (imports.Import, error)
	Get(ctx context.Context, id int64) (imports.Import, error)
	Recent(ctx context.Context, limit int) ([]imports.Import, error)
	Preview(imp imports.Import, m imports.Mapping) imports.Preview
	// Check is the dry run; a mapping that cannot be imported, or an
	// import that started, is a *domain.RuleError.
	Check(ctx context.Context, by string, id int64, m imports.Mapping, update bool) (imports.Report, error)
	Report(ctx context.Context, id int64) (imports.Report, error)
	EachResult(ctx context.Context, id int64, fn func(imports.Result) error) error
	Progress(ctx context.Context, id int64) (imports.Progress, error)
	// Start and Resume run the import in the background.
	Start(ctx context.Context, by string, id int64) error
	Resume(ctx context.Context, by string, id int64) error
}

// MaxUploadBytes bounds the body of a file upload: the largest file an
// import takes, and room for the multipart framing around it. Every other
// request keeps MaxBodyBytes.
const MaxUploadBytes = imports.MaxFileBytes + 64<<10

// uploadReadTime is how long an upload may take to arrive: the server's
// read timeout suits forms, not 32 MB over a slow line.
const uploadReadTime = 5 * time.Minute

// importDeadline bounds an upload and a dry run, which read a whole file
// and look up each of its rows: longer than a page, still bounded.
const importDeadline = 2 * time.Minute

// recentImports is how many imports the upload page lists.
const recentImports = 10

// progressPoll is how often a progress stream reads how far its import
// has come, on whichever instance runs it.
const progressPoll = 500 * time.Millisecond

// importPages serves the import of one kind of record, under
// /{kind}s/import.
type importPages struct {
	s    *server
	svc  ImportService
	kind string
}

func (p *importPages) base() string { return views.ImportURL(p.kind) }

func (p *importPages) routes(r chi.Router) {
	r.Get(p.base(), p.s.handle(p.showUpload))
	r.Post(p.base(), p.s.handle(p.upload))
	r.Get(p.base()+"/{id}", p.s.handle(p.show))
	r.Get(p.base()+"/{id}/preview", p.s.handle(p.preview))
	r.Post(p.base()+"/{id}/check", p.s.handle(p.check))
	r.Post(p.base()+"/{id}/run", p.s.handle(p.run))
	r.Post(p.base()+"/{id}/resume", p.s.handle(p.resume))
	r.Get(p.base()+"/{id}/progress", p.s.handle(p.progress))
	r.Get(p.base()+"/{id}/report.csv", p.s.handle(p.reportCSV))
}

// importKinds are the kinds of record the pages import.
var importKinds = []string{lead.Kind, contact.Kind}

// isUpload reports whether r posts a file to import, which may be larger
// than any form, or checks one, which may take longer than a page.
func isUpload(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	for _, kind := range importKinds {
		base := views.ImportURL(kind)
		if rest, ok := strings.CutPrefix(r.URL.Path, base); ok && (rest == "" || path.Base(rest) == "check" && path.Dir(rest) != "/") {
			return true
		}
	}
	return false
}

func (p *importPages) showUpload(w http.ResponseWriter, r *http.Request) error {
	return p.renderUpload(w, r, http.StatusOK, "")
}

func (p *importPages) renderUpload(w http.ResponseWriter, r *http.Request, status int, refusal string) error {
	recent, err := p.svc.Recent(r.Context(), recentImports)
	if err != nil {
		return err
	}
	page := views.ImportUploadPage(views.ImportUploadView{Kind: p.kind, Error: refusal, Recent: recent})
	p.s.render(w, r, status, page, page)
	return nil
}

// upload reads the posted file as it streams in, never more than
// imports.MaxFileBytes of it and nothing to disk, and stores it; a file
// that cannot be imported is refused with the upload page saying why.
func (p *importPages) upload(w http.ResponseWriter, r *http.Request) error {
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadReadTime))
	name, content, err := readUpload(r)
	var rule *domain.RuleError
	switch {
	case errors.As(err, &rule):
		status := http.StatusUnprocessableEntity
		if errors.Is(err, errTooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		return p.renderUpload(w, r, status, rule.Message)
	case err != nil:
		return err
	}
	rep, _ := views.CurrentUser(r.Context())
	imp, err := p.svc.Upload(r.Context(), actor(r), rep.ID, name, content)
	if errors.As(err, &rule) {
		return p.renderUpload(w, r, http.StatusUnprocessableEntity, rule.Message)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("%s/%d", p.base(), imp.ID), http.StatusSeeOther)
	return nil
}

// errTooLarge marks the refusal of an upload larger than the limit.
var errTooLarge = errors.New("upload too large")

// tooLarge is imports' refusal of a file over the limit, marked.
type tooLarge struct{ error }

func (e tooLarge) Is(target error) bool { return target == errTooLarge }
func (e tooLarge) Unwrap() error        { return e.error }

// readUpload reads the file part of a multipart upload: its name and
// content. A request that is not a multipart form with a file is a 400; a
// file over the limit is imports' refusal.
func readUpload(r *http.Request) (string, []byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, &badRequest{msg: "The upload is not a file form. Choose a CSV file and press Upload."}
	}
	for {
		part, err := mr.NextPart()
		var big *http.MaxBytesError
		switch {
		case errors.As(err, &big):
			return "", nil, tooLarge{imports.TooLargeUnknown()}
		case errors.Is(err, io.EOF):
			return "", nil, &badRequest{msg: "The upload holds no file. Choose a CSV file and press Upload."}
		case err != nil:
			return "", nil, &badRequest{msg: "The upload could not be read. Try again."}
		}
		if part.FormName() != "file" {
			continue
		}
		content, err := io.ReadAll(io.LimitReader(part, imports.MaxFileBytes+1))
		switch {
		case errors.As(err, &big), err == nil && len(content) > imports.MaxFileBytes:
			return "", nil, tooLarge{imports.TooLargeUnknown()}
		case err != nil:
			return "", nil, &badRequest{msg: "The upload could not be read. Try again."}
		}
		return fileName(part.FileName()), content, nil
	}
}

// fileName is the name an upload's file is shown by: its base name, as
// text on one line, at most 255 characters; "upload.csv" when it has none.
func fileName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "" || name == "." || name == "/" {
		return "upload.csv"
	}
	if r := []rune(name); len(r) > 255 {
		name = string(r[:255])
	}
	return name
}

func (p *importPages) importOf(r *http.Request) (imports.Import, error) {
	id, err := pathID(r, imports.Noun)
	if err != nil {
		return imports.Import{}, err
	}
	return p.svc.Get(r.Context(), id)
}

// view is the page of imp as it stands.
func (p *importPages) view(ctx context.Context, imp imports.Import) (views.ImportView, error) {
	v := views.ImportView{Import: imp, Targets: p.svc.Targets(), Mapping: imp.Mapping, Update: imp.Update}
	v.Preview = p.svc.Preview(imp, imp.Mapping)
	var err error
	switch imp.Status {
	case imports.StatusRunning:
		v.Progress, err = p.svc.Progress(ctx, imp.ID)
	case imports.StatusChecked, imports.StatusDone:
		v.Report, err = p.svc.Report(ctx, imp.ID)
	}
	return v, err
}

func (p *importPages) show(w http.ResponseWriter, r *http.Request) error {
	imp, err := p.importOf(r)
	if err != nil {
		return err
	}
	v, err := p.view(r.Context(), imp)
	if err != nil {
		return err
	}
	v.Notice = importNotices[r.URL.Query().Get("notice")]
	p.s.render(w, r, http.StatusOK, views.ImportPage(v), views.ImportStatus(v))
	return nil
}

// importNotices are the only messages a redirect may ask an import page
// to show.
var importNotices = map[string]string{
	"checked": "Every row is checked: the report below says what importing will do. Nothing has been written yet.",
	"started": "The import has started.",
	"resumed": "The import goes on from where it stopped.",
}

// mapping reads the mapping form's selects, one per column of imp; a
// missing one is a 400 (a missing field is not an ignored column).
func mapping(values map[string][]string, imp imports.Import) (imports.Mapping, error) {
	m := make(imports.Mapping, len(imp.Header))
	for i := range imp.Header {
		v, ok := values[views.ColumnID(i)]
		if !ok || len(v) != 1 {
			return nil, &badRequest{msg: fmt.Sprintf("The form has no choice for %s. Reload the page and try again.",
				imports.ColumnName(imp.Header, i))}
		}
		m[i] = v[0]
	}
	return m, nil
}

// preview answers a changed mapping with the preview it reads.
func (p *importPages) preview(w http.ResponseWriter, r *http.Request) error {
	imp, err := p.importOf(r)
	if err != nil {
		return err
	}
	m, err := mapping(r.URL.Query(), imp)
	if err != nil {
		return err
	}
	v := views.ImportView{Import: imp, Targets: p.svc.Targets(), Mapping: m, Preview: p.svc.Preview(imp, m)}
	c := views.ImportPreview(v)
	p.s.render(w, r, http.StatusOK, c, c)
	return nil
}

// check runs the dry run of the posted mapping and shows its report; a
// mapping or import it refuses comes back on the page, with 422.
func (p *importPages) check(w http.ResponseWriter, r *http.Request) error {
	imp, err := p.importOf(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	m, err := mapping(r.PostForm, imp)
	if err != nil {
		return err
	}
	update := r.PostForm.Get("update") == "on"
	_, err = p.svc.Check(r.Context(), actor(r), imp.ID, m, update)
	var rule *domain.RuleError
	if errors.As(err, &rule) {
		v, err := p.view(r.Context(), imp)
		if err != nil {
			return err
		}
		v.Error, v.Mapping, v.Update = rule.Message, m, update
		v.Preview = p.svc.Preview(imp, m)
		p.s.render(w, r, http.StatusUnprocessableEntity, views.ImportPage(v), views.ImportStatus(v))
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("%s/%d?notice=checked#import-report", p.base(), imp.ID))
	return nil
}

// run starts the checked import, and resume a stalled one, in the
// background; the page then shows its progress. The import button posts
// the mapping form: a mapping changed since the dry run is refused, as
// the run does what the dry run planned with the mapping it checked.
func (p *importPages) run(w http.ResponseWriter, r *http.Request) error {
	imp, err := p.importOf(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	m, err := mapping(r.PostForm, imp)
	if err != nil {
		return err
	}
	update := r.PostForm.Get("update") == "on"
	if imp.Status == imports.StatusChecked && (!slices.Equal(m, imp.Mapping) || update != imp.Update) {
		v, err := p.view(r.Context(), imp)
		if err != nil {
			return err
		}
		v.Error = "The mapping changed since the dry run: check every row again, then import."
		v.Mapping, v.Update, v.Preview = m, update, p.svc.Preview(imp, m)
		p.s.render(w, r, http.StatusUnprocessableEntity, views.ImportPage(v), views.ImportStatus(v))
		return nil
	}
	return p.begin(w, r, p.svc.Start, "started")
}

func (p *importPages) resume(w http.ResponseWriter, r *http.Request) error {
	return p.begin(w, r, p.svc.Resume, "resumed")
}

func (p *importPages) begin(w http.ResponseWriter, r *http.Request, start func(context.Context, string, int64) error, notice string) error {
	imp, err := p.importOf(r)
	if err != nil {
		return err
	}
	err = start(r.Context(), actor(r), imp.ID)
	var rule *domain.RuleError
	if errors.As(err, &rule) {
		if imp, err = p.svc.Get(r.Context(), imp.ID); err != nil {
			return err
		}
		v, err := p.view(r.Context(), imp)
		if err != nil {
			return err
		}
		v.Error = rule.Message
		p.s.render(w, r, http.StatusUnprocessableEntity, views.ImportPage(v), views.ImportStatus(v))
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("%s/%d?notice=%s", p.base(), imp.ID, notice))
	return nil
}

// importProgress is one event of a progress stream.
type importProgress struct {
	Done    int    `json:"done"`
	Total   int    `json:"total"`
	Status  string `json:"status"`
	Stalled bool   `json:"stalled"`
}

// progress streams, as server-sent events, how far the import has come
// (a "progress" event at each change, read from the database, so any
// instance can serve it whichever runs the import) and a "done" event
// when it ends.
func (p *importPages) progress(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, imports.Noun)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	_, err = p.svc.Progress(ctx, id)
	cancel()
	if err != nil {
		return err
	}
	rep, _ := views.CurrentUser(r.Context())
	if !p.s.streams.take(rep.ID) {
		p.s.refuseStream(w, r, http.StatusTooManyRequests, fmt.Sprintf("rep %d holds %d streams", rep.ID, MaxStreamsPerRep))
		return nil
	}
	defer p.s.streams.release(rep.ID)
	send, err := startStream(w)
	if err != nil {
		return err
	}
	poll := time.NewTicker(progressPoll)
	defer poll.Stop()
	var last importProgress
	lastSent := time.Now()
	for {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		got, err := p.svc.Progress(ctx, id)
		cancel()
		// The database away for a moment only delays the next event.
		if now := (importProgress{Done: got.Done, Total: got.Total, Status: string(got.Status), Stalled: got.Stalled}); err == nil && now != last {
			event := "progress"
			if got.Status == imports.StatusDone {
				event = "done"
			}
			data, _ := json.Marshal(now)
			if !send("event: " + event + "\ndata: " + string(data) + "\n\n") {
				return nil
			}
			if got.Status == imports.StatusDone {
				return nil
			}
			last, lastSent = now, time.Now()
		}
		// A comment now and then keeps proxies from closing a quiet stream.
		if time.Since(lastSent) >= heartbeat {
			if !send(": ping\n\n") {
				return nil
			}
			lastSent = time.Now()
		}
		select {
		case <-r.Context().Done():
			return nil
		case <-poll.C:
		}
	}
}

// startStream answers with a server-sent event stream and returns the
// function that sends a frame, false once the client is gone.
func startStream(w http.ResponseWriter) (func(frame string) bool, error) {
	rc := http.NewResponseController(w)
	// The server's WriteTimeout bounds whole responses; a stream lasts as
	// long as its page, so each write gets its own deadline instead.
	if err := rc.SetWriteDeadline(time.Time{}); err != nil {
		return nil, fmt.Errorf("event stream: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx would otherwise hold events back
	w.WriteHeader(http.StatusOK)
	send := func(frame string) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(writeWait))
		if _, err := fmt.Fprint(w, frame); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	// "retry" tells EventSource how long to wait before reconnecting.
	if !send("retry: 3000\n: connected\n\n") {
		return func(string) bool { return false }, nil
	}
	return send, nil
}

// reportCSV downloads every row of the import's report: line, what,
// why, hint and the record's address.
func (p *importPages) reportCSV(w http.ResponseWriter, r *http.Request) error {
	imp, err := p.importOf(r)
	if err != nil {
		return err
	}
	if imp.Status == imports.StatusUploaded {
		return &badRequest{msg: "This import has no report yet: check it first."}
	}
	name := strings.TrimSuffix(imp.FileName, path.Ext(imp.FileName)) + " report.csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	out := csv.NewWriter(w)
	_ = out.Write([]string{"Line", "What", "Why", "Hint", "Record"})
	err = p.svc.EachResult(r.Context(), imp.ID, func(res imports.Result) error {
		record := ""
		if res.RecordID > 0 {
			record = fmt.Sprintf("/%ss/%d", p.kind, res.RecordID)
		}
		return out.Write([]string{strconv.Itoa(res.Line), string(res.Final()), safeCell(res.Reason), safeCell(res.Hint), record})
	})
	out.Flush()
	if err != nil {
		// The status is sent; a broken download is all that can be said.
		p.s.log.ErrorContext(r.Context(), "import report download failed", "err", err, "request_id", requestID(r.Context()))
	}
	return nil
}

// safeCell keeps a report's cell from running as a formula when the
// report is opened in a spreadsheet: the reasons quote the file's cells.
func safeCell(s string) string {
	if imports.LooksLikeFormula(s) {
		return "'" + s
	}
	return s
}
