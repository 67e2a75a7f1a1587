package functional

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/contact"
	"crm/domain/lead"
	"crm/usecase/contacts"
	"crm/usecase/imports"
	"crm/usecase/leads"
	"crm/usecase/record"
)

// upload posts content as the file name of an import form at path, as
// Ann, with headers (a browser's Sec-Fetch-Site, say).
func (a *instance) upload(path, name string, content []byte, headers map[string]string) response {
	a.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("file", name)
	require.NoError(a.t, err)
	_, err = part.Write(content)
	require.NoError(a.t, err)
	require.NoError(a.t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+path, &body)
	require.NoError(a.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	req.AddCookie(a.session)
	return a.send(req)
}

// importID reads the id of the import an upload redirected to.
func importID(t *testing.T, res response, kind string) int64 {
	t.Helper()
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	var id int64
	_, err := fmt.Sscanf(res.header.Get("Location"), "/"+kind+"s/import/%d", &id)
	require.NoError(t, err, res.header.Get("Location"))
	return id
}

// waitForImport reloads the import's page until it is done and returns
// the page.
func (a *instance) waitForImport(path string) response {
	a.t.Helper()
	var page response
	require.Eventually(a.t, func() bool {
		page = a.get(path)
		return strings.Contains(page.body, `data-status="done"`)
	}, 30*time.Second, 50*time.Millisecond, "the import did not finish")
	return page
}

// countIn reads the count of outcome a report shows.
func countIn(t *testing.T, page, outcome string) string {
	t.Helper()
	m := regexp.MustCompile(`data-testid="count-` + outcome + `"><strong>([0-9,]+)</strong>`).FindStringSubmatch(page)
	if m == nil {
		return "0"
	}
	return m[1]
}

// reportRow reads the report row of line: what and why.
func reportRow(t *testing.T, page string, line int) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr data-testid="report-row" data-line="` + fmt.Sprint(line) + `" data-outcome="([a-z]+)">(.*?)</tr>`).FindStringSubmatch(page)
	require.NotNilf(t, m, "the report has no row for line %d", line)
	return m[1] + ": " + m[2]
}

func TestImportingLeadsThroughThePages(t *testing.T) {
	a := newApp(t)
	ada := a.seedLead(lead.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Company: "Analytical Engines", Score: 70})

	list := a.get("/leads")
	assert.Contains(t, list.body, `href="/leads/import"`, "the lead list links to the import")
	page := a.get("/leads/import")
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, `<label for="import-file">CSV file</label>`)

	// Excel's CSV UTF-8: a byte order mark and CRLF.
	file := "\xef\xbb\xbfFull name,E-mail,Organisation,Mobile,Favourite colour\r\n" +
		"Ada Lovelace,ADA@example.com,Analytical Engines,+44 20 7946 0958,green\r\n" +
		"Grace Hopper,grace@example.com,Navy,,blue\r\n" +
		"Grace H.,grace@example.com,Navy,,blue\r\n" +
		"Eve,eve@example.com,\"=HYPERLINK(\"\"http://evil.example\"\")\",,red\r\n" +
		"Alan Turing,not-an-email,Bletchley,,\r\n"
	id := importID(t, a.upload("/leads/import", "people.csv", []byte(file), nil), "lead")
	path := fmt.Sprintf("/leads/import/%d", id)

	page = a.get(path)
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, `data-testid="bom-note"`, "the preview says the byte order mark was removed")
	assert.Contains(t, page.body, "5 rows and 5 columns, separated by commas.")
	for col, field := range map[string]string{"col-0": "name", "col-1": "email", "col-2": "company", "col-3": "phone"} {
		assert.Regexp(t, `(?s)<select id="`+col+`".*?<option value="`+field+`" selected>`, page.body, "%s is mapped to %s", col, field)
	}
	assert.Regexp(t, `(?s)<select id="col-4".*?<option value="" selected>Ignore this column`, page.body)
	assert.Equal(t, 5, strings.Count(page.body, `data-testid="preview-row"`))
	assert.Contains(t, page.body, `<td data-label="Company" data-field="company">Analytical Engines</td>`)

	// Changing a select previews the new mapping; ignoring the name says
	// what is missing.
	mapping := url.Values{"col-0": {"name"}, "col-1": {"email"}, "col-2": {"company"}, "col-3": {"phone"}, "col-4": {"source"}}
	preview := a.getHTMX(path + "/preview?" + mapping.Encode())
	require.Equal(t, http.StatusOK, preview.status)
	assert.Contains(t, preview.body, `<td data-label="Source" data-field="source">green</td>`)
	noName := url.Values{"col-0": {""}, "col-1": {"email"}, "col-2": {""}, "col-3": {""}, "col-4": {""}}
	preview = a.getHTMX(path + "/preview?" + noName.Encode())
	assert.Contains(t, preview.body, "No column is mapped to Name")
	res := a.post(path+"/check", noName)
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "No column is mapped to Name")

	// The dry run, updating existing records.
	mapping.Set("col-4", "")
	mapping.Set("update", "on")
	res = a.post(path+"/check", mapping)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page = a.get(path)
	assert.Equal(t, "1", countIn(t, page.body, "create"))
	assert.Equal(t, "1", countIn(t, page.body, "update"))
	assert.Equal(t, "1", countIn(t, page.body, "duplicate"))
	assert.Equal(t, "2", countIn(t, page.body, "invalid"))
	assert.Contains(t, reportRow(t, page.body, 2), "update: ")
	assert.Contains(t, reportRow(t, page.body, 2), fmt.Sprintf("Updates #%d Ada Lovelace (version 1): Phone.", ada.ID()))
	assert.Contains(t, reportRow(t, page.body, 2), fmt.Sprintf(`href="/leads/%d"`, ada.ID()))
	assert.Contains(t, reportRow(t, page.body, 4), "duplicate: ")
	assert.Contains(t, reportRow(t, page.body, 4), "Same email as line 3, which is imported instead.")
	assert.Contains(t, reportRow(t, page.body, 5), "looks like a spreadsheet formula")
	assert.Contains(t, reportRow(t, page.body, 6), "Email must look like name@example.com.")
	assert.Contains(t, page.body, "Import 2 rows")
	assert.Equal(t, 1, countLeads(t, a), "a dry run writes no record")

	// John cannot run Ann's import: the records would be saved in her name.
	john := a.signIn("john")
	res = a.doWith(john, http.MethodPost, path+"/run", mapping, false)
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "Only Ann Example, who uploaded this file, can import it")

	// A mapping changed since the dry run is not imported unchecked.
	changed := url.Values{"col-0": {"name"}, "col-1": {"email"}, "col-2": {"company"}, "col-3": {"phone"}, "col-4": {"source"}, "update": {"on"}}
	res = a.post(path+"/run", changed)
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "The mapping changed since the dry run")
	res = a.post(path+"/run", url.Values{"col-0": {"name"}, "col-1": {"email"}, "col-2": {"company"}, "col-3": {"phone"}, "col-4": {""}})
	assert.Contains(t, res.body, "The mapping changed since the dry run", "so did updating existing records")

	res = a.post(path+"/run", mapping)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page = a.waitForImport(path)
	assert.Equal(t, "1", countIn(t, page.body, "created"))
	assert.Equal(t, "1", countIn(t, page.body, "updated"))
	assert.Contains(t, reportRow(t, page.body, 2), "updated: ")
	assert.Equal(t, 2, countLeads(t, a))
	updated := a.lead(ada.ID())
	assert.Equal(t, "+44 20 7946 0958", updated.Fields().Phone)
	assert.Equal(t, "ada@example.com", updated.Fields().Email, "the same address in another case is not a change")
	assert.Equal(t, "Ann Example", updated.UpdatedBy())
	found, err := a.leads.List(context.Background(), leads.ListQuery{Search: "Grace Hopper"})
	require.NoError(t, err)
	require.Len(t, found.Items, 1)
	assert.Equal(t, lead.Fields{Name: "Grace Hopper", Email: "grace@example.com", Company: "Navy", Owner: a.user("ann").ID}, found.Items[0].Fields(),
		"the importing rep's, as a lead she makes on the page is")
	assert.Zero(t, updated.Fields().Owner, "an update does not give the lead to the importer")
	history := a.get(leadPath(found.Items[0]))
	assert.Contains(t, history.body, "Ann Example", "the created lead's history says who imported it")

	report := a.get(path + "/report.csv")
	require.Equal(t, http.StatusOK, report.status)
	assert.Equal(t, "text/csv; charset=utf-8", report.header.Get("Content-Type"))
	assert.Contains(t, report.header.Get("Content-Disposition"), `filename="people report.csv"`)
	rows, err := csv.NewReader(strings.NewReader(report.body)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 6, "a header and every row")
	assert.Equal(t, []string{"2", "updated"}, rows[1][:2])
	assert.Equal(t, []string{"3", "created"}, rows[2][:2])

	// The progress stream of a finished import says it is done.
	events := a.openStream(path+"/progress", a.session)
	select {
	case ev := <-events:
		assert.Equal(t, "done", ev.name)
		assert.JSONEq(t, `{"done":5,"total":5,"status":"done","stalled":false}`, ev.data)
	case <-time.After(10 * time.Second):
		t.Fatal("no progress event")
	}

	listed := a.get("/leads/import")
	assert.Contains(t, listed.body, "people.csv")
	assert.Contains(t, listed.body, "Imported")
	res = a.post(path+"/check", mapping)
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "This import is done, so it cannot be checked again.")
}

func TestImportingContactsUpdatesOnlyWhenAsked(t *testing.T) {
	a := newApp(t)
	ada, err := a.contacts.Create(context.Background(), "seed", contact.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Phone: "555 0100"})
	require.NoError(t, err)
	assert.Contains(t, a.get("/contacts").body, `href="/contacts/import"`)

	file := "First name;Last name;Email address;Phone number\nAda;Lovelace;ada@example.com;555 0199\nGrace;Hopper;grace@example.com;\n"
	id := importID(t, a.upload("/contacts/import", "contacts.csv", []byte(file), nil), "contact")
	path := fmt.Sprintf("/contacts/import/%d", id)
	page := a.get(path)
	assert.Contains(t, page.body, "separated by semicolons")
	assert.Contains(t, page.body, `<td data-label="Name" data-field="name">Ada Lovelace</td>`, "the name's two columns are joined")

	res := a.post(path+"/check", url.Values{"col-0": {imports.TargetFirstName}, "col-1": {imports.TargetLastName}, "col-2": {"email"}, "col-3": {"phone"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	require.Equal(t, http.StatusSeeOther, a.post(path+"/run", url.Values{"col-0": {imports.TargetFirstName}, "col-1": {imports.TargetLastName}, "col-2": {"email"}, "col-3": {"phone"}}).status)
	page = a.waitForImport(path)
	assert.Contains(t, reportRow(t, page.body, 2), "duplicate: ")
	assert.Contains(t, reportRow(t, page.body, 2), `skipped, as &#34;update existing records&#34; is off`)
	assert.Equal(t, "1", countIn(t, page.body, "created"))
	kept, err := a.contacts.Get(context.Background(), ada.ID())
	require.NoError(t, err)
	assert.Equal(t, "555 0100", kept.Fields().Phone, "not updated")
	all, err := a.contacts.List(context.Background(), contacts.ListQuery{Paging: record.Paging{Limit: 10}})
	require.NoError(t, err)
	assert.Len(t, all.Items, 2)
}

