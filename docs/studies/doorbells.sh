#!/bin/sh
# SPDX-License-Identifier: MIT
# doorbells.sh - regenerate the doorbell and interrupt study
# (docs/studies/doorbells.md): its sweeps and runs, the tables it quotes
# (printed on stdout, in Markdown) and its figures (docs/studies/doorbells/).
#
# Usage: docs/studies/doorbells.sh [OUTDIR]
#   OUTDIR    where the sweep and run folders go (default: results/doorbells-study)
# Environment:
#   NVMESIM   the nvmesim command (default: build/tools/nvmesim of this source
#             tree when it exists, else nvmesim on PATH)
#   JOBS      points run at once (default: 2)
#   FIGDIR    where the figures go (default: docs/studies/doorbells next to
#             this script); FIGDIR=none draws none
#
# Every number is computed by nvmesim from the points' result folders; this
# script only picks rows and columns of their sweep.csv and of the runs'
# summaries.  The results are deterministic: the same nvmesim prints the same
# tables on any machine.  gnuplot draws the figures (without it, a warning).
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
out=${1:-results/doorbells-study}
jobs=${JOBS:-2}
figdir=${FIGDIR:-$here/doorbells}
if [ -z "${NVMESIM:-}" ]; then
	if [ -x "$top/build/tools/nvmesim" ]; then
		NVMESIM=$top/build/tools/nvmesim
	else
		NVMESIM=nvmesim
	fi
fi
trace=$here/doorbells.yaml
mixed=$here/doorbells-mixed.yaml
qds=1,2,4,8,16,32,64,128,256
mkdir -p "$out"

# The sweeps.  Doorbells: every SQ policy with every shadow mode, on the bare-metal
# profile and the virtualized one.  Completions: interrupts, polling and two hybrid
# windows; coalescing: three thresholds with the shortest aggregation time.
echo "# nvmesim doorbell and interrupt study ($("$NVMESIM" --version))"
"$NVMESIM" sweep "$trace" -j "$jobs" -q -o "$out/doorbells" --vary jobs.0.iodepth=$qds \
	--vary profile=gen4-tlc,virtualized --vary host.sq_doorbell=per-command,batch,deferred \
	--vary host.shadow_doorbell=off,linux,spdk >/dev/null
"$NVMESIM" sweep "$trace" -j "$jobs" -q -o "$out/completion" --vary jobs.0.iodepth=$qds \
	--vary host.completion=interrupt,poll,hybrid:5000,hybrid:50000 >/dev/null
"$NVMESIM" sweep "$trace" -j "$jobs" -q -o "$out/coalescing" --vary jobs.0.iodepth=$qds \
	--vary 'host.coalescing=off;4,100;16,100;64,100' >/dev/null

# table CSV FILTER COLUMNS - print the rows of sweep.csv CSV that match FILTER
# ("key=v1|v2 key=v"; every key must match one of its values) as a Markdown
# table of COLUMNS ("column:title:decimals ...", "_" in a title printed as a
# space, decimals "k" for the value as given, "us" for nanoseconds shown in
# microseconds with two decimals), in the file's order.
table() {
	awk -v filter="$2" -v cols="$3" '
	function split_csv(line, f,    n, i, c, q, cur) {
		n = 0; cur = ""; q = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (q) {
				if (c == "\"" && substr(line, i + 1, 1) == "\"") { cur = cur c; i++ }
				else if (c == "\"") q = 0
				else cur = cur c
			} else if (c == "\"") q = 1
			else if (c == ",") { f[++n] = cur; cur = "" }
			else cur = cur c
		}
		f[++n] = cur
		return n
	}
	BEGIN {
		nf = split(filter, fl, " ")
		nc = split(cols, cl, " ")
	}
	NR == 1 {
		split_csv($0, h)
		for (i in h) col[h[i]] = i
		line = "|"; rule = "|"
		for (i = 1; i <= nc; i++) {
			split(cl[i], p, ":")
			gsub("_", " ", p[2])
			line = line " " p[2] " |"
			rule = rule (p[3] == "k" ? " --- |" : " ---: |")
		}
		print line; print rule
		next
	}
	{
		split_csv($0, f)
		for (i = 1; i <= nf; i++) {
			split(fl[i], kv, "=")
			nv = split(kv[2], vs, "|")
			hit = 0
			for (j = 1; j <= nv; j++) if (f[col[kv[1]]] == vs[j]) hit = 1
			if (!hit) next
		}
		line = "|"
		for (i = 1; i <= nc; i++) {
			split(cl[i], p, ":")
			v = f[col[p[1]]]
			if (p[3] == "k") s = v
			else if (p[3] == "us") s = sprintf("%.2f", v / 1000)
			else s = sprintf("%." p[3] "f", v)
			line = line " " s " |"
		}
		print line
	}' "$1"
}

