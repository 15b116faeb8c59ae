# Reference values for TestLogRankNearSingular (survival/logrank_test.go):
# R's survdiff on k-group data whose variance matrix is degenerate or
# nearly so — a group without events, two identical groups, a group of
# one subject (with an event; censored before the first event, so that
# E = 0 and R drops it; among 400 others, where its variance is tiny).
#
# Run from survival/testdata with R 4.x and survival 3.5-3:
#   Rscript logrank_singular.R
# It writes logrank_singular.json: per case the data (time, status, group
# 1…k), O, E, V, χ², df = (groups with E > 0) − 1 (as print.survdiff) and p.
library(survival)
stopifnot(packageVersion("survival") == "3.5.3")

base <- data.frame(time = c(1, 2, 3, 4, 5, 6, 2, 4, 6, 8, 1, 3, 5, 7, 9),
                   status = c(1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1, 0),
                   group = c(rep(1, 6), rep(2, 4), rep(3, 5)))
set.seed(20261202)
big <- data.frame(time = ceiling(rexp(400, 0.1)), status = rbinom(400, 1, 0.7), group = rep(1:2, 200))
cases <- list(
  no_events = base,
  identical_groups = rbind(base[base$group != 2, ], transform(base[base$group == 1, ], group = 2)),
  single_subject = rbind(base[base$group != 3, ], data.frame(time = 3, status = 1, group = 3)),
  single_censored_first = rbind(base[base$group != 3, ], data.frame(time = 0.5, status = 0, group = 3)),
  single_among_many = rbind(big, data.frame(time = min(big$time[big$status == 1]) + 0.5, status = 0, group = 3))
)

num <- function(v) sprintf("%.17g", v)
vec <- function(x) paste0("[", paste(vapply(x, num, ""), collapse = ", "), "]")
out <- character()
for (name in names(cases)) {
  d <- cases[[name]]
  s <- survdiff(Surv(time, status) ~ group, data = d)
  df <- sum(s$exp > 0) - 1
  rows <- vapply(seq_len(nrow(s$var)), function(i) vec(s$var[i, ]), "")
  out <- c(out, sprintf(paste0("\"%s\": {\"time\": %s, \"status\": %s, \"group\": %s, ",
                               "\"obs\": %s, \"exp\": %s, \"var\": [%s], \"chisq\": %s, \"df\": %d, \"p\": %s}"),
                        name, vec(d$time), vec(d$status), vec(d$group), vec(s$obs), vec(s$exp),
                        paste(rows, collapse = ", "), num(s$chisq), df, num(s$pvalue)))
}
writeLines(paste0("{\n", paste(out, collapse = ",\n"), "\n}"), "logrank_singular.json")
