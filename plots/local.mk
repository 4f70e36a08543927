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
# Two runs overlaid (`nvmesim compare --plot`): latency CDFs and histograms.
dist_plots_DATA += %reldir%/compare-cdf.gp %reldir%/compare-hist.gp
# The doorbell and interrupt study (docs/studies/doorbells.md): its script, traces,
# figure script and figures.
EXTRA_DIST += docs/studies/doorbells.md docs/studies/doorbells.sh docs/studies/doorbells.gp \
	docs/studies/doorbells.yaml docs/studies/doorbells-mixed.yaml \
	docs/studies/doorbells/output.md docs/studies/doorbells/doorbells.svg \
	docs/studies/doorbells/interrupts.svg docs/studies/doorbells/optout-cdf.svg
