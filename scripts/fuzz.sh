#!/usr/bin/env bash
# Runs every native Go fuzz target for FUZZTIME each (default 5s), one at a
# time: go test accepts only one -fuzz target per package and run. Each
# target first replays its committed corpus in testdata/fuzz/, so a known
# bad input fails at once. Exits non-zero if any target fails, after
# running them all, so one report lists every failure.
#
#   scripts/fuzz.sh                 # 5 s per target
#   FUZZTIME=1m scripts/fuzz.sh     # longer, before a release
#
# A failing input is written to the package's testdata/fuzz/FuzzName/;
# commit it with the fix so the plain test run keeps checking it.
set -euo pipefail

cd "$(dirname "$0")/.."

readonly GO=${GO:-go}
readonly FUZZTIME=${FUZZTIME:-5s}

# "package FuzzName" pairs. Add new targets here: the script does not look
# for them, so a target nobody listed is noticed in review, not skipped.
readonly TARGETS=(
	"./domain FuzzCompareThreeWay"
	"./domain FuzzMergeLines"
	"./domain/lead FuzzFieldsValidate"
	"./domain/lead FuzzStatusMoves"
	"./domain/contact FuzzFieldsValidate"
	"./domain/deal FuzzParseMoney"
	"./domain/savedview FuzzFieldsValidate"
	"./domain/task FuzzFieldsValidate"
	"./delivery/web FuzzDecodeLeadForm"
	"./delivery/web/views FuzzLinkify"
	"./domain/entry FuzzFieldsValidate"
)

# fuzz runs one target, printing its output. Go 1.26's fuzz coordinator
# can end a run that found nothing with "context deadline exceeded" at the
# -fuzztime boundary (golang/go#75804, fixed in Go 1.27): no input is
# written then. Such a run is tried once more; a real failure (an input
# written) never is.
fuzz() {
	local pkg=$1 name=$2 out
	for try in 1 2; do
		if out=$("$GO" test -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" "$pkg" 2>&1); then
			echo "$out"
			return 0
		fi
		echo "$out"
		if [[ $try == 2 || $out != *"context deadline exceeded"* || $out == *"Failing input written"* ]]; then
			return 1
		fi
		echo "fuzz.sh: $name stopped on the fuzzer's own deadline without a failing input; trying once more"
	done
}

failed=()
for target in "${TARGETS[@]}"; do
	read -r pkg name <<<"$target"
	echo "fuzz.sh: $name in $pkg for $FUZZTIME"
	if ! fuzz "$pkg" "$name"; then
		failed+=("$pkg $name")
	fi
done

if ((${#failed[@]} > 0)); then
	echo "fuzz.sh: ${#failed[@]} of ${#TARGETS[@]} targets failed:" >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "fuzz.sh: all ${#TARGETS[@]} targets passed"
