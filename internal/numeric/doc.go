// Package numeric holds the numerical building blocks shared by the ltv
// models: log-space arithmetic, series with a safe stopping
// rule, and the hypergeometric-type functions the purchase models need in
// forms that stay finite for heavy buyers and long horizons.
package numeric
