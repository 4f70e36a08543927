# SPDX-License-Identifier: MIT
# compare-cdf.gp - the latency CDFs of two runs, overlaid (`nvmesim compare`).
#
# One step curve per run and op type: the share of I/Os that completed
# within a latency (total latency of every job), on a logarithmic latency
# axis; run A in blue, run B in red, reads solid, writes dashed, trims
# dotted.  The data is compare-lat.dat, written by `nvmesim compare -o`:
# tab-separated, one block per run and op type opening with a header row
# whose third column titles the curve and whose fourth and fifth are the run
# (0 A, 1 B) and the op type (0 read, 1 write, 2 trim), then the cumulative
# share at each non-empty histogram bucket's upper bound.
#
# Usage:  gnuplot -e "dir='results/cmp'" plots/compare-cdf.gp
#   dir  the comparison folder (default: the current folder)
# Writes dir/compare-cdf.png and dir/compare-cdf.svg.

if (!exists("dir")) dir = "."
file = dir . "/compare-lat.dat"

set datafile separator "\t"
set datafile commentschars "#"
stats file using 1 nooutput
nb = STATS_blocks
array run[nb]
array op[nb]
do for [i=1:nb] {
	stats file index (i - 1) using 4 nooutput
	run[i] = int(STATS_min)
	stats file index (i - 1) using 5 nooutput
	op[i] = int(STATS_min)
}

set linetype 1 lc rgb "#1f77b4" lw 1.8
set linetype 2 lc rgb "#d62728" lw 1.8
set logscale x
set format x "%g"
set xlabel "total latency (us), log scale"
set ylabel "share of I/Os completed within"
set yrange [0:1.05]
set ytics ("0" 0, "10%%" 0.1, "20%%" 0.2, "30%%" 0.3, "40%%" 0.4, "50%%" 0.5, "60%%" 0.6, \
	   "70%%" 0.7, "80%%" 0.8, "90%%" 0.9, "100%%" 1)
set grid xtics mxtics ytics lc rgb "#dddddd"
set key bottom right noenhanced
set title "Latency CDF, A (blue) vs B (red)" noenhanced

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
	set output dir . "/compare-cdf." . ext
	plot for [i=1:nb] file index (i - 1) using 1:2 with steps lt (run[i] + 1) \
		dt 1 + op[i] title columnheader(3)
	set output
}
