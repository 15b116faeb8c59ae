# Reference values for aft_weights_test.go: survreg fits of the Rossi data
# (refdata cox/rossi.csv) that refdata cox/expected.json does not cover,
# with case weights w_i = 1 + (i mod 3) (i the 0-based row) and with the
# scale fixed (survreg's scale argument). R 4.2.2, survival 3.5-3.
# Run: Rscript aft_survreg.R /path/to/refdata/cox/rossi.csv
library(survival)
d <- read.csv(commandArgs(trailingOnly = TRUE)[1])
d$w <- 1 + (seq_len(nrow(d)) - 1) %% 3
f <- Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio
show <- function(name, fit) {
  cat(sprintf("// %s\n", name))
  cat(sprintf("coef: %s\n", paste(sprintf("%.12g", coef(fit)), collapse = ", ")))
  cat(sprintf("se: %s\n", paste(sprintf("%.12g", sqrt(diag(vcov(fit)))), collapse = ", ")))
  cat(sprintf("scale: %.12g  loglik: %.12g, %.12g\n", fit$scale, fit$loglik[1], fit$loglik[2]))
}
show("weibull, weights 1 + (i mod 3)", survreg(f, d, weights = w, dist = "weibull"))
show("lognormal, weights 1 + (i mod 3)", survreg(f, d, weights = w, dist = "lognormal"))
show("loglogistic, scale fixed at 0.8", survreg(f, d, dist = "loglogistic", scale = 0.8))
show("weibull, scale fixed at 0.5", survreg(f, d, dist = "weibull", scale = 0.5))
