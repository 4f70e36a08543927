#!/bin/sh
# SPDX-License-Identifier: MIT
# run-cli.sh - end-to-end checks of the nvmesim command-line tool: `info`
# brings a simulated controller up and describes it, --trace-mmio shows the
# register conversation, and usage errors exit 2 with one line naming the
# problem.  Run by `make check` with NVMESIM_BUILDDIR set; under Valgrind the
# tool runs under $VALGRIND when AX_VALGRIND_CHECK provides it.
set -u

. "${NVMESIM_SRCDIR:-$(dirname "$0")/..}/tests/cli-lib.sh"

# 1. info: registers, Identify data, queues, shutdown
if expect_exit 0 "info" info; then
	check "info prints CAP" has '^  CAP   0x'
	check "info prints VS" has '^  VS    0x'
	check "info prints CC with EN=1" has '^  CC    0x.*EN=1'
	check "info prints CSTS with RDY=1" has '^  CSTS  0x.*RDY=1'
	check "info prints the model" has '^  MN      .'
	check "info prints namespace 1" has '^Identify Namespace 1 '
	check "info marks the LBA format in use" has '^    \* LBAF 0 .*(in use)'
	check "info prints the I/O queues" has '^I/O queues: 1 pair created'
	check "info has no mmio lines" sh -c "! grep -q '^mmio: ' '$tmp/out'"
fi

# 2. --trace-mmio: every BAR access, in order
if expect_exit 0 "info --trace-mmio" info --trace-mmio --io-queues 2; then
	check "trace shows CC written with EN=1" has '^mmio: W32 CC <- 0x[0-9a-f]*1 .*EN=1'
	check "trace shows CC written without EN first" has '^mmio: W32 CC <- 0x[0-9a-f]*0 '
	check "trace shows an admin SQ doorbell" has '^mmio: W32 SQ0TDBL <- '
	check "trace shows the shutdown" has '^mmio: W32 CC <- 0x[0-9a-f]*4[0-9a-f]\{3\} '
	check "trace CAP read comes first" \
		sh -c "grep '^mmio: ' '$tmp/out' | head -1 | grep -q 'R64 CAP'"
	check "two I/O queues" has '^I/O queues: 2 pairs created'
fi

# 3. options
expect_exit 0 "info --lba-size 4096 --namespaces 2 --namespace all" \
	info --lba-size 4096 --namespaces 2 --namespace all &&
	check "both namespaces shown" has '^Identify Namespace 2 ' &&
	check "4096-byte format in use" has '^    \* LBAF .* 4096 B data'

# 4. usage errors: exit 2, one line naming the option
expect_exit 2 "bad number" info --namespace x &&
	check "bad number message" \
		err_has "^nvmesim: info: --namespace: expected a namespace id 1..16.*got 'x'" &&
	check "bad number is one line" err_lines 1
expect_exit 2 "unknown option" info --bogus &&
	check "unknown option message" err_has "^nvmesim: info: unknown option '--bogus'" &&
	check "unknown option is one line" err_lines 1
expect_exit 2 "missing argument" info --io-queues &&
	check "missing argument message" err_has "^nvmesim: info: --io-queues: missing argument"
expect_exit 2 "bad lba size" info --lba-size 1024 &&
	check "bad lba size message" err_has "^nvmesim: info: --lba-size: expected 512 or 4096, got '1024'"
expect_exit 2 "namespace beyond --namespaces" info --namespace 3
expect_exit 2 "unknown command" frobnicate &&
	check "unknown command message" err_has "^nvmesim: unknown command 'frobnicate'" &&
	check "unknown command is one line" err_lines 1
expect_exit 2 "no command"
expect_exit 2 "unknown global option" --bogus

# 5. help and version
expect_exit 0 "--help" --help && check "--help lists info" has '^  info '
expect_exit 0 "info --help" info --help && check "info --help lists --trace-mmio" has '--trace-mmio'
expect_exit 0 "--version" --version && check "--version prints the version" has '^nvmesim [0-9]'

exit $fail
