# Reference values for survival/cox_extra_test.go that refdata cox/ does not
# cover: case weights, strata and (start, stop] rows together, the
# residuals, scaled Schoenfeld residuals, per-stratum survfit, the exact
# method on counting-process data, and ridge penalties.
#
# Run from survival/testdata with R 4.x and survival 3.5-3:
#   Rscript cox_extra.R
# It writes cox_extra.csv (the data) and cox_extra.json (the values).
library(survival)
stopifnot(packageVersion("survival") == "3.5.3")

set.seed(20261204)
n <- 40
d0 <- data.frame(id = 1:n, stratum = rep(c(3L, 7L), length.out = n),
                 x1 = round(rnorm(n), 2), x2 = rbinom(n, 1, 0.4),
                 w = sample(c(0.5, 1, 2.5), n, replace = TRUE))
d0$time <- pmin(ceiling(rexp(n, 0.15 * exp(0.5 * d0$x1 - 0.7 * d0$x2))), 15)
d0$status <- as.integer(d0$time < 15 & runif(n) < 0.8)
d0$entry <- ifelse(d0$id %% 4 == 0 & d0$time > 2, 1, 0)
# Split at 5: x1 changes on the second piece (a time-varying covariate).
d <- survSplit(Surv(entry, time, status) ~ ., data = d0, cut = 5, episode = "ep")
d$x1 <- ifelse(d$ep == 2, round(d$x1 + 0.3, 2), d$x1)
d <- d[order(d$id, d$entry), c("id", "stratum", "entry", "time", "status", "x1", "x2", "w")]
names(d)[3:4] <- c("start", "stop")
write.csv(d, "cox_extra.csv", row.names = FALSE)

# A JSON writer: numbers with 17 significant digits, NA as null, vectors of
# length > 1 (or wrapped in arr()) as arrays.
arr <- function(x) structure(x, class = "arr")
tojson <- function(x) {
  if (inherits(x, "arr")) return(paste0("[", paste(vapply(unclass(x), num, ""), collapse = ", "), "]"))
  if (is.matrix(x)) return(tojson(lapply(seq_len(nrow(x)), function(i) arr(x[i, ]))))
  if (is.list(x)) {
    body <- vapply(x, tojson, "")
    if (is.null(names(x))) return(paste0("[", paste(body, collapse = ", "), "]"))
    return(paste0("{", paste(sprintf("\"%s\": %s", names(x), body), collapse = ", "), "}"))
  }
  if (is.character(x)) return(paste0("\"", x, "\""))
  if (length(x) == 1) return(num(x))
  tojson(arr(x))
}
num <- function(v) if (is.na(v)) "null" else sprintf("%.17g", v)

ctl <- coxph.control(eps = 1e-12, toler.chol = 1e-15, iter.max = 100)
tests <- function(f) list(
  lr = arr(c(2 * diff(f$loglik), length(f$coefficients))),
  wald = f$wald.test, score = f$score)
# With non-integer weights coxph's default variance is the robust one
# (var), the model-based one being naive.var.
fitinfo <- function(f) c(list(coef = arr(unname(coef(f))), var = unname(f$var),
  naive_var = unname(if (is.null(f$naive.var)) f$var else f$naive.var),
  rscore = if (is.null(f$rscore)) NA else f$rscore,
  loglik = arr(f$loglik), means = arr(unname(f$means)), iter = f$iter,
  concordance = arr(unname(f$concordance[c("concordance", "std")]))), tests(f))

out <- list()
form <- Surv(start, stop, status) ~ x1 + x2 + strata(stratum)
for (ties in c("efron", "breslow")) {
  f <- coxph(form, data = d, weights = w, ties = ties, control = ctl)
  r <- fitinfo(f)
  r$martingale <- arr(unname(residuals(f, "martingale")))
  r$deviance <- arr(unname(residuals(f, "deviance")))
  r$score_resid <- unname(residuals(f, "score"))
  r$dfbeta <- unname(residuals(f, "dfbeta"))
  z <- cox.zph(f)
  r$zph <- list(table = unname(z$table), x = arr(unname(z$x)), time = arr(unname(z$time)),
                y = unname(z$y), strata = arr(as.integer(sub("stratum=", "", as.character(z$strata)))))
  sf <- survfit(f, newdata = data.frame(x1 = 0.3, x2 = 1))
  s <- summary(sf, times = c(5, 10))
  r$survfit <- list(strata = arr(as.integer(sub("stratum=", "", as.character(s$strata)))),
                    time = arr(s$time), surv = arr(s$surv), std_err = arr(s$std.err),
                    cumhaz = arr(s$cumhaz), n_risk = arr(s$n.risk))
  fr <- coxph(form, data = d, weights = w, ties = ties, control = ctl, cluster = id)
  r$robust <- list(se = arr(unname(sqrt(diag(fr$var)))), naive_se = arr(unname(sqrt(diag(fr$naive.var)))),
                   wald = fr$wald.test, rscore = fr$rscore,
                   concordance = arr(unname(fr$concordance[c("concordance", "std")])))
  out[[ties]] <- r
}
# The exact method takes no weights: the unweighted counting-process fit.
fx <- coxph(form, data = d, ties = "exact", control = ctl)
out$exact <- fitinfo(fx)
out$exact$martingale <- arr(unname(residuals(fx, "martingale")))
# Ridge: theta = 5, unscaled and scaled by the column variances, without
# weights: with these weights coxpenal warns that its inner loop "failed to
# converge" (at any eps), and its estimate has a lower penalised
# likelihood than FitCox's.
for (sc in c(FALSE, TRUE)) {
  fr <- coxph(Surv(start, stop, status) ~ ridge(x1, x2, theta = 5, scale = sc) + strata(stratum),
              data = d, control = ctl)
  out[[if (sc) "ridge_scaled" else "ridge"]] <- list(coef = arr(unname(coef(fr))), var = unname(fr$var),
    loglik = arr(fr$loglik), df = fr$df, penalty = fr$penalty[2])
}
writeLines(tojson(c(list(generated_by = "Rscript cox_extra.R", R = R.version.string,
  survival = as.character(packageVersion("survival"))), out)), "cox_extra.json")
