#!/bin/sh
# SPDX-License-Identifier: MIT
# run-sweep.sh - end-to-end checks of `nvmesim sweep` and `nvmesim merge`: a
# tiny sweep's sweep.csv (header, one row per point, IOPS grows with queue
# depth), the same bytes whatever -j, --emit-jobs lines run in two halves
# into two folders and merged give the same sweep.csv and sweep.json as the
# whole sweep, a bad --vary exits 2 with one line, a failing point exits 1
# while the others complete, merge refuses inputs that do not fit, and the
# sweep plots are drawn when gnuplot is installed.  Under check-valgrind the
# first sweep and the merge run under $VALGRIND; the rest runs natively.
set -u

. "${NVMESIM_SRCDIR:-$(dirname "$0")/..}/tests/cli-lib.sh"
# Absolute and without ".." (as --emit-jobs writes it): distcheck's srcdir is "../.."
src=$(cd "${NVMESIM_SRCDIR:-$(dirname "$0")/..}" && pwd -P)
trace=$src/tests/traces/sweep.yaml
vary="--vary jobs.0.iodepth=1,4 --vary host.queues=1,2"
tab=$(printf '\t')

# native - the tool without Valgrind (for the parts that only repeat a checked path)
native() { "$bin" "$@"; }
# rows - data rows of a CSV
rows() { tail -n +2 "$1" | wc -l | tr -d ' '; }
# col - column NAME of the row whose first field is INDEX in CSV FILE
col() {
	awk -F, -v name="$2" -v idx="$3" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$1 == idx { print $c[name] }' "$1"
}

# 1. a tiny sweep: 2 queue depths x 2 queue counts
if expect_exit 0 "sweep 2x2, -j 2" sweep "$trace" $vary -j 2 -q -o "$tmp/j2"; then
	check "sweep.csv header" sh -c "head -1 '$tmp/j2/sweep.csv' | grep -q \
'^index,jobs.0.iodepth,host.queues,runs,ios,bytes,errors,sim_time_ns,iops,bw_bytes,\
lat_mean_ns,lat_p50_ns,lat_p99_ns,lat_p999_ns,lat_max_ns,mmio_writes_per_io,\
sq_doorbells_per_io,cq_doorbells_per_io,sq_shadow_per_io,cq_shadow_per_io,\
interrupts_per_io,cqes_per_reap,cpu_ns_per_io,mean_inflight,folder\$'"
	check "one row per point" test "$(rows "$tmp/j2/sweep.csv")" -eq 4
	check "rows in point order" sh -c "cut -d, -f1-3 '$tmp/j2/sweep.csv' | tr '\n' ' ' | \
grep -q '^index,jobs.0.iodepth,host.queues 0,1,1 1,1,2 2,4,1 3,4,2 \$'"
	check "every point did its 200 I/Os" \
		test "$(awk -F, 'NR > 1 && $5 == 200' "$tmp/j2/sweep.csv" | wc -l)" -eq 4
	check "IOPS at QD4 > QD1 (1 queue)" awk -v a="$(col "$tmp/j2/sweep.csv" iops 2)" \
		-v b="$(col "$tmp/j2/sweep.csv" iops 0)" 'BEGIN { exit !(a > b * 2) }'
	check "IOPS at QD4 > QD1 (2 queues)" awk -v a="$(col "$tmp/j2/sweep.csv" iops 3)" \
		-v b="$(col "$tmp/j2/sweep.csv" iops 1)" 'BEGIN { exit !(a > b * 2) }'
	check "per-command doorbells: one SQ doorbell per I/O" \
		test "$(col "$tmp/j2/sweep.csv" sq_doorbells_per_io 0)" = "1.000000"
	check "the table is printed" has '^ *jobs.0.iodepth  host.queues  *IOPS'
	check "point folders as nvmesim run writes them" \
		test -s "$tmp/j2/points/0003-iodepth-4_queues-2/hist-rr-read-lat.csv"
	check "sweep-spec written" grep -q "^vary${tab}jobs.0.iodepth${tab}1${tab}4\$" \
		"$tmp/j2/sweep-spec"
	check "stderr names the folder" err_has "4 of 4 points; results in $tmp/j2/"
	if command -v python3 >/dev/null; then
		check "sweep.json parses, 4 points" python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
