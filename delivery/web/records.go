package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"crm/delivery/telemetry"
	"crm/delivery/web/views"
	"crm/domain"
	"crm/usecase/conflict"
	"crm/usecase/record"
)

// shownRecord is what the pages need of a kind of record's aggregate.
type shownRecord[F any] interface {
	record.Aggregate[F]
	UpdatedAt() time.Time
	DeletedAt() time.Time
}

// recordService is what the pages every kind of record shares need from
// the kind's use cases.
type recordService[A record.Aggregate[F], F any] interface {
	Get(ctx context.Context, id int64) (A, error)
	// Save saves what a rep typed, merging with saves made since; a field
	// both changed is a *conflict.Error.
	Save(ctx context.Context, by string, id, version int64, f F) (record.Saved[A], error)
	// Delete moves a record still at version to the Trash; Restore brings
	// it back from the version that deleted it; RestoreAndSave restores it
	// saving what the rep typed from version, merging as Save does.
	Delete(ctx context.Context, by string, id, version int64) (A, error)
	Restore(ctx context.Context, by string, id, version int64) (A, error)
	RestoreAndSave(ctx context.Context, by string, id, version int64, f F) (record.Saved[A], error)
	historyReader
}

// recordPages describes how the pages show one kind of record, and from
// that description serves the pages every kind shares: the record's page,
// its save, its moves and delete, its live notices and its create form. A
// kind's own pages (its list, the conversion) have handlers of their own.
type recordPages[A shownRecord[F], F domain.FieldSet[F]] struct {
	s      *server
	kind   string            // e.g. "lead": its pages are /leads/{id}
	labels map[string]string // field → label, as the form shows it
	fields []string          // the editable fields, in form order
	svc    recordService[A, F]
	// notices are the only messages a redirect may ask the kind's pages to
	// show (?notice=saved), so a link cannot make a page say anything else.
	notices map[string]string

	// inputs are what the kind's edit form posts: an edit lacking one is
	// refused (see requireInputs).
	inputs []string
	// decode reads the kind's form: the values exactly as typed (to show
	// them again), the fields for the use case and, when a value does not
	// parse, a *domain.ValidationError holding the domain's other messages
	// too, so the rep sees every problem in one round trip.
	decode func(r *http.Request) (values map[string]string, f F, err error)
	// form fills the kind's form with f, to save at version.
	form func(f F, version int64) views.Form
	// page and editor render the full page and the editor that writes swap.
	page, editor func(v views.Editor[A]) templ.Component

	// blank is the create form as first shown; newFields its inputs.
	blank     func(r *http.Request) views.Form
	newFields func(form views.Form) templ.Component
	// create stores a new record from the create form as decode read it;
	// invalid is decode's error, reported together with create's own.
	create func(r *http.Request, f F, invalid error) (A, error)
	// duplicates finds the live records a new one may repeat, for the hint
	// of the create form (see lookalikes); nil for a kind without one.
	duplicates func(ctx context.Context, q record.DuplicateQuery) (views.Duplicates, error)
	// created is where a create sends the rep; nil for the new record's
	// page.
	created func(a A) string
	// deletedTo is where a delete sends the rep; nil for the kind's list,
	// saying it was deleted.
	deletedTo func(a A) string

	// move moves a record to the state a move posts in stateField, for
	// rep by, starting from version, saving in the same write the fields
	// the rep was typing in when they come with the move (typed not nil);
	// state is where a record stands, as reps read it; moved says in a live
	// notice that someone moved it ("changed this lead's status"). All nil
	// or empty for a kind without a state machine.
	// The request is at hand for what a kind's move reads besides the
	// state, such as a deal's closed-on date.
	move       func(r *http.Request, id, version int64, to string, typed *F) (record.Saved[A], error)
	state      func(A) string
	stateField string
	moved      string
}

// creator adapts a kind's Create use case to recordPages.create.
func creator[A, F any](create func(ctx context.Context, by string, f F) (A, error)) func(*http.Request, F, error) (A, error) {
	return func(r *http.Request, f F, invalid error) (A, error) {
		if invalid != nil {
			var zero A
			return zero, invalid
		}
		return create(r.Context(), actor(r), f)
	}
}

