# SPDX-License-Identifier: MIT
# sweep-cdf.gp - the total-latency CDFs of every point of a sweep, overlaid.
#
# One step curve per point: the share of I/Os that completed within a
# latency (every job and direction together), on a logarithmic latency
# axis.  The data is sweep-lat.dat, written by `nvmesim sweep` and
# `nvmesim merge`: tab-separated, one block per point opening with a header
# row whose third column names the point, then the cumulative share at each
# non-empty histogram bucket's upper bound (clamped to the largest value).
#
# Usage:  gnuplot -e "dir='results/x-sweep'" plots/sweep-cdf.gp
#   dir  the sweep folder (default: the current folder)
# Writes dir/sweep-cdf.png and dir/sweep-cdf.svg.

if (!exists("dir")) dir = "."
file = dir . "/sweep-lat.dat"

set datafile separator "\t"
set datafile commentschars "#"
stats file using 1 nooutput
nb = STATS_blocks

set logscale x
set format x "%g"
set xlabel "total latency (us), log scale"
set ylabel "share of I/Os completed within"
set yrange [0:1.05]
set ytics ("0" 0, "10%%" 0.1, "20%%" 0.2, "30%%" 0.3, "40%%" 0.4, "50%%" 0.5, "60%%" 0.6, \
	   "70%%" 0.7, "80%%" 0.8, "90%%" 0.9, "100%%" 1)
set grid xtics mxtics ytics lc rgb "#dddddd"
set key outside right top noenhanced
# many points: a smaller legend
if (nb > 16) {
	set key font ",7" spacing 0.8
}
set title "Latency CDF of every point, total latency (lat)" noenhanced

do for [ext in "png svg"] {
	if (ext eq "png") {
		if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
			set terminal pngcairo size 1100,600 font ",10" noenhanced
		} else {
			set terminal png size 1100,600 noenhanced
		}
	} else {
		set terminal svg size 1100,600 font "sans,11" noenhanced
	}
	set output dir . "/sweep-cdf." . ext
	plot for [i=0:nb-1] file index i using 1:2 with steps lw 1.2 lc i + 1 \
		title columnheader(3)
	set output
}