# dat CSV XKEY SERIES FILTER COLUMNS - gnuplot data: one block per value of the
# SERIES columns (joined with " "), rows of XKEY and COLUMNS, for FILTER
dat() {
	awk -v xkey="$2" -v series="$3" -v filter="$4" -v cols="$5" '
	function split_csv(line, f,    n, i, c, q, cur) {
		n = 0; cur = ""; q = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (q) {
				if (c == "\"" && substr(line, i + 1, 1) == "\"") { cur = cur c; i++ }
				else if (c == "\"") q = 0
				else cur = cur c
			} else if (c == "\"") q = 1
			else if (c == ",") { f[++n] = cur; cur = "" }
			else cur = cur c
		}
		f[++n] = cur
		return n
	}
	BEGIN {
		nf = split(filter, fl, " ")
		nc = split(cols, cl, " ")
		ns = split(series, sl, " ")
	}
	NR == 1 { split_csv($0, h); for (i in h) col[h[i]] = i; next }
	{
		split_csv($0, f)
		for (i = 1; i <= nf; i++) {
			split(fl[i], kv, "=")
			nv = split(kv[2], vs, "|")
			hit = 0
			for (j = 1; j <= nv; j++) if (f[col[kv[1]]] == vs[j]) hit = 1
			if (!hit) next
		}
		name = ""
		for (i = 1; i <= ns; i++) name = name (i > 1 ? " " : "") f[col[sl[i]]]
		if (!(name in rows)) order[++nser] = name
		r = f[col[xkey]]
		for (i = 1; i <= nc; i++) r = r "\t" f[col[cl[i]]]
		rows[name] = rows[name] r "\n"
	}
	END {
		for (s = 1; s <= nser; s++) {
			if (s > 1) printf "\n\n"
			printf "%s\t%s\n", xkey, order[s]
			printf "%s", rows[order[s]]
		}
	}' "$1"
}

db=$out/doorbells/sweep.csv
cmpl=$out/completion/sweep.csv
coal=$out/coalescing/sweep.csv
# the figure's lines: the three SQ policies with MMIO doorbells, then shadow doorbells
# (both need-event tests with per-command, Linux's batch with its own test)
fig_filters='host.sq_doorbell=per-command|batch|deferred/host.shadow_doorbell=off
host.sq_doorbell=per-command/host.shadow_doorbell=linux|spdk
host.sq_doorbell=batch/host.shadow_doorbell=linux'

echo
echo "## Table 1: doorbells on bare metal (gen4-tlc)"
echo
table "$db" "profile=gen4-tlc jobs.0.iodepth=1|8|32|128|256 host.sq_doorbell=per-command|batch \
host.shadow_doorbell=off|linux" \
	"jobs.0.iodepth:QD:k host.sq_doorbell:SQ_doorbell:k host.shadow_doorbell:shadow:k \
iops:IOPS:0 lat_mean_ns:mean_us:us lat_p99_ns:p99_us:us sq_doorbells_per_io:SQ_MMIO/IO:3 \
cq_doorbells_per_io:CQ_MMIO/IO:3 cpu_ns_per_io:CPU_ns/IO:0"
echo
echo "## Table 2: doorbells in the virtual machine (virtualized)"
echo
table "$db" "profile=virtualized jobs.0.iodepth=1|8|32|128|256 host.sq_doorbell=per-command|batch \
host.shadow_doorbell=off|linux" \
	"jobs.0.iodepth:QD:k host.sq_doorbell:SQ_doorbell:k host.shadow_doorbell:shadow:k \
iops:IOPS:0 lat_mean_ns:mean_us:us lat_p99_ns:p99_us:us sq_doorbells_per_io:SQ_MMIO/IO:3 \
cq_doorbells_per_io:CQ_MMIO/IO:3 sq_shadow_per_io:SQ_shadow/IO:3 \
cq_shadow_per_io:CQ_shadow/IO:3 cpu_ns_per_io:CPU_ns/IO:0"
echo
echo "## Same results"
echo
# every metric of a point but its name: deferred against batch, spdk against linux
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{
		m = ""
		for (i = c["runs"]; i < c["folder"]; i++) m = m "," $i
		key = $c["jobs.0.iodepth"] SUBSEP $c["profile"]
		v[key, $c["host.sq_doorbell"], $c["host.shadow_doorbell"]] = m
	}
	END {
		for (k in v) {
			split(k, p, SUBSEP)
			if (p[3] == "deferred") {
				nd++
				sd += v[k] == v[p[1], p[2], "batch", p[4]]
			}
			if (p[4] == "spdk") {
				ns++
				ss += v[k] == v[p[1], p[2], p[3], "linux"]
			}
		}
		printf "- deferred SQ doorbells gave the same results as batch in %d of %d points\n",
			sd, nd
		printf "- the spdk need-event test gave the same results as linux in %d of %d points\n",
			ss, ns
	}' "$db"
