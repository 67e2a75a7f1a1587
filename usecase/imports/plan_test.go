package imports

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
)

// leadsFound is a Finder over stored leads, newest (highest id) first,
// each returned as a fresh copy, as a database returns it.
type leadsFound []lead.Snapshot

func (s leadsFound) ByEmail(_ context.Context, emails []string) (map[string][]*lead.Lead, error) {
	out := map[string][]*lead.Lead{}
	for _, snap := range s.newestFirst() {
		if k := fold(snap.Fields.Email); k != "" && slices.Contains(emails, k) {
			out[k] = append(out[k], lead.Rehydrate(snap))
		}
	}
	return out, nil
}

func (s leadsFound) ByNameCompany(_ context.Context, pairs []NameCompany) (map[NameCompany][]int64, error) {
	out := map[NameCompany][]int64{}
	for _, snap := range s.newestFirst() {
		if p := nameCompanyKey(snap.Fields.Name, snap.Fields.Company); slices.Contains(pairs, p) {
			out[p] = append(out[p], snap.ID)
		}
	}
	return out, nil
}

func (s leadsFound) newestFirst() []lead.Snapshot {
	return slices.SortedFunc(slices.Values(s), func(a, b lead.Snapshot) int { return int(b.ID - a.ID) })
}

// planOf plans a CSV file of leads, mapped from its header, against
// stored, and returns each row's result by line.
func planOf(t *testing.T, stored leadsFound, update bool, csv string) map[int]Result {
	t.Helper()
	f, err := Parse([]byte(csv))
	require.NoError(t, err)
	m := autoMap(Leads.Targets, f.Header)
	require.NoError(t, m.check(Leads.Targets, f.Header, Leads.NameField))
	results, err := Leads.plan(context.Background(), stored, f, m, update, "maria")
	require.NoError(t, err)
	byLine := map[int]Result{}
	for i, r := range results {
		assert.Equal(t, i, r.Seq)
		byLine[r.Line] = r
	}
	return byLine
}

var ada = lead.Snapshot{ID: 42, Version: 3, Status: lead.StatusContacted,
	Fields: lead.Fields{Name: "Ada Lovelace", Email: "Ada@Example.com", Company: "Analytical Engines", Phone: "555 0100", Score: 70}}

func TestRowsThatAreFineAreCreated(t *testing.T) {
	t.Parallel()
	got := planOf(t, nil, false, "Name,E-mail,Organisation,Lead score\nGrace Hopper,grace@example.com,Navy,80\nAlan Turing,,,\n")
	assert.Equal(t, Result{Seq: 0, Line: 2, Planned: Create}, got[2])
	assert.Equal(t, Result{Seq: 1, Line: 3, Planned: Create}, got[3])
}

func TestInvalidRowsSayWhy(t *testing.T) {
	t.Parallel()
	got := planOf(t, nil, false, strings.Join([]string{
		"Name,Email,Company,Phone,Score",
		"Grace,not-an-email,Navy,,",
		",grace@example.com,Navy,,",
		"Alan,,Bletchley,,high",
		"Alan,,Bletchley,,101",
		`Eve,eve@example.com,"=HYPERLINK(""http://evil.example"")",,`,
		"Mallory,,,-cmd|' /C calc'!A0,",
		"Bob,,,+44 20 7946 0958,-0",
	}, "\n"))
	for line, says := range map[int]string{
		2: "Email must look like name@example.com.",
		3: "Name is required.",
		4: `Score must be a whole number from 0 to 100; got "high".`,
		5: "Score must be between 0 and 100; got 101.",
		6: `"Company" looks like a spreadsheet formula ("=HYPERLINK("http://evil.example")"): formulas are not imported.`,
		7: `"Phone" looks like a spreadsheet formula`,
	} {
		assert.Equal(t, Invalid, got[line].Planned, "line %d", line)
		assert.Contains(t, got[line].Reason, says, "line %d", line)
	}
	assert.Equal(t, Create, got[8].Planned, "a phone number with + and a negative number are not formulas")
	// -0 is a score of 0: a number, and not a formula.
}

func TestAnEmailTwiceInTheFileIsImportedOnce(t *testing.T) {
	t.Parallel()
	got := planOf(t, nil, true, "name,email\nBad,not-an-email\nGrace,grace@example.com\nGrace H.,  GRACE@example.COM \nGrace again,grace@example.com\n")
	assert.Equal(t, Create, got[3].Planned)
	for _, line := range []int{4, 5} {
		assert.Equal(t, Duplicate, got[line].Planned, "line %d", line)
		assert.Equal(t, "Same email as line 3, which is imported instead.", got[line].Reason)
	}

	got = planOf(t, nil, false, "name,email\n,dup@example.com\nFine,dup@example.com\nAgain,dup@example.com\n")
	assert.Equal(t, Invalid, got[2].Planned)
	assert.Equal(t, Create, got[3].Planned, "an invalid row claims no email")
	assert.Equal(t, "Same email as line 3, which is imported instead.", got[4].Reason)
}

