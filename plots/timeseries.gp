# SPDX-License-Identifier: MIT
# timeseries.gp - IOPS and latency over simulated time.
#
# Two panels from timeseries.csv (one row per reporting interval): IOPS on
# top; p99 and mean total latency of the I/Os completed in each interval
# below.  Each value is drawn at its interval's end time.
#
# Usage:  gnuplot -e "dir='results/x'" plots/timeseries.gp
#   dir    the result folder (default: the current folder)
# Writes dir/timeseries.png and dir/timeseries.svg.

if (!exists("dir")) dir = "."
csv = dir . "/timeseries.csv"

set datafile separator ","
set datafile commentschars "#"

# time unit from the run's length: ms up to ten seconds, else s
stats csv using (valid(2) ? $2 : 0) nooutput
tdiv = STATS_max > 1e10 ? 1e9 : 1e6
tunit = STATS_max > 1e10 ? "s" : "ms"

set grid lc rgb "#dddddd"
# the same left margin in both panels keeps their time axes aligned; headroom on top
set lmargin 11
set offsets 0, 0, graph 0.08, 0
set key top right noenhanced
set xlabel "simulated time (" . tunit . ")"

do for [ext in "png svg"] {
	if (ext eq "png") {
		if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
			set terminal pngcairo size 1000,700 font ",10" noenhanced
		} else {
			set terminal png size 1000,700 noenhanced
		}
	} else {
		set terminal svg size 1000,700 font "sans,11" noenhanced
	}
	set output dir . "/timeseries." . ext
	set multiplot layout 2,1 title "IOPS and latency over time"
	set ylabel "IOPS"
	set yrange [0:*]
	set format y "%.1s%c"
	plot csv using ($2 / tdiv):5 with lines lw 1.5 lc 1 title "IOPS"
	set ylabel "latency (us)"
	set format y "%g"
	plot csv using ($2 / tdiv):($8 / 1000.0) with lines lw 1.5 lc 7 title "p99", \
	     csv using ($2 / tdiv):($7 / 1000.0) with lines lw 1.5 lc 2 title "mean"
	unset multiplot
	set output
}
