package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"crm/cmd/crm/app"
	"crm/domain"
	"crm/domain/user"
	"crm/infrastructure/postgres"
	"crm/usecase/imports"
)

// importer is what crm import needs of the imports of one kind of record.
type importer interface {
	Kind() string
	TargetLabel(field string) string
	Read(content []byte) (*imports.File, imports.Mapping, error)
	DryRun(ctx context.Context, by string, file *imports.File, m imports.Mapping, update bool) ([]imports.Result, error)
	Restart(ctx context.Context, content []byte) (imports.Import, error)
	Upload(ctx context.Context, by string, owner int64, name string, content []byte) (imports.Import, error)
	Check(ctx context.Context, by string, id int64, m imports.Mapping, update bool) (imports.Report, error)
	StartNow(ctx context.Context, id int64) error
	Run(ctx context.Context, id int64, progress func(imports.Progress)) error
	EachResult(ctx context.Context, id int64, fn func(imports.Result) error) error
}

// importKinds are the kinds crm import takes, by the word on its command line.
var importKinds = map[string]func(*pgxpool.Pool) importer{
	"leads":    func(pool *pgxpool.Pool) importer { return app.NewLeadImports(pool, nil) },
	"contacts": func(pool *pgxpool.Pool) importer { return app.NewContactImports(pool, nil) },
}

// errRefused marks a file or mapping crm import refused: its message is
// the refusal, and nothing was written.
var errRefused = errors.New("refused")

// importCommand runs `crm import leads|contacts FILE.csv [--dry-run]
// [--update] [--as NAME]`: the import the pages make, with the columns
// mapped from their headers. It prints the report of every row worth
// reading and a summary; a run interrupted (Ctrl-C, a lost database)
// resumes where it stopped when the same file is imported again.
func importCommand(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	dryRun := fs.Bool("dry-run", false, "report what importing would do, and write nothing")
	update := fs.Bool("update", false, "update the records whose email a row has, rather than skip those rows")
	as := fs.String("as", "import", "the rep the records are saved by")
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 2 {
		return fmt.Errorf("%w: import needs what to import and a file: crm import leads FILE.csv", errUsage)
	}
	newImporter, ok := importKinds[positional[0]]
	if !ok {
		return fmt.Errorf("%w: import takes leads or contacts, got %q", errUsage, positional[0])
	}
	if strings.TrimSpace(*as) == "" {
		return fmt.Errorf("%w: --as needs the name of the rep the records are saved by", errUsage)
	}
	content, err := readImportFile(positional[1])
	if err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	return withPool(ctx, cfg, stderr, func(pool *pgxpool.Pool) error {
		run := importRun{svc: newImporter(pool), by: strings.TrimSpace(*as), name: filepath.Base(positional[1]),
			update: *update, stdout: stdout, stderr: stderr, start: time.Now()}
		users, err := postgres.NewUserRepository(pool).List(ctx)
		if err != nil {
			return err
		}
		if u, ok := userNamed(users, run.by); ok {
			run.by, run.owner = u.Name, u.ID
		} else if !*dryRun {
			fmt.Fprintf(stdout, "The new records go to nobody: %q is not the name or email of one user.\n", run.by)
		}
		if *dryRun {
			return run.dryRun(ctx, content)
		}
		return run.importFile(ctx, content)
	})
}

// parseInterspersed parses args with fs, taking flags before, between and
// after the positional arguments (crm import leads a.csv --dry-run), and
// returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// readImportFile reads the file to import, refusing one over the limit
// before reading it.
func readImportFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open the file to import: %w", err)
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.Size() > imports.MaxFileBytes {
		return nil, fmt.Errorf("%w: %s", errRefused, refusal(imports.TooLarge(info.Size())))
	}
	content, err := io.ReadAll(io.LimitReader(f, imports.MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read the file to import: %w", err)
	}
	if len(content) > imports.MaxFileBytes {
		return nil, fmt.Errorf("%w: %s", errRefused, refusal(imports.TooLargeUnknown()))
	}
	return content, nil
}

// refusal is the message of the domain's refusal err.
func refusal(err error) string {
	var rule *domain.RuleError
	if errors.As(err, &rule) {
		return rule.Message
	}
	return err.Error()
}

// importRun is one crm import.
type importRun struct {
	svc            importer
	by, name       string
	owner          int64 // the user the new records go to; 0 for nobody
	update         bool
	stdout, stderr io.Writer
	start          time.Time
}