// mover adapts a kind's Move and SaveAndMove use cases to
// recordPages.move: the posted state is read by parse, which refuses an
// unknown one (a 422).
func mover[A, F any, S ~string](parse func(string) (S, error),
	move func(ctx context.Context, by string, id, version int64, to S) (record.Saved[A], error),
	saveAndMove func(ctx context.Context, by string, id, version int64, f F, to S) (record.Saved[A], error),
) func(r *http.Request, id, version int64, to string, typed *F) (record.Saved[A], error) {
	return func(r *http.Request, id, version int64, to string, typed *F) (record.Saved[A], error) {
		state, err := parse(to)
		switch {
		case err != nil:
			return record.Saved[A]{}, err
		case typed != nil:
			return saveAndMove(r.Context(), actor(r), id, version, *typed, state)
		}
		return move(r.Context(), actor(r), id, version, state)
	}
}

// routes serves the kind's shared pages under /{kind}s.
func (p *recordPages[A, F]) routes(r chi.Router) {
	base := "/" + views.Plural(p.kind)
	if p.create != nil {
		r.Get(base+"/new", p.s.handle(p.showNew))
		r.Post(base, p.s.handle(p.add))
	}
	if p.duplicates != nil {
		r.Get(base+"/duplicates", p.s.handle(p.showDuplicates))
	}
	r.Get(base+"/{id}", p.s.handle(p.show))
	r.Post(base+"/{id}", p.s.handle(p.save))
	r.Get(base+"/{id}/live", p.s.handle(p.live))
	r.Get(base+"/{id}/history", p.s.handle(p.olderHistory))
	if p.move != nil {
		r.Post(base+"/{id}/"+p.stateField, p.s.handle(p.moveTo))
	}
	r.Post(base+"/{id}/delete", p.s.handle(p.delete))
	r.Post(base+"/{id}/restore", p.s.handle(p.restore))
}

func (p *recordPages[A, F]) url(id int64) string {
	return views.RecordURL(p.kind, id)
}

func (p *recordPages[A, F]) formOf(a A) views.Form { return p.form(a.Fields(), a.Version()) }

func (p *recordPages[A, F]) show(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, p.kind)
	if err != nil {
		return err
	}
	a, err := p.svc.Get(r.Context(), id)
	if err != nil {
		return err
	}
	v := views.Editor[A]{Record: a, Form: p.formOf(a), Notice: p.notices[r.URL.Query().Get("notice")]}
	if kept, ok := p.s.keptForm(r, p.kind, p.inputs); ok {
		// What the rep typed before their session ended, at their version.
		v.Form, v.Notice, v.Unsaved = kept, resumedNotice, true
	}
	p.render(w, r, http.StatusOK, v)
	return nil
}

func (p *recordPages[A, F]) save(w http.ResponseWriter, r *http.Request) error {
	id, version, err := decodeWrite(r, p.kind)
	if err != nil {
		return err
	}
	if err := requireInputs(r, p.inputs); err != nil {
		return err
	}
	values, f, err := p.decode(r)
	var res record.Saved[A]
	if err == nil {
		res, err = p.svc.Save(r.Context(), actor(r), id, version, f)
	}
	telemetry.CountSave(p.s.saves, p.kind, telemetry.Page, err, res.Merge != nil)
	switch {
	case err == nil:
		return p.done(w, r, "saved", res, savedNotice(p.kind, res.Merge, p.labels, version, res.Record.Version(), actor(r)))
	case isInvalid(err):
		// The form keeps the version the rep started from: moving it on here
		// would hide a conflict with whoever saved in the meantime.
		form := views.Form{Prefix: p.kind, Values: values, Errors: fieldErrors(err), Version: version}
		return p.refused(w, r, id, func(a A) views.Editor[A] { return views.Editor[A]{Record: a, Form: form, Unsaved: true} })
	}
	return p.failWrite(w, r, err, "save", typedForm(p.kind, values, version))
}

