#!/bin/sh
# SPDX-License-Identifier: MIT
# run-trace.sh - end-to-end checks of `nvmesim run` and `nvmesim plot`:
# every shipped trace runs as shipped (scaled down where it is long), results
# are byte-identical for the same seed and differ for another, --set reaches
# trace and profile, a bad trace or option exits 2 naming file:line:column, a
# failed expect exits 1 naming the line, and --plot draws pictures when
# gnuplot is installed.  Under check-valgrind the tool runs under $VALGRIND.
set -u

. "${NVMESIM_SRCDIR:-$(dirname "$0")/..}/tests/cli-lib.sh"
src=${NVMESIM_SRCDIR:-$(dirname "$0")/..}
traces=$src/traces

# Keep the suite quick (and bearable under Valgrind): generator jobs run
# fewer I/Os than shipped; explicit-operation traces run whole.
small="--set jobs.0.count=300"

# 1. every shipped trace runs
for t in "$traces"/*.yaml; do
	tn=$(basename "$t" .yaml)
	case $tn in
	randread-qd32 | qd1-latency | seqread-128k | write-cache) set -- $small ;;
	mixed-70-30) set -- --set jobs.0.runtime=200us --set jobs.1.runtime=200us ;;
	*) set -- ;;
	esac
	expect_exit 0 "trace $tn runs" run "$t" -q -o "$tmp/$tn" "$@" &&
		check "$tn wrote summary.json" test -s "$tmp/$tn/summary.json" &&
		check "$tn wrote timeseries.csv" test -s "$tmp/$tn/timeseries.csv"
done
check "histogram CSVs written" test -s "$tmp/randread-qd32/hist-randread-read-lat.csv"
expect_exit 0 "text summary" run "$traces/qd1-latency.yaml" -q -o "$tmp/t" $small &&
	check "text summary has fio's IOPS line" has '^  read: IOPS=' &&
	check "text summary has the conversation" has 'interrupts='

# 2. determinism: same seed -> identical JSON; another seed -> different
rr=$traces/randread-qd32.yaml
expect_exit 0 "json run 1" run "$rr" -q --json -o "$tmp/d1" $small && cp "$tmp/out" "$tmp/d1.json"
expect_exit 0 "json run 2" run "$rr" -q --json -o "$tmp/d2" $small && cp "$tmp/out" "$tmp/d2.json"
expect_exit 0 "json run, seed 2" run "$rr" -q --json -o "$tmp/d3" $small --seed 2 &&
	cp "$tmp/out" "$tmp/d3.json"
check "same seed, byte-identical JSON on stdout" cmp -s "$tmp/d1.json" "$tmp/d2.json"
check "same seed, byte-identical summary.json" cmp -s "$tmp/d1/summary.json" "$tmp/d2/summary.json"
check "another seed differs" sh -c "! cmp -s '$tmp/d1.json' '$tmp/d3.json'"
check "--json prints JSON" sh -c "head -c1 '$tmp/d1.json' | grep -q '{'"
if command -v python3 >/dev/null; then
	check "--json output parses" python3 -c "import json,sys; json.load(open(sys.argv[1]))" \
		"$tmp/d1.json"
fi

# 3. --set reaches the trace and the profile
expect_exit 0 "--set host.queues and profile.nand.tR" run "$traces/qd1-latency.yaml" -q \
	-o "$tmp/s" --set jobs.0.count=50 --set profile.nand.tR=10us &&
	check "a faster tR shortens QD1 latency" has 'lat (usec): min=1[0-9],'

# 4. input errors exit 2 and say where
printf 'seed: 1\njobs:\n  - name: x\n    rw: randread\n    iodepth: lots\n    count: 1\n' \
	>"$tmp/bad.yaml"
expect_exit 2 "bad trace value" run "$tmp/bad.yaml" -q -o "$tmp/bad" &&
	check "bad trace names file:line:column" err_has "bad.yaml:5:14: .*iodepth"
expect_exit 2 "missing trace file" run "$tmp/nope.yaml" -q -o "$tmp/nope"
expect_exit 2 "unknown --set key" run "$rr" -q -o "$tmp/u" --set host.queus=2 &&
	check "unknown --set names the key" err_has "host.queus"
expect_exit 2 "--set without =" run "$rr" --set host.queues
expect_exit 2 "bad --seed" run "$rr" --seed x
expect_exit 2 "unknown profile" run "$rr" -q -o "$tmp/p" --profile no-such-drive &&
	check "unknown profile is named" err_has "no-such-drive"
expect_exit 2 "run without a trace" run
check "one-line usage error" err_lines 1

# 5. a failed expect exits 1 and names the line
printf 'profile: gen4-tlc\nops:\n  - {admin: 0x06, cdw10: 1, data: 4096, expect: success}\n  - {admin: 0x7f, expect: success}\n' \
	>"$tmp/expect.yaml"
expect_exit 1 "failed expect" run "$tmp/expect.yaml" -q -o "$tmp/e" &&
	check "failed expect names file:line" err_has "expect.yaml:4"

# 6. verify: a write-then-read-back trace passes, a corrupted block fails naming its LBA, and
#    verify on a namespace that drops its data is refused when the trace is read
expect_exit 0 "write-verify checks every block" run "$traces/write-verify.yaml" -q -o "$tmp/wv" &&
	check "verify summary" err_has "verify: 24192 blocks written with the pattern, 24192 read back and checked, 0 bad"
printf 'verify: on\nops:\n  - {op: write, lba: 0, blocks: 64}\n  - {op: write, lba: 40, verify: off}\n  - {op: read, lba: 0, blocks: 64}\n' \
	>"$tmp/corrupt.yaml"
expect_exit 1 "a block overwritten without verify is caught" run "$tmp/corrupt.yaml" -q -o "$tmp/c" &&
	check "the bad block's LBA is named" err_has "corrupt.yaml:5: verify: LBA 40: no verify header" &&
	check "counted" err_has "64 read back and checked, 1 bad"
printf 'ops:\n  - {op: write, lba: 0, blocks: 8, verify: on}\n  - {cmd: 0x01, nsid: 1, cdw10: 4, data: 512}\n  - {op: read, lba: 0, blocks: 8, verify: on}\n' \
	>"$tmp/misplaced.yaml"
expect_exit 1 "a block written at the wrong LBA is caught" run "$tmp/misplaced.yaml" -q -o "$tmp/m" &&
	check "it says whose block it holds" err_has "misplaced.yaml:4: verify: LBA 4: holds the block of LBA 0 of namespace 1"
# reads without verify share a buffer the controller leaves unwritten (a DMA sink); a verified
# read must not: here the slot's buffer still holds LBA 8's block when LBA 0 is read back
printf 'iodepth: 1\nops:\n  - {op: write, lba: 0, blocks: 8, verify: on}\n  - {op: read, lba: 0, blocks: 8}\n  - {op: write, lba: 8, blocks: 8, verify: on}\n  - {op: read, lba: 8, blocks: 8}\n  - {op: read, lba: 0, blocks: 8, verify: on}\n' \
	>"$tmp/sink.yaml"
expect_exit 0 "a verified read after reads without verify" run "$tmp/sink.yaml" -q -o "$tmp/s" &&
	check "it checked its own data" err_has "16 blocks written with the pattern, 8 read back and checked, 0 bad"
printf 'namespaces:\n  - {size: 1GiB, data: discard}\njobs:\n  - {rw: write, bs: 4k, count: 10, verify: on}\n' \
	>"$tmp/discard.yaml"
expect_exit 2 "verify with data: discard is refused" run "$tmp/discard.yaml" -q -o "$tmp/dd" &&
	check "named at the job" err_has "discard.yaml:4:5: jobs.0: expected a namespace that keeps its data for verify"

# 7. plots (only when gnuplot is installed: without it a warning, exit 0)
if command -v gnuplot >/dev/null; then
	expect_exit 0 "run --plot" run "$rr" -q --plot -o "$tmp/plot" $small &&
		check "latency CDF drawn" test -s "$tmp/plot/latency-cdf.png" &&
		check "latency histogram drawn" test -s "$tmp/plot/latency-hist.svg" &&
		check "time series drawn" test -s "$tmp/plot/timeseries.png"
	rm -f "$tmp/plot"/*.png "$tmp/plot"/*.svg
	expect_exit 0 "plot DIR" plot "$tmp/plot" &&
		check "plot redraws" test -s "$tmp/plot/latency-cdf.png"
fi
NVMESIM_GNUPLOT=/nonexistent/gnuplot
export NVMESIM_GNUPLOT
expect_exit 0 "run --plot without gnuplot" run "$rr" -q --plot -o "$tmp/nogp" $small &&
	check "warning, not a failure" err_has "warning: no plots drawn"
unset NVMESIM_GNUPLOT
expect_exit 2 "plot of a missing folder" plot "$tmp/no-such-dir"

exit $fail
