# SPDX-License-Identifier: MIT
# doorbells.gp - the figures of docs/studies/doorbells.md, from the data files
# docs/studies/doorbells.sh extracts from the study's sweep.csv files.
#
#   doorbells.svg   IOPS and MMIO writes per I/O against the queue depth, per
#                   doorbell strategy, on gen4-tlc (left) and virtualized (right)
#   interrupts.svg  IOPS, mean latency, interrupts per I/O and host CPU time per
#                   I/O against the queue depth, per completion strategy
#
# Data (tab-separated, one block per line of a panel, opening with a header
# row whose second column names it): dir/fig-gen4-tlc.dat and
# dir/fig-virtualized.dat (QD, IOPS, MMIO writes per I/O, mean latency ns,
# CPU ns per I/O), dir/fig-completion.dat (QD, IOPS, mean latency ns,
# interrupts per I/O, CPU ns per I/O).
#
# Usage:  gnuplot -e "dir='results/doorbells-study'; figdir='docs/studies/doorbells'" \
#             docs/studies/doorbells.gp

if (!exists("dir")) dir = "."
if (!exists("figdir")) figdir = dir

set datafile separator "\t"
set datafile commentschars "#"
set terminal svg size 1100,760 font "sans,11" noenhanced
set logscale x 2
set xrange [0.8:320]
set xtics (1, 2, 4, 8, 16, 32, 64, 128, 256)
set grid xtics ytics lc rgb "#dddddd"
set xlabel "queue depth (one job, one queue pair, one CPU)"
set format y "%g"

# line styles: MMIO doorbells solid, shadow doorbells dashed
set linetype 1 lc rgb "#1f77b4" lw 1.6 pt 7 ps 0.6 dt 1
set linetype 2 lc rgb "#ff7f0e" lw 1.6 pt 5 ps 0.6 dt 1
set linetype 3 lc rgb "#2ca02c" lw 1.6 pt 9 ps 0.7 dt 3
set linetype 4 lc rgb "#d62728" lw 1.6 pt 11 ps 0.7 dt 2
set linetype 5 lc rgb "#9467bd" lw 1.6 pt 13 ps 0.7 dt 4
set linetype 6 lc rgb "#8c564b" lw 1.6 pt 6 ps 0.7 dt 2
set linetype 7 lc rgb "#17becf" lw 1.6 pt 4 ps 0.7 dt 5

set output figdir . "/doorbells.svg"
set multiplot layout 2,2 title "Doorbell strategies: 4 KiB random reads (legend: SQ doorbell, shadow)"
set key top left noenhanced font ",9" spacing 0.9
set ylabel "IOPS"
set yrange [0:*]
set title "gen4-tlc (bare metal): IOPS"
plot for [i=0:5] dir . "/fig-gen4-tlc.dat" index i using 1:2 with linespoints lt i + 1 \
	title columnheader(2)
unset key
set title "virtualized (MMIO traps): IOPS"
plot for [i=0:5] dir . "/fig-virtualized.dat" index i using 1:2 with linespoints lt i + 1 \
	title columnheader(2)
set ylabel "MMIO writes per I/O"
set yrange [0:2.1]
set title "gen4-tlc: MMIO writes per I/O"
plot for [i=0:5] dir . "/fig-gen4-tlc.dat" index i using 1:3 with linespoints lt i + 1 \
	title columnheader(2)
set title "virtualized: MMIO writes per I/O"
plot for [i=0:5] dir . "/fig-virtualized.dat" index i using 1:3 with linespoints lt i + 1 \
	title columnheader(2)
unset multiplot
set output

set output figdir . "/interrupts.svg"
set multiplot layout 2,2 title "Completion strategies on gen4-tlc: 4 KiB random reads"
set key top left noenhanced font ",9" spacing 0.9 title "completion or coalescing THR,TIME_US"
set ylabel "IOPS"
set yrange [0:*]
set title "IOPS"
plot for [i=0:6] dir . "/fig-completion.dat" index i using 1:2 with linespoints lt i + 1 \
	title columnheader(2)
unset key
set ylabel "mean latency (us)"
set logscale y
set yrange [*:*]
set title "mean total latency"
plot for [i=0:6] dir . "/fig-completion.dat" index i using 1:($3 / 1000) with linespoints \
	lt i + 1 title columnheader(2)
unset logscale y
set ylabel "interrupts per I/O"
set yrange [0:1.05]
set title "interrupts taken per I/O"
plot for [i=0:6] dir . "/fig-completion.dat" index i using 1:4 with linespoints lt i + 1 \
	title columnheader(2)
set ylabel "host CPU ns per I/O, log scale"
set logscale y
set yrange [*:*]
set title "modeled host CPU time per I/O"
plot for [i=0:6] dir . "/fig-completion.dat" index i using 1:5 with linespoints lt i + 1 \
	title columnheader(2)
unset multiplot
set output