// moveTo answers a move. The page's move buttons belong to the edit form,
// so a move carries what the rep typed (every input, and the form's
// version) and saves it in the same write: a move never replaces what the
// rep was typing. A move posted with no input of the form is a move alone.
func (p *recordPages[A, F]) moveTo(w http.ResponseWriter, r *http.Request) error {
	id, version, err := decodeWrite(r, p.kind)
	if err != nil {
		return err
	}
	var (
		values map[string]string
		typed  *F
	)
	if anyInput(r, p.inputs) {
		if err := requireInputs(r, p.inputs); err != nil {
			return err
		}
		var f F
		values, f, err = p.decode(r)
		typed = &f
	}
	var res record.Saved[A]
	if err == nil {
		res, err = p.move(r, id, version, r.PostForm.Get(p.stateField), typed)
	}
	telemetry.CountSave(p.s.saves, p.kind, telemetry.Page, err, res.Merge != nil)
	switch {
	case err == nil:
		return p.done(w, r, "moved", res, movedNotice(p.kind, p.state(res.Record), res.Merge, p.labels, res.Record.Version(), actor(r)))
	case isInvalid(err):
		return p.refused(w, r, id, func(a A) views.Editor[A] {
			v := views.Editor[A]{Record: a, Form: p.formOf(a), ActionError: ruleMessage(err)}
			if typed != nil {
				// As typed, at the rep's version: see save.
				v.Form = views.Form{Prefix: p.kind, Values: values, Errors: fieldErrors(err), Version: version}
				v.Unsaved = true
			}
			return v
		})
	}
	var typedValues *views.Form
	if typed != nil {
		typedValues = typedForm(p.kind, values, version)
	}
	return p.failWrite(w, r, err, "status", typedValues)
}

// done answers a write that went through: a plain form post is redirected
// to the record's page with notice (one of the kind's notices), an htmx
// one gets the editor at the new version saying what happened.
func (p *recordPages[A, F]) done(w http.ResponseWriter, r *http.Request, notice string, res record.Saved[A], said string) error {
	if !isHTMX(r) {
		redirect(w, r, p.url(res.Record.ID())+"?notice="+notice)
		return nil
	}
	v := views.Editor[A]{Record: res.Record, Form: p.formOf(res.Record), Notice: said}
	if res.Merge == nil && len(res.Events) > 0 {
		// Written on the version the page shows, whose history is on it:
		// the page keeps it and adds this write's entries, with no read.
		v.History = views.HistoryView{Kind: p.kind, Kept: true, Entries: recorded(p.kind, res)}
	}
	p.render(w, r, http.StatusOK, v)
	return nil
}

// recorded is the history entries of the events res's write recorded,
// newest first.
func recorded[A shownRecord[F], F any](kind string, res record.Saved[A]) []domain.RecordedEvent {
	out := make([]domain.RecordedEvent, len(res.Events))
	for i, ev := range res.Events {
		out[len(out)-1-i] = domain.RecordedEvent{Kind: kind, AggregateID: res.Record.ID(), Version: res.Record.Version(),
			At: res.Record.UpdatedAt(), Event: ev}
	}
	return out
}

func (p *recordPages[A, F]) delete(w http.ResponseWriter, r *http.Request) error {
	id, version, err := decodeWrite(r, p.kind)
	if err != nil {
		return err
	}
	a, err := p.svc.Delete(r.Context(), actor(r), id, version)
	if err != nil {
		return p.failWrite(w, r, err, "delete", nil)
	}
	if p.deletedTo != nil {
		redirect(w, r, p.deletedTo(a))
		return nil
	}
	redirect(w, r, "/"+p.kind+"s?notice=deleted")
	return nil
}

