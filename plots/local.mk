# plots/: gnuplot scripts that turn a result folder's CSVs into PNG and SVG
# pictures (run by nvmesim_plot(), found in $(pkgdatadir)/plots once installed).
plotsdir = $(pkgdatadir)/plots
dist_plots_DATA = \
	%reldir%/latency-hist.gp \
	%reldir%/latency-cdf.gp \
	%reldir%/timeseries.gp
# The document describing every output file and these plots.
EXTRA_DIST += docs/reports.md
# Sweep plots (sweep helper): metrics against the first varied key, overlaid CDFs.
dist_plots_DATA += %reldir%/sweep-lines.gp %reldir%/sweep-cdf.gp
