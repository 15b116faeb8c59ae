package segment

import (
	"math"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/fault"
)

// Segment names used by ElevenSegments and RFGrid, and Other for a customer
// no rule matches.
const (
	Champions         = "Champions"
	LoyalCustomers    = "Loyal Customers"
	PotentialLoyalist = "Potential Loyalist"
	NewCustomers      = "New Customers"
	Promising         = "Promising"
	NeedAttention     = "Need Attention"
	AboutToSleep      = "About To Sleep"
	AtRisk            = "At Risk"
	CantLoseThem      = "Can't Lose Them"
	Hibernating       = "Hibernating"
	Lost              = "Lost"
	Other             = "Other"
)

// Range is an inclusive range of scores. The zero Range matches every
// score; a Range with Min > Max matches none.
type Range struct{ Min, Max int }

func (r Range) contains(s int) bool { return r == Range{} || (r.Min <= s && s <= r.Max) }

// Rule names a segment by ranges of scores. A customer matches when every
// range matches: R, F and M are the scores, FM is RFM.FM(). Several rules
// may carry one Name, so a segment can be a union of rectangles.
type Rule struct {
	Name        string
	R, F, M, FM Range
}

// Matches reports whether c's scores lie in every range of the rule.
func (r Rule) Matches(c RFM) bool {
	return r.R.contains(c.R) && r.F.contains(c.F) && r.M.contains(c.M) && r.FM.contains(c.FM())
}

// ElevenSegments returns the 11-segment map on the recency score R and the
// combined score FM = ⌊(F+M)/2⌋ of 5-level scores. The ranges are the
// widely published ones (Putler's RFM table: R and "F & M"), which
// overlap. Applied first match in their published order (Champions, Loyal
// Customers, Potential Loyalist, New Customers, …) New Customers and
// Promising could never match, since Potential Loyalist covers them; so
// here the order is most specific first, which makes every segment
// reachable:
//
//	 #  segment             R     FM
//	 1  Champions           4–5   4–5
//	 2  Can't Lose Them     1     4–5
//	 3  New Customers       4–5   1
//	 4  Promising           3–4   1
//	 5  About To Sleep      2–3   1–2
//	 6  Need Attention      2–3   2–3
//	 7  Lost                1     1     (published as R ≤ 2, FM ≤ 2, the same
//	 8  Hibernating         1–2   1–2    cells as Hibernating: Lost is narrowed
//	                                     to the bottom cell and goes first)
//	 9  At Risk             1–2   2–5
//	10  Loyal Customers     2–5   3–5
//	11  Potential Loyalist  3–5   1–3
//
// The result, every (R, FM) cell in exactly one segment, none Other:
//
//	R\FM  1               2                   3                4                5
//	5     New Customers   Potential Loyalist  Loyal Customers  Champions        Champions
//	4     New Customers   Potential Loyalist  Loyal Customers  Champions        Champions
//	3     Promising       About To Sleep      Need Attention   Loyal Customers  Loyal Customers
//	2     About To Sleep  About To Sleep      Need Attention   At Risk          At Risk
//	1     Lost            Hibernating         At Risk          Can't Lose Them  Can't Lose Them
//
// Scores outside 1..5 (another Options.Scores) may be Other. The slice is
// new on every call; change it freely.
func ElevenSegments() []Rule {
	return []Rule{
		{Name: Champions, R: Range{4, 5}, FM: Range{4, 5}},
		{Name: CantLoseThem, R: Range{1, 1}, FM: Range{4, 5}},
		{Name: NewCustomers, R: Range{4, 5}, FM: Range{1, 1}},
		{Name: Promising, R: Range{3, 4}, FM: Range{1, 1}},
		{Name: AboutToSleep, R: Range{2, 3}, FM: Range{1, 2}},
		{Name: NeedAttention, R: Range{2, 3}, FM: Range{2, 3}},
		{Name: Lost, R: Range{1, 1}, FM: Range{1, 1}},
		{Name: Hibernating, R: Range{1, 2}, FM: Range{1, 2}},
		{Name: AtRisk, R: Range{1, 2}, FM: Range{2, 5}},
		{Name: LoyalCustomers, R: Range{2, 5}, FM: Range{3, 5}},
		{Name: PotentialLoyalist, R: Range{3, 5}, FM: Range{1, 3}},
	}
}