// restore answers a restore. From the Trash, or the banner of a record the
// rep only looked at, it posts the version that deleted the record and
// restores it as it was; from the banner of a write the delete refused it
// posts the edit form, and what the rep typed is saved with the restore.
func (p *recordPages[A, F]) restore(w http.ResponseWriter, r *http.Request) error {
	id, version, err := decodeWrite(r, p.kind)
	if err != nil {
		return err
	}
	var (
		res    record.Saved[A]
		values map[string]string
	)
	if anyInput(r, p.inputs) {
		if err := requireInputs(r, p.inputs); err != nil {
			return err
		}
		var f F
		if values, f, err = p.decode(r); err == nil {
			res, err = p.svc.RestoreAndSave(r.Context(), actor(r), id, version, f)
		}
	} else {
		res.Record, err = p.svc.Restore(r.Context(), actor(r), id, version)
	}
	switch {
	case err == nil:
		return p.done(w, r, "restored", res, restoredNotice(p.kind, res.Merge, p.labels, res.Record.Version(), actor(r)))
	case isInvalid(err) && values == nil:
		// A restore from a page older than the record's own restore.
		return p.refused(w, r, id, func(a A) views.Editor[A] {
			return views.Editor[A]{Record: a, Form: p.formOf(a), Notice: "Nothing to restore: this " + p.kind + " is not in the Trash."}
		})
	case isInvalid(err):
		form := views.Form{Prefix: p.kind, Values: values, Errors: fieldErrors(err), Version: version}
		return p.refused(w, r, id, func(a A) views.Editor[A] { return views.Editor[A]{Record: a, Form: form, Unsaved: true} })
	}
	return p.failWrite(w, r, err, "restore", typedForm(p.kind, values, version))
}

// typedForm is the form as the rep typed it, at the version they started
// from, for the page of a write that did not go through; nil when the
// write carried no fields.
func typedForm(kind string, values map[string]string, version int64) *views.Form {
	if values == nil {
		return nil
	}
	return &views.Form{Prefix: kind, Values: values, Version: version}
}

// refused answers a write the rules refused (422) with the editor of the
// record as it is now, built by build.
func (p *recordPages[A, F]) refused(w http.ResponseWriter, r *http.Request, id int64, build func(A) views.Editor[A]) error {
	a, err := p.svc.Get(r.Context(), id)
	if err != nil {
		return err
	}
	p.render(w, r, http.StatusUnprocessableEntity, build(a))
	return nil
}

// failWrite answers a write of action ("save", "status", "delete",
// "restore") that failed: a conflict shows the banner over the record as it
// is now (409), a record deleted meanwhile the deleted banner (409) with
// the form as the rep typed it (typed, nil when the write carried no
// fields), anything else goes to the error table.
func (p *recordPages[A, F]) failWrite(w http.ResponseWriter, r *http.Request, err error, action string, typed *views.Form) error {
	var (
		c       *conflict.Error[A, F]
		deleted *domain.DeletedError
	)
	switch {
	case errors.As(err, &deleted):
		cur, err := p.svc.Get(r.Context(), deleted.ID)
		if err != nil {
			return err
		}
		v := views.Editor[A]{Record: cur, Form: p.formOf(cur)}
		if typed != nil {
			v.Form, v.Unsaved = *typed, true
		}
		v.Deleted = p.deleted(cur, action, typed != nil, actor(r))
		p.render(w, r, http.StatusConflict, v)
		return nil
	case !errors.As(err, &c):
		return err
	}
	cur := c.Current
	v := views.Editor[A]{Record: cur, Form: p.formOf(cur), Conflict: p.banner(c, action, actor(r))}
	if c.Yours != nil {
		// The rep's own changes on top of the current values, at the
		// current version: saving again keeps both reps' work.
		v.Form, v.Unsaved = p.form(c.Compare.Proposed, cur.Version()), true
	}
	p.render(w, r, http.StatusConflict, v)
	return nil
}

// deleted is what the page says of deleted record a to rep you, after the
// write action that met the delete ("" when they only opened the page);
// typed says the form holds what they typed.
func (p *recordPages[A, F]) deleted(a A, action string, typed bool, you string) *views.Deleted {
	return &views.Deleted{Noun: p.kind, By: a.UpdatedBy(), ByYou: a.UpdatedBy() == you, At: a.DeletedAt(),
		Action: action, Typed: typed}
}

