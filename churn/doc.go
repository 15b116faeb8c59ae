// Package churn turns a transaction log into churn features and labels,
// fits a logistic churn score, and evaluates and validates scores.
//
// # Features and labels
//
// Build computes, for every customer with a purchase on or before an as-of
// day A, features from the transactions on days ≤ A only (recency, tenure,
// occasion counts and spend in trailing windows, mean inter-purchase gap,
// recency/gap ratio, trend, and optionally P(alive) and expected purchases
// from any clv.PurchaseModel). Days are calendar days in a caller-given
// time.Location (default UTC); purchases on the same day are one occasion
// whose value is their sum (as in BTYD summaries, Fader, Hardie & Lee 2005). The label is
//
//	churned(A) = no purchase on days A+1 … A+H        (H = Horizon, days)
//
// and is only defined when A + H is on or before the last day of the data;
// other rows are dropped or kept as censored, never labelled. Several as-of
// dates stack into a panel that keeps the customer ID and the date of every
// row, for grouped (StratifiedGroupKFold) or out-of-time (TimeSplit)
// validation.
//
// The transaction log is checked by the rules clv, cohort and segment
// share, and a bad row is the same *clv.DataError (Row, Field) in all of
// them: a non-empty CustomerID, an At that is not the zero Time and lies in
// years 1..9999 UTC, and an Amount in [0, 1e290] (0 is a free order;
// refunds are not purchases and are netted out first; the bound keeps
// every sum finite). Zero times and negative amounts were accepted before
// this rule was shared.
//
// # Logistic regression
//
// With A = [1 | X], η = Aβ, p = 1/(1 + e^(−η)) and case weights w, FitLogistic
// maximises (Hosmer & Lemeshow, Applied Logistic Regression)
//
//	ℓ_λ(β) = Σ_i w_i·[y_i·η_i − log(1 + e^(η_i))] − (λ/2)·Σ_{j≥1} β_j²
//
// by Newton's method (IRLS): start at β_0 = logit(ȳ_w), solve H·s = g by
// Cholesky, halve the step while ℓ_λ decreases, and stop when
// |Δℓ_λ|/(|ℓ_λ| + 0.1) < 1e-10 and max|Δb| < 1e-8 (b the coefficients of
// the standardised features). One exception to the halving: a full step
// whose predicted gain ½·gᵀs is below 1e-12·(|ℓ_λ| + 0.1) is taken without
// comparing ℓ_λ, whose summation noise is larger than such a gain; halving
// on noise would stop the fit up to 1e-8 short of the estimate (weighted
// rows would then not reproduce duplicated ones). The features are
// standardised (weighted mean, population SD) for conditioning and the
// result is transformed back, β = J·b and Cov_β = J·H⁻¹·Jᵀ with
// J = [[1, −μ/σ], [0, diag(1/σ)]]. Without a penalty this is exactly the
// raw-scale fit. With λ > 0 the penalty is by default put on the raw
// coefficients (the penalty weight of the standardised b_j is λ/σ_j²), so
// the result is the raw-scale ridge solution; PenalizeStandardized puts it
// on the standardised coefficients instead, as glmnet and scikit-learn
// behind a StandardScaler do, and the back-transformed β is then not the
// raw-scale ridge solution. With λ > 0 the standard errors come from the
// penalised Hessian (a ridge, posterior-style covariance) and no z or
// p-values are reported.
//
// Inference at λ = 0: SE_j = sqrt((H⁻¹)_jj), z = β/SE, p = erfc(|z|/√2),
// ℓ_0 = N·[ȳ ln ȳ + (1−ȳ) ln(1−ȳ)] with N = Σw, LR = 2(ℓ − ℓ_0) ~ χ²_k,
// McFadden R² = 1 − ℓ/ℓ_0, AIC = 2(k+1) − 2ℓ, BIC = (k+1)·ln N − 2ℓ. These
// agree with statsmodels' Logit; R's glm reports the same estimates with
// deviance −2ℓ.
//
// A constant column, or one that is (numerically) a linear combination of
// others, is reported as clv.ErrSingular naming the columns (R instead
// reports NA coefficients): the check is a diagonally pivoted Cholesky
// factorisation of the information matrix of the standardised design,
// equivalent to a column-pivoted QR of sqrt(W)·A with R's tolerance
// |R_jj| ≤ 1e-7·|R_11|. Complete or quasi-complete separation
// (Albert & Anderson 1984), where the unpenalised estimate does not exist,
// is reported as ErrSeparation together with the last estimate. It is
// suspected from Newton's symptoms (no convergence, probabilities at 0 or
// 1) and, for up to 300 rows, confirmed by the linear program of Konis
// (2007): max Σ s_i·a_iᵀβ subject to s_i·a_iᵀβ ≥ 0, −1 ≤ β ≤ 1, with
// s_i = 2y_i − 1, is positive exactly when the data are separated. R only
// warns ("fitted probabilities numerically 0 or 1 occurred"). The LP is
// solved by a small simplex started at the feasible vertex β = 0 with
// Bland's anti-cycling rule, so it needs no phase one and always ends.
//
// Scale: the fit depends only on the ratios of the weights and is
// equivariant in the feature units. Internally the weights are scaled by a
// power of two so that the largest lies in [1, 2), and the moments use
// columns scaled by powers of two, so weights anywhere in the float64
// range and features of magnitude 2^−1022 … 2^1023 fit without overflow;
// ℓ, ℓ_0, N and the covariance are reported on the caller's weight scale.
// With zero feature columns FitLogistic fits the null model.
//
// Reasons gives per-customer reason codes: β_j·(x_j − x̄_j), each feature's
// push on the log-odds relative to the average training customer.
//
// Prob scores one row; ProbEach scores a matrix of rows in parallel and
// reports the first bad row (wrong length, NaN or ±Inf) as an error
// rather than a NaN score.
//
// # Saving and loading models
//
// *Logistic implements json.Marshaler and json.Unmarshaler with the
// versioned format of package clv ("Saving and loading models" there):
// {"kind":"churn.Logistic","version":1,"params":{...}}, every exported
// field (coefficients, standard errors, covariance, feature names and
// means, penalty) under its Go name, NaN and ±Inf as the strings "NaN",
// "+Inf" and "-Inf". Loading refuses another kind or version, a missing or
// unknown key, a non-finite intercept or coefficient, and per-feature
// slices or a covariance whose sizes do not match Coef, with a *DataError
// naming the key. Features carry no time unit of their own: score with
// features built as the training ones were (FeatureOptions).
//
// # Evaluation
//
// Scores are "higher means more likely to churn". With P and N the
// (weighted) numbers of churners and non-churners (Hanley & McNeil 1982; scikit-learn's definitions):
//
//	AUC  = Σ_{pos i, neg j} w_i·w_j·(1[s_i > s_j] + ½·1[s_i = s_j]) / (P·N)
//	AP   = Σ_g (R_g − R_{g−1})·Prec_g      over tie groups g, descending (scikit-learn; not trapezoidal)
//	KS   = max_g (TPR_g − FPR_g)
//	LogLoss = −Σ w·[y ln p + (1−y) ln(1−p)]/Σw,  p clipped to [ε, 1−ε], ε = 2^−52 (scikit-learn ≥ 1.5)
//	Brier   = Σ w·(p − y)²/Σw
//
// Calibration follows scikit-learn's calibration_curve (bins closed on the
// right except the first, type-7 quantile edges). Gains sorts by score with
// ties in input order and puts the i-th row in group ⌈K·i/n⌉; tools such as
// kds, blorr and H2O define lift tables differently. ConfusionAt flags
// score ≥ threshold (statsmodels' pred_table uses >, which differs only on
// exact ties), and BudgetThreshold finds the threshold for a top-k%
// budget without letting a tie push it over.
//
// # One leaderboard for every churn score
//
// Leaderboard compares scorers of different kinds on the same
// calibration/holdout customers (clv.SummarizeHoldout builds them): BTYD
// models (any clv.PurchaseModel, scored with P(no purchase in the holdout),
// the expected holdout purchases and P(alive)), and scores computed
// elsewhere — a logistic churn probability from this package, 1 − S(t) or
// S(t) of a survival model, a rule. Per contender it reports the count
// forecast of clv.EvaluateHoldout (totals, MAE, RMSE, correlation, the
// table by calibration frequency; Fader, Hardie & Lee 2005, Figure 4)
// when the contender predicts counts, and for every contender AUC,
// average precision, Brier score, log loss and the calibration curve of
// P(no purchase) against "made no holdout purchase". The BTYD churn score
// is the likelihood ratio P(no purchase in (T, T+t]) = L(x, t_x, T+t)/
// L(x, t_x, T), not P(alive): on CDNOW a BG/NBD's P(alive), which is 1
// for every one-time buyer, has AUC 0.32 for "buys again in the holdout",
// its P(no purchase) 0.76 for "does not".
//
// # References
//
//   - Albert, A. & Anderson, J. A. (1984). On the existence of maximum
//     likelihood estimates in logistic regression models. Biometrika 71(1).
//   - Konis, K. (2007). Linear programming algorithms for detecting
//     separated data in binary logistic regression models. DPhil thesis,
//     Oxford.
//   - McCullagh, P. & Nelder, J. A. (1989). Generalized Linear Models, 2nd
//     ed. (IRLS).
//   - Spector, L. C. & Mazzeo, M. (1980). Probit analysis and economic
//     education. Journal of Economic Education 11(2) (the test data).
//
// # Errors and options
//
// One policy holds in every package of ltv. Bad data, a setting outside its
// domain, an unknown enum value and parallel slices of different lengths
// are a returned *clv.DataError (the one error type of ltv:
// survival.DataError is the same type) that names the function, the row (-1
// for a setting or argument) and the field or option, e.g. "GPA",
// "LogisticOptions.L2" or "positive", and wraps a sentinel shared by every
// package (clv.ErrEmpty, clv.ErrInvalid, clv.ErrSingular,
// clv.ErrNotConverged), so errors.Is and errors.As work with either
// package's names; ErrSeparation is churn's own. A fit that stops early
// returns its best estimate with a plain error wrapping
// clv.ErrNotConverged, never a *clv.DataError: the input is not at fault. A
// function or method without an error result answers NaN (or nil, or the
// zero value) and lists the case under "Special cases are:", as Go's math
// does. Nothing panics on what a caller passes. Options whose every field
// has a default are passed as a pointer, nil meaning all defaults
// (LogisticOptions, FeatureOptions); a zero field means its default. No
// function modifies or keeps its input slices.
//
// FitLogistic takes a LogisticOptions.Context that cancels it (it returns
// an error wrapping ctx.Err() after the Newton step under way) and a
// LogisticOptions.Progress callback called after every step: options
// rather than a FitLogisticContext twin, as in clv and survival.
//
// Library functions do no I/O.
package churn
