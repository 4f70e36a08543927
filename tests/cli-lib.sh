# SPDX-License-Identifier: MIT
# cli-lib.sh - helpers shared by the shell tests of the nvmesim tool (sourced).
# Sets $bin, $tmp (removed on exit) and $fail; provides run, check,
# expect_exit, has, err_has and err_lines.
bin=${NVMESIM_BUILDDIR:-.}/tools/nvmesim
[ -x "$bin" ] || { echo "run-cli: $bin not built" >&2; exit 99; }
# The tool is a libtool wrapper script: valgrind must go through libtool.
run() {
	if [ -n "${VALGRIND:-}" ]; then
		# 99: a memcheck error is a hard error, never a wanted exit status
		"${NVMESIM_BUILDDIR:-.}/libtool" --mode=execute $VALGRIND -q --error-exitcode=99 \
			--leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
			"$bin" "$@"
	else
		"$bin" "$@"
	fi
}
tmp=${TMPDIR:-/tmp}/nvmesim-cli.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

# check NAME CONDITION... - report one test result
check() {
	name=$1
	shift
	if "$@"; then
		echo "PASS: $name"
	else
		echo "FAIL: $name"
		fail=1
	fi
}

# expect_exit WANT NAME ARGS... - run the tool, keep output in $tmp/out, $tmp/err
expect_exit() {
	want=$1
	name=$2
	shift 2
	run "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $name: exit $got, expected $want"
		sed 's/^/  stderr: /' "$tmp/err" | head -20
		fail=1
		return 1
	fi
	echo "PASS: $name (exit $want)"
	return 0
}

has() { grep -q -e "$1" "$tmp/out"; }
err_has() { grep -q -e "$1" "$tmp/err"; }
err_lines() { [ "$(grep -cv '^==' "$tmp/err")" -eq "$1" ]; }