func TestABadFileIsRefusedOnTheUploadPageAndNothingIsStored(t *testing.T) {
	a := newApp(t)
	cases := []struct {
		name    string
		content []byte
		status  int
		says    string
	}{
		{"Windows-1252", []byte("name,company\nZoé,Soci\xe9t\xe9 G\xe9n\xe9rale\n"), http.StatusUnprocessableEntity, "Line 2 is not UTF-8"},
		{"ragged", []byte("name,email\nAda,ada@example.com\nGrace\n"), http.StatusUnprocessableEntity, "Line 3 has 1 cell but the header has 2"},
		{"empty", nil, http.StatusUnprocessableEntity, "The file is empty"},
		{"a workbook", []byte("PK\x03\x04rest of a zip"), http.StatusUnprocessableEntity, "spreadsheet workbook (.xlsx)"},
		{"over the limit", bytes.Repeat([]byte("Ada Lovelace,ada@example.com\n"), imports.MaxFileBytes/29+1), http.StatusRequestEntityTooLarge, "larger than 32.0 MB, the limit"},
	}
	for _, tc := range cases {
		res := a.upload("/leads/import", tc.name+".csv", tc.content, nil)
		assert.Equal(t, tc.status, res.status, tc.name)
		assert.Contains(t, res.body, tc.says, tc.name)
		assert.Contains(t, res.body, "Nothing was written.", tc.name)
	}
	assert.NotContains(t, a.get("/leads/import").body, `data-testid="recent-import"`, "no import was stored")

	res := a.upload("/leads/import", "a.csv", []byte("name\nAda\n"), map[string]string{"Sec-Fetch-Site": "cross-site"})
	assert.Equal(t, http.StatusForbidden, res.status, "an upload from another site is refused as any write is")
	res = a.post("/leads/import", url.Values{"file": {"name\nAda\n"}})
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Contains(t, res.body, "The upload is not a file form")
	res = a.anonymous(http.MethodGet, "/leads/import", nil)
	assert.Equal(t, http.StatusSeeOther, res.status, "signed-in reps only")
	assert.Equal(t, http.StatusNotFound, a.get("/leads/import/999").status)
	assert.Equal(t, http.StatusNotFound, a.get("/contacts/import/abc").status)
	assert.Equal(t, 0, countLeads(t, a))
}

