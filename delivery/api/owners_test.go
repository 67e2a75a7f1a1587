package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOwnerID_isTheCreatorsUnlessTheBodySaysAndPatchesLikeAnyMember(t *testing.T) {
	t.Parallel()
	c := newClient(t)

	unowned := requireCreated(t, c.post("/api/v1/leads", `{"name":"Nobody's","owner_id":null}`, nil), "/api/v1/leads")
	assert.Nil(t, unowned["owner_id"], "null gives a new lead to nobody")

	path := c.createLead(adaJSON)
	res := c.patch(path, `{"owner_id":null}`, h{"If-Match": `"1"`})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Nil(t, res.object(t)["owner_id"])
	assert.Equal(t, `"2"`, res.header.Get("ETag"))

	res = c.patch(path, `{"owner_id":1}`, h{"If-Match": `"2"`})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, float64(maria.ID), res.object(t)["owner_id"])

	p := requireProblem(t, c.patch(path, `{"owner_id":999}`, h{"If-Match": `"3"`}), http.StatusUnprocessableEntity, "validation-failed")
	assert.Equal(t, "No user has that id: choose the owner from the list of users, or nobody.", fieldErrors(t, p)["owner_id"])
	p = requireProblem(t, c.patch(path, `{"owner_id":"1"}`, h{"If-Match": `"3"`}), http.StatusBadRequest, "malformed-request")
	assert.Contains(t, fieldErrors(t, p), "owner_id")
	p = requireProblem(t, c.patch(path, `{"owner":"Maria"}`, h{"If-Match": `"3"`}), http.StatusBadRequest, "malformed-request")
	assert.Contains(t, fieldErrors(t, p)["owner"], "owner_id")
	assert.Equal(t, `"3"`, c.get(path, nil).header.Get("ETag"), "refused patches change nothing")

	contact := c.post("/api/v1/contacts", `{"name":"Grace"}`, nil).object(t)
	assert.Equal(t, float64(maria.ID), contact["owner_id"])
}
