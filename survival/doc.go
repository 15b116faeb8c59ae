// Package survival estimates survival curves and compares them: the
// Kaplan–Meier product-limit estimator with Greenwood variances and
// pointwise confidence bands, quantiles and restricted means read off the
// curve, the Nelson–Aalen cumulative hazard, the weighted log-rank
// family of k-sample tests, the Cox proportional hazards model with its
// tests, residuals, proportional-hazards test, predicted curves and
// concordance indices, parametric accelerated failure time (AFT)
// regression with per-subject predictions, competing risks (cumulative
// incidence, Gray's test, cause-specific and Fine–Gray regression), the
// evaluation of predicted risks and survival probabilities (time-dependent
// AUC, Brier score, calibration), and the expected value of a subscriber
// from any survival curve. Its numbers follow R's survival
// package 3.5-3 (survfit, quantile.survfit, print.survfit, survdiff,
// coxph, cox.zph, concordance, survreg, finegray) and cmprsk 2.2-11
// (cuminc); where lifelines or
// scikit-survival choose differently the option or the documentation says
// so. It imports nothing of clv. In ltv it serves customer retention:
// "survival" is staying a customer, the "event" is churn, censoring is
// still being a customer when observation ends.
//
// # Data
//
// An Observation is a subject followed on (Entry, Time] (on [0, Time] when
// Entry is 0), with Event telling whether Time is an event or a censoring,
// and a case weight (0 means 1; integer and fractional weights are both
// allowed). Times are in one unit of the caller's choosing (days, weeks …);
// every output time is in that unit. No function modifies or keeps the
// caller's slices. Invalid values (NaN, ±Inf, negative times or weights, an
// Entry not before its Time) give a *DataError naming the row and field,
// wrapping ErrInvalid; empty input gives ErrEmpty (see "Errors and
// options").
//
// # Risk sets and ties
//
// With t_(j) the distinct exit times, w_i the weights and e_i the entries,
//
//	n_j = Σ_i w_i·[e_i < t_(j) ≤ t_i]          (at risk)
//	d_j = Σ_i w_i·[t_i = t_(j), event]         (events; D_j = their number of rows)
//	c_j = Σ_i w_i·[t_i = t_(j), censored]      (censored)
//
// so at a tied time events come before censorings, which come before
// entries: a subject censored at t is at risk at t, one entering at t is
// not (R's convention). Every distinct exit time is a row, including times
// with censorings only, as R lists them.
//
// Near-equal times. By default times are merged as R's aeqSurv does: the
// distinct times (exits and entries together) are sorted, a consecutive
// pair closer than tol = 1.49e-8 (√ε) absolutely or relative to the mean of
// the distinct times is tied, and each run of tied times becomes its first
// value. So 0.1+0.2 and 0.3 are one time, as in R. An entry that merges with
// its own exit is an error (R stops there too). Options.ExactTimes (and
// LogRankOptions.ExactTimes) groups by exact float equality instead, as
// lifelines and scikit-survival do. The merge is done on the data passed to
// one call: R merges before splitting by groups or strata, so on data with
// near-ties the per-group curves of R may differ from per-group calls here.
//
// # Rounding and extreme weights
//
// Weights may be anything from the smallest subnormal to about 1e307 in
// total, mixed. Three rules keep every output honest:
//
//   - The at-risk weight is never formed by subtracting running sums. With
//     late entry and case weights the risk set is an exact sum of the
//     individual weights (a Shewchuk expansion, as Python's math.fsum),
//     rounded once; otherwise sums only add non-negative weights (unit
//     weights give exact integers). R builds n_j by adding exits and
//     subtracting entries, so an entry of weight 0.7 taken off a sum that
//     absorbed a weight 1e-17 leaves n_j = 0 where 1e-17 is at risk (R
//     3.5-3: S = −Inf), or a residue that makes S = −1.1e-16.
//   - n_j − d_j is summed from non-negative parts (censored weight plus the
//     weight exiting later), so 0 ≤ n_j − d_j ≤ n_j in floating point, and
//     d_j ≥ n_j happens exactly when everyone at risk has the event: S
//     becomes 0 exactly, as in the formula.
//   - Sums of ratios of counts (Greenwood's V, Var H, the restricted-mean
//     variance) are held as mantissa·2^exponent, so that neither
//     n·(n − d) underflowing (weights 1e-300: R gives std.err +Inf) nor
//     overflowing (weights 1e300: R gives 0) spoils them; only their square
//     roots are reported, and those are finite.
//
// Where a true value is beyond the float64 range it is reported as ±Inf (a
// band limit H·exp(z·SE/H) of 1e400, say); where no value exists the result
// is NaN and the method's "Special cases are:" list says so.
//
// # Kaplan–Meier and Greenwood
//
//	S(t) = Π_{t_(j) ≤ t} (1 − d_j/n_j)
//	V(t) = Σ_{t_(j) ≤ t, d_j > 0} d_j / (n_j (n_j − d_j))     (Var log S; +∞ once d_j = n_j)
//	SE(S) = S·√V
//
// S is accumulated as a product, not as exp(Σ log): with events at 9, 19,
// 32, 34 and censorings at 48, 50, S(32) is then exactly 0.5 and the
// median is read as R reads it. Curve.LogStdErr is √V (R's std.err field);
// Curve.StdErr is S·√V (what summary.survfit prints). With weighted counts
// V is R's robust = FALSE variance; for fractional weights R's default
// switches to an infinitesimal-jackknife variance, which this package does
// not compute, and lifelines truncates the weighted n to an integer inside
// Greenwood's sum.
//
// # Confidence bands
//
// With z = Φ⁻¹(1 − (1−level)/2):
//
//	log     (R default): S·exp(∓z√V), upper limit capped at 1
//	log-log (lifelines, sksurv): exp(−exp(log(−log S) ∓ z√V/log S))
//	plain:   S ∓ z·S·√V, clipped to [0, 1]
//	logit:   1/(1 + exp(−(log(S/(1−S)) ∓ z√V/(1−S))))
//	arcsin:  sin²(asin√S ∓ ½z√V·√(S/(1−S))), clipped to [0, π/2]
//
// The limits are NaN where S = 0 (R gives NA); where V = 0, before the
// first event, both limits are S. R gives NA for log-log where S = 1, and
// lifelines fills it with 1. The transforms use 1 − S summed from its
// increments, so an S that rounds to 1 (an event of weight 1e-17 among
// weight 1) still gets its band, and the limits are clamped to bracket S
// within [0, 1].
//
// # Quantiles, median and restricted mean
//
// Curve.Quantile follows R's quantile.survfit: the first time at which
// 1 − S reaches p within tol = 1.49e-8, or, when S equals 1 − p on a
// stretch, the midpoint of the stretch (with the last time of the curve
// when S stays there); its confidence limits are the same quantile of the
// lower and upper band curves. Curve.Median follows print.survfit, which
// differs from quantile(0.5) when S stays at 0.5 to the end and when a band
// is not monotone (see Curve.Median). QuantileFirstBelow gives lifelines'
// rule, the first time with S ≤ 1 − p. Not reached means NaN.
//
// The restricted mean is μ(τ) = ∫_0^τ S(t) dt with R's (survmean)
// standard error
//
//	se² = Σ_{t_(j) ≤ τ, d_j > 0, n_j > d_j} A_j²·d_j/(n_j(n_j − d_j)),   A_j = ∫_{t_(j)}^τ S(t) dt.
//
// lifelines reports Var(min(T, τ)) instead, which is a different quantity.
//
// # Nelson–Aalen
//
//	H(t) = Σ_{t_(j) ≤ t} d_j/n_j,   Var H = Σ d_j/n_j²                          (R's default, ctype 1)
//	H(t) = Σ_j Σ_{k<D_j} (d_j/D_j)/(n_j − k·d_j/D_j),  Var = Σ_j Σ_k (d_j/D_j)/(n_j − k·d_j/D_j)²
//	                                                  (Fleming–Harrington ties, ctype 2; lifelines' default)
//
// with bands H·exp(∓z·SE/H) (lifelines) and exp(−H) as the
// Fleming–Harrington survival estimate (R's stype 2).
//
// # Log-rank family
//
// At each distinct event time t_j of the pooled data (within a stratum),
// with weight w_j:
//
//	O_g = Σ_j w_j d_gj,    E_g = Σ_j w_j d_j n_gj/n_j
//	V_gk = Σ_{j: n_j > 1} w_j² d_j (n_j − d_j)/(n_j − 1) · (n_gj/n_j)(δ_gk − n_kj/n_j)
//	χ² = (O − E)ᵀ V⁻¹ (O − E) over the groups with E_g > 0 but the first,  df = their number
//
// summed over strata when stratified. The weights: 1 (log-rank), Ŝ(t_j−)^ρ
// (1 − Ŝ(t_j−))^γ with the pooled left-continuous Kaplan–Meier Ŝ
// (Fleming–Harrington; R's survdiff rho, ρ = 1 being the Peto–Peto test),
// n_j (Gehan) and √n_j (Tarone–Ware). With late entry the (entry, exit] risk
// sets make the log-rank statistic the score test of
// coxph(ties = "exact"). V is solved with the LDLᵀ factorisation the Cox
// fit uses (R's cholesky2 rank rule, on V scaled to a unit diagonal); a
// numerically singular V is ErrSingular naming a group, where R's
// survdiff stops in solve.
//
// # Saving and loading models
//
// *Curve, *Incidence, *Cox and *AFT implement json.Marshaler and json.Unmarshaler
// with the versioned format of package clv ("Saving and loading models"
// there): {"kind":"survival.Curve","version":1,"params":{...}}, every
// exported field under its Go name, NaN and ±Inf as the strings "NaN",
// "+Inf" and "-Inf" (a curve that reaches S = 0 has NaN standard errors
// and bands). A Curve also saves its Options, so a loaded curve keeps its
// quantile rule and bands; a Cox saves the risk-set sums of its baseline
// hazards (aggregates per event time, not rows of data), so a loaded Cox
// draws SurvivalCurve with its bands, and its stored PHTest. Loading
// refuses another kind or version, a missing or unknown key, an unknown
// enum value, non-finite coefficients or times out of order, and slices
// whose lengths do not match, with a *DataError naming the key. Times
// carry no unit: they are in whatever unit the observations were.
//
// # Errors and options
//
// One policy holds in every package of ltv. Bad data, a setting outside its
// domain, an unknown enum value and strata that do not match the groups are
// a returned *DataError (the one error type of ltv: clv.DataError is the
// same type) that names the function, the group and row (-1 where none
// applies) and the field or option, e.g. "Entry" or "Options.Level", and
// wraps a sentinel shared by every package (ErrEmpty, ErrInvalid and
// ErrSingular, which are clv's), so errors.Is and errors.As work with
// either package's names. A function or method without an error result
// answers NaN (or nil, or the zero value) and lists the case under "Special
// cases are:", as Go's math does. Nothing panics on what a caller passes.
// Options whose every field has a default are passed as a pointer, nil
// meaning all defaults (Options, LogRankOptions, CoxOptions,
// CoxCurveOptions, PHTestOptions, ConcordanceOptions, IncidenceOptions,
// GrayOptions, CalibrationOptions); a zero field means
// its default. No function modifies or keeps its input slices.
//
// FitAFT and FitCox take a Context (AFTOptions.Context,
// CoxOptions.Context) that cancels them (they return an error wrapping
// ctx.Err() after the Newton step under way) and a Progress callback
// called after every step. They are options rather than a …Context twin
// of each fit, as in clv and churn.
//
// # Accelerated failure time regression
//
// FitAFT fits R survreg's log-time models (Kalbfleisch & Prentice 2002,
// §2.2 and §3.9)
//
//	log T = η + σ·ε,   η = β_0 + β·x
//
//	Weibull       ε extreme value   S_ε(z) = exp(−e^z)       T ~ Weibull(shape 1/σ, scale e^η)
//	Exponential   the same with σ = 1                       hazard e^(−η)
//	LogNormal     ε standard normal  S_ε(z) = 1 − Φ(z)
//	LogLogistic   ε logistic         S_ε(z) = 1/(1 + e^z)    T ~ log-logistic(shape 1/σ, scale e^η)
//
// by maximising, with z = (log t − η)/σ and z_e = (log e − η)/σ,
//
//	ℓ = Σ_events w·(log f_ε(z) − log σ − log t) + Σ_censored w·log S_ε(z) − Σ_{e > 0} w·log S_ε(z_e)
//
// (the last sum conditions a late entry on survival to its Entry, as
// lifelines' entry_col; survreg has no late entry). exp(β_j) is a time
// ratio: every quantile of T is multiplied by it per unit of x_j. The fit
// is Newton–Raphson with step halving in (β, log σ) from survreg's
// starting values; its standard errors are the inverse observed
// information, in the order intercept, coefficients, log σ (R's vcov). A
// fit that stops early returns its last estimate with an error wrapping
// ErrNotConverged.
//
// AFT.For(x) is one subject's Lifetime, with S(t) = S_ε(z), the hazard
// h(t) = h_ε(z)/(σt), quantiles exp(η + σ·z_p), and the mean residual life
//
//	m(t) = E[T − t | T > t] = ∫_t^∞ S(u) du / S(t)
//
// in closed form (x = e^z; Q and E_s: A&S 6.5.3 and 5.1.4, I the
// regularised incomplete beta function):
//
//	Weibull       e^η·Γ(1+σ)·e^x·Q(σ, x) = σ·t·e^x·E_{1−σ}(x)
//	log-normal    t·(R(z−σ)/R(z) − 1),   R(z) = (1 − Φ(z))/φ(z)
//	log-logistic  e^η·σ·B(1−σ, σ)·I_{1/(1+x)}(1−σ, σ)·(1+x)   (σ < 1; +∞ for σ ≥ 1)
//
// and its restricted form E[min(T − t, τ) | T > t] by quadrature.
//
// # Subscription value
//
// SubscriptionValue values a subscriber who is still subscribed at tenure
// t_0 and pays R every billing period Δ, from any Survivor S (a model in
// time unit u) and an effective annual discount rate r:
//
//	V = R·Σ_{k=1}^{K} S(t_0 + k·f)/S(t_0)·(1+d)^(−k),   f = Δ/u,   d = (1+r)^(Δ/year) − 1
//
// The payment at t_0 is already received; payment k falls due at
// t_0 + k·f and is made if T > t_0 + k·f (Fader & Hardie 2010's DERL with
// the renewal at t_0 made). K = 0 sums all payments. A Lifetime is a
// Survivor; a Curve, such as a Cox fit's prediction for one subject, is one
// as SurvivorFunc(curve.At).
//
// # Cox proportional hazards
//
// FitCox fits h(t | x) = h₀(t)·exp(x·β) by maximising the partial
// likelihood (Cox 1972). With t_j the distinct event times (within a
// stratum), R_j the rows at risk (Entry < t_j ≤ Time), D_j the d_j rows
// with an event at t_j, W_j their weight and r_i = w_i·exp(x_i·β):
//
//	Breslow: ℓ(β) = Σ_j [Σ_{D_j} w_i·x_i·β − W_j·log Σ_{R_j} r_i]
//	Efron:   ℓ(β) = Σ_j [Σ_{D_j} w_i·x_i·β − (W_j/d_j)·Σ_{k=0}^{d_j−1} log(Σ_{R_j} r_i − (k/d_j)·Σ_{D_j} r_i)]
//	Exact:   ℓ(β) = Σ_j [Σ_{D_j} x_i·β − log Σ_{S ⊂ R_j, |S| = d_j} exp(Σ_{S} x_i·β)]
//
// (Breslow 1974; Efron 1977, eq. 3.4; Kalbfleisch & Prentice 1973, the
// exact sum computed by the recursion of Gail, Lubin & Rubinstein 1981,
// B(d, m) = B(d, m−1) + r_m·B(d−1, m−1)). With Efron weights the
// average W_j/d_j is over tied rows, as in R. Newton–Raphson starts at 0
// and stops when |1 − ℓ_old/ℓ_new| ≤ 1e-9, halving steps that lower ℓ
// (R's coxfit6); the columns are centred and scaled internally as R does.
// Rows with Entry > 0 are (start, stop] rows: a row joins the risk sets
// at its exit and leaves at its entry, so left truncation and split
// histories (SplitAt, R's survSplit) fit like R's counting-process form.
// The information I = −∂²ℓ is summed in one pass as
//
//	I = Σ_i E_i·x_i·x_iᵀ − Σ_j (W_j/d_j)·Σ_k a_jk·a_jkᵀ/den_jk²
//
// with E_i the row's expected event count (the martingale compensator) and
// a_jk, den_jk the Efron-adjusted risk-set sums, instead of running matrix
// sums. A ridge penalty maximises ℓ(β) − (θ/2)·Σ v_j·β_j² (R's
// ridge(theta = θ), v_j = 1, or the column variance with scale = TRUE).
//
// The tests are the likelihood ratio 2(ℓ(β̂) − ℓ(0)), Wald β̂ᵀ·V⁻¹·β̂ and
// score U(0)ᵀ·I(0)⁻¹·U(0). The robust variance (Lin & Wei 1989) is the
// sandwich
//
//	V_rob = I⁻¹·(Σ_g U_g·U_gᵀ)·I⁻¹,   U_g = Σ_{i in cluster g} w_i·U_i
//	U_i = δ_i·(x_i − x̄(t_i)) − Σ_j [row i at risk at t_j]·exp(x_i·β)·(x_i − x̄_j)·dΛ₀(t_j)
//
// (the score residuals, Therneau, Grambsch & Fleming 1990, with Efron's
// down-weighting at a row's own tied time); with it the Wald test uses
// V_rob and the score test is U(0)ᵀ·(Σ_g U_g(0)·U_g(0)ᵀ)⁻¹·U(0), as R's
// robust Wald and score tests. As R, non-integer case weights make the
// variance robust. The martingale residual is δ_i − E_i, the deviance
// residual sign(M)·√(−2(M + δ·log(δ − M))).
//
// The baseline cumulative hazard at Cox.Means (R's survfit(fit): 0 for a
// column of −1, 0 and 1 values, which coxph leaves uncentred, the mean
// otherwise) is Breslow's ΔΛ₀(t_j) = W_j/Σ_{R_j} r_i or its Efron average,
// and for covariates x
//
//	Λ(t | x) = Λ₀(t)·exp((x − m)·β),   Var = exp(2(x − m)·β)·[Σ_{t_j ≤ t} v_j + d(t)ᵀ·V·d(t)]
//	d(t) = Λ₀(t)·(x − m) − Σ_{t_j ≤ t} x̄_j·ΔΛ₀(t_j)
//
// (Tsiatis 1981; R's agsurv), read with the log band of KaplanMeier.
//
// The proportional-hazards test (Grambsch & Therneau 1994; R's cox.zph) is
// the score test, at (β̂, 0), of adding the columns (g(t) − ḡ)·x_j, with g
// the Kaplan–Meier, identity, rank or log transform of time; the scaled
// Schoenfeld residuals r̂_i = V_s⁻¹·(x_i − x̄(t_i)) + β̂ estimate β(t).
//
// # Concordance
//
// Harrell's C (Harrell et al. 1982) is the share of comparable pairs, an
// event and a row still at risk at its time, whose risk scores are ordered
// as the times (higher risk, earlier event); risk ties count ½, event
// times tied between the two rows are not comparable, a censoring tied with
// an event is (R's concordance). Uno's C (Uno et al. 2011) weighs each
// pair by 1/G(t−)², G the Kaplan–Meier curve of the censoring times, and
// counts only pairs with t ≤ τ:
//
//	C = Σ_{i: δ_i, t_i ≤ τ} Σ_{j: t_j > t_i} w_i·w_j·G(t_i−)⁻²·([r_i > r_j] + ½[r_i = r_j]) / Σ … w_i·w_j·G(t_i−)⁻²
//
// Its standard error is R's infinitesimal jackknife. scikit-survival
// differs (ConcordanceSksurv): G(t) includes the censorings at t, risks
// within 1e-8 are tied, times are not merged, and only pairs with t < τ
// count.
//
// # Competing risks
//
// When a subscriber can leave for one of several reasons — cancelling or a
// failed payment — and the first one ends follow-up, a
// CompetingObservation records the reason as Cause (0 censored, 1 … K).
// CumulativeIncidence is the Aalen–Johansen estimator (Aalen & Johansen
// 1978) of F_k(t) = P(T ≤ t, cause k) with S the Kaplan–Meier curve of
// any event,
//
//	F_k(t_j) = Σ_{l ≤ j} S(t_{l−1})·d_kl/n_l,    S + Σ_k F_k = 1
//
// (R's survfit(Surv(time, factor(status)) ~ 1), cmprsk's cuminc; with
// late entry survfit(Surv(entry, time, factor(status)) ~ 1, id = id)). Its
// standard errors are R's default for multi-state curves, the
// infinitesimal jackknife Σ_i (w_i·∂F/∂w_i)², or cuminc's (Gray 1988),
// and its bands R's transforms of each probability (log by default). One
// minus KaplanMeier with the other causes censored is not F_k: it
// estimates the risk in a world without the other causes, and overstates
// the risk here.
//
// GrayTest compares the F_k of groups (Gray 1988; cuminc's Tests). For
// regression there are two hazards. The cause-specific hazard h_k(t) =
// lim P(t ≤ T < t + dt, cause k | T ≥ t)/dt is fitted by FitCox on
// CauseSpecific rows, the other causes censored (Prentice et al. 1978);
// it describes the mechanism. The subdistribution hazard
// h̃_k = −d log(1 − F_k)/dt of Fine & Gray (1999) keeps subjects with
// another cause in its risk set, with weight G(t−)/G(T−) (G: the censoring
// Kaplan–Meier curve), so exp(β) says how x moves F_k itself; FitFineGray
// fits it as R does, with FineGray's (start, stop] expansion and a
// weighted FitCox whose rows are clustered by subject (within strata:
// G per stratum and a stratified fit). Its StdErr is the
// robust one (coxph(… + cluster(id)); cmprsk's crr reports nearly the
// same, breaking ties differently), NaiveStdErr the inverse information;
// R's coxph on finegray data without cluster(id) reports a third one, the
// row-level sandwich its fractional weights imply, which FitCox on
// FineGray's rows gives too.
//
// # Evaluating predictions
//
// Three functions score a model's predictions on test rows, with
// scikit-survival's definitions (sksurv 0.22 metrics) and case weights.
// The censoring curve Ĝ they use is the Kaplan–Meier estimate of the
// censoring distribution from training rows (the test rows when none are
// given), with the events of a time leaving before its censorings and
// read right-continuously:
//
//	Ĝ(t) = Π_{s ≤ t} (1 − c_s/(n_s − d_s))
//
// CumulativeDynamicAUC is the cumulative/dynamic AUC of risk scores at
// chosen times (Uno, Cai, Tian & Wei 2007; Hung & Chiang 2010): cases are
// events by t, weighted 1/Ĝ(T_i), controls are rows still event-free after
// t; score ties (neighbours within 1e-8) count ½; the mean weighs AUC(t_k)
// by the test Kaplan–Meier decrements (Lambert & Chevret 2016):
//
//	AUC(t) = Σ_{T_i ≤ t, δ_i} Σ_{T_j > t} ω_i·w_j·([s_i > s_j] + ½[s_i ≈ s_j]) / (Σ ω_i·Σ w_j),   ω_i = w_i/Ĝ(T_i)
//
// BrierScore is the inverse-probability-of-censoring weighted Brier score
// of predicted survival probabilities (Graf, Schmoor, Sauerbrei &
// Schumacher 1999) and its trapezoidal integral over the times divided by
// their range:
//
//	BS(t) = Σ_i w_i·[I(T_i ≤ t, δ_i)·Ŝ_i(t)²/Ĝ(T_i) + I(T_i > t)·(1 − Ŝ_i(t))²/Ĝ(t)] / Σ_i w_i
//
// Where Ĝ is 0 at a case (scikit-survival then weighs the row 0, or raises
// for the AUC) both return an error naming the row.
//
// CalibrationAt compares predicted event probabilities P_i = 1 − Ŝ_i(t0)
// with observed ones as Austin, Harrell & van Klaveren (2020): a Cox model
// (FitCox) on a restricted cubic spline of log(−log Ŝ_i(t0)) with knots at
// Harrell's quantiles gives O_i = 1 − Ŝ(t0 | P_i); ICI is the mean of
// |P_i − O_i|, E50 and E90 its median and 90th percentile, EMax its
// maximum.
//
// # Cost
//
// Exit and entry times are sorted as IEEE bit patterns with an LSD radix
// sort that skips digits shared by all keys, so 1e7 whole-day times take a
// few linear passes, and the curve is built in one backward sweep whose
// reverse cumulative sums make n_j at the last time exactly the weight
// exiting there, as in R. Memory is about 12 float64 columns per distinct
// time plus 16 bytes per observation while sorting.
//
// FitCox sorts the rows the same way and copies X once, centred and
// scaled (8·n·p bytes). A Newton iteration is two passes over the rows:
// O(n·p) for the risk sets and O(n·p²) for the information (four rows at a
// time per update of the p×p sums), plus O(events) divisions and one
// logarithm per event time for Efron's sums; R's coxph needs a few
// iterations. Concordance sorts the risks and
// sweeps them with Fenwick trees over the distinct times, O(n·log T); the
// PH test, computed on the first call of PHTest, adds two more
// information passes. The passes that do not carry
// a running sum — checking and copying X, the linear predictors and risks,
// the information's sums, the concordance (in blocks of risk order, each
// starting from the histograms of the rows before it) — run on
// internal/parallel's chunks with one partial sum per chunk, added in
// chunk order, so that a fit gives the same bits on any machine; the risk-
// set sweep itself is sequential. Each Baseline keeps about 2p numbers per
// event time of its stratum. BenchmarkFitCox times a fit with its
// concordance and baselines on 1e6 rows × 10 covariates with
// whole-day times, and bench/cox/run.sh times R's coxph on the same data.
//
// CumulativeIncidence and GrayTest cost one life table plus a binary
// search per row, O(n·log n + m·K) and O(n·log n + m·G²) for m distinct
// times, K causes and G groups (1e5 subscribers with daily times: about
// 15 and 25 ms; with half of them entering late, about 120 ms). Late
// entries keep K + 2 numbers each. FineGray's data have a row per subject plus, for each subject
// with another cause, one per later censoring interval that holds an event
// of the cause — up to n·m rows: 1e5 subscribers in whole days (1,000
// distinct times) make 1.6e7 rows and an 80 s fit, in whole weeks 2.6e6
// rows and 10 s. Round times before fitting on large data.
//
// # References
//
//   - Kaplan, E. L. and Meier, P. (1958). Nonparametric estimation from
//     incomplete observations. JASA 53, 457–481.
//   - Greenwood, M. (1926). The natural duration of cancer. Reports on
//     Public Health and Medical Subjects 33.
//   - Nelson, W. (1972), Technometrics 14, 945–966; Aalen, O. (1978),
//     Annals of Statistics 6, 701–726.
//   - Fleming, T. R. and Harrington, D. P. (1991). Counting Processes and
//     Survival Analysis. Wiley. (Tie-corrected hazard; G(ρ, γ) weights.)
//   - Harrington, D. P. and Fleming, T. R. (1982). A class of rank test
//     procedures for censored survival data. Biometrika 69, 553–566.
//   - Mantel, N. (1966); Peto, R. and Peto, J. (1972), JRSS A 135, 185–207;
//     Gehan, E. A. (1965), Biometrika 52, 203–223; Tarone, R. E. and
//     Ware, J. (1977), Biometrika 64, 156–160.
//   - Therneau, T. M. and Grambsch, P. M. (2000). Modeling Survival Data.
//     Springer. And the survival package's vignettes (methods.Rnw), whose
//     tie order and quantile rules this package follows.
//   - Kalbfleisch, J. D. and Prentice, R. L. (2002). The Statistical
//     Analysis of Failure Time Data, 2nd ed. Wiley. (AFT models, §2.2, §3.9.)
//   - Abramowitz, M. and Stegun, I. A. (1964). Handbook of Mathematical
//     Functions. (5.1.4, 6.5.3; 26.2.14 for the Mills ratio.)
//   - Fader, P. S. and Hardie, B. G. S. (2010). Customer-base valuation in a
//     contractual setting: the perils of ignoring heterogeneity. Marketing
//     Science 29(1), 85–93.
//   - Cox, D. R. (1972). Regression models and life-tables. JRSS B 34,
//     187–220. Breslow, N. (1974), Biometrics 30, 89–99. Efron, B. (1977),
//     JASA 72, 557–565. Kalbfleisch, J. D. and Prentice, R. L. (1973),
//     Biometrika 60, 267–278. Gail, M. H., Lubin, J. H. and Rubinstein,
//     L. V. (1981), Biometrika 68, 703–707.
//   - Lin, D. Y. and Wei, L. J. (1989). The robust inference for the Cox
//     proportional hazards model. JASA 84, 1074–1078. Therneau, T. M.,
//     Grambsch, P. M. and Fleming, T. R. (1990), Biometrika 77, 147–160
//     (residuals). Tsiatis, A. A. (1981), Annals of Statistics 9, 93–108.
//   - Grambsch, P. M. and Therneau, T. M. (1994). Proportional hazards
//     tests and diagnostics based on weighted residuals. Biometrika 81,
//     515–526.
//   - Harrell, F. E., Califf, R. M., Pryor, D. B., Lee, K. L. and Rosati,
//     R. A. (1982), JAMA 247, 2543–2546. Uno, H., Cai, T., Pencina, M. J.,
//     D'Agostino, R. B. and Wei, L. J. (2011), Statistics in Medicine 30,
//     1105–1117. Therneau, T. M. and Watson, E. (2017), the survival
//     package's concordance vignette (variance).
//   - Aalen, O. O. and Johansen, S. (1978). An empirical transition
//     matrix for non-homogeneous Markov chains based on censored
//     observations. Scandinavian Journal of Statistics 5, 141–150.
//     Gray, R. J. (1988). A class of K-sample tests for comparing the
//     cumulative incidence of a competing risk. Annals of Statistics 16,
//     1141–1154. Fine, J. P. and Gray, R. J. (1999). A proportional hazards
//     model for the subdistribution of a competing risk. JASA 94, 496–509.
//     Geskus, R. B. (2011). Cause-specific cumulative incidence estimation
//     and the Fine and Gray model under both left truncation and right
//     censoring. Biometrics 67, 39–49. Prentice, R. L. et al. (1978). The
//     analysis of failure times in the presence of competing risks.
//     Biometrics 34, 541–554.
//   - Uno, H., Cai, T., Tian, L. and Wei, L. J. (2007). Evaluating
//     prediction rules for t-year survivors with censored regression
//     models. JASA 102, 527–537. Hung, H. and Chiang, C. T. (2010),
//     Canadian Journal of Statistics 38, 8–26. Lambert, J. and Chevret, S.
//     (2016), Statistical Methods in Medical Research 25, 2088–2102.
//   - Graf, E., Schmoor, C., Sauerbrei, W. and Schumacher, M. (1999).
//     Assessment and comparison of prognostic classification schemes for
//     survival data. Statistics in Medicine 18, 2529–2545.
//   - Austin, P. C., Harrell, F. E. and van Klaveren, D. (2020). Graphical
//     calibration curves and the integrated calibration index (ICI) for
//     survival models. Statistics in Medicine 39, 2714–2742.
//   - The tests check every formula above against R's survfit, survdiff,
//     print.survfit, survreg, coxph, cox.zph, survfit.coxph and
//     concordance output (refdata survival/expected.json and
//     cox/expected.json, testdata/cox_extra.R), the competing-risks
//     functions against survfit, finegray + coxph and cmprsk's cuminc
//     (refdata competing/expected.json, testdata/competing_extra.R), and
//     the AFT predictions against mpmath.
package survival
