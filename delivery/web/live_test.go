package web

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/lead"
)

func leadLivePages() *recordPages[*lead.Lead, lead.Fields] {
	return &recordPages[*lead.Lead, lead.Fields]{kind: lead.Kind, labels: views.LeadFieldLabels,
		stateField: lead.FieldStatus, moved: "changed this lead's status"}
}

func TestSavedMessage_SaysWhoDidWhatJustNow(t *testing.T) {
	t.Parallel()
	p := leadLivePages()
	for _, tc := range []struct {
		name  string
		saved domain.Saved
		want  string
	}{
		{"an edit names the fields", domain.Saved{Kind: lead.Kind, Version: 2, Actor: "maria", Event: lead.EventUpdated, Fields: []string{lead.FieldPhone, lead.FieldScore}},
			"maria saved this lead just now — 2 fields changed: Phone and Score (version 2)."},
		{"a move says so", domain.Saved{Kind: lead.Kind, Version: 3, Actor: "maria", Fields: []string{lead.FieldStatus}},
			"maria changed this lead's status just now (version 3)."},
		{"the rep's own delete, in another tab", domain.Saved{Kind: lead.Kind, Version: 4, Actor: "ann", Event: domain.EventDeleted},
			"You deleted this lead in another tab just now (version 4). It is in the Trash; what you type here cannot be saved unless it is restored."},
		{"a restore", domain.Saved{Kind: lead.Kind, Version: 5, Actor: "maria", Event: domain.EventRestored},
			"maria restored this lead from the Trash just now (version 5)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, p.savedMessage(tc.saved, "ann"))
		})
	}
}

func TestCaughtUpMessage_SaysWhoSavedLastSinceThePageLastHeard(t *testing.T) {
	t.Parallel()
	p := leadLivePages()
	saved := func(by string) *lead.Lead {
		return lead.Rehydrate(lead.Snapshot{ID: 1, Version: 7, UpdatedBy: by, Status: lead.StatusNew})
	}
	deleted := func(by string) *lead.Lead {
		l := saved("someone before")
		if err := l.Delete(by); err != nil {
			t.Fatal(err)
		}
		return l
	}
	for _, tc := range []struct {
		name string
		lead *lead.Lead
		want string
	}{
		{"another rep's save", saved("maria"),
			"maria saved this lead since this page last heard from the server (version 7)."},
		{"the rep's own, without saying where (it may be this tab's lost answer)", saved("ann"),
			"You saved this lead since this page last heard from the server (version 7)."},
		{"a save by no one known", saved(""),
			"someone saved this lead since this page last heard from the server (version 7)."},
		{"a deleted lead, in the delete's words", deleted("maria"),
			"maria deleted this lead since this page last heard from the server (version 7). It is in the Trash; what you type here cannot be saved unless it is restored."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, p.caughtUpMessage(tc.lead, "ann"))
		})
	}
}
