# SPDX-License-Identifier: MIT
# compare-hist.gp - the latency histograms of two runs, overlaid (`nvmesim compare`).
#
# For every non-empty histogram bucket of each run and op type, a vertical
# bar at the bucket's middle as high as the I/Os it holds, on logarithmic
# latency and count axes (as latency-hist.gp draws one run); run A in blue,
# run B in translucent red on top, so where the two overlap both show.  The
# data is compare-hist.dat, written by `nvmesim compare -o`: tab-separated,
# one block per run and op type opening with a header row whose third column
# titles it and whose fourth and fifth are the run (0 A, 1 B) and the op
# type, then one row per bucket: its middle (us) and its I/Os.
#
# Usage:  gnuplot -e "dir='results/cmp'" plots/compare-hist.gp
#   dir  the comparison folder (default: the current folder)
# Writes dir/compare-hist.png and dir/compare-hist.svg.

if (!exists("dir")) dir = "."
file = dir . "/compare-hist.dat"

set datafile separator "\t"
set datafile commentschars "#"
stats file using 1 nooutput
nb = STATS_blocks
array run[nb]
do for [i=1:nb] {
	stats file index (i - 1) using 4 nooutput
	run[i] = int(STATS_min)
}

set linetype 1 lc rgb "#1f77b4" lw 1.5
set linetype 2 lc rgb "#80d62728" lw 1.5
set logscale x
set format x "%g"
set xlabel "total latency (us), log scale"
set ylabel "I/Os per bucket, log scale"
set logscale y
set yrange [0.4:*]
set grid xtics mxtics ytics lc rgb "#dddddd"
set key top right noenhanced
set title "Latency histograms, A (blue) vs B (red)" noenhanced

do for [ext in "png svg"] {
	if (ext eq "png") {
		if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
			set terminal pngcairo size 1000,600 font ",10" noenhanced
		} else {
			set terminal png size 1000,600 noenhanced
		}
	} else {
		set terminal svg size 1000,600 font "sans,11" noenhanced
	}
	set output dir . "/compare-hist." . ext
	plot for [i=1:nb] file index (i - 1) using 1:2 with impulses lt (run[i] + 1) \
		title columnheader(3)
	set output
}
