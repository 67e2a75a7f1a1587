// Package app wires the CRM over a PostgreSQL pool: repositories, use
// cases, the pages and the JSON API. It is the one wiring point: `crm
// serve` and the functional tests both build the app here, so the tests
// run exactly what ships. It lives under cmd because it may import every
// layer; cmd/crm itself is package main and cannot be imported.
package app

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"
	// The time zones reps' browsers report are known to the binary itself,
	// whatever the machine or image it runs on has in /usr/share/zoneinfo
	// (about 450 KB).
	_ "time/tzdata"

	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/delivery/api"
	"crm/delivery/leadquery"
	"crm/delivery/telemetry"
	"crm/delivery/web"
	"crm/domain"
	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/entry"
	"crm/domain/lead"
	"crm/domain/savedview"
	"crm/domain/task"
	"crm/infrastructure/metrics"
	"crm/infrastructure/password"
	"crm/infrastructure/postgres"
	"crm/usecase/admin"
	"crm/usecase/auth"
	"crm/usecase/contacts"
	"crm/usecase/conversion"
	"crm/usecase/dashboard"
	"crm/usecase/deals"
	"crm/usecase/entries"
	"crm/usecase/imports"
	"crm/usecase/leads"
	"crm/usecase/savedviews"
	"crm/usecase/tasks"
	"crm/usecase/trash"
)

// SessionCookie names the cookie that carries a rep's session.
const SessionCookie = "crm_session"

// Session lifetimes: a rep who steps away for two hours signs in again, and
// nobody stays signed in past a working day. Expired sessions are deleted
// every sessionSweepInterval.
const (
	sessionIdleTimeout   = 2 * time.Hour
	sessionLifetime      = 12 * time.Hour
	sessionSweepInterval = 5 * time.Minute
)

// DefaultLiveWatchers bounds the open pages one instance streams live
// notices to; past it pages work without them (the stream answers 503).
const DefaultLiveWatchers = 1000

// Options are what may differ between the app that serves reps and the
// one a test starts; the zero value is what `crm serve` runs.
type Options struct {
	Logger *slog.Logger // nil for slog.Default()
	// SecureCookies marks the session cookie Secure, for HTTPS.
	SecureCookies bool
	// Hasher hashes passwords; nil for bcrypt at its default cost.
	Hasher auth.Hasher
	// LiveWatchers bounds the live notice streams; 0 for DefaultLiveWatchers.
	LiveWatchers int
	// LiveNoticesOff serves pages without live notices (LIVE_NOTICES=off):
	// no stream is opened and the feed does not LISTEN. The pool's saves
	// must then send none either (postgres.LiveNotices).
	LiveNoticesOff bool
	// RequestTimeout bounds a request; 0 for web.DefaultRequestTimeout.
	RequestTimeout time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For the
	// sign-in limits believe (TRUSTED_PROXIES).
	TrustedProxies []netip.Prefix
	// Metrics measures the app (METRICS_ADDR); nil measures nothing. One
	// app only may use it.
	Metrics *metrics.Metrics
}

// App is the whole CRM over one pool. Handler serves every request; the
// services are there for the commands and tests that act on the store
// directly, as a rep would through a page.
type App struct {
	Handler  http.Handler
	Leads    *leads.Service
	Contacts *contacts.Service
	Deals    *deals.Service
	Views    *savedviews.Service
	Tasks    *tasks.Service
	Entries  *entries.Service
	Auth     *auth.Service
	// LeadImports and ContactImports import CSV files; the imports
	// started from a page run in the background until Run ends.
	LeadImports    *imports.Service[*lead.Lead, lead.Fields]
	ContactImports *imports.Service[*contact.Contact, contact.Fields]
	// Feed delivers the saves committed on any instance to the open
	// pages; Run runs it.
	Feed *postgres.Feed
	// Reminders tell reps of their tasks falling due, through the feed;
	// Run runs them with it.
	Reminders *postgres.Reminders

	pool        *pgxpool.Pool
	log         *slog.Logger
	liveNotices bool // whether Run runs the feed
	jobs        *imports.Jobs
}

