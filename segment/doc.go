// Package segment scores customers by recency, frequency and monetary value
// (RFM), names segments from the scores, and splits customers into value
// tiers (top x%, ABC, heavy/medium/light).
//
// # RFM values
//
// Compute takes a transaction log ([]clv.Transaction) and an analysis date
// E. Days are civil dates in a stated time.Location (default UTC); rows
// dated after the date of E are ignored, the whole date of E is included.
// For a customer with purchase dates k_1 < … < k_n ≤ k(E) (distinct days)
// and row amounts v:
//
//	SinceLast = k(E) − k_n                     days since the last purchase
//	Frequency = n                              occasions (Occasions, default)
//	          = number of rows                 orders (Orders)
//	Revenue   = Σ v                            total spend, currency
//	Monetary  = Revenue                        (TotalSpend, default)
//	          = Revenue / Frequency            (MeanSpend)
//
// These are the RFM quantities of Hughes (1994) and Fader, Hardie & Lee (2005, JMR). SinceLast is the RFM recency,
// not the BTYD recency t_x of clv.Customer (first to last purchase): at the
// same end date SinceLast = T − t_x. RFM frequency counts the first
// purchase (BTYD frequency x = n − 1 does not), and RFM monetary includes
// it (the Gamma-Gamma mean spend excludes it).
//
// The log is checked by the rules clv, churn and cohort share, and a bad
// row is the same *clv.DataError (Row, Field) in all of them: a non-empty
// CustomerID, an At that is not the zero Time and lies in years 1..9999
// UTC, and an Amount in [0, 1e290] (0 is a free order; refunds are netted
// out first; the bound keeps every sum finite). Every row is checked, also those after E. Zero times, which once
// gave day counts of about 739,000, are an error.
//
// # Scores
//
// Each measure gets a score 1..n (Options.Scores, default 5); recency is
// reversed, so n is the most recent. Three rules (Options.Scoring):
//
// ByQuantile (default). The edges are the type-7 sample quantiles
// (Hyndman & Fan 1996, definition 7; numpy.percentile "linear", pandas
// quantile and qcut, R quantile(type = 7)) of the customers' values at
// k/n, k = 1..n−1. With the values sorted x_0 ≤ … ≤ x_{m−1}:
//
//	h   = (m − 1)·k/n,   j = ⌊h⌋
//	e_k = x_j + (h − j)·(x_{j+1} − x_j)
//
// montanaflynn/stats.Percentile computes the same (its v0.14.0 source is
// type 7; a test checks the two agree), but sorts a copy on every call, so
// QuantileEdges works on one sorted copy per measure.
//
// A value v scores by the number of edges strictly below it:
//
//	F, M:  score = 1 + #{k : e_k < v}
//	R:     score = n − #{k : e_k < SinceLast}
//
// so the bins are right-closed, (e_{k−1}, e_k] scores k (as in pandas cut
// and qcut), and a value exactly on an edge takes the lower bin (for
// recency, the higher score). The score is a function of the value, so tied
// values always share a score. Where ties make edges coincide, the scores
// between them stay empty rather than the ties being split: F values
// 1,1,1,1,2,2,3,5,8,13 give edges 1, 1.6, 2.4, 5.6 and scores 1 (four
// customers), none at 2, then 3, 4, 5. pandas qcut instead raises "Bin
// edges must be unique" (or, with duplicates="drop", returns fewer bins
// with other labels), and the common workaround qcut(x.rank(method="first"))
// splits ties by row order. A single customer scores F = M = 1, R = n.
//
// ByEqualCount. The customers are ranked by value (recency: SinceLast
// descending), ties broken by CustomerID ascending, and the ranking is cut
// into n groups as SQL NTILE(n) does: with m customers, q = ⌊m/n⌋ and
// r = m mod n, the first r groups hold q + 1 customers and the rest q; when
// m < n the top n − m scores are empty. Tied values may get different scores
// here, decided by ID, never by input order.
//
// ByEdges. The caller gives the n − 1 edges of each measure (recency in
// days), scored as under ByQuantile: RecencyEdges 30, 60, 90, 180 give R = 5
// for 0–30 days, 4 for 31–60, 3 for 61–90, 2 for 91–180 and 1 beyond.
//
// The edges used and per-score counts and value ranges come back as data in
// Result.Recency, Frequency and Monetary (Scale).
//
// # Segments
//
// A Rule names a segment by inclusive score ranges on R, F, M and the
// combined FM = ⌊(F+M)/2⌋. Assign returns the first matching rule's name
// or Other; a later rule never overwrites an earlier match (the usual bug of
// pandas code that assigns segments with a sequence of df.loc[mask] = …).
// ElevenSegments is the 11-segment map on (R, FM) with its order and the
// Hibernating/Lost overlap resolved; RFGrid is the common R×F grid of the
// "RF score regex" map. Both document their full 5×5 table, and tests
// check all 125 (R, F, M) cells against it. Summarize gives per segment the
// customers, customer and revenue shares, mean SinceLast, Frequency and
// Monetary, and the mean of a caller's per-customer value (such as a CLV).
//
// # Value tiers
//
// ByCount and ByRevenue rank customers by a value, descending, and give
// each the tier of the share ranked strictly above it: a share of customers
// (Top, HeavyMediumLight) or of the value total (ABC). A customer goes to
// the first tier whose cut exceeds that share, so in ABC the customer whose
// revenue carries the cumulative share across 80% is still an A, and tied
// values always share a tier (a tie at a boundary joins the higher tier
// whole). With cuts 0.8 and 0.95, revenue 50, 30, 10, 5, 3, 2 gives shares
// above of 0, .5, .8, .9, .95, .98 and classes A, A, B, B, C, C.
//
// # Errors and options
//
// One policy holds in every package of ltv. Bad data, a setting outside its
// domain, an unknown enum value and parallel slices of different lengths
// are a returned *clv.DataError (the one error type of ltv:
// survival.DataError is the same type) that names the function, the row (-1
// for a setting or argument) and the field or option, e.g. "Monetary",
// "Options.Scores" or "share", and wraps a sentinel shared by every package
// (clv.ErrEmpty, clv.ErrInvalid), so errors.Is and errors.As work with
// either package's names. A function or method without an error result
// answers NaN (or nil, or the zero value) and lists the case under "Special
// cases are:", as Go's math does. Nothing panics on what a caller passes.
// Options whose every field has a default are passed as a pointer, nil
// meaning all defaults (Options); a zero field means its default. No
// function modifies or keeps its input slices or maps.
//
// # Performance
//
// Compute numbers the customers with the library's shared indexer (hashing
// in parallel, no map) and aggregates into flat per-customer slices;
// nothing is allocated per customer. Occasions are counted on the fly while each customer's rows
// come in date order; customers seen out of order are recounted with a
// counting sort of their days. Scoring sorts one copy of each measure.
//
// # References
//
//   - Hughes, A. M. (1994). Strategic Database Marketing. Probus. (RFM
//     scoring in quintiles.)
//   - Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV:
//     Using iso-value curves for customer base analysis. Journal of
//     Marketing Research 42(4), 415–430. (RFM as summary statistics; the
//     relation to the BTYD summary.)
//   - Hyndman, R. J. & Fan, Y. (1996). Sample quantiles in statistical
//     packages. The American Statistician 50(4), 361–365, definition 7.
//   - ISO/IEC 9075 (SQL:2003) window function NTILE.
package segment
