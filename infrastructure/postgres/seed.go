package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// seedBatch is how many leads one COPY sends: big enough that round trips do
// not matter, small enough that progress moves every fraction of a second.
const seedBatch = 10_000

// seedLockKey is the advisory lock that makes concurrent Seed calls take
// turns ("crm-seed" in ASCII).
const seedLockKey = 0x63726d2d73656564

// Seed brings the leads table up to at least n leads of varied, made-up demo
// data and reports how many it inserted; a second run with the same n
// inserts nothing. Each CONVERTED lead gets its contact and deal (see
// completeConversions). Lead number i is always the same lead (the generator is
// seeded per lead), so demos and bug reports are reproducible. It calls
// progress, when not nil, after each batch. All leads go in as one
// transaction: an interrupted run leaves the table as it was. It is meant for
// demo and test databases: while it rebuilds the search index other sessions
// wait for it (see prepareBulkInsert).
func Seed(ctx context.Context, pool *pgxpool.Pool, n int, progress func(done, total int)) (inserted int, err error) {
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// Taken before counting, so a second seeder waits and then counts
		// the first one's leads instead of adding its own.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(seedLockKey)); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		var have int
		var lastID int64
		var after, now time.Time
		err := tx.QueryRow(ctx, `
			SELECT count(*), COALESCE(max(id), 0), COALESCE(max(created_at), now() - interval '730 days'), now()
			FROM leads`).Scan(&have, &lastID, &after, &now)
		if err != nil {
			return fmt.Errorf("count leads: %w", err)
		}
		total := max(n-have, 0)
		if total == 0 {
			return completeConversions(ctx, tx)
		}
		owners, err := seedOwnersOf(ctx, tx)
		if err != nil {
			return err
		}
		rebuild, err := prepareBulkInsert(ctx, tx, total >= have)
		if err != nil {
			return err
		}
		gen := newLeadGenerator(after, now, total, owners)
		for inserted < total {
			size := min(seedBatch, total-inserted)
			first := inserted
			rows := pgx.CopyFromSlice(size, func(i int) ([]any, error) {
				return gen.row(have+first+i, first+i), nil
			})
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"leads"}, seedColumns, rows); err != nil {
				return fmt.Errorf("copy leads: %w", err)
			}
			inserted += size
			if progress != nil {
				progress(inserted, total)
			}
		}
		for _, def := range rebuild {
			if _, err := tx.Exec(ctx, def); err != nil {
				return fmt.Errorf("rebuild index: %w", err)
			}
		}
		if err := completeConversions(ctx, tx); err != nil {
			return err
		}
		return recordSeedHistory(ctx, tx, lastID)
	})
	if err != nil {
		return 0, fmt.Errorf("seed leads: %w", err)
	}
	if inserted > 0 {
		// Searches read a GIN index's pending list row by row, so it is
		// merged now rather than whenever autovacuum gets to it; fresh
		// statistics let the planner pick the trigram index for rare search
		// terms and the primary key for common ones.
		_, err := pool.Exec(ctx, `
			SELECT gin_clean_pending_list(i.indexrelid::regclass)
			FROM pg_index i
			JOIN pg_class c ON c.oid = i.indexrelid
			JOIN pg_am am ON am.oid = c.relam
			WHERE i.indrelid = 'leads'::regclass AND am.amname = 'gin';
			ANALYZE leads`)
		if err != nil {
			return inserted, fmt.Errorf("tidy up after seeding: %w", err)
		}
	}
	return inserted, nil
}

