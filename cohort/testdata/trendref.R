# Reference least-squares fits for TestFitTrendAgainstR in
# cohort/regression_test.go: R's lm (a Householder QR, LINPACK dqrdc2) on
# the same designs as FitTrend, coefficients and summary()$r.squared
# printed with 17 significant digits. Run: Rscript trendref.R
#
# Data: the survival S(t) = alive(t)/alive(0), t = 1..7, of the two
# segments in Fader & Hardie (2007), "How to project customer retention",
# J. Interactive Marketing 21(1), Table 1 (the calibration years of
# cohort.ProjectRetention); and twelve months of a made-up monthly cohort.
data <- list(
  regular = list(t = 1:7, y = c(631, 468, 382, 326, 289, 262, 241) / 1000),
  highend = list(t = 1:7, y = c(869, 743, 653, 593, 551, 517, 491) / 1000),
  monthly = list(t = 1:12, y = c(910, 830, 780, 740, 700, 690, 650, 630, 620, 600, 580, 570) / 1000)
)
for (name in names(data)) {
  t <- data[[name]]$t
  y <- data[[name]]$y
  fits <- list(
    Linear = lm(y ~ t),
    Quadratic = lm(y ~ t + I(t^2)),
    Exponential = lm(log(y) ~ t),
    Power = lm(log(y) ~ log(t))
  )
  for (form in names(fits)) {
    f <- fits[[form]]
    cat(sprintf('{"%s", cohort.%s, []float64{%s}, %.17g},\n', name, form,
                paste(sprintf("%.17g", coef(f)), collapse = ", "), summary(f)$r.squared))
  }
}