// read reads content and says how its columns are mapped.
func (r importRun) read(content []byte) (*imports.File, imports.Mapping, error) {
	file, m, err := r.svc.Read(content)
	if file != nil {
		fmt.Fprintf(r.stdout, "%s: %d rows.", r.name, len(file.Rows))
		if file.BOM {
			fmt.Fprint(r.stdout, " The file began with a byte order mark; it was removed.")
		}
		fmt.Fprintln(r.stdout)
		for i, field := range m {
			target := "not imported"
			if field != "" {
				target = r.svc.TargetLabel(field)
			}
			fmt.Fprintf(r.stdout, "  %s → %s\n", imports.ColumnName(file.Header, i), target)
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s", errRefused, refusal(err)+" Nothing was written.")
	}
	return file, m, nil
}

func (r importRun) dryRun(ctx context.Context, content []byte) error {
	file, m, err := r.read(content)
	if err != nil {
		return err
	}
	rows, err := r.svc.DryRun(ctx, r.by, file, m, r.update)
	if err != nil {
		return err
	}
	counts := imports.Counts{}
	for _, row := range rows {
		r.printRow(row)
		counts[row.Final()]++
	}
	r.summary("Dry run", len(rows), counts)
	fmt.Fprintln(r.stdout, "Nothing was written.")
	return nil
}

// importFile imports content: the import of the same file left running
// (interrupted) is resumed where it stopped; otherwise a new one is
// checked and run.
func (r importRun) importFile(ctx context.Context, content []byte) error {
	imp, err := r.svc.Restart(ctx, content)
	switch {
	case err == nil:
		fmt.Fprintf(r.stdout, "Resuming import %d of %s (by %s) at row %d of %d.\n", imp.ID, imp.FileName, imp.By, imp.RowsDone+1, imp.RowsTotal)
	case errors.Is(err, domain.ErrNotFound):
		_, m, err := r.read(content)
		if err != nil {
			return err
		}
		if imp, err = r.svc.Upload(ctx, r.by, r.owner, r.name, content); err != nil {
			return err
		}
		if _, err := r.svc.Check(ctx, r.by, imp.ID, m, r.update); err != nil {
			return err
		}
		if err := r.svc.StartNow(ctx, imp.ID); err != nil {
			return err
		}
	default:
		return err
	}
	if err := r.svc.Run(ctx, imp.ID, r.progress()); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted: the rows imported so far are kept; run the same command again to resume (%w)", ctx.Err())
		}
		return fmt.Errorf("import stopped; run the same command again to resume: %w", err)
	}
	counts := imports.Counts{}
	total := 0
	err = r.svc.EachResult(ctx, imp.ID, func(row imports.Result) error {
		r.printRow(row)
		counts[row.Final()]++
		total++
		return nil
	})
	if err != nil {
		return err
	}
	r.summary("Imported", total, counts)
	return nil
}

// printRow prints a row worth reading: all but plain creates.
func (r importRun) printRow(row imports.Result) {
	o := row.Final()
	if (o == imports.Create || o == imports.Created) && row.Hint == "" {
		return
	}
	fmt.Fprintf(r.stdout, "line %d: %s", row.Line, o)
	if row.RecordID > 0 {
		fmt.Fprintf(r.stdout, " (/%ss/%d)", r.svc.Kind(), row.RecordID)
	}
	if row.Reason != "" {
		fmt.Fprintf(r.stdout, ": %s", row.Reason)
	}
	fmt.Fprintln(r.stdout)
	if row.Hint != "" {
		fmt.Fprintf(r.stdout, "  hint: %s\n", row.Hint)
	}
}

// summary prints how many rows came to each outcome.
func (r importRun) summary(what string, total int, counts imports.Counts) {
	var parts []string
	for _, o := range []imports.Outcome{imports.Create, imports.Created, imports.Update, imports.Updated, imports.Unchanged,
		imports.Duplicate, imports.Invalid, imports.Conflict} {
		if n := counts[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o))
		}
	}
	fmt.Fprintf(r.stdout, "%s: %d rows: %s (%s).\n", what, total, strings.Join(parts, ", "),
		time.Since(r.start).Round(time.Millisecond))
}

// progress reports each tenth of the way on stderr.
func (r importRun) progress() func(imports.Progress) {
	printed := 0
	return func(p imports.Progress) {
		if p.Total == 0 {
			return
		}
		if tenth := p.Done * 10 / p.Total; tenth > printed {
			printed = tenth
			fmt.Fprintf(r.stderr, "import: %d/%d rows (%d%%)\n", p.Done, p.Total, p.Done*100/p.Total)
		}
	}
}

// userNamed finds the one user whose email, or else whose name, is name
// (any case): the rep an import from the command line is made as.
func userNamed(users []user.User, name string) (user.User, bool) {
	var byName []user.User
	for _, u := range users {
		if strings.EqualFold(u.Email, name) {
			return u, true
		}
		if strings.EqualFold(u.Name, name) {
			byName = append(byName, u)
		}
	}
	if len(byName) == 1 {
		return byName[0], true
	}
	return user.User{}, false
}
