package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dealJSON(contactID int64) string {
	return `{"title":"Engines","amount":{"value":"1,250.5","currency":"EUR"},"contact_id":` + strconv.FormatInt(contactID, 10) + `}`
}

func TestCreateDeal(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	contactID := c.createContact(`{"name":"Grace Hopper"}`)

	d := requireCreated(t, c.post("/api/v1/deals", dealJSON(contactID), nil), "/api/v1/deals")
	assert.Equal(t, map[string]any{"value": "1250.50", "currency": "EUR"}, d["amount"])
	assert.Equal(t, "QUALIFICATION", d["stage"])
	assert.Contains(t, d, "expected_close")
	assert.Nil(t, d["expected_close"], "null while nobody knows")
	assert.Nil(t, d["closed_on"], "null while open")
	assert.Equal(t, float64(contactID), d["contact_id"])
	assert.Contains(t, d, "lead_id")
	assert.Nil(t, d["lead_id"], "null when the deal was not converted from a lead")
	assert.Equal(t, "Maria", d["updated_by"])

	t.Run("every problem at once", func(t *testing.T) {
		p := requireProblem(t, c.post("/api/v1/deals", `{"title":"","amount":{"value":"12.345","currency":"EUR"}}`, nil),
			http.StatusUnprocessableEntity, "validation-failed")
		errs := fieldErrors(t, p)
		assert.Equal(t, "Title is required.", errs["title"])
		assert.Equal(t, "EUR amounts have at most 2 decimals, like 1250.00.", errs["amount.value"])
		assert.Equal(t, "Choose the contact the deal is with.", errs["contact_id"])
	})
	t.Run("no amount at all", func(t *testing.T) {
		p := requireProblem(t, c.post("/api/v1/deals", `{"title":"X","contact_id":`+strconv.FormatInt(contactID, 10)+`}`, nil),
			http.StatusUnprocessableEntity, "validation-failed")
		errs := fieldErrors(t, p)
		assert.Equal(t, "Amount is required.", errs["amount.value"])
		assert.Equal(t, "Choose a currency.", errs["amount.currency"])
	})
	t.Run("an unknown contact", func(t *testing.T) {
		p := requireProblem(t, c.post("/api/v1/deals", dealJSON(contactID+100), nil), http.StatusUnprocessableEntity, "validation-failed")
		assert.Contains(t, fieldErrors(t, p), "contact_id")
	})
	t.Run("amounts are strings and integers are integers", func(t *testing.T) {
		p := requireProblem(t, c.post("/api/v1/deals", `{"title":"X","amount":{"value":1250,"currency":"EUR","cents":5},"contact_id":"1"}`, nil),
			http.StatusBadRequest, "malformed-request")
		errs := fieldErrors(t, p)
		assert.Equal(t, "Must be a string; got a number.", errs["amount.value"])
		assert.Equal(t, "Unknown field.", errs["amount.cents"])
		assert.Contains(t, errs["contact_id"], "JSON integer")
	})
}