// completeConversions gives every CONVERTED lead without a deal the
// contact and deal a conversion would have made, so the demo keeps the
// domain's promise that a converted lead became a contact and a deal, and
// the contact and deal pages have something to show. As a conversion does,
// a lead whose email a live contact has links that contact, and leads that
// share an email share the contact made for the first of them (one live
// contact per email). New contact ids are drawn from the contacts' own
// identity sequence first, which pairs each lead with its contact without
// relying on the order an INSERT assigns ids in. Amounts, currencies and
// stages follow the lead id, so they are reproducible.
func completeConversions(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `
CREATE TEMP TABLE seed_conversions ON COMMIT DROP AS
SELECT l.id AS lead_id, nullif(lower(l.email), '') AS email_key, NULL::bigint AS contact_id, false AS creates
FROM leads l
WHERE l.status = 'CONVERTED' AND l.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.lead_id = l.id);

UPDATE seed_conversions s SET contact_id = c.id
FROM contacts c
WHERE s.email_key IS NOT NULL AND c.email <> '' AND c.deleted_at IS NULL AND lower(c.email) = s.email_key;

UPDATE seed_conversions s SET contact_id = nextval(pg_get_serial_sequence('contacts', 'id')), creates = true
FROM (
  SELECT lead_id, row_number() OVER (PARTITION BY coalesce(email_key, 'lead ' || lead_id) ORDER BY lead_id) AS n
  FROM seed_conversions WHERE contact_id IS NULL
) first
WHERE first.lead_id = s.lead_id AND first.n = 1;

UPDATE seed_conversions s SET contact_id = f.contact_id
FROM seed_conversions f
WHERE s.contact_id IS NULL AND f.creates AND f.email_key = s.email_key;

INSERT INTO contacts (id, name, email, phone, company, owner_id, created_at, updated_at, updated_by)
OVERRIDING SYSTEM VALUE
SELECT c.contact_id, l.name, l.email, l.phone, l.company, l.owner_id, l.updated_at, l.updated_at, l.updated_by
FROM seed_conversions c JOIN leads l ON l.id = c.lead_id
WHERE c.creates;

INSERT INTO deals (title, amount_minor, currency, stage, expected_close, closed_on, contact_id, lead_id, owner_id, created_at, updated_at, updated_by)
SELECT left(COALESCE(NULLIF(l.company, ''), l.name), 200),
       (500 + (l.id * 7919) % 99500) * 100,
       (ARRAY['EUR', 'USD', 'GBP', 'BRL'])[1 + l.id % 4],
       st.stage,
       -- Open deals expect to close one to thirteen weeks after their last
       -- change (every deal in Negotiation has a date, as the gate wants;
       -- a third of the others have none yet); won and lost deals closed
       -- on the day of their last change, as the Won gate wants.
       CASE WHEN st.stage = 'NEGOTIATION' OR (st.stage IN ('QUALIFICATION', 'PROPOSAL') AND l.id % 3 <> 0)
            THEN (l.updated_at AT TIME ZONE 'UTC')::date + (7 * (1 + l.id % 13))::int END,
       CASE WHEN st.stage IN ('WON', 'LOST') THEN (l.updated_at AT TIME ZONE 'UTC')::date END,
       c.contact_id, l.id, l.owner_id, l.updated_at, l.updated_at, l.updated_by
FROM seed_conversions c JOIN leads l ON l.id = c.lead_id
CROSS JOIN LATERAL (SELECT (ARRAY['QUALIFICATION', 'PROPOSAL', 'WON', 'LOST', 'NEGOTIATION', 'QUALIFICATION'])[1 + (l.id / 4) % 6] AS stage) st`)
	if err != nil {
		return fmt.Errorf("complete conversions: %w", err)
	}
	return nil
}

