package imports

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"crm/domain"
	"crm/usecase/conflict"
	"crm/usecase/record"
)

// maxChunkAttempts bounds the tries of one chunk. A chunk is tried again
// only when a record with the email of one of its new rows was created
// between its check and its insert (the one-contact-per-email index
// refuses it); the next try sees that record and skips the row.
const maxChunkAttempts = 3

// Run imports running import id from the chunk it stands at to the end,
// each chunk in one transaction with its progress, and calls progress
// (when not nil) after each. A run that fails or is cancelled leaves the
// import at the last chunk committed; Run resumes it from there, and two
// runs of one import at once import each chunk once (see Store.Chunk).
func (s *Service[A, F]) Run(ctx context.Context, id int64, progress func(Progress)) error {
	imp, err := s.Get(ctx, id)
	switch {
	case err != nil:
		return err
	case imp.Status == StatusDone:
		return nil
	case imp.Status != StatusRunning:
		return &domain.RuleError{Message: "This import has not been started."}
	}
	content, err := s.store.Content(ctx, id)
	if err != nil {
		return fmt.Errorf("run import %d: %w", id, err)
	}
	file, err := Parse(content)
	if err != nil {
		return fmt.Errorf("run import %d: %w", id, err)
	}
	if len(file.Rows) != imp.RowsTotal {
		return fmt.Errorf("run import %d: the file has %d rows, the import %d", id, len(file.Rows), imp.RowsTotal)
	}
	rows := s.kind.read(file, imp.Mapping)
	done, attempts := imp.RowsDone, 0
	for done < imp.RowsTotal {
		to := min(done+ChunkSize, imp.RowsTotal)
		err := s.store.Chunk(ctx, id, done, to, func(ctx context.Context, tx ChunkTx[A]) error {
			return s.chunk(ctx, tx, imp.By, imp.Owner, rows[done:to])
		})
		var rule *domain.RuleError
		switch {
		case errors.Is(err, ErrMoved):
			p, err := s.Progress(ctx, id)
			if err != nil {
				return err
			}
			if p.Status != StatusRunning {
				return nil
			}
			done, attempts = p.Done, 0
			continue
		case errors.As(err, &rule) && attempts+1 < maxChunkAttempts:
			attempts++
			continue
		case err != nil:
			return fmt.Errorf("import %d, rows %d to %d: %w", id, done+1, to, err)
		}
		done, attempts = to, 0
		if progress != nil {
			status := StatusRunning
			if done == imp.RowsTotal {
				status = StatusDone
			}
			progress(Progress{Status: status, Done: done, Total: imp.RowsTotal})
		}
	}
	return nil
}

// chunk imports rows, the chunk's rows read through the mapping, as the
// dry run planned them, in the chunk's transaction tx, for rep by: new
// records in one batch (unless a record with the email was added since
// the dry run), updates through the record use cases at the version the
// dry run saw.
func (s *Service[A, F]) chunk(ctx context.Context, tx ChunkTx[A], by string, owner int64, rows []row[F]) error {
	planned, err := tx.Planned(ctx)
	if err != nil {
		return err
	}
	if len(planned) != len(rows) {
		return fmt.Errorf("the chunk has %d rows planned and %d read", len(planned), len(rows))
	}
	results := slices.Clone(planned)
	if err := s.creates(ctx, tx, by, owner, rows, results); err != nil {
		return err
	}
	if err := s.updates(ctx, tx, by, rows, results); err != nil {
		return err
	}
	for i := range results {
		if results[i].Outcome == "" {
			results[i].Outcome = results[i].Planned // a duplicate or invalid row, left out
		}
	}
	return tx.Done(ctx, results)
}

// creates stores the rows planned as new records in one batch, each
// given to owner (the importing rep), as a record made on its page is.
func (s *Service[A, F]) creates(ctx context.Context, tx ChunkTx[A], by string, owner int64, rows []row[F], results []Result) error {
	var emails []string
	for i, r := range results {
		if r.Planned == Create && rows[i].email != "" {
			emails = append(emails, rows[i].email)
		}
	}
	added, err := tx.ByEmail(ctx, emails)
	if err != nil {
		return err
	}
	var news []A
	var at []int
	for i := range results {
		if results[i].Planned != Create {
			continue
		}
		if found := added[rows[i].email]; rows[i].email != "" && len(found) > 0 {
			results[i].Outcome, results[i].RecordID = Duplicate, found[0].ID()
			results[i].Reason = fmt.Sprintf("A %s with this email was added since the dry run (#%d): skipped.", s.kind.Name, found[0].ID())
			continue
		}
		a, err := s.kind.New(s.kind.owned(rows[i].fields, owner), by)
		if err != nil {
			results[i].Outcome, results[i].Reason = Invalid, reason(err)
			continue
		}
		news, at = append(news, a), append(at, i)
	}
	if len(news) == 0 {
		return nil
	}
	ids, err := tx.CreateMany(ctx, news)
	if err != nil {
		return err
	}
	for j, id := range ids {
		results[at[j]].Outcome, results[at[j]].RecordID, results[at[j]].Version = Created, id, 1
	}
	return nil
}

