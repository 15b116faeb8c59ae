package numeric

import "errors"

// MaxSeriesTerms caps every series in this package.
const MaxSeriesTerms = 1_000_000

// ErrSeriesCap is returned when a series reaches its term cap, or a
// quadrature its panel cap, before meeting its stopping rule.
var ErrSeriesCap = errors.New("numeric: series did not converge within the term cap")