// prepareBulkInsert makes the trigram index cheap to keep up to date while
// Seed copies leads in, and returns the statements to run once it is done.
//
// Maintaining a GIN index row by row dominates a bulk insert: a million leads
// took 38 s with it and 8 s without, while building it afresh takes 12 s.
// So when the table at least doubles (always for a fresh demo database) its
// GIN indexes are dropped and recreated from their own definitions (nothing
// here repeats the migration) inside Seed's transaction; other sessions never
// see the table without them, they wait for the commit instead. When topping
// up a larger table, the index is kept and only given more memory.
// SET LOCAL keeps the pooled connection's settings as they were.
func prepareBulkInsert(ctx context.Context, tx pgx.Tx, rebuildIndexes bool) (rebuild []string, err error) {
	if !rebuildIndexes {
		// A bigger pending list and sort memory flush the index in fewer,
		// larger merges.
		_, err := tx.Exec(ctx, `SET LOCAL gin_pending_list_limit = '64MB'; SET LOCAL work_mem = '256MB'`)
		if err != nil {
			return nil, fmt.Errorf("tune insert: %w", err)
		}
		return nil, nil
	}
	// An index's definition leaves out the statistics target of its
	// columns, which tells the planner how many leads a search matches
	// (migration 000031): it is set again after the build.
	rows, err := tx.Query(ctx, `
		SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid),
		       coalesce((SELECT string_agg(format('ALTER INDEX %s ALTER COLUMN %s SET STATISTICS %s',
		                                          i.indexrelid::regclass, a.attnum, a.attstattarget), '; ')
		                 FROM pg_attribute a WHERE a.attrelid = i.indexrelid AND a.attstattarget >= 0), '')
		FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_am am ON am.oid = c.relam
		WHERE i.indrelid = 'leads'::regclass AND am.amname = 'gin'`)
	if err != nil {
		return nil, fmt.Errorf("find gin indexes: %w", err)
	}
	type index struct{ Name, Def, Statistics string }
	indexes, err := pgx.CollectRows(rows, pgx.RowToStructByPos[index])
	if err != nil {
		return nil, fmt.Errorf("find gin indexes: %w", err)
	}
	for _, ix := range indexes {
		// The name comes quoted from regclass::text.
		if _, err := tx.Exec(ctx, `DROP INDEX `+ix.Name); err != nil {
			return nil, fmt.Errorf("drop index: %w", err)
		}
		rebuild = append(rebuild, ix.Def)
		if ix.Statistics != "" {
			rebuild = append(rebuild, ix.Statistics)
		}
	}
	if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
		return nil, fmt.Errorf("tune index build: %w", err)
	}
	return rebuild, nil
}

var seedColumns = []string{"name", "email", "company", "phone", "source", "score", "status",
	"owner_id", "notes", "created_at", "updated_at", "updated_by", "version"}

// seedPaths are the moves a seeded lead made to reach its status, one
// version each after its creation: the history recordSeedHistory writes.
var seedPaths = map[string][]string{
	"NEW":       nil,
	"CONTACTED": {"CONTACTED"},
	"QUALIFIED": {"CONTACTED", "QUALIFIED"},
	"CONVERTED": {"CONTACTED", "QUALIFIED", "CONVERTED"},
	"LOST":      {"CONTACTED", "LOST"},
}

// recordSeedHistory gives the leads seeded after lastID the history their
// state tells: created by their owner (the last to change them) with their fields, then each move of
// seedPaths, spread between creation and their last change; a converted
// lead's last event names the contact and deal it became (as a conversion
// records them), so its history links to its deal. The events match the
// domain's own (lead.EventCreated and the rest), so the history page reads
// them as any other.
func recordSeedHistory(ctx context.Context, tx pgx.Tx, lastID int64) error {
	_, err := tx.Exec(ctx, `
INSERT INTO activity (aggregate_kind, aggregate_id, version, event, actor, changes, refs, occurred_at)
SELECT 'lead', l.id, 1, 'LeadCreated', l.updated_by,
       (SELECT COALESCE(jsonb_agg(jsonb_build_object('field', f, 'old', o, 'new', n) ORDER BY i), '[]')
        FROM (VALUES (1, 'name', '', l.name), (2, 'email', '', l.email), (3, 'company', '', l.company),
                     (4, 'phone', '', l.phone), (5, 'source', '', l.source), (6, 'score', '0', l.score::text),
                     (7, 'notes', '', l.notes), (8, 'owner', '', coalesce(l.owner_id::text, ''))) AS v(i, f, o, n)
        WHERE o <> n),
       '{}', l.created_at
FROM leads l WHERE l.id > $1
UNION ALL
SELECT 'lead', l.id, m.step + 1, CASE WHEN m.status = 'CONVERTED' THEN 'LeadConverted' ELSE 'LeadStatusChanged' END, l.updated_by,
       jsonb_build_array(jsonb_build_object('field', 'status', 'old', m.previous, 'new', m.status)),
       CASE WHEN m.status = 'CONVERTED' THEN jsonb_build_object('contact', d.contact_id, 'deal', d.id) ELSE '{}' END,
       l.created_at + (l.updated_at - l.created_at) * m.step / (l.version - 1)
FROM leads l
CROSS JOIN LATERAL (
  SELECT p.step, p.status, COALESCE(lag(p.status) OVER (ORDER BY p.step), 'NEW') AS previous
  FROM unnest(CASE l.status WHEN 'CONTACTED' THEN '{CONTACTED}'::text[]
                            WHEN 'QUALIFIED' THEN '{CONTACTED,QUALIFIED}'
                            WHEN 'CONVERTED' THEN '{CONTACTED,QUALIFIED,CONVERTED}'
                            WHEN 'LOST' THEN '{CONTACTED,LOST}' END) WITH ORDINALITY AS p(status, step)
) m
LEFT JOIN deals d ON d.lead_id = l.id
WHERE l.id > $1`, lastID)
	if err != nil {
		return fmt.Errorf("record the seeded leads' history: %w", err)
	}
	return nil
}

