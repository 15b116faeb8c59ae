# Reference values for survival/competing_extra_test.go that refdata
# competing/ does not cover: tied integer times, case weights, late entry,
# three groups, Gray's test with rho = 1, the model-based (robust = FALSE)
# Fine–Gray standard errors, and Fine–Gray within strata.
#
# Run from survival/testdata with R 4.x, survival 3.5-3 and cmprsk 2.2-11:
#   Rscript competing_extra.R
# It writes competing_extra.csv (the data) and competing_extra.json (the values).
library(survival)
library(cmprsk)
stopifnot(packageVersion("survival") == "3.5.3", packageVersion("cmprsk") == "2.2.11")

set.seed(20261205)
n <- 80
d <- data.frame(id = 1:n, group = rep(1:3, length.out = n), x = round(rnorm(n), 2),
                w = sample(c(0.5, 1, 2.5), n, replace = TRUE))
t1 <- rexp(n, 0.08 * exp(0.6 * d$x)); t2 <- rexp(n, 0.05); cens <- runif(n, 5, 25)
d$time <- ceiling(pmin(t1, t2, cens))  # whole days: many ties
d$status <- ifelse(cens <= pmin(t1, t2), 0L, ifelse(t1 < t2, 1L, 2L))
# Late entry for every third subject, on whole days, some at other exit times.
d$entry <- ifelse(d$id %% 3 == 0 & d$time > 2, floor(d$time / 2), 0)
write.csv(d, "competing_extra.csv", row.names = FALSE)

num <- function(v) if (is.na(v)) "null" else sprintf("%.17g", v)
arr <- function(x) paste0("[", paste(vapply(x, num, ""), collapse = ", "), "]")
obj <- function(...) { x <- list(...); paste0("{", paste(sprintf("\"%s\": %s", names(x), unlist(x)), collapse = ", "), "}") }

fs <- factor(d$status, 0:2, c("censored", "one", "two"))
aj <- function(weighted, late = FALSE) {
  d$wt <- if (weighted) d$w else rep(1, n)
  f <- if (late) survfit(Surv(entry, time, fs) ~ 1, data = d, id = id, weights = wt)
       else survfit(Surv(time, fs) ~ 1, data = d, weights = wt)
  obj(time = arr(f$time), p0 = arr(f$pstate[, 1]), p1 = arr(f$pstate[, 2]), p2 = arr(f$pstate[, 3]),
      se0 = arr(f$std.err[, 1]), se1 = arr(f$std.err[, 2]), se2 = arr(f$std.err[, 3]),
      lower1 = arr(f$lower[, 2]), upper1 = arr(f$upper[, 2]))
}
ci <- cuminc(d$time, d$status)
tp <- timepoints(ci, sort(unique(d$time)))
gray <- function(rho) {
  g <- cuminc(d$time, d$status, d$group, rho = rho)$Tests
  obj(chisq = arr(g[, "stat"]), df = num(g[1, "df"]), p = arr(pchisq(g[, "stat"], g[1, "df"], lower.tail = FALSE)))
}
fgse <- function(cause) {
  fg <- finegray(Surv(time, fs) ~ ., data = d, etype = cause)
  f <- coxph(Surv(fgstart, fgstop, fgstatus) ~ x, weights = fgwt, data = fg, robust = FALSE)
  fr <- coxph(Surv(fgstart, fgstop, fgstatus) ~ x, weights = fgwt, data = fg)
  fc <- coxph(Surv(fgstart, fgstop, fgstatus) ~ x + cluster(id), weights = fgwt, data = fg)
  obj(rows = num(nrow(fg)), coef = num(coef(f)), se_naive = num(sqrt(f$var[1, 1])),
      se_rows = num(sqrt(fr$var[1, 1])), se_cluster = num(sqrt(fc$var[1, 1])))
}
fgstrata <- function(cause) {
  # finegray drops the strata() column from its output: carry a copy.
  d$g <- d$group
  fg <- finegray(Surv(time, fs) ~ x + g + id + strata(group), data = d, etype = cause)
  f <- coxph(Surv(fgstart, fgstop, fgstatus) ~ x + strata(g), weights = fgwt, data = fg, robust = FALSE)
  fc <- coxph(Surv(fgstart, fgstop, fgstatus) ~ x + strata(g) + cluster(id), weights = fgwt, data = fg)
  obj(rows = num(nrow(fg)), coef = num(coef(f)), se_naive = num(sqrt(f$var[1, 1])), se_cluster = num(sqrt(fc$var[1, 1])))
}
json <- obj(
  aj = aj(FALSE), aj_weighted = aj(TRUE),
  aj_late = aj(FALSE, TRUE), aj_late_weighted = aj(TRUE, TRUE),
  cuminc_times = arr(sort(unique(d$time))),
  cuminc_var1 = arr(tp$var[1, ]), cuminc_var2 = arr(tp$var[2, ]),
  gray_rho0 = gray(0), gray_rho1 = gray(1),
  finegray_one = fgse("one"), finegray_two = fgse("two"),
  finegray_strata_one = fgstrata("one"), finegray_strata_two = fgstrata("two"))
writeLines(json, "competing_extra.json")
