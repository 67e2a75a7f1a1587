package api

// ProblemTypes lists the type of every problem the API answers with.
func ProblemTypes() []string {
	types := make([]string, len(problemKinds))
	for i, k := range problemKinds {
		types[i] = k.Type
	}
	return types
}