func TestAnExistingEmailIsADuplicateUnlessUpdatesAreAsked(t *testing.T) {
	t.Parallel()
	csv := "name,email,phone\nAda L.,ada@example.com,555 0199\n" // the email as stored but for its case
	got := planOf(t, leadsFound{ada}, false, csv)[2]
	assert.Equal(t, Duplicate, got.Planned)
	assert.Equal(t, int64(42), got.RecordID)
	assert.Contains(t, got.Reason, "A lead with this email exists (#42 Ada Lovelace)")
	assert.Contains(t, got.Reason, `"update existing records" is off`)

	got = planOf(t, leadsFound{ada}, true, csv)[2]
	assert.Equal(t, Update, got.Planned)
	assert.Equal(t, int64(42), got.RecordID)
	assert.Equal(t, int64(3), got.Version, "the version the dry run saw, which the update will compare")
	assert.Equal(t, "Updates #42 Ada Lovelace (version 3): Name and Phone.", got.Reason)
}

func TestABlankCellLeavesTheSavedValue(t *testing.T) {
	t.Parallel()
	got := planOf(t, leadsFound{ada}, true, "name,email,company,phone,score\n,ada@example.com,,555 0100,\n")[2]
	assert.Equal(t, Update, got.Planned)
	assert.Equal(t, "Updates #42 Ada Lovelace (version 3): it already holds these values.", got.Reason,
		"a blank name, company and score are not erased, and the phone is the same")
}

func TestAnUpdateTheDomainRefusesIsInvalid(t *testing.T) {
	t.Parallel()
	converted := ada
	converted.Status, converted.Fields.Score = lead.StatusConverted, 85
	got := planOf(t, leadsFound{converted}, true, "name,email,score\nAda,ada@example.com,50\n")[2]
	assert.Equal(t, Invalid, got.Planned)
	assert.Equal(t, "Cannot update #42 Ada Lovelace: A converted lead keeps a score of at least 80; 50 is too low.", got.Reason)
}

func TestTheNewestOfSeveralRecordsWithTheEmailIsMeant(t *testing.T) {
	t.Parallel()
	older := ada
	older.ID = 7
	got := planOf(t, leadsFound{older, ada}, true, "name,email\nAda,ada@example.com\n")[2]
	assert.Equal(t, int64(42), got.RecordID)
	assert.Equal(t, "2 leads have this email; the newest, #42, is the one meant.", got.Hint)
}

func TestTheSameNameAndCompanyIsAHintNotABlock(t *testing.T) {
	t.Parallel()
	got := planOf(t, leadsFound{ada}, false, strings.Join([]string{
		"name,email,company",
		"ada lovelace,ada.l@example.com, ANALYTICAL ENGINES",
		"Grace Hopper,,Navy",
		"Grace Hopper,grace@example.com,navy",
		"Grace Hopper,,",
		"Alan Turing,,",
		"Alan Turing,,",
	}, "\n"))
	assert.Equal(t, Create, got[2].Planned)
	assert.Equal(t, "A lead with the same name and company exists: #42.", got[2].Hint)
	assert.Empty(t, got[3].Hint)
	assert.Equal(t, Create, got[4].Planned)
	assert.Equal(t, "Same name and company as line 3.", got[4].Hint)
	assert.Empty(t, got[5].Hint, "no company, no hint")
	assert.Empty(t, got[7].Hint, "a name alone says too little")
}

func TestANameFromTwoColumnsIsValidated(t *testing.T) {
	t.Parallel()
	got := planOf(t, nil, false, "First name,Last name,Email\nAda,Lovelace,ada@example.com\n,,nobody@example.com\n")
	assert.Equal(t, Create, got[2].Planned)
	assert.Equal(t, Invalid, got[3].Planned)
	assert.Equal(t, "Name is required.", got[3].Reason)
}

// countingFinder is leadsFound counting the emails of its largest lookup.
type countingFinder struct {
	leadsFound
	most *int
}

func (c countingFinder) ByEmail(ctx context.Context, emails []string) (map[string][]*lead.Lead, error) {
	*c.most = max(*c.most, len(emails))
	return c.leadsFound.ByEmail(ctx, emails)
}

func TestALargeFileIsLookedUpWindowByWindowAndDuplicatesAcrossWindowsAreFound(t *testing.T) {
	t.Parallel()
	var csv strings.Builder
	csv.WriteString("name,email\nFirst,shared@example.com\n")
	for i := range 2 * lookupWindow {
		fmt.Fprintf(&csv, "Lead %d,lead%d@example.com\n", i, i)
	}
	csv.WriteString("Last,SHARED@example.com\nAda,ada@example.com\n")
	f, err := Parse([]byte(csv.String()))
	require.NoError(t, err)
	most := 0
	results, err := Leads.plan(context.Background(), countingFinder{leadsFound{ada}, &most}, f, autoMap(Leads.Targets, f.Header), false, "maria")
	require.NoError(t, err)
	assert.Equal(t, lookupWindow, most, "no lookup is larger than a window")
	last := results[len(results)-2]
	assert.Equal(t, Duplicate, last.Planned)
	assert.Equal(t, "Same email as line 2, which is imported instead.", last.Reason)
	assert.Equal(t, int64(42), results[len(results)-1].RecordID, "the last window is looked up too")
}
