// Package imports holds the import of a CSV file of leads or contacts: the
// file's refusals (encoding, ragged rows, size), the mapping of its columns
// to fields, a dry run that decides, row by row, create, update, duplicate
// or invalid and why, and the real run, which does what the dry run said in
// chunks, each committed with its progress, so that an interrupted import
// resumes where it stopped. Updates are compare-and-swaps at the version the
// dry run saw, through the same use case as any save: a record edited since
// is reported as a conflict and never overwritten.
package imports

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"crm/domain"
	"crm/usecase/record"
)

// Noun names an import in not-found errors ("Import not found").
const Noun = "import"

// Status is where an import stands.
type Status string

// An import is uploaded (its mapping may change), checked (a dry run
// planned every row), running (being imported, chunk by chunk) and done.
const (
	StatusUploaded Status = "uploaded"
	StatusChecked  Status = "checked"
	StatusRunning  Status = "running"
	StatusDone     Status = "done"
)

// SampleRows is how many rows the preview shows.
const SampleRows = 10

// ChunkSize is how many rows one transaction of a real run imports, with
// its progress: big enough that the round trips of a chunk do not matter,
// small enough that an interrupted run loses little and the progress bar
// moves often.
const ChunkSize = 1000

// StallAfter is how long a running import may go without finishing a
// chunk before its page offers to resume it: a chunk takes well under a
// second, so an import silent this long lost the instance running it.
const StallAfter = 30 * time.Second

// Import is a file being imported into records of one kind.
type Import struct {
	ID   int64
	Kind string // the kind of record, e.g. "lead"
	By   string // the rep who uploaded it, in whose name it imports
	// Owner is the user the records it creates go to, by id: the rep who
	// uploaded it, or 0 (nobody) for a command-line import in the name of
	// someone who is not a user.
	Owner    int64
	FileName string
	SHA256   []byte // of the file, to find an interrupted import of it again
	// Header, Sample (its first SampleRows rows), BOM and Separator are
	// what the preview shows without reading the whole file again.
	Header    []string
	Sample    []DataRow
	BOM       bool
	Separator rune
	Mapping   Mapping
	// Update says rows whose email a live record has update it, rather
	// than being skipped as duplicates.
	Update     bool
	Status     Status
	RowsTotal  int
	RowsDone   int
	CreatedAt  time.Time
	FinishedAt time.Time // zero until done
}

// Progress is how far an import has come.
type Progress struct {
	Status Status
	Done   int
	Total  int
	// Stalled says a running import has finished no chunk for StallAfter:
	// the instance running it went away, and it can be resumed.
	Stalled bool
}

// Counts are how many rows came to each outcome (see Result.Final).
type Counts map[Outcome]int

// Report is an import with what its dry run planned, or its run did:
// the counts and the rows a rep should read (every row but a plain
// create), the first of them when there are many.
type Report struct {
	Import
	Counts Counts
	Rows   []Result
	// More is how many rows to read there are besides Rows.
	More int
}

// MaxReportRows bounds the rows a report lists; the CSV download of a
// report has them all.
const MaxReportRows = 500

// Store keeps imports and their rows, and the records of one kind they
// write. Its methods return a *domain.NotFoundError for an import that
// does not exist (or is of another kind), and wrap domain.ErrUnavailable
// when the database cannot be reached.
type Store[A any] interface {
	Finder[A]
	// Add stores a new import of content, uploaded, and returns it with
	// its id.
	Add(ctx context.Context, imp Import, content []byte) (Import, error)
	// Get returns import id, without its content.
	Get(ctx context.Context, id int64) (Import, error)
	// Content returns the file of import id, which is dropped once it is
	// done.
	Content(ctx context.Context, id int64) ([]byte, error)
	// Recent returns the newest imports, newest first.
	Recent(ctx context.Context, limit int) ([]Import, error)
	// Running returns the running import of a file with sha, or a
	// *domain.NotFoundError when none is running.
	Running(ctx context.Context, sha []byte) (Import, error)
	// Check stores a dry run of import id: its mapping, option and every
	// row's plan, in place of an earlier one. It returns a
	// *domain.RuleError when the import is running or done.
	Check(ctx context.Context, id int64, m Mapping, update bool, rows []Result) error
	// Start moves import id from checked to running, or returns a
	// *domain.RuleError saying where it stands.
	Start(ctx context.Context, id int64) error
	// Progress returns how far import id has come; stalled is measured
	// against StallAfter.
	Progress(ctx context.Context, id int64) (Progress, error)
	// Counts counts the rows of import id by outcome.
	Counts(ctx context.Context, id int64) (Counts, error)
	// Results returns the rows of import id worth reading (all but plain
	// creates) in file order, at most limit of them, and
	// how many there are in all.
	Results(ctx context.Context, id int64, limit int) ([]Result, int, error)
	// All calls fn with every row of import id, in file order.
	All(ctx context.Context, id int64, fn func(Result) error) error
	// Chunk runs fn in one transaction that also moves import id's
	// progress from rows from to to (and marks it done when to is the
	// last row): both commit or neither. It returns ErrMoved, writing
	// nothing, when the import is not running at from: another run
	// imported that chunk first, or it is done.
	Chunk(ctx context.Context, id int64, from, to int, fn func(ctx context.Context, tx ChunkTx[A]) error) error
}