// RFGrid returns the common R×F map of 5-level scores (the "RF score
// regex" map of many pandas tutorials, e.g. `[1-2][1-2]` → hibernating).
// Its rectangles do not overlap, so the order does not matter; M is not
// used and there is no Lost:
//
//	R\F  1               2                   3                   4                5
//	5    New Customers   Potential Loyalist  Potential Loyalist  Champions        Champions
//	4    Promising       Potential Loyalist  Potential Loyalist  Loyal Customers  Loyal Customers
//	3    About To Sleep  About To Sleep      Need Attention      Loyal Customers  Loyal Customers
//	2    Hibernating     Hibernating         At Risk             At Risk          Can't Lose Them
//	1    Hibernating     Hibernating         At Risk             At Risk          Can't Lose Them
//
// The slice is new on every call.
func RFGrid() []Rule {
	return []Rule{
		{Name: Hibernating, R: Range{1, 2}, F: Range{1, 2}},
		{Name: AtRisk, R: Range{1, 2}, F: Range{3, 4}},
		{Name: CantLoseThem, R: Range{1, 2}, F: Range{5, 5}},
		{Name: AboutToSleep, R: Range{3, 3}, F: Range{1, 2}},
		{Name: NeedAttention, R: Range{3, 3}, F: Range{3, 3}},
		{Name: LoyalCustomers, R: Range{3, 4}, F: Range{4, 5}},
		{Name: Promising, R: Range{4, 4}, F: Range{1, 1}},
		{Name: NewCustomers, R: Range{5, 5}, F: Range{1, 1}},
		{Name: PotentialLoyalist, R: Range{4, 5}, F: Range{2, 3}},
		{Name: Champions, R: Range{5, 5}, F: Range{4, 5}},
	}
}

// Assign returns the segment of c: the Name of the first rule of rules it
// matches, or Other. Later rules never overwrite an earlier match.
func Assign(c RFM, rules []Rule) string {
	for _, r := range rules {
		if r.Matches(c) {
			return r.Name
		}
	}
	return Other
}

// Summary describes one segment.
type Summary struct {
	Segment      string
	Customers    int
	Share        float64 // Customers / all customers
	Revenue      float64 // Σ Revenue of the segment, currency
	RevenueShare float64 // Revenue / Σ all Revenue; NaN when all revenue is 0
	// Means of SinceLast (days), Frequency and Monetary; NaN for an empty
	// segment.
	MeanSinceLast, MeanFrequency, MeanMonetary float64
	// Valued is how many of the segment's customers have an entry in the
	// values given to Summarize, and MeanValue their mean value; NaN when
	// Valued is 0.
	Valued    int
	MeanValue float64
}

// Summarize assigns every row to its segment under rules and summarises the
// segments: one Summary per distinct rule Name in order of first
// appearance (also when empty), then Other when any customer is unmatched.
// values, which may be nil, maps CustomerID to a value such as a CLV.
//
// It returns a *clv.DataError wrapping clv.ErrEmpty for no rows, and one
// wrapping clv.ErrInvalid for a NaN or infinite entry of values. rows and
// values are not modified or kept.
func Summarize(rows []RFM, rules []Rule, values map[string]float64) ([]Summary, error) {
	const fn = "segment.Summarize"
	if len(rows) == 0 {
		return nil, fault.New(fn, -1, "", clv.ErrEmpty, "no customers")
	}
	for id, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fault.New(fn, -1, "values["+id+"]", clv.ErrInvalid, "is %v, want finite", v)
		}
	}
	var out []Summary
	slot := make(map[string]int)
	add := func(name string) int {
		if k, ok := slot[name]; ok {
			return k
		}
		slot[name] = len(out)
		out = append(out, Summary{Segment: name})
		return len(out) - 1
	}
	for _, r := range rules {
		add(r.Name)
	}
	// Sums first, then turned into means and shares.
	var totalRevenue float64
	for _, c := range rows {
		s := &out[add(Assign(c, rules))]
		s.Customers++
		s.Revenue += c.Revenue
		s.MeanSinceLast += float64(c.SinceLast)
		s.MeanFrequency += float64(c.Frequency)
		s.MeanMonetary += c.Monetary
		if v, ok := values[c.CustomerID]; ok {
			s.Valued++
			s.MeanValue += v
		}
		totalRevenue += c.Revenue
	}
	for i := range out {
		s := &out[i]
		n := float64(s.Customers)
		s.Share = n / float64(len(rows))
		s.RevenueShare = math.NaN()
		if totalRevenue != 0 {
			s.RevenueShare = s.Revenue / totalRevenue
		}
		s.MeanSinceLast /= n // 0/0 = NaN for an empty segment
		s.MeanFrequency /= n
		s.MeanMonetary /= n
		s.MeanValue /= float64(s.Valued)
	}
	return out, nil
}
