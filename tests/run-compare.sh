#!/bin/sh
# SPDX-License-Identifier: MIT
# run-compare.sh - end-to-end checks of `nvmesim compare RUN_A RUN_B`: two
# runs of different profiles give a table (per op type and the counters) and
# a compare.csv whose ratios are B/A of the two summaries; a run compared
# with itself gives every ratio 1.000; an op type only one run did has no
# ratio where A is 0; folders that are not result folders, a sweep folder
# and bad command lines exit 2 with one line; the overlaid plots are drawn
# when gnuplot is installed and only warned about when it is not.  Under
# check-valgrind the first comparison runs under $VALGRIND.
set -u

. "${NVMESIM_SRCDIR:-$(dirname "$0")/..}/tests/cli-lib.sh"
src=$(cd "${NVMESIM_SRCDIR:-$(dirname "$0")/..}" && pwd -P)
trace=$src/tests/traces/sweep.yaml

# native - the tool without Valgrind (for the parts that only repeat a checked path)
native() { "$bin" "$@"; }
# csv - column 3, 4 or 5 (a, b, b_over_a) of row GROUP,METRIC of compare.csv FILE
csv() { awk -F, -v g="$2" -v m="$3" -v c="$4" '$1 == g && $2 == m { print $c }' "$1"; }
# summary - the value of "KEY": in the nvmesim object of summary.json FILE
summary() { sed -n "s/^    \"$2\": \\([0-9.]*\\),*\$/\\1/p" "$1" | head -1; }

native run "$trace" --set jobs.0.count=400 --set jobs.0.iodepth=8 -q -o "$tmp/a" >/dev/null 2>&1
native run "$trace" --set jobs.0.count=400 --set jobs.0.iodepth=8 --profile slc-lowlat -q \
	-o "$tmp/b" >/dev/null 2>&1
native run "$trace" --set jobs.0.count=100 --set jobs.0.rw=randwrite -q -o "$tmp/w" \
	>/dev/null 2>&1

# 1. two profiles: the table, compare.csv, compare.json
if expect_exit 0 "compare gen4-tlc vs slc-lowlat" compare "$tmp/a" "$tmp/b" -o "$tmp/ab"; then
	check "table names A and B" sh -c "grep -q '^A: $tmp/a\$' '$tmp/out' &&
grep -q '^B: $tmp/b\$' '$tmp/out'"
	check "table: a read block" has '^read  *A  *B  *B/A$'
	check "table: an all block" has '^all  *A  *B  *B/A$'
	check "table: no write block (neither run wrote)" sh -c "! grep -q '^write ' '$tmp/out'"
	check "table: IOPS row" has '^  IOPS  *[0-9]* *[0-9]* *[0-9.]*$'
	check "table: p99.9 row" has '^  p99.9 (us) '
	check "table: counters block" has '^nvmesim  *A  *B  *B/A$'
	check "table: cpu_ns_per_io row" has '^  cpu_ns_per_io '
	check "compare.csv header" sh -c "head -1 '$tmp/ab/compare.csv' | \
grep -qx 'group,metric,a,b,b_over_a'"
	check "csv: 400 I/Os each" test "$(csv "$tmp/ab/compare.csv" read ios 3),$(csv \
"$tmp/ab/compare.csv" read ios 4)" = "400,400"
	check "csv: A's mean is summary A's" test "$(csv "$tmp/ab/compare.csv" read lat_mean_ns 3)" \
		= "$(sed -n '/"lat_ns"/,/}/p' "$tmp/a/summary.json" | \
		     sed -n 's/^ *"mean": \([0-9.]*\),*$/\1/p' | head -1 | \
		     awk '{ printf "%.3f", $1 }')"
	check "csv: mmio_writes of both summaries" test \
		"$(csv "$tmp/ab/compare.csv" nvmesim mmio_writes 3),$(csv \
"$tmp/ab/compare.csv" nvmesim mmio_writes 4)" = \
		"$(summary "$tmp/a/summary.json" mmio_writes),$(summary "$tmp/b/summary.json" \
mmio_writes)"
	check "csv: ratio is B/A" awk -v a="$(csv "$tmp/ab/compare.csv" all lat_p99_ns 3)" \
		-v b="$(csv "$tmp/ab/compare.csv" all lat_p99_ns 4)" \
		-v r="$(csv "$tmp/ab/compare.csv" all lat_p99_ns 5)" \
		'BEGIN { exit !(r != "" && (b / a - r) < 1e-6 && (r - b / a) < 1e-6) }'
	check "slc-lowlat is faster: mean ratio < 0.5" awk \
		-v r="$(csv "$tmp/ab/compare.csv" read lat_mean_ns 5)" 'BEGIN { exit !(r < 0.5) }'
	check "compare-lat.dat: two blocks" test \
		"$(grep -c '^latency_us' "$tmp/ab/compare-lat.dat")" -eq 2
	check "compare-hist.dat: two blocks" test \
		"$(grep -c '^latency_us' "$tmp/ab/compare-hist.dat")" -eq 2
	check "stderr names the folder" err_has "results in $tmp/ab/"
	if command -v python3 >/dev/null; then
		check "compare.json parses" python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
