# SPDX-License-Identifier: MIT
# latency-hist.gp - latency histogram of an nvmesim result folder.
#
# One colour per job and direction: for every non-empty histogram bucket, a
# vertical bar at the bucket's middle as high as the number of I/Os it
# holds, on a logarithmic latency axis.  The buckets are log-linear (128 per
# power of two, docs/reports.md), so on a log axis they have nearly equal
# widths and the outline is the latency density.  Bars rather than a line,
# because a simulated drive often produces a few exact latencies: a line
# through them would invent I/Os between them, and a lone bucket would not
# show at all.  The count axis is logarithmic too, so a tail of a few slow
# I/Os stays visible beside a peak of millions.
#
# Usage:  gnuplot -e "dir='results/x'" plots/latency-hist.gp
#   dir    the result folder (default: the current folder)
#   files  optional: space-separated hist-*.csv names inside dir (default:
#          every hist-*-lat.csv there; `nvmesim plot` passes the list)
# Writes dir/latency-hist.png and dir/latency-hist.svg.

if (!exists("dir")) dir = "."
if (!exists("files")) files = system("cd '" . dir . "' && ls hist-*-lat.csv 2>/dev/null")
if (words(files) == 0) {
	print "latency-hist.gp: no histogram CSVs in " . dir
	exit
}

# "hist-<job>-<dir>-<kind>.csv" -> "<job>-<dir>"
is_clat(f) = strstrt(f, "-clat.csv") > 0
series(f) = f[6:strlen(f) - (is_clat(f) ? 9 : 8)]
what = is_clat(word(files, 1)) ? "completion latency (clat)" : "total latency (lat)"

set datafile separator ","
set datafile commentschars "#"
set logscale x
set format x "%g"
set xlabel "latency (us), log scale"
set ylabel "I/Os per bucket, log scale"
set logscale y
set yrange [0.4:*]
set grid xtics mxtics ytics lc rgb "#dddddd"
set key top right noenhanced
set title "Latency histogram, " . what noenhanced
set style data impulses

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
	set output dir . "/latency-hist." . ext
	plot for [i=1:words(files)] dir . "/" . word(files, i) \
		using (($1 + $2) / 2000.0):3 lw 1.5 title series(word(files, i))
	set output
}
