// Package chart builds the library's charts with gonum.org/v1/plot: line and
// step charts with confidence bands, reference lines and a numbers table
// under the x axis; Kaplan-Meier curves with their at-risk table; the
// holdout check and the tracking plot of a purchase model; gains and
// calibration charts of a churn score; forest plots of hazard ratios and of
// customer values with their intervals; heat maps with a colour bar.
//
// Builders return a *plot.Plot, or a *Figure where a plain *plot.Plot cannot
// carry the chart (an at-risk table, a colour bar). Nothing here writes a
// file: save a *plot.Plot with its own Save or WriterTo, and a *Figure with
// Figure.WriterTo, which takes the same arguments. Bad input (series of
// different lengths, no finite points, NaN where a number is needed) is a
// returned error, never a panic.
//
// chart is the top floor of the module: it imports clv, survival and churn
// for their result types, and no library package imports it, so a service
// that never draws does not link gonum/plot.
package chart
