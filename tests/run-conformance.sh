#!/bin/sh
# SPDX-License-Identifier: MIT
# run-conformance.sh - the conformance traces (tests/conformance/*.yaml) on the
# simulated controller: every expectation must hold (exit 0), and the run
# must say how many expectations record a departure of another backend.  A
# deliberately wrong expectation must fail the run with exit 1 and name its
# file:line, what was expected and what came; a bad map form must be refused
# at its file:line:column.  The same files run on QEMU or a drive through the
# vfio backend (docs/conformance.md).  Under check-valgrind the tool runs
# under $VALGRIND.
set -u

. "${NVMESIM_SRCDIR:-$(dirname "$0")/..}/tests/cli-lib.sh"
src=${NVMESIM_SRCDIR:-$(dirname "$0")/..}
conf=$src/tests/conformance

# 1. every conformance trace holds on sim
n=0
for t in "$conf"/*.yaml; do
	tn=$(basename "$t" .yaml)
	n=$((n + 1))
	expect_exit 0 "conformance $tn holds on sim" run "$t" -q -o "$tmp/$tn" &&
		check "$tn: no failed expectation" sh -c "! grep -q ': expected .*, got ' '$tmp/err'"
done
check "there are conformance traces" test "$n" -ge 6

# 2. recorded departures are counted, and sim uses the spec's answer
expect_exit 0 "queues.yaml" run "$conf/queues.yaml" -q -o "$tmp/q" &&
	check "departures counted on sim" \
		err_has "queues.yaml: 1 of 19 expectations record a departure of another backend"

# 3. a wrong expectation fails with exit 1 and names file:line, expected and got
sed 's/expect: invalid_queue_deletion}/expect: success}/' "$conf/queues.yaml" >"$tmp/wrong.yaml"
line=$(grep -n 'cdw10: 2, expect: success}' "$tmp/wrong.yaml" | sed -n 3p | cut -d: -f1)
expect_exit 1 "a wrong expectation fails" run "$tmp/wrong.yaml" -q -o "$tmp/w" &&
	check "it names file:line, expected and got" err_has \
		"wrong.yaml:$line: expected Successful Completion (0x000), got Invalid Queue Deletion (0x10c)" &&
	check "one expectation failed" err_has "run: 1 expectation failed"
# the same with the map form: sim's value is the one checked on sim
sed 's/vfio: completion_queue_invalid}/vfio: invalid_queue_identifier}/; s/{sim: invalid_queue_identifier,/{sim: success,/' \
	"$conf/queues.yaml" >"$tmp/wrong-map.yaml"
line=$(grep -n '{sim: success,' "$tmp/wrong-map.yaml" | cut -d: -f1)
expect_exit 1 "a wrong sim value of a map fails" run "$tmp/wrong-map.yaml" -q -o "$tmp/wm" &&
	check "it names the map's line" err_has \
		"wrong-map.yaml:$line: expected Successful Completion (0x000) for sim (the spec's answer), got Invalid Queue Identifier"
# a wrong event expectation
sed 's/expect: 0x00010000, mask/expect: 0x00010100, mask/' "$conf/doorbell.yaml" >"$tmp/wrong-ev.yaml"
expect_exit 1 "a wrong event expectation fails" run "$tmp/wrong-ev.yaml" -q -o "$tmp/we" &&
	check "it names the event" err_has \
		"wrong-ev.yaml:[0-9]*: expected an asynchronous event with dword 0 0x00010100 under mask 0x00ffff07, got 0x00010000"

# 4. the map form is checked when the trace is read
printf 'ops:\n  - {admin: 0x7f, expect: {sim: invalid_command_opcode, vfi: success}}\n' \
	>"$tmp/bad-map.yaml"
expect_exit 2 "unknown backend in a map" run "$tmp/bad-map.yaml" -q -o "$tmp/b" &&
	check "named with file:line:column and a hint" \
		err_has "bad-map.yaml:2:57: expect: expected a backend name (sim or vfio), got 'vfi'; did you mean 'vfio'?"
printf 'ops:\n  - {admin: 0x7f, expect: {vfio: success}}\n' >"$tmp/no-sim.yaml"
expect_exit 2 "a map without sim" run "$tmp/no-sim.yaml" -q -o "$tmp/b" &&
	check "sim is required" err_has "no-sim.yaml:2:27: expect: expected a sim value in the map"

exit $fail