// ChunkTx is what a chunk of a real run does inside its transaction.
type ChunkTx[A any] interface {
	// Planned returns the chunk's rows as the dry run planned them.
	Planned(ctx context.Context) ([]Result, error)
	// ByEmail is Finder.ByEmail inside the transaction.
	ByEmail(ctx context.Context, emails []string) (map[string][]A, error)
	// Load returns the records ids, deleted or not, by id; a record
	// purged since is missing from the map.
	Load(ctx context.Context, ids []int64) (map[int64]A, error)
	// Records is the kind's repository, in the transaction: updates are
	// made through it by the record use cases, as any save.
	Records() record.Repository[A]
	// CreateMany stores new records, each with the events it recorded,
	// as Create would, and returns their ids, in order; each is at
	// version 1. A constraint a rep can break is the domain's error, and
	// nothing of the chunk is written.
	CreateMany(ctx context.Context, as []A) ([]int64, error)
	// Done stores what the chunk did with its rows.
	Done(ctx context.Context, rows []Result) error
}

// CannotBe is the refusal of doing what (e.g. "checked again") to an
// import that stands at status.
func CannotBe(status Status, what string) error {
	switch status {
	case StatusUploaded:
		return &domain.RuleError{Message: "Check the file (the dry run) before importing it."}
	case StatusChecked:
		return &domain.RuleError{Message: fmt.Sprintf("This import has not started, so it cannot be %s.", what)}
	}
	return &domain.RuleError{Message: fmt.Sprintf("This import is %s, so it cannot be %s.", status, what)}
}

// ErrMoved is a chunk that another run of the same import imported first,
// or an import that is no longer running.
var ErrMoved = errors.New("import moved on")

// Service runs the imports of one kind of record.
type Service[A record.Aggregate[F], F record.Fields[F]] struct {
	kind  Kind[A, F]
	store Store[A]
	jobs  *Jobs
}

// NewService returns the Service of imports of kind, kept in store; jobs
// runs the imports started from a page, nil for a caller that runs them
// itself (the command line).
func NewService[A record.Aggregate[F], F record.Fields[F]](kind Kind[A, F], store Store[A], jobs *Jobs) *Service[A, F] {
	return &Service[A, F]{kind: kind, store: store, jobs: jobs}
}

// Kind returns the kind of record the service imports, e.g. "lead".
func (s *Service[A, F]) Kind() string { return s.kind.Name }

// Targets lists what a column can be imported as.
func (s *Service[A, F]) Targets() []Target { return s.kind.Targets }

// Upload reads content, a file named name uploaded by rep by (user owner,
// 0 for nobody, whom the new records go to), refusing a file that cannot
// be imported (see Parse) with a *domain.RuleError, and stores it with its
// columns mapped from their headers.
func (s *Service[A, F]) Upload(ctx context.Context, by string, owner int64, name string, content []byte) (Import, error) {
	file, err := Parse(content)
	if err != nil {
		return Import{}, err
	}
	sum := sha256.Sum256(content)
	imp := Import{Kind: s.kind.Name, By: by, Owner: owner, FileName: name, SHA256: sum[:], Header: file.Header,
		Sample: file.Rows[:min(SampleRows, len(file.Rows))], BOM: file.BOM, Separator: file.Separator,
		Mapping: autoMap(s.kind.Targets, file.Header), Status: StatusUploaded, RowsTotal: len(file.Rows)}
	imp, err = s.store.Add(ctx, imp, content)
	if err != nil {
		return Import{}, fmt.Errorf("add %s import: %w", s.kind.Name, err)
	}
	return imp, nil
}