// leadGenerator makes demo leads. Each lead's values come from a generator
// seeded with its number alone, so lead i is the same whatever the batch
// size or how many leads an earlier run inserted.
type leadGenerator struct {
	src        *rand.PCG
	rnd        *rand.Rand
	after, now time.Time
	total      int
	owners     []seedOwner
}

func newLeadGenerator(after, now time.Time, total int, owners []seedOwner) *leadGenerator {
	src := rand.NewPCG(0, 0)
	return &leadGenerator{src: src, rnd: rand.New(src), after: after, now: now, total: total, owners: owners}
}

// seedOwner is who a seeded record belongs to and was last changed by.
type seedOwner struct {
	id   *int64 // nil: nobody, when the database has no user
	name string
}

// seedOwnersOf lists the users seeded records go to, the active ones, so a
// demo's leads, contacts and deals have owners a rep can sign in as (the
// seed adds its demo reps first). Without any user, records go to nobody
// and are last changed by made-up names.
func seedOwnersOf(ctx context.Context, tx pgx.Tx) ([]seedOwner, error) {
	rows, err := tx.Query(ctx, `SELECT id, name FROM users WHERE NOT deactivated ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list owners: %w", err)
	}
	defer rows.Close()
	var owners []seedOwner
	for rows.Next() {
		var id int64
		var o seedOwner
		if err := rows.Scan(&id, &o.name); err != nil {
			return nil, fmt.Errorf("list owners: %w", err)
		}
		o.id = &id
		owners = append(owners, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list owners: %w", err)
	}
	if len(owners) == 0 {
		for _, name := range madeUpNames {
			owners = append(owners, seedOwner{name: name})
		}
	}
	return owners, nil
}

// row returns lead number i (counting every lead in the table) as the k-th
// of this run. Creation times rise with k between the newest existing lead
// and now, so newest-first by id and by created_at agree.
func (g *leadGenerator) row(i, k int) []any {
	g.src.Seed(0x5eed_c0ffee, uint64(i))
	r := g.rnd
	first, last := pick(r, firstNames), pick(r, lastNames)
	company, domain := companyAndDomain(r, last)
	status, score := statusAndScore(r)
	owner := pick(r, g.owners)
	created := g.after.Add(time.Duration(float64(g.now.Sub(g.after)) * float64(k+1) / float64(g.total+1))).Truncate(time.Second)
	moves := len(seedPaths[status])
	updated := created
	if moves > 0 {
		// Worked on for up to three weeks, never past now.
		updated = created.Add(time.Duration(1+r.IntN(21*24)) * time.Hour)
		if now := g.now.Truncate(time.Second); updated.After(now) {
			updated = now
		}
	}
	return []any{
		first.text + " " + last.text, email(r, first, last, domain), company, phone(r),
		weighted(r, sources), score, status, owner.id, notes(r, first.text, company),
		created, updated, owner.name, int64(1 + moves),
	}
}

func companyAndDomain(r *rand.Rand, last name) (company, domain string) {
	switch r.IntN(4) {
	case 0:
		partner := pick(r, lastNames)
		company, domain = last.text+" & "+partner.text, last.slug+partner.slug
	case 1:
		word, tail := pick(r, companyWords), pick(r, companyTails)
		company, domain = word.text+tail.text, word.slug+tail.slug
	default:
		word, noun := pick(r, companyWords), pick(r, companyNouns)
		company, domain = word.text+" "+noun.text, word.slug+noun.slug
	}
	return company + pick(r, companySuffixes), domain + pick(r, tlds)
}

func email(r *rand.Rand, first, last name, domain string) string {
	switch r.IntN(10) {
	case 0:
		return "" // not every lead comes with an address
	case 1:
		return first.slug + last.slug + strconv.Itoa(r.IntN(99)+1) + pick(r, freeMail)
	case 2:
		return first.slug[:1] + "." + last.slug + "@" + domain
	case 3:
		return first.slug + "@" + domain
	default:
		return first.slug + "." + last.slug + "@" + domain
	}
}

// statusAndScore spreads leads over every status; the score follows the
// stage, and a CONVERTED lead always has the 80 the rule demands.
func statusAndScore(r *rand.Rand) (string, int) {
	switch p := r.IntN(100); {
	case p < 35:
		return "NEW", r.IntN(71)
	case p < 60:
		return "CONTACTED", 10 + r.IntN(81)
	case p < 75:
		return "QUALIFIED", 45 + r.IntN(56)
	case p < 83:
		return "CONVERTED", 80 + r.IntN(21)
	default:
		return "LOST", r.IntN(61)
	}
}

func phone(r *rand.Rand) string {
	d := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return string(b)
	}
	var p string
	switch r.IntN(8) {
	case 0:
		return ""
	case 1:
		p = "+44 20 " + d(4) + " " + d(4)
	case 2:
		p = "+49 30 " + d(6)
	case 3:
		p = "+55 11 9" + d(4) + "-" + d(4)
	case 4:
		p = "+33 1 " + d(2) + " " + d(2) + " " + d(2) + " " + d(2)
	case 5:
		p = "+91 9" + d(4) + " " + d(5)
	default:
		p = "+1 (" + fmt.Sprint(200+r.IntN(800)) + ") 555-" + d(4)
	}
	if r.IntN(10) == 0 {
		p += " x" + d(3)
	}
	return p
}

func notes(r *rand.Rand, first, company string) string {
	if r.IntN(5) < 2 {
		return ""
	}
	var b strings.Builder
	for n := 1 + r.IntN(3); n > 0; n-- {
		if b.Len() > 0 {
			b.WriteString(pick(r, []string{" ", "\n"}))
		}
		s := pick(r, noteTemplates)
		s = strings.ReplaceAll(s, "{first}", first)
		s = strings.ReplaceAll(s, "{company}", company)
		s = strings.ReplaceAll(s, "{n}", fmt.Sprint(5*(1+r.IntN(40))))
		b.WriteString(s)
	}
	return b.String()
}

func pick[T any](r *rand.Rand, from []T) T { return from[r.IntN(len(from))] }

// weighted picks from a list where earlier entries are listed more often.
func weighted(r *rand.Rand, from []string) string {
	return from[min(r.IntN(len(from)), r.IntN(len(from)))]
}

// name is a word as shown and as it appears in addresses and domains:
// lower case ASCII without spaces or apostrophes ("João" → "joao").
type name struct{ text, slug string }

func names(words ...string) []name {
	out := make([]name, len(words))
	for i, w := range words {
		slug := strings.ToLower(asciiFolder.Replace(w))
		out[i] = name{text: w, slug: strings.NewReplacer(" ", "", "'", "").Replace(slug)}
	}
	return out
}

var asciiFolder = strings.NewReplacer(
	"á", "a", "à", "a", "ã", "a", "â", "a", "ä", "a", "å", "a", "ç", "c", "é", "e", "è", "e",
	"ê", "e", "ë", "e", "í", "i", "ï", "i", "ı", "i", "ñ", "n", "ó", "o", "ô", "o", "õ", "o",
	"ö", "o", "ø", "o", "ś", "s", "ş", "s", "ú", "u", "ü", "u", "ł", "l", "ż", "z", "ğ", "g",
	"Ö", "O", "Ø", "O", "Ł", "L", "Ş", "S", "É", "E", "Á", "A", "Å", "A",
)

var (
	firstNames = names(
		"Ada", "Alan", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Edsger", "Frances", "Donald",
		"Sofia", "Lucas", "Maria", "João", "Ana", "Pedro", "Beatriz", "Mateus", "Camila", "Rafael",
		"Emma", "Noah", "Olivia", "Liam", "Ava", "Ethan", "Mia", "James", "Isabella", "Oliver",
		"Léa", "Hugo", "Chloé", "Louis", "Zoë", "Jonas", "Lena", "Felix", "Anna", "Maximilian",
		"Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Sakura", "Haruto", "Yuki", "Wei", "Mei",
		"Chen", "Min-jun", "Ji-woo", "Fatima", "Omar", "Layla", "Youssef", "Amara", "Kwame", "Nia",
		"Łukasz", "Zofia", "Søren", "Ingrid", "Björn", "Astrid", "Mehmet", "Ayşe", "Diego", "Lucía",
		"Mateo", "Valentina", "Santiago", "Martina", "Ivan", "Olga", "Dmitri", "Katarzyna", "Niamh", "Seán",
	)
	lastNames = names(
		"Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Dijkstra", "Allen", "Knuth",
		"Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Almeida", "Ferreira", "Rodrigues", "Gomes",
		"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
		"Martin", "Bernard", "Dubois", "Lefèvre", "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner",
		"Sharma", "Patel", "Gupta", "Iyer", "Reddy", "Tanaka", "Suzuki", "Takahashi", "Wang", "Li",
		"Zhang", "Kim", "Park", "Choi", "Haddad", "Mansour", "Okafor", "Mensah", "Nowak", "Kowalski",
		"Jensen", "Nielsen", "Lindqvist", "Johansson", "Yılmaz", "Demir", "García", "Fernández", "López", "Martínez",
		"O'Brien", "Murphy", "Kelly", "Ivanova", "Petrov", "Rossi", "Russo", "Ferrari", "De Vries", "van Dijk",
	)
	companyWords = names(
		"North", "Blue", "Silver", "Bright", "Iron", "Green", "Red", "Summit", "Harbor", "Pine",
		"Quantum", "Atlas", "Nova", "Vertex", "Cedar", "Granite", "Sun", "Star", "River", "Orbit",
		"Apex", "Crystal", "Falcon", "Maple", "Oak", "Polar", "Prism", "Sierra", "Terra", "Zenith",
	)
	companyTails = names("wind", "peak", "field", "bridge", "stone", "works", "gate", "line", "point", "scale")
	companyNouns = names("Logistics", "Analytics", "Foods", "Robotics", "Health", "Energy", "Capital",
		"Software", "Textiles", "Media", "Labs", "Motors", "Studios", "Pharma", "Consulting")
	freeMail        = []string{"@gmail.com", "@outlook.com", "@proton.me", "@yahoo.com"}
	companySuffixes = []string{"", "", "", " Inc", " Ltd", " GmbH", " S.A.", " Ltda", " LLC", " BV", " AB", " Co."}
	tlds            = []string{".com", ".com", ".com", ".io", ".co.uk", ".de", ".com.br", ".fr", ".in", ".nl", ".se"}
	sources         = []string{"Website", "Referral", "LinkedIn", "Trade show", "Webinar", "Cold call", "Google Ads", "Partner", "Newsletter", "Event: SaaStr"}
	madeUpNames     = []string{"ana", "bruno", "chen", "dara", "emeka", "farah"}
	noteTemplates   = []string{
		"{first} asked for a demo next week.",
		"Budget approved; follow up in {n} days.",
		"Met {first} at the trade show; interested in the enterprise plan.",
		"{company} is evaluating two other vendors.",
		"Sent pricing for {n} seats.",
		"Call back after the holidays.",
		"{first} prefers email over phone.",
		"Decision maker is the CFO, not {first}.",
		"Trial started; {n} active users so far.",
		"Wants SSO and an EU data centre before signing.",
		"No answer on three calls. Try LinkedIn.",
		"Renewal of their current contract is in {n} days.",
		"Referred by an existing customer at {company}.",
		"Asked about discounts for non-profits (50% off?).",
		"Uses spreadsheets today; pain point is lost updates.",
	}
)
