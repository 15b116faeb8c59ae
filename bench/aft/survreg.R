# Times one survreg Weibull fit on a CSV written by `aft -gen` (run.sh),
# excluding the read, and prints the seconds like `aft -fit`.
library(survival)
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
xs <- setdiff(names(d), c("time", "event"))
f <- as.formula(paste("Surv(time, event) ~", paste(xs, collapse = " + ")))
t <- system.time(fit <- survreg(f, data = d, dist = "weibull"))[["elapsed"]]
cat(sprintf("%.3f\t# seconds; log-likelihood %.6f, scale %.6f, %d iterations\n",
            t, fit$loglik[2], fit$scale, fit$iter))
