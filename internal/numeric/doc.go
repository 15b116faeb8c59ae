// Package numeric holds the numerical building blocks shared by the ltv
// models: log-space arithmetic, series with a safe stopping
// rule, and the hypergeometric-type functions the purchase models need in
// forms that stay finite for heavy buyers and long horizons.
//
// # Failure convention
//
// Every function fails as those of package math do: it returns NaN (in
// every result, for those with several) when an argument is NaN or
// outside its domain, or when its series, continued fraction or
// quadrature does not meet its stopping rule within its cap. ±Inf is
// returned only where it is the value of the function, at a pole or an
// edge of its domain (Log1mExp(0) = −Inf, Lgamma(0) = +Inf). No function
// returns an error or an ok flag, and none panics. Each lists its NaN
// cases under "Special cases are:"; callers test with math.IsNaN and turn
// a NaN into their own error or NaN. (Unexported steps that hand over to
// another method, such as the BG/NBD series, report that with an ok flag.)
package numeric
