package web

import (
	"context"
	"net/http"

	"crm/delivery/web/views"
	"crm/usecase/record"
)

// lookalikes adapts a kind's Duplicates use case to recordPages.duplicates:
// describe says how the hint names one of the records found.
func lookalikes[A any](kind string, find func(context.Context, record.DuplicateQuery) (record.Duplicates[A], error),
	describe func(A) views.Lookalike,
) func(context.Context, record.DuplicateQuery) (views.Duplicates, error) {
	return func(ctx context.Context, q record.DuplicateQuery) (views.Duplicates, error) {
		found, err := find(ctx, q)
		if err != nil {
			return views.Duplicates{}, err
		}
		d := views.Duplicates{Kind: kind}
		for _, a := range found.SameEmail {
			d.SameEmail = append(d.SameEmail, describe(a))
		}
		for _, a := range found.SameName {
			d.SameName = append(d.SameName, describe(a))
		}
		return d, nil
	}
}

// showDuplicates answers the create form's lookup as the rep types: the
// hint naming the live records the new one may repeat, empty when there
// are none. The form sends its email, name and company inputs, which every
// kind with the hint names so. A hint is never a refusal: creating the
// record works whatever it says.
func (p *recordPages[A, F]) showDuplicates(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d, err := p.duplicates(r.Context(), record.DuplicateQuery{Email: q.Get("email"), Name: q.Get("name"), Company: q.Get("company")})
	if err != nil {
		return err
	}
	hint := views.DuplicateHint(d)
	p.s.render(w, r, http.StatusOK, hint, hint)
	return nil
}
