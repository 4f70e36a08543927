# SPDX-License-Identifier: MIT
# sweep-lines.gp - one metric of a sweep against its first varied key.
#
# x is the first varied key (a queue depth, usually), one line per series:
# each combination of the other varied keys (a doorbell or interrupt
# strategy, say).  The data is sweep-plot.dat, written by `nvmesim sweep` and
# `nvmesim merge`: tab-separated, one block per series opening with a header
# row whose third column names the series, points sorted by x.  A numeric x
# that spans a factor of 8 or more gets a log2 axis (queue depths 1..256);
# a non-numeric one (bs=4k,64k) is spread evenly in the order given.
#
# Usage:  gnuplot -e "metric='iops'; xkey='jobs.0.iodepth'" plots/sweep-lines.gp
#   dir     the sweep folder (default: the current folder)
#   metric  iops (default), p99 (p99 total latency), mmio (MMIO writes per I/O)
#   xkey    the first varied key, for the axis label
# Writes dir/sweep-<metric>.png and dir/sweep-<metric>.svg.

if (!exists("dir")) dir = "."
if (!exists("metric")) metric = "iops"
if (!exists("xkey")) xkey = "first varied key"
file = dir . "/sweep-plot.dat"

# columns of sweep-plot.dat
col = metric eq "p99" ? 5 : (metric eq "mmio" ? 6 : 4)
ylab = metric eq "p99" ? "p99 total latency (us)" : \
       (metric eq "mmio" ? "MMIO writes per I/O (doorbells and registers)" : "IOPS")
what = metric eq "p99" ? "p99 latency" : (metric eq "mmio" ? "MMIO writes per I/O" : "IOPS")

set datafile separator "\t"
set datafile commentschars "#"

# blocks (series), whether x is numeric, and its range; header rows are not numbers
stats file using 1 nooutput
nb = STATS_blocks
xmin = STATS_min
xmax = STATS_max
stats file using 9 nooutput
xnum = STATS_min > 0.5
if (xnum && xmin > 0 && xmax / xmin >= 8) {
	set logscale x 2
}
set offsets graph 0.04, graph 0.04, graph 0.08, 0
set yrange [0:*]
set grid xtics ytics lc rgb "#dddddd"
set key outside right top noenhanced
set xlabel xkey . (xnum ? "" : " (in the order given)") noenhanced
set ylabel ylab
set format y "%g"
set title what . " vs " . xkey noenhanced

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
	set output dir . "/sweep-" . metric . "." . ext
	plot for [i=0:nb-1] file index i using 1:col:xtic(2) with linespoints lw 1.5 \
		pt (i % 6) * 2 + 5 ps 0.8 lc i + 1 title columnheader(3)
	set output
}