func TestPatchDealMergesTheAmount(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	contactID := c.createContact(`{"name":"Grace Hopper"}`)
	path := c.post("/api/v1/deals", dealJSON(contactID), nil).header.Get("Location")

	res := c.patch(path, `{"amount":{"value":"900"}}`, h{"If-Match": `"1"`, "Content-Type": "application/merge-patch+json"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, `"2"`, res.header.Get("ETag"))
	assert.Equal(t, map[string]any{"value": "900.00", "currency": "EUR"}, res.object(t)["amount"])
	assert.Equal(t, "Engines", res.object(t)["title"])

	p := requireProblem(t, c.patch(path, `{"amount":{"currency":"JPY"}}`, h{"If-Match": `"2"`}), http.StatusUnprocessableEntity, "validation-failed")
	assert.Contains(t, fieldErrors(t, p)["amount.value"], "JPY amounts are whole numbers")

	requireProblem(t, c.patch(path, `{"amount":null}`, h{"If-Match": `"2"`}), http.StatusBadRequest, "malformed-request")
	p = requireProblem(t, c.patch(path, `{"contact_id":3}`, h{"If-Match": `"2"`}), http.StatusBadRequest, "malformed-request")
	assert.Contains(t, fieldErrors(t, p)["contact_id"], "cannot be changed")

	res = c.patch(path, `{"title":"Old engines"}`, h{"If-Match": `"1"`})
	p = requireProblem(t, res, http.StatusPreconditionFailed, "precondition-failed")
	assert.Equal(t, `"2"`, res.header.Get("ETag"))
	assert.Equal(t, map[string]any{"value": "900.00", "currency": "EUR"}, p["current"].(map[string]any)["amount"])
}

func TestDealStageMoves(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	contactID := c.createContact(`{"name":"Grace Hopper"}`)
	path := c.post("/api/v1/deals", dealJSON(contactID), nil).header.Get("Location")

	requireProblem(t, c.post(path+"/stage", `{"stage":"WON"}`, nil), http.StatusPreconditionRequired, "precondition-required")

	p := requireProblem(t, c.post(path+"/stage", `{"stage":"WON"}`, h{"If-Match": `"1"`}), http.StatusUnprocessableEntity, "rule-violated")
	assert.Equal(t, "Set the closed-on date to mark the deal Won.", fieldErrors(t, p)["closed_on"])
	p = requireProblem(t, c.post(path+"/stage", `{"stage":"WON","closed_on":"30/11/2026"}`, h{"If-Match": `"1"`}), http.StatusUnprocessableEntity, "validation-failed")
	assert.Equal(t, "closed_on is a date written like 2026-12-31.", fieldErrors(t, p)["closed_on"])

	res := c.post(path+"/stage", `{"stage":"WON","closed_on":"2026-11-30"}`, h{"If-Match": `"1"`})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, `"2"`, res.header.Get("ETag"))
	won := res.object(t)
	assert.Equal(t, "WON", won["stage"])
	assert.Equal(t, "2026-11-30", won["closed_on"])

	p = requireProblem(t, c.post(path+"/stage", `{"stage":"QUALIFICATION"}`, h{"If-Match": `"2"`}), http.StatusUnprocessableEntity, "rule-violated")
	assert.Equal(t, "Cannot move from WON to QUALIFICATION. A won deal stays won.", fieldErrors(t, p)["stage"])

	res = c.post(path+"/stage", `{"stage":"LOST"}`, h{"If-Match": `"1"`})
	requireProblem(t, res, http.StatusPreconditionFailed, "precondition-failed")
	assert.Equal(t, `"2"`, res.header.Get("ETag"))

	page := c.get("/api/v1/deals?stage=WON", nil).object(t)
	assert.Len(t, page["items"].([]any), 1)
	page = c.get("/api/v1/deals?stage=QUALIFICATION", nil).object(t)
	assert.Empty(t, page["items"].([]any))
	requireProblem(t, c.get("/api/v1/deals?stage=CLOSED", nil), http.StatusBadRequest, "malformed-request")

	res = c.get(path, h{"If-None-Match": `"2"`})
	assert.Equal(t, http.StatusNotModified, res.status)
}

func TestDealExpectedCloseAndTheGates(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	contactID := c.createContact(`{"name":"Grace Hopper"}`)
	path := c.post("/api/v1/deals", dealJSON(contactID), nil).header.Get("Location")

	p := requireProblem(t, c.post(path+"/stage", `{"stage":"NEGOTIATION"}`, h{"If-Match": `"1"`}), http.StatusUnprocessableEntity, "rule-violated")
	assert.Equal(t, "Set the expected close date to move the deal to Negotiation.", fieldErrors(t, p)["expected_close"])

	p = requireProblem(t, c.patch(path, `{"expected_close":"next week"}`, h{"If-Match": `"1"`}), http.StatusUnprocessableEntity, "validation-failed")
	assert.Equal(t, "expected_close is a date written like 2026-12-31.", fieldErrors(t, p)["expected_close"])

	res := c.patch(path, `{"expected_close":"2027-01-15"}`, h{"If-Match": `"1"`})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, "2027-01-15", res.object(t)["expected_close"])

	res = c.post(path+"/stage", `{"stage":"NEGOTIATION"}`, h{"If-Match": `"2"`})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, "NEGOTIATION", res.object(t)["stage"])

	p = requireProblem(t, c.patch(path, `{"expected_close":""}`, h{"If-Match": `"3"`}), http.StatusUnprocessableEntity, "rule-violated")
	assert.Equal(t, "A deal in Negotiation keeps its expected close date.", fieldErrors(t, p)["expected_close"])

	p = requireProblem(t, c.patch(path, `{"closed_on":"2027-01-15"}`, h{"If-Match": `"3"`}), http.StatusBadRequest, "malformed-request")
	assert.Contains(t, fieldErrors(t, p)["closed_on"], "/stage with closed_on")

	t.Run("a move brings the expected close in its own write", func(t *testing.T) {
		other := c.post("/api/v1/deals", dealJSON(contactID), nil).header.Get("Location")
		res := c.post(other+"/stage", `{"stage":"NEGOTIATION","expected_close":"2027-02-01"}`, h{"If-Match": `"1"`})
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		assert.Equal(t, `"2"`, res.header.Get("ETag"))
		assert.Equal(t, "2027-02-01", res.object(t)["expected_close"])
	})
}
