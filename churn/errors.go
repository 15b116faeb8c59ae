package churn

import "errors"

// ErrSeparation: the classes are completely or quasi-completely separated
// by a linear combination of the features, so the unpenalised
// maximum-likelihood estimate does not exist (Albert & Anderson 1984). Use
// LogisticOptions.L2 > 0 or drop the separating feature. It is this
// package's own sentinel; the others are clv's (see the package
// documentation).
var ErrSeparation = errors.New("classes are separated: the maximum-likelihood estimate does not exist")