// Get returns import id.
func (s *Service[A, F]) Get(ctx context.Context, id int64) (Import, error) {
	imp, err := s.store.Get(ctx, id)
	if err != nil {
		return Import{}, fmt.Errorf("get import %d: %w", id, err)
	}
	return imp, nil
}

// Recent returns the newest imports of the kind.
func (s *Service[A, F]) Recent(ctx context.Context, limit int) ([]Import, error) {
	imps, err := s.store.Recent(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("recent %s imports: %w", s.kind.Name, err)
	}
	return imps, nil
}

// Preview is the first rows of a file as a mapping reads them.
type Preview struct {
	// Problem is why the mapping cannot be imported, "" when it can.
	Problem string
	Rows    []PreviewRow
}

// PreviewRow is one row of a preview: its line and its value of each
// mapped field (field → value, the name joined from its parts).
type PreviewRow struct {
	Line   int
	Values map[string]string
}

// Preview reads the sample rows of imp through m.
func (s *Service[A, F]) Preview(imp Import, m Mapping) Preview {
	var p Preview
	if err := m.check(s.kind.Targets, imp.Header, s.kind.NameField); err != nil {
		p.Problem = reason(err)
		if len(m) != len(imp.Header) {
			return p
		}
	}
	for _, r := range imp.Sample {
		p.Rows = append(p.Rows, PreviewRow{Line: r.Line, Values: m.values(r.Cells, s.kind.NameField)})
	}
	return p
}

// Check is the dry run of import id with mapping m, for rep by, who must
// be the one who uploaded it: it plans every row, stores the plan (in
// place of an earlier one) and returns the report. It writes no record.
// A mapping that cannot be imported is a *domain.RuleError.
func (s *Service[A, F]) Check(ctx context.Context, by string, id int64, m Mapping, update bool) (Report, error) {
	imp, err := s.owned(ctx, by, id)
	if err != nil {
		return Report{}, err
	}
	if imp.Status != StatusUploaded && imp.Status != StatusChecked {
		return Report{}, CannotBe(imp.Status, "checked again")
	}
	if err := m.check(s.kind.Targets, imp.Header, s.kind.NameField); err != nil {
		return Report{}, err
	}
	content, err := s.store.Content(ctx, id)
	if err != nil {
		return Report{}, fmt.Errorf("check import %d: %w", id, err)
	}
	file, err := Parse(content)
	if err != nil {
		return Report{}, err
	}
	rows, err := s.kind.plan(ctx, s.store, file, m, update, imp.By)
	if err != nil {
		return Report{}, fmt.Errorf("check import %d: %w", id, err)
	}
	if err := s.store.Check(ctx, id, m, update, rows); err != nil {
		return Report{}, fmt.Errorf("check import %d: %w", id, err)
	}
	return s.Report(ctx, id)
}

// Read reads content and maps its columns from their headers, as Upload
// does, refusing (with a *domain.RuleError) a file that cannot be
// imported or whose headers name no column Name: what the command line
// checks before it stores anything.
func (s *Service[A, F]) Read(content []byte) (*File, Mapping, error) {
	file, err := Parse(content)
	if err != nil {
		return nil, nil, err
	}
	m := autoMap(s.kind.Targets, file.Header)
	if err := m.check(s.kind.Targets, file.Header, s.kind.NameField); err != nil {
		return file, m, err
	}
	return file, m, nil
}

// DryRun plans file, as Read read it, through m, for rep by, and stores
// nothing: the command line's --dry-run.
func (s *Service[A, F]) DryRun(ctx context.Context, by string, file *File, m Mapping, update bool) ([]Result, error) {
	if err := m.check(s.kind.Targets, file.Header, s.kind.NameField); err != nil {
		return nil, err
	}
	rows, err := s.kind.plan(ctx, s.store, file, m, update, by)
	if err != nil {
		return nil, fmt.Errorf("dry run: %w", err)
	}
	return rows, nil
}