assert d['keys'] == ['jobs.0.iodepth', 'host.queues'] and len(d['points']) == 4
assert d['points'][2]['values'] == {'jobs.0.iodepth': '4', 'host.queues': '1'}" \
			"$tmp/j2/sweep.json"
	fi
fi

# shadow doorbell updates per I/O: 0 without, one per command with per-command SQ doorbells
native sweep "$trace" --vary host.shadow_doorbell=off,linux --set jobs.0.iodepth=8 -j 2 -q \
	-o "$tmp/sh" >/dev/null 2>&1
check "sq_shadow_per_io without shadow doorbells" \
	test "$(col "$tmp/sh/sweep.csv" sq_shadow_per_io 0)" = "0.000000"
check "sq_shadow_per_io with them: one per command" \
	test "$(col "$tmp/sh/sweep.csv" sq_shadow_per_io 1)" = "1.000000"
check "cq_shadow_per_io with them: as many as CQ head updates" awk \
	-v s="$(col "$tmp/sh/sweep.csv" cq_shadow_per_io 1)" \
	-v d="$(col "$tmp/sh/sweep.csv" cq_doorbells_per_io 1)" 'BEGIN { exit !(s > 0 && s >= d) }'

# 2. -j does not change a byte
native sweep "$trace" $vary -j 1 -q -o "$tmp/j1" >/dev/null 2>&1
check "-j 1 and -j 2: same sweep.csv" cmp -s "$tmp/j1/sweep.csv" "$tmp/j2/sweep.csv"
check "-j 1 and -j 2: same sweep.json" cmp -s "$tmp/j1/sweep.json" "$tmp/j2/sweep.json"
check "-j 1 and -j 2: same point folders" diff -r "$tmp/j1/points" "$tmp/j2/points"

# 3. --emit-jobs, half the lines into one folder, half into another, merged
native sweep "$trace" $vary -o "$tmp/a" --emit-jobs "$tmp/a.jobs" 2>"$tmp/err"
check "emit-jobs: 4 lines" test "$(wc -l <"$tmp/a.jobs")" -eq 4
check "emit-jobs: says how to merge" err_has "nvmesim merge $tmp/a -o $tmp/a"
want=" run $trace --set jobs.0.iodepth=4 --set host.queues=2 --quiet"
want="$want --output $tmp/a/points/0003-iodepth-4_queues-2\$"
check "emit-jobs: self-contained lines" sh -c "sed -n 4p '$tmp/a.jobs' | grep -q -e '$want'"
check "emit-jobs: nothing run" sh -c "! ls '$tmp/a/points' | grep -q ."
check "emit-jobs: sweep-spec written" test -s "$tmp/a/sweep-spec"
native sweep "$trace" $vary -o "$tmp/b" --emit-jobs - >"$tmp/b.jobs" 2>/dev/null
sed -n '1p;3p' "$tmp/a.jobs" | sh >/dev/null 2>&1
sed -n '2p;4p' "$tmp/b.jobs" | sh >/dev/null 2>&1
check "half the points in a" test "$(ls "$tmp/a/points" | wc -l)" -eq 2
if expect_exit 0 "merge a b" merge "$tmp/a" "$tmp/b" -o "$tmp/m"; then
	check "merge: same sweep.csv as the whole sweep" cmp "$tmp/m/sweep.csv" "$tmp/j2/sweep.csv"
	check "merge: same sweep.json as the whole sweep" \
		cmp "$tmp/m/sweep.json" "$tmp/j2/sweep.json"
	check "merge: same point folders" diff -r "$tmp/m/points" "$tmp/j2/points"
	check "merge: summary line" err_has "4 of 4 points from 4 run folders (0 combined"
fi
# a partial sweep rebuilt in place: the points it has
expect_exit 0 "merge a -o a (in place, partial)" merge "$tmp/a" -o "$tmp/a" &&
	check "partial: two rows" test "$(rows "$tmp/a/sweep.csv")" -eq 2
