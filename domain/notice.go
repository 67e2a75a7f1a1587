package domain

// RepNotice is a notice for one rep, shown on whatever page of the CRM
// they have open: "maria assigned you lead Acme — open". It is the one
// shape every sender uses (a save that gives a rep a record; a task's
// reminder), so the pages show them all alike: the sender words Message
// and says where Open leads (Href).
type RepNotice struct {
	To      int64  `json:"to"` // the rep, by user id
	Message string `json:"message"`
	Href    string `json:"href,omitempty"`
	// From is who caused it, by name, "" for the CRM itself (a reminder):
	// a rep is not told of what they did themselves.
	From string `json:"from,omitempty"`
	// Overdue, when above 0, is how many of the rep's tasks are overdue
	// now, for the count beside Today in the nav.
	Overdue int `json:"overdue,omitempty"`
}