assert d['a']['profile'] == 'gen4-tlc' and d['b']['profile'] == 'slc-lowlat'
g = d['groups']
assert set(g) == {'read', 'all', 'nvmesim'}, g.keys()
assert g['read']['ios'] == {'a': 400, 'b': 400, 'ratio': 1.0}
assert abs(g['all']['iops']['ratio'] - g['all']['iops']['b'] / g['all']['iops']['a']) < 1e-6" \
			"$tmp/ab/compare.json"
	fi
fi

# 2. a run with itself: every ratio 1
if expect_exit 0 "compare a run with itself" compare "$tmp/a" "$tmp/a" -o "$tmp/aa"; then
	check "csv: every ratio 1.000000 (or none where A is 0)" test \
		"$(tail -n +2 "$tmp/aa/compare.csv" | awk -F, '$5 != "1.000000" && $3 != 0' | wc -l)" \
		-eq 0
	check "table: ratios 1.000" test "$(grep -c ' 1\.000$' "$tmp/out")" -ge 20
	check "csv: as many rows as the two-profile one" test \
		"$(wc -l <"$tmp/aa/compare.csv")" -eq "$(wc -l <"$tmp/ab/compare.csv")"
fi
native compare "$tmp/a" "$tmp/a" -o "$tmp/aa2" >/dev/null 2>&1
check "the same bytes twice" cmp -s "$tmp/aa/compare.csv" "$tmp/aa2/compare.csv"

# 3. op types only one run did: no ratio where A is 0, 0 where B is 0
if expect_exit 0 "compare reads with writes" compare "$tmp/a" "$tmp/w"; then
	check "table: a write block" has '^write  *A  *B  *B/A$'
	check "table: no ratio where A did no I/O" has '^  IOPS  *0  *[0-9]*  *-$'
fi
native compare "$tmp/a" "$tmp/w" -o "$tmp/aw" >/dev/null 2>&1
check "csv: write ratio empty" test "$(csv "$tmp/aw/compare.csv" write ios 5)" = ""
check "csv: read ratio 0" test "$(csv "$tmp/aw/compare.csv" read ios 5)" = "0.000000"

# 4. bad folders and command lines: exit 2, one line
mkdir -p "$tmp/empty"
expect_exit 2 "not a folder" compare "$tmp/a" "$tmp/nonexistent" &&
	check "not a folder: message" err_has \
		"^nvmesim: compare: $tmp/nonexistent: not a result folder (No such file" &&
	check "not a folder: one line" err_lines 1
expect_exit 2 "a folder without summary.json" compare "$tmp/empty" "$tmp/a" &&
	check "no summary.json: message" err_has \
		"^nvmesim: compare: $tmp/empty: not a result folder (no summary.json" &&
	check "no summary.json: one line" err_lines 1
native sweep "$trace" --vary jobs.0.iodepth=1,2 -j 1 -q -o "$tmp/sw" >/dev/null 2>&1
expect_exit 2 "a sweep folder" compare "$tmp/sw" "$tmp/a" &&
	check "sweep folder: message" err_has \
		"^nvmesim: compare: $tmp/sw: a sweep folder, not a run folder"
expect_exit 0 "two points of a sweep" compare "$tmp/sw/points/0000-iodepth-1" \
	"$tmp/sw/points/0001-iodepth-2"
printf '{ "jobs": [' >"$tmp/empty/summary.json"
expect_exit 2 "a malformed summary.json" compare "$tmp/a" "$tmp/empty" &&
	check "malformed: names the file" err_has "$tmp/empty/summary.json:1: "
expect_exit 2 "one folder" compare "$tmp/a"
expect_exit 2 "three folders" compare "$tmp/a" "$tmp/b" "$tmp/w"
expect_exit 2 "--plot without -o" compare "$tmp/a" "$tmp/b" --plot &&
	check "--plot message" err_has "^nvmesim: compare: --plot: needs -o DIR"
check "nothing written for bad input" test ! -e "$tmp/x"

# 5. plots: drawn with gnuplot, a warning without; `nvmesim plot` redraws them
if command -v gnuplot >/dev/null; then
	if expect_exit 0 "compare --plot" compare "$tmp/a" "$tmp/b" -o "$tmp/p" --plot; then
		for p in cdf hist; do
			check "compare-$p.png drawn" test -s "$tmp/p/compare-$p.png"
			check "compare-$p.svg drawn" test -s "$tmp/p/compare-$p.svg"
		done
	fi
	rm -f "$tmp/p/compare-cdf.svg"
	expect_exit 0 "plot redraws a comparison" plot "$tmp/p" &&
		check "compare-cdf.svg redrawn" test -s "$tmp/p/compare-cdf.svg"
fi
NVMESIM_GNUPLOT=/nonexistent/gnuplot native compare "$tmp/a" "$tmp/b" -o "$tmp/q" --plot \
	>/dev/null 2>"$tmp/err"
check "no gnuplot: compare --plot still succeeds" test $? -eq 0
check "no gnuplot: a warning" err_has "warning: no plots drawn"
check "no gnuplot: the tables are written" test -s "$tmp/q/compare.csv"

exit $fail