// TestAnImportWhoseInstanceWentAwayIsResumedFromItsPage: an import left
// running by an instance that died (its last chunk long ago) is offered
// to resume, at the row it stopped at, and resuming imports the rest once.
func TestAnImportWhoseInstanceWentAwayIsResumedFromItsPage(t *testing.T) {
	a := newApp(t)
	var file strings.Builder
	file.WriteString("name,email\n")
	for i := range imports.ChunkSize + 20 {
		fmt.Fprintf(&file, "Lead %d,lead%d@example.com\n", i, i)
	}
	id := importID(t, a.upload("/leads/import", "big.csv", []byte(file.String()), nil), "lead")
	path := fmt.Sprintf("/leads/import/%d", id)
	require.Equal(t, http.StatusSeeOther, a.post(path+"/check", url.Values{"col-0": {"name"}, "col-1": {"email"}}).status)
	// Started by an instance that died before its first chunk committed.
	_, err := a.db.Pool.Exec(context.Background(),
		`UPDATE imports SET status = 'running', heartbeat_at = now() - interval '5 minutes' WHERE id = $1`, id)
	require.NoError(t, err)

	page := a.get(path)
	assert.Contains(t, page.body, `data-testid="import-stalled"`)
	assert.Contains(t, page.body, "This import stopped at row 0 of 1,020")
	assert.Contains(t, page.body, "Resume from row 1")
	events := a.openStream(path+"/progress", a.session)
	select {
	case ev := <-events:
		assert.Equal(t, "progress", ev.name)
		assert.JSONEq(t, `{"done":0,"total":1020,"status":"running","stalled":true}`, ev.data)
	case <-time.After(10 * time.Second):
		t.Fatal("no progress event")
	}

	res := a.post(path+"/resume", url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page = a.waitForImport(path)
	assert.Equal(t, "1,020", countIn(t, page.body, "created"))
	assert.Equal(t, imports.ChunkSize+20, countLeads(t, a))
	res = a.post(path+"/resume", url.Values{})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "This import is not stalled")
}
