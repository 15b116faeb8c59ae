# Times R's coxph (Efron ties, survival's defaults) on the benchmark data of
# survival/cox_bench_test.go, written by run.sh. Prints the elapsed seconds
# of the fit alone (reading the CSV is not timed).
#   Rscript coxph.R data.csv
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
covs <- setdiff(names(d), c("time", "event"))
form <- as.formula(paste("Surv(time, event) ~", paste(covs, collapse = " + ")))
invisible(gc())
t <- system.time(fit <- coxph(form, data = d))[["elapsed"]]
cat(sprintf("%.3f\n", t))