// updates saves the rows planned as updates, each a compare-and-swap at
// the version the dry run saw, made by record.Service as any save is (the
// events go to the record's history): a record saved or deleted since is
// a conflict and is not written.
func (s *Service[A, F]) updates(ctx context.Context, tx ChunkTx[A], by string, rows []row[F], results []Result) error {
	var at []int
	var ids []int64
	for i, r := range results {
		if r.Planned == Update {
			at, ids = append(at, i), append(ids, r.RecordID)
		}
	}
	if len(at) == 0 {
		return nil
	}
	loaded, err := tx.Load(ctx, ids)
	if err != nil {
		return err
	}
	// In the order of their ids, as any other bulk write should, so two
	// imports updating the same records cannot deadlock.
	slices.SortFunc(at, func(a, b int) int { return cmp.Compare(results[a].RecordID, results[b].RecordID) })
	svc := record.NewService[A](s.kind.Name, s.kind.Fields, tx.Records())
	for _, i := range at {
		res := &results[i]
		a, ok := loaded[res.RecordID]
		switch {
		case !ok:
			res.Outcome, res.Reason = Conflict, fmt.Sprintf("#%d no longer exists: not updated.", res.RecordID)
			continue
		case a.Version() != res.Version:
			res.Outcome, res.Reason = Conflict, s.changedSince(a, res.Version)
			continue
		}
		saved, err := svc.Update(ctx, by, a, s.kind.overlay(a.Fields(), rows[i].values(s.kind.NameField), rows[i].fields))
		var deleted *domain.DeletedError
		switch {
		case domain.IsOptimisticLock(err):
			current := a
			if v, ok := conflict.VersionsOf[A](err); ok {
				current = v.Current
			}
			res.Outcome, res.Reason = Conflict, s.changedSince(current, res.Version)
		case errors.As(err, &deleted):
			res.Outcome, res.Reason = Conflict, fmt.Sprintf("#%d was deleted by %s since the dry run: not updated.", res.RecordID, deleted.By)
		case isRefusal(err):
			res.Outcome, res.Reason = Invalid, fmt.Sprintf("Cannot update #%d: %s", res.RecordID, reason(err))
		case err != nil:
			return err
		case saved.Version() == a.Version():
			res.Outcome = Unchanged
		default:
			res.Outcome = Updated
		}
	}
	return nil
}

// changedSince says that record a, which the dry run saw at version, has
// moved on: saved or deleted by someone since.
func (s *Service[A, F]) changedSince(a A, version int64) string {
	if a.Deleted() {
		return fmt.Sprintf("#%d was deleted by %s since the dry run: not updated.", a.ID(), a.UpdatedBy())
	}
	return fmt.Sprintf("#%d was saved by %s since the dry run (version %d, now %d): not overwritten.",
		a.ID(), a.UpdatedBy(), version, a.Version())
}

// isRefusal reports whether err is the domain refusing a change.
func isRefusal(err error) bool {
	var invalid *domain.ValidationError
	var rule *domain.RuleError
	return errors.As(err, &invalid) || errors.As(err, &rule)
}

// Jobs runs the imports started from the pages in the background of one
// app instance, until Stop. A run that fails or is stopped leaves its
// import at the last chunk it committed, to be resumed.
type Jobs struct {
	ctx     context.Context
	cancel  context.CancelFunc
	log     *slog.Logger
	mu      sync.Mutex
	stopped bool
	wg      sync.WaitGroup
}

// NewJobs returns Jobs that log to log the runs that fail.
func NewJobs(log *slog.Logger) *Jobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &Jobs{ctx: ctx, cancel: cancel, log: log}
}

// Go runs run in the background. Once Stop was called it runs nothing:
// the import stays where it is, to be resumed.
func (j *Jobs) Go(run func(ctx context.Context) error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.stopped {
		return
	}
	j.wg.Go(func() {
		if err := run(j.ctx); err != nil && j.ctx.Err() == nil {
			j.log.Error("import stopped; it can be resumed from its page", "err", err)
		}
	})
}

// Stop cancels the runs and waits for them to end.
func (j *Jobs) Stop() {
	j.mu.Lock()
	j.stopped = true
	j.mu.Unlock()
	j.cancel()
	j.wg.Wait()
}