// New wires the app over pool.
func New(pool *pgxpool.Pool, opt Options) *App {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Hasher == nil {
		opt.Hasher = password.Bcrypt{}
	}
	if opt.LiveWatchers == 0 {
		opt.LiveWatchers = DefaultLiveWatchers
	}
	leadRepo, contactRepo := postgres.NewLeadRepository(pool), postgres.NewContactRepository(pool)
	a := &App{
		Leads:    leads.NewService(leadRepo),
		Contacts: contacts.NewService(contactRepo),
		Deals:    deals.NewService(postgres.NewDealRepository(pool)),
		// A saved view's query is the lead list's address: the list's own
		// reader checks it.
		Views: savedviews.NewService(postgres.NewSavedViewRepository(pool), leadquery.Canonical),
		Tasks: tasks.NewService(postgres.NewTaskRepository(pool), postgres.NewUserRepository(pool)),
		Auth:  NewAuth(pool, opt.Hasher),
		Feed:  postgres.NewFeed(pool, opt.LiveWatchers, opt.Logger),
		pool:  pool,
		log:   opt.Logger,
	}
	a.Entries = entries.NewService(postgres.NewEntryRepository(pool), a.recordExists)
	a.jobs = imports.NewJobs(opt.Logger)
	a.LeadImports, a.ContactImports = NewLeadImports(pool, a.jobs), NewContactImports(pool, a.jobs)
	apiCfg := api.Config{Leads: a.Leads, Contacts: a.Contacts, Deals: a.Deals, Views: a.Views, Tasks: a.Tasks, Entries: a.Entries, Tokens: a.Auth, Logger: opt.Logger,
		RequestTimeout: cmp.Or(opt.RequestTimeout, web.DefaultRequestTimeout)}
	// One repository reads the dashboard's figures and the rep's overdue
	// tasks it lists.
	figures := postgres.NewDashboardRepository(pool)
	webCfg := web.Config{
		Leads:      a.Leads,
		Contacts:   a.Contacts,
		Deals:      a.Deals,
		Views:      a.Views,
		Tasks:      a.Tasks,
		Entries:    a.Entries,
		Conversion: conversion.NewService(postgres.NewUnitOfWork(pool), leadRepo, contactRepo),
		Trash:      trash.NewService(postgres.NewTrashRepository(pool)),
		Dashboard:  dashboard.NewService(figures, figures),
		Admin:      admin.NewService(a.Auth, postgres.NewAuditLog(pool), postgres.NewTrashRepository(pool)),
		Auth:       a.Auth,
		Users:      postgres.NewUserRepository(pool),
		Sessions:   newSessions(postgres.NewSessionStore(pool), opt.SecureCookies),
		Logger:     opt.Logger,
		Ready:      pool.Ping,
		// The API is served inside the pages' router, under its deadline.
		RequestTimeout: opt.RequestTimeout,
		TrustedProxies: opt.TrustedProxies,
	}
	webCfg.LeadImports, webCfg.ContactImports = a.LeadImports, a.ContactImports
	if !opt.LiveNoticesOff {
		webCfg.Live = a.Feed
		a.Feed.RepNoticeOf = web.AssignedNotice
		a.Reminders = postgres.NewReminders(pool, web.ReminderNotice, opt.Logger)
	}
	a.liveNotices = !opt.LiveNoticesOff
	if m := opt.Metrics; m != nil {
		m.CollectPool(pool)
		m.CollectLiveWatchers(a.Feed.Watchers)
		m.DeclareSaves([]string{lead.Kind, contact.Kind, deal.Kind, savedview.Kind, task.Kind, entry.Kind}, telemetry.Outcomes)
		a.Feed.NoticeLag = m.ObserveNotifyLag
		webCfg.Requests, webCfg.Saves, apiCfg.Saves = m, m, m
	}
	webCfg.API = api.NewHandler(apiCfg)
	a.Handler = web.NewRouter(webCfg)
	return a
}

// recordExists says whether the record an entry is logged on is there to
// take it: a *domain.NotFoundError when it is not, a *domain.DeletedError
// when it is in the Trash.
func (a *App) recordExists(ctx context.Context, rec entry.Ref) error {
	switch rec.Kind {
	case lead.Kind:
		return liveOne(a.Leads.Get(ctx, rec.ID))
	case contact.Kind:
		return liveOne(a.Contacts.Get(ctx, rec.ID))
	case deal.Kind:
		return liveOne(a.Deals.Get(ctx, rec.ID))
	}
	return &domain.NotFoundError{Kind: rec.Kind, ID: rec.ID}
}

// liveOne is the error of a read, or else of the record read being deleted.
func liveOne[A interface{ Live() error }](a A, err error) error {
	if err != nil {
		return err
	}
	return a.Live()
}

// NewLeadImports and NewContactImports wire the imports of leads and of
// contacts over pool, for the app and for crm import; jobs runs those
// started from a page, nil for a caller that runs them itself.
func NewLeadImports(pool *pgxpool.Pool, jobs *imports.Jobs) *imports.Service[*lead.Lead, lead.Fields] {
	return imports.NewService(imports.Leads, postgres.NewLeadImports(pool), jobs)
}

// NewContactImports: see NewLeadImports.
func NewContactImports(pool *pgxpool.Pool, jobs *imports.Jobs) *imports.Service[*contact.Contact, contact.Fields] {
	return imports.NewService(imports.Contacts, postgres.NewContactImports(pool), jobs)
}

// NewAuth wires the sign-in use cases over pool, for the app and for the
// commands that add reps and tokens.
func NewAuth(pool *pgxpool.Pool, hasher auth.Hasher) *auth.Service {
	return auth.NewService(postgres.NewUserRepository(pool), postgres.NewTokenRepository(pool),
		postgres.NewLoginFailures(pool, auth.DefaultLimits.Window), hasher, auth.DefaultLimits)
}

// newSessions keeps sessions in PostgreSQL, so any instance serves any
// request. Cookies are HttpOnly and SameSite=Lax, and Secure when served
// over HTTPS.
func newSessions(store scs.Store, secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.Codec = newSessionCodec()
	sm.IdleTimeout = sessionIdleTimeout
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = SessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	return sm
}

// reminderInterval is how often the task reminders look for tasks falling
// due: a reminder comes at most this late.
const reminderInterval = 30 * time.Second

// Run does the app's background work until ctx is cancelled: the live
// feed's LISTEN and the task reminders (unless live notices are off), the sweep of expired
// sessions; then it stops the imports running in the background, which
// stay where their last chunk left them, to be resumed. It returns once
// all have stopped.
func (a *App) Run(ctx context.Context) {
	var wg sync.WaitGroup
	if a.liveNotices {
		wg.Go(func() { a.Feed.Run(ctx) })
		wg.Go(func() { a.Reminders.Run(ctx, reminderInterval) })
	}
	wg.Go(func() { postgres.SweepSessions(ctx, a.pool, sessionSweepInterval, a.log) })
	wg.Wait()
	a.jobs.Stop()
}