// TargetLabel is the label of field as the mapping offers it, "" for none.
func (s *Service[A, F]) TargetLabel(field string) string {
	t, _ := targetOf(s.kind.Targets, field)
	return t.Label
}

// Report returns import id with its counts and the first rows worth
// reading.
func (s *Service[A, F]) Report(ctx context.Context, id int64) (Report, error) {
	imp, err := s.Get(ctx, id)
	if err != nil {
		return Report{}, err
	}
	r := Report{Import: imp}
	if imp.Status == StatusUploaded {
		return r, nil
	}
	if r.Counts, err = s.store.Counts(ctx, id); err != nil {
		return Report{}, fmt.Errorf("count import %d: %w", id, err)
	}
	var total int
	if r.Rows, total, err = s.store.Results(ctx, id, MaxReportRows); err != nil {
		return Report{}, fmt.Errorf("report of import %d: %w", id, err)
	}
	r.More = total - len(r.Rows)
	return r, nil
}

// EachResult calls fn with every row of import id's report, in file order.
func (s *Service[A, F]) EachResult(ctx context.Context, id int64, fn func(Result) error) error {
	if err := s.store.All(ctx, id, fn); err != nil {
		return fmt.Errorf("rows of import %d: %w", id, err)
	}
	return nil
}

// Progress returns how far import id has come.
func (s *Service[A, F]) Progress(ctx context.Context, id int64) (Progress, error) {
	p, err := s.store.Progress(ctx, id)
	if err != nil {
		return Progress{}, fmt.Errorf("progress of import %d: %w", id, err)
	}
	return p, nil
}

// Start starts the real run of checked import id for rep by, who uploaded
// it, in the background (see Jobs); the page follows its Progress.
func (s *Service[A, F]) Start(ctx context.Context, by string, id int64) error {
	if _, err := s.owned(ctx, by, id); err != nil {
		return err
	}
	if s.jobs == nil {
		return errNoJobs
	}
	if err := s.store.Start(ctx, id); err != nil {
		return fmt.Errorf("start import %d: %w", id, err)
	}
	s.jobs.Go(func(ctx context.Context) error { return s.Run(ctx, id, nil) })
	return nil
}

// errNoJobs is a background run asked of a service built without Jobs,
// whose caller runs imports itself.
var errNoJobs = errors.New("imports: no Jobs to run this import in the background; use StartNow and Run")

// Resume runs again, in the background, running import id whose run
// stalled (its instance went away), from the chunk it stopped at.
func (s *Service[A, F]) Resume(ctx context.Context, by string, id int64) error {
	if _, err := s.owned(ctx, by, id); err != nil {
		return err
	}
	p, err := s.Progress(ctx, id)
	if err != nil {
		return err
	}
	if p.Status != StatusRunning || !p.Stalled {
		return &domain.RuleError{Message: "This import is not stalled: there is nothing to resume."}
	}
	if s.jobs == nil {
		return errNoJobs
	}
	s.jobs.Go(func(ctx context.Context) error { return s.Run(ctx, id, nil) })
	return nil
}

// Restart finds the running import of content, as the command line
// imports it again after it was interrupted: the import, or a
// *domain.NotFoundError when none of that file is running.
func (s *Service[A, F]) Restart(ctx context.Context, content []byte) (Import, error) {
	sum := sha256.Sum256(content)
	imp, err := s.store.Running(ctx, sum[:])
	if err != nil {
		return Import{}, fmt.Errorf("find running import: %w", err)
	}
	return imp, nil
}

// StartNow moves checked import id to running, for a caller that then
// runs it itself (the command line).
func (s *Service[A, F]) StartNow(ctx context.Context, id int64) error {
	if err := s.store.Start(ctx, id); err != nil {
		return fmt.Errorf("start import %d: %w", id, err)
	}
	return nil
}

// owned returns import id if rep by uploaded it: only they import it, as
// the records it writes are saved in their name.
func (s *Service[A, F]) owned(ctx context.Context, by string, id int64) (Import, error) {
	imp, err := s.Get(ctx, id)
	if err != nil {
		return Import{}, err
	}
	if imp.By != by {
		return Import{}, &domain.RuleError{Message: fmt.Sprintf(
			"Only %s, who uploaded this file, can import it: the records are saved in their name.", imp.By)}
	}
	return imp, nil
}