echo
echo "## Table 3: interrupts, polling and hybrid polling (gen4-tlc)"
echo
table "$cmpl" "jobs.0.iodepth=1|8|32|128|256" \
	"jobs.0.iodepth:QD:k host.completion:completion:k iops:IOPS:0 lat_mean_ns:mean_us:us \
lat_p99_ns:p99_us:us interrupts_per_io:irq/IO:3 cqes_per_reap:CQEs/reap:2 \
cpu_ns_per_io:CPU_ns/IO:0"
echo
echo "## Table 4: interrupt coalescing THR,TIME_US (gen4-tlc)"
echo
table "$coal" "jobs.0.iodepth=1|4|16|64|256" \
	"jobs.0.iodepth:QD:k host.coalescing:coalescing:k iops:IOPS:0 lat_mean_ns:mean_us:us \
lat_p99_ns:p99_us:us interrupts_per_io:irq/IO:3 cqes_per_reap:CQEs/reap:2 \
cpu_ns_per_io:CPU_ns/IO:0"

# The opt-out: a bulk reader and a latency-sensitive writer, coalescing off, on, and
# on with the writer's queue opted out; the two coalesced runs side by side.
for run in off:off:none coalesced:16,100:none optout:16,100:2; do
	name=${run%%:*}
	rest=${run#*:}
	"$NVMESIM" run "$mixed" -q -o "$out/mixed-$name" --set "host.coalescing=${rest%%:*}" \
		--set "host.coalescing_off_queues=${rest#*:}" >"$out/mixed-$name.txt"
done
echo
echo "## Table 5: coalescing with a queue opted out (doorbells-mixed.yaml)"
for name in off coalesced optout; do
	echo
	echo "$name:"
	echo
	echo '```'
	grep -E '^  (read|write): IOPS|^     lat \(|^  host cpu|^  queue [12]:' \
		"$out/mixed-$name.txt" | sed 's/, polls=0 (0 idle)//'
	echo '```'
done
echo
echo "## Table 6: nvmesim compare, coalesced (A) vs coalesced with queue 2 opted out (B)"
echo
echo '```'
plot=
[ "$figdir" = none ] || plot=--plot
"$NVMESIM" compare "$out/mixed-coalesced" "$out/mixed-optout" -o "$out/mixed-compare" $plot \
	2>/dev/null | sed -n '/^read/,/^  max/p;/^write/,/^  max/p' | grep -v '^  I/Os'
echo '```'

[ "$figdir" = none ] && exit 0
if ! command -v gnuplot >/dev/null; then
	echo "doorbells.sh: gnuplot not found: no figures" >&2
	exit 0
fi
mkdir -p "$figdir"
for p in gen4-tlc virtualized; do
	: >"$out/fig-$p.dat"
	echo "$fig_filters" | while read -r f; do
		[ -s "$out/fig-$p.dat" ] && printf '\n\n' >>"$out/fig-$p.dat"
		dat "$db" jobs.0.iodepth "host.sq_doorbell host.shadow_doorbell" \
			"profile=$p $(echo "$f" | tr / ' ')" \
			"iops mmio_writes_per_io lat_mean_ns cpu_ns_per_io" >>"$out/fig-$p.dat"
	done
done
dat "$cmpl" jobs.0.iodepth host.completion "" \
	"iops lat_mean_ns interrupts_per_io cpu_ns_per_io" >"$out/fig-completion.dat"
printf '\n\n' >>"$out/fig-completion.dat"
dat "$coal" jobs.0.iodepth host.coalescing "host.coalescing=4,100|16,100|64,100" \
	"iops lat_mean_ns interrupts_per_io cpu_ns_per_io" >>"$out/fig-completion.dat"
gnuplot -e "dir='$out'; figdir='$figdir'" "$here/doorbells.gp"
cp "$out/mixed-compare/compare-cdf.svg" "$figdir/optout-cdf.svg"
echo
echo "figures: $figdir/doorbells.svg $figdir/interrupts.svg $figdir/optout-cdf.svg" >&2
