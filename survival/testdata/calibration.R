# Reference values for TestCalibrationAtR (survival/evaluate_test.go): the
# calibration of predicted survival at t0 of Austin, Harrell & van
# Klaveren (2020, Statistics in Medicine 39:2714-2742), ICI, E50, E90 and
# Emax, with the observed probability from a Cox model on a restricted
# cubic spline of cloglog(predicted probability), knots at the type-7
# quantiles of Harrell's rcspline.eval (3 knots: 0.10, 0.50, 0.90; 4 knots:
# 0.05, 0.35, 0.65, 0.95).
#
# The spline is fitted here with splines::ns on the same knots (the natural
# cubic splines are the restricted cubic splines, so the fitted curve is
# the same), and checked against Harrell's truncated-power basis written
# out by hand; survfit(fit, newdata) gives 1 − S(t0 | row).
#
# Run from survival/testdata with R 4.x and survival 3.5-3:
#   Rscript calibration.R
# It writes calibration.json: the data, t0, and per knot count the knots,
# the observed probabilities and ICI, E50, E90, Emax.
library(survival)
library(splines)
stopifnot(packageVersion("survival") == "3.5.3")

set.seed(20261205)
n <- 300
x <- round(rnorm(n), 3)
t_event <- 10 * rexp(n)^(1 / 1.3) * exp(-0.8 * x / 1.3)
t_cens <- runif(n, 2, 25)
time <- round(pmin(t_event, t_cens), 2)
status <- as.integer(t_event <= t_cens)
t0 <- 8
# A deliberately miscalibrated prediction: the effect of x too weak, the
# baseline too high.
surv <- round(exp(-(t0 / 12)^1.3 * exp(0.5 * x)), 6)
p <- 1 - surv
cll <- log(-log(surv))

rcs_harrell <- function(v, k) {
  nk <- length(k)
  out <- sapply(seq_len(nk - 2), function(j)
    (pmax(v - k[j], 0)^3 - pmax(v - k[nk - 1], 0)^3 * (k[nk] - k[j]) / (k[nk] - k[nk - 1]) +
       pmax(v - k[nk], 0)^3 * (k[nk - 1] - k[j]) / (k[nk] - k[nk - 1])) / (k[nk] - k[1])^2)
  cbind(v, out)
}
ctl <- coxph.control(eps = 1e-12, toler.chol = 1e-15, iter.max = 100)
d <- data.frame(time, status, cll)
num <- function(v) sprintf("%.17g", v)
vec <- function(v) paste0("[", paste(vapply(v, num, ""), collapse = ", "), "]")
parts <- character()
for (nk in c(3, 4)) {
  probs <- if (nk == 3) c(0.1, 0.5, 0.9) else c(0.05, 0.35, 0.65, 0.95)
  k <- unname(quantile(cll, probs))
  fit <- coxph(Surv(time, status) ~ ns(cll, knots = k[2:(nk - 1)], Boundary.knots = k[c(1, nk)]),
               data = d, control = ctl)
  obs <- 1 - summary(survfit(fit, newdata = d), times = t0)$surv[1, ]
  b <- rcs_harrell(cll, k)
  fit2 <- coxph(Surv(time, status) ~ b, control = ctl)
  obs2 <- 1 - summary(survfit(fit2, newdata = list(b = b)), times = t0)$surv[1, ]
  stopifnot(max(abs(obs - obs2)) < 1e-10)
  e <- abs(p - obs)
  parts <- c(parts, sprintf("\"knots%d\": {\"knots\": %s, \"observed\": %s, \"ici\": %s, \"e50\": %s, \"e90\": %s, \"emax\": %s}",
                            nk, vec(k), vec(obs), num(mean(e)), num(median(e)), num(unname(quantile(e, 0.9))), num(max(e))))
}
writeLines(paste0("{\"time\": ", vec(time), ", \"status\": ", vec(status), ", \"surv\": ", vec(surv),
                  ", \"t0\": ", num(t0), ",\n", paste(parts, collapse = ",\n"), "\n}"), "calibration.json")