// banner is the conflict banner of c, a write of action by rep you that
// lost the race: who saved since and, field by field, what changed. A
// field save compares the three versions; any other write shows what
// changed since the version the rep was looking at.
func (p *recordPages[A, F]) banner(c *conflict.Error[A, F], action, you string) *views.Conflict {
	cur := c.Current
	b := &views.Conflict{Noun: p.kind, Action: action, BaseVersion: c.Lock.Expected, CurrentVersion: cur.Version(),
		SavedBy: cur.UpdatedBy(), ByYou: cur.UpdatedBy() == you, SavedAt: cur.UpdatedAt(), WantedStatus: c.Wanted}
	switch {
	case c.Yours != nil:
		var base fieldReader // unknown: every difference is the rep's call
		if c.HasBase() {
			base = c.Base.Fields()
		}
		b.Typed = true
		b.Rows = append(compareRows(c.Compare, p.labels, base, cur.Fields(), *c.Yours), p.stateRow(c)...)
	case c.HasBase():
		b.Rows = append(bannerRows(domain.Changed(p.fields, c.Base.Fields(), cur.Fields()), views.ChangedByThem, p.labels,
			c.Base.Fields(), cur.Fields(), nil), p.stateRow(c)...)
	}
	return b
}

// stateRow is the banner row of a record moved since the rep's version,
// none when it stands where it stood or its kind has no state machine.
func (p *recordPages[A, F]) stateRow(c *conflict.Error[A, F]) []views.ConflictRow {
	if p.state == nil || !c.HasBase() || p.state(c.Base) == p.state(c.Current) {
		return nil
	}
	return []views.ConflictRow{{Field: p.stateField, Label: p.labels[p.stateField],
		Kind: views.ChangedByThem, Base: p.state(c.Base), Theirs: p.state(c.Current)}}
}

// render renders the record's page, or its editor for htmx, with the
// record's history; a deleted record says so.
func (p *recordPages[A, F]) render(w http.ResponseWriter, r *http.Request, status int, v views.Editor[A]) {
	if v.Record.Deleted() && v.Deleted == nil {
		v.Deleted = p.deleted(v.Record, "", false, actor(r))
	}
	if !v.History.Kept {
		v.History = p.s.history(r.Context(), p.kind, p.svc, v.Record.ID())
	}
	p.s.render(w, r, status, p.page(v), p.editor(v))
}

func (p *recordPages[A, F]) showNew(w http.ResponseWriter, r *http.Request) error {
	form := p.blank(r)
	n := views.NewRecord{Kind: p.kind}
	if kept, ok := p.s.keptForm(r, p.kind, p.inputs); ok {
		form, n.Notice = kept, resumedNotice
	}
	n.Fields = p.newFields(form)
	p.s.render(w, r, http.StatusOK, views.NewRecordPage(n), views.NewRecordForm(n))
	return nil
}

func (p *recordPages[A, F]) add(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	values, f, err := p.decode(r)
	created, err := p.create(r, f, err)
	switch {
	case isInvalid(err):
		form := views.Form{Prefix: p.kind, Values: values, Errors: fieldErrors(err)}
		n := views.NewRecord{Kind: p.kind, Fields: p.newFields(form)}
		p.s.render(w, r, http.StatusUnprocessableEntity, views.NewRecordPage(n), views.NewRecordForm(n))
		return nil
	case err != nil:
		return err
	}
	if p.created != nil {
		redirect(w, r, p.created(created))
		return nil
	}
	redirect(w, r, p.url(created.ID())+"?notice=created")
	return nil
}

func (p *recordPages[A, F]) live(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, p.kind)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), p.s.timeout)
	_, err = p.svc.Get(ctx, id)
	cancel()
	if err != nil {
		return err // no stream, and no slot taken, for a record that is not there
	}
	you := actor(r)
	return p.s.stream(w, r, p.kind, id, func(s domain.Saved) string { return p.savedMessage(s, you) },
		func(ctx context.Context) (liveNotice, error) {
			a, err := p.svc.Get(ctx, id)
			if err != nil {
				return liveNotice{}, err
			}
			return liveNotice{Version: a.Version(), Message: p.caughtUpMessage(a, you)}, nil
		})
}
