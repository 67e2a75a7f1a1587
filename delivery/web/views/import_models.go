package views

import (
	"fmt"

	"crm/usecase/imports"
)

// ImportUploadView is the page that takes a CSV file of one kind of
// record, with the kind's recent imports.
type ImportUploadView struct {
	Kind   string // "lead" or "contact"
	Error  string // why the file just uploaded was refused
	Recent []imports.Import
}

// ImportView is the page of one import: its mapping and preview until it
// is checked, the dry run's report until it is started, its progress
// while it runs and its report once done.
type ImportView struct {
	Import  imports.Import
	Targets []imports.Target
	// Mapping and Update are what the mapping form shows: the import's
	// own, or what the rep posted when it was refused.
	Mapping  imports.Mapping
	Update   bool
	Preview  imports.Preview
	Report   imports.Report // of the dry run or the run, once checked
	Progress imports.Progress
	Error    string // why the last check or start was refused
	Notice   string
}

// ImportURL is the address of the import page of kind's records.
func ImportURL(kind string) string { return "/" + kind + "s/import" }

// importPageURL is the address of import id of kind's records.
func importPageURL(kind string, id int64) string { return fmt.Sprintf("%s/%d", ImportURL(kind), id) }

func (v ImportView) url(action string) string {
	u := importPageURL(v.Import.Kind, v.Import.ID)
	if action != "" {
		u += "/" + action
	}
	return u
}

// plural is the kind's records, "leads".
func plural(kind string) string { return kind + "s" }

// ColumnID is the id and name of column i's select in the mapping form.
func ColumnID(i int) string { return fmt.Sprintf("col-%d", i) }

// example is the first sample value of column i, for its label.
func (v ImportView) example(i int) string {
	for _, r := range v.Import.Sample {
		if i < len(r.Cells) && r.Cells[i] != "" {
			return r.Cells[i]
		}
	}
	return ""
}

// previewColumns are the fields the preview shows, in the order the
// mapping offers them: those mapped, with Name for its parts.
func (v ImportView) previewColumns() []imports.Target {
	mapped := map[string]bool{}
	for _, field := range v.Mapping {
		switch field {
		case imports.TargetFirstName, imports.TargetLastName:
			mapped["name"] = true
		case "":
		default:
			mapped[field] = true
		}
	}
	var out []imports.Target
	for _, t := range v.Targets {
		if mapped[t.Field] {
			out = append(out, t)
		}
	}
	return out
}

// separatorName says what the file's cells are separated by.
func (v ImportView) separatorName() string {
	switch v.Import.Separator {
	case ';':
		return "semicolons"
	case '\t':
		return "tabs"
	}
	return "commas"
}

// outcomeOrder is the order the counts of a report are shown in.
var outcomeOrder = []imports.Outcome{imports.Create, imports.Created, imports.Update, imports.Updated, imports.Unchanged,
	imports.Duplicate, imports.Invalid, imports.Conflict}

// outcomeLabels say what happens, or happened, to a row.
var outcomeLabels = map[imports.Outcome]string{
	imports.Create: "To create", imports.Update: "To update", imports.Duplicate: "Duplicates (skipped)",
	imports.Invalid: "Invalid (skipped)", imports.Created: "Created", imports.Updated: "Updated",
	imports.Unchanged: "Unchanged", imports.Conflict: "Conflicts (not overwritten)",
}

// rowLabels say the same of one row.
var rowLabels = map[imports.Outcome]string{
	imports.Create: "Create", imports.Update: "Update", imports.Duplicate: "Duplicate, skipped",
	imports.Invalid: "Invalid, skipped", imports.Created: "Created", imports.Updated: "Updated",
	imports.Unchanged: "Unchanged", imports.Conflict: "Conflict, not overwritten",
}

// reportCount is one count of a report.
type reportCount struct {
	Outcome imports.Outcome
	Label   string
	N       int
}

func (v ImportView) counts() []reportCount {
	var out []reportCount
	for _, o := range outcomeOrder {
		if n := v.Report.Counts[o]; n > 0 {
			out = append(out, reportCount{Outcome: o, Label: outcomeLabels[o], N: n})
		}
	}
	return out
}

// toWrite is how many rows the real run creates or updates, as checked.
func (v ImportView) toWrite() int {
	return v.Report.Counts[imports.Create] + v.Report.Counts[imports.Update]
}

// percent is how far the run has come, in whole percent.
func (v ImportView) percent() int {
	if v.Progress.Total == 0 {
		return 0
	}
	return v.Progress.Done * 100 / v.Progress.Total
}

// statusLabel says where an import stands, for the list of imports.
func statusLabel(imp imports.Import) string {
	switch imp.Status {
	case imports.StatusUploaded:
		return "Uploaded, not checked"
	case imports.StatusChecked:
		return "Checked, not imported"
	case imports.StatusRunning:
		return fmt.Sprintf("Importing: %d of %d rows", imp.RowsDone, imp.RowsTotal)
	}
	return "Imported"
}

// count writes n with thousands separated, as reps read large numbers.
func count(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// megabytes writes a size in bytes as reps read it, "32 MB".
func megabytes(n int) string { return fmt.Sprintf("%d MB", n>>20) }