# the same point from two folders adds up
native merge "$tmp/j1" "$tmp/j2" -o "$tmp/twice" >/dev/null 2>&1
check "combined points: twice the I/Os, same IOPS" \
	test "$(col "$tmp/twice/sweep.csv" ios 3),$(col "$tmp/twice/sweep.csv" iops 3)" = \
	"400,$(col "$tmp/j2/sweep.csv" iops 3)"

# 4. bad --vary and bad inputs: exit 2, one line
expect_exit 2 "unknown --vary key" sweep "$trace" --vary host.queus=1,2 -o "$tmp/x" &&
	check "unknown key message" err_has "^nvmesim: sweep: --vary host.queus=1: unknown \
setting 'host.queus'; did you mean 'host.queues'?" &&
	check "unknown key is one line" err_lines 1
expect_exit 2 "bad --vary value" sweep "$trace" --vary jobs.0.iodepth=1,lots -o "$tmp/x" &&
	check "bad value message" err_has "^nvmesim: sweep: --vary jobs.0.iodepth=lots: " &&
	check "bad value is one line" err_lines 1
expect_exit 2 "malformed --vary" sweep "$trace" --vary jobs.0.iodepth -o "$tmp/x" &&
	check "malformed message" \
		err_has "^nvmesim: sweep: --vary jobs.0.iodepth: expected KEY=V1,V2" &&
	check "malformed is one line" err_lines 1
expect_exit 2 "empty value" sweep "$trace" --vary host.queues=1,,2 -o "$tmp/x" &&
	check "empty value message" err_has "^nvmesim: sweep: --vary host.queues: empty value"
expect_exit 2 "bad profile --vary" sweep "$trace" --vary profile.nand.tR=1us,fast -o "$tmp/x" &&
	check "profile value message" err_has "^nvmesim: sweep: --vary profile.nand.tR=fast: "
expect_exit 2 "no --vary" sweep "$trace" -o "$tmp/x"
expect_exit 2 "bad -j" sweep "$trace" $vary -j 0 -o "$tmp/x"
check "nothing written for a bad --vary" test ! -e "$tmp/x"
expect_exit 2 "merge: keys differ" merge "$tmp/j2" "$tmp/j2/points/0000-iodepth-1_queues-1" \
	-o "$tmp/x" &&
	check "keys differ message" err_has "only sweeps of the same keys"
expect_exit 2 "merge: not a result folder" merge "$tmp" -o "$tmp/x"
expect_exit 2 "merge: no -o" merge "$tmp/j2"

# 5. a point that fails: exit 1, the others complete
cat >"$tmp/expect.yaml" <<'EOF'
namespaces:
  - {size: 1GiB}
ops:
  - {op: read, lba: 100000, expect: success}
  - {op: read, lba: 0}
EOF
native sweep "$tmp/expect.yaml" --vary namespaces.0.size=1GiB,1MiB,2GiB -j 2 -o "$tmp/f" \
	>"$tmp/out" 2>"$tmp/err"
check "failed point: exit 1" test $? -eq 1
check "failed point: named" err_has "^nvmesim: sweep: 0001-size-1MiB: .*expected Successful"
check "failed point: the others ran" test "$(col "$tmp/f/sweep.csv" ios 2)" = 2

# 6. plots: drawn with gnuplot, a warning without
if command -v gnuplot >/dev/null; then
	expect_exit 0 "plot a sweep folder" plot "$tmp/m" &&
		for p in iops p99 mmio cdf; do
			check "sweep-$p.png drawn" test -s "$tmp/m/sweep-$p.png"
			check "sweep-$p.svg drawn" test -s "$tmp/m/sweep-$p.svg"
		done
fi
NVMESIM_GNUPLOT=/nonexistent/gnuplot native merge "$tmp/m" -o "$tmp/m" --plot \
	>/dev/null 2>"$tmp/err"
check "no gnuplot: merge --plot still succeeds" test $? -eq 0
check "no gnuplot: a warning" err_has "warning: no plots drawn"

exit $fail
