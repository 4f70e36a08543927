# SPDX-License-Identifier: MIT
# latency-cdf.gp - latency CDF of an nvmesim result folder, with markers.
#
# One colour per job and direction: the share of I/Os that completed within
# a latency, on a logarithmic latency axis, drawn as steps from the
# histogram CSVs (the cumulative count at each bucket's upper bound).  Each
# curve carries markers at p50 (circle), p99 (square) and p99.9 (triangle);
# their values are listed top left in the curve's colour.  A percentile is
# computed as summary.json computes it: the upper bound of the bucket holding
# the I/O of rank ceil(p/100 * count), clamped to the largest value (read
# from the CSV's "# count=... max=..." comment line).
#
# Usage:  gnuplot -e "dir='results/x'" plots/latency-cdf.gp
#   dir    the result folder (default: the current folder)
#   files  optional: space-separated hist-*.csv names inside dir (default:
#          every hist-*-lat.csv there; `nvmesim plot` passes the list)
# Writes dir/latency-cdf.png and dir/latency-cdf.svg.

if (!exists("dir")) dir = "."
if (!exists("files")) files = system("cd '" . dir . "' && ls hist-*-lat.csv 2>/dev/null")
n = words(files)
if (n == 0) {
	print "latency-cdf.gp: no histogram CSVs in " . dir
	exit
}

is_clat(f) = strstrt(f, "-clat.csv") > 0
series(f) = f[6:strlen(f) - (is_clat(f) ? 9 : 8)]
what = is_clat(word(files, 1)) ? "completion latency (clat)" : "total latency (lat)"
path(i) = dir . "/" . word(files, i)
# a latency in ns, for a label
fmt(ns) = ns >= 1e6 ? sprintf("%.4g ms", ns / 1e6) : \
	  (ns >= 1e3 ? sprintf("%.4g us", ns / 1e3) : sprintf("%d ns", int(ns)))

set datafile separator ","
set datafile commentschars "#"

# Totals and the three marked percentiles of every file.  Rows come in
# increasing bucket order, so a running sum finds the bucket of each rank;
# ranks are ceil(p/100 * count) computed in thousandths (exact in doubles).
# valid(3) skips the "lower_ns,upper_ns,count" header row.
array total[n]
array p50[n]
array p99[n]
array p999[n]
do for [i=1:n] {
	cum = 0
	v50 = -1
	v99 = -1
	v999 = -1
	stats path(i) using (valid(3) ? $3 : 0) nooutput
	t = STATS_sum
	total[i] = t
	stats path(i) using (valid(3) ? (cum = cum + $3, \
		v50 = (v50 < 0 && cum >= ceil(500 * t / 1000)) ? $2 : v50, \
		v99 = (v99 < 0 && cum >= ceil(990 * t / 1000)) ? $2 : v99, \
		v999 = (v999 < 0 && cum >= ceil(999 * t / 1000)) ? $2 : v999, 0) : 0) nooutput
	# clamp to the largest value, from the "# count=... min=... max=..." comment
	# (a tab separator makes the whole line column 1; word() copes with short lines)
	mx = -1
	set datafile separator "\t"
	set datafile commentschars ""
	stats path(i) every ::1::1 using (w = word(strcol(1), 4), \
		strstrt(w, "max=") == 1 ? (mx = real(w[5:]), 0) : 0) nooutput
	set datafile separator ","
	set datafile commentschars "#"
	clamp(v) = (mx >= 0 && v > mx) ? mx : v
	p50[i] = clamp(v50)
	p99[i] = clamp(v99)
	p999[i] = clamp(v999)
}

set logscale x
set format x "%g"
set xlabel "latency (us), log scale"
set ylabel "share of I/Os completed within"
set yrange [0:1.05]
# (tic labels are formats too: %% is a percent sign)
set ytics ("0" 0, "10%%" 0.1, "20%%" 0.2, "30%%" 0.3, "40%%" 0.4, "50%%" 0.5, "60%%" 0.6, \
	   "70%%" 0.7, "80%%" 0.8, "90%%" 0.9, "100%%" 1)
set grid xtics mxtics ytics lc rgb "#dddddd"
set key bottom right noenhanced
set title "Latency CDF, " . what noenhanced

# the markers on the curves, and their values in a block at the top left
do for [i=1:n] {
	set label at p50[i] / 1000.0, 0.5 "" point pt 7 ps 1.2 lc i front
	set label at p99[i] / 1000.0, 0.99 "" point pt 5 ps 1.1 lc i front
	set label at p999[i] / 1000.0, 0.999 "" point pt 9 ps 1.3 lc i front
	set label sprintf("%s:  p50 %s,  p99 %s,  p99.9 %s", series(word(files, i)), \
		fmt(p50[i]), fmt(p99[i]), fmt(p999[i])) \
		at graph 0.02, graph 0.97 - 0.045 * (i - 1) tc lt i front noenhanced
}

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
	set output dir . "/latency-cdf." . ext
	plot for [i=1:n] path(i) using ($2 / 1000.0):(valid(3) ? $3 / total[i] : 0) \
		smooth cumulative with steps lw 1.5 lc i title series(word(files, i)), \
	     NaN with points pt 7 ps 1.2 lc rgb "black" title "p50", \
	     NaN with points pt 5 ps 1.1 lc rgb "black" title "p99", \
	     NaN with points pt 9 ps 1.3 lc rgb "black" title "p99.9"
	set output
}
