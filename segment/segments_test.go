package segment_test

import (
	"math"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/segment"
)

// elevenGrid is the (R, FM) table documented on ElevenSegments, row R = 5
// first, columns FM = 1..5.
var elevenGrid = [5][5]string{
	{segment.NewCustomers, segment.PotentialLoyalist, segment.LoyalCustomers, segment.Champions, segment.Champions},
	{segment.NewCustomers, segment.PotentialLoyalist, segment.LoyalCustomers, segment.Champions, segment.Champions},
	{segment.Promising, segment.AboutToSleep, segment.NeedAttention, segment.LoyalCustomers, segment.LoyalCustomers},
	{segment.AboutToSleep, segment.AboutToSleep, segment.NeedAttention, segment.AtRisk, segment.AtRisk},
	{segment.Lost, segment.Hibernating, segment.AtRisk, segment.CantLoseThem, segment.CantLoseThem},
}

// TestElevenSegmentsAllCells: each of the 125 (R, F, M) cells lands in the
// segment of the documented table at (R, ⌊(F+M)/2⌋), never Other, and
// every one of the 11 segments is reached.
func TestElevenSegmentsAllCells(t *testing.T) {
	rules := segment.ElevenSegments()
	require.Len(t, rules, 11)
	seen := map[string]int{}
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			for m := 1; m <= 5; m++ {
				c := segment.RFM{R: r, F: f, M: m}
				got := segment.Assign(c, rules)
				want := elevenGrid[5-r][(f+m)/2-1]
				assert.Equal(t, want, got, "R=%d F=%d M=%d", r, f, m)
				seen[got]++
			}
		}
	}
	assert.Len(t, seen, 11, "every segment reached, no Other: %v", seen)
	assert.Zero(t, seen[segment.Other])
}

// TestElevenSegmentsWithinPublishedRanges: every cell's segment lies in the
// published (overlapping) ranges of that segment, except that Lost is
// narrowed to R = 1, FM = 1 (published R ≤ 2, FM ≤ 2).
func TestElevenSegmentsWithinPublishedRanges(t *testing.T) {
	published := map[string][4]int{ // Rmin, Rmax, FMmin, FMmax
		segment.Champions: {4, 5, 4, 5}, segment.LoyalCustomers: {2, 5, 3, 5},
		segment.PotentialLoyalist: {3, 5, 1, 3}, segment.NewCustomers: {4, 5, 1, 1},
		segment.Promising: {3, 4, 1, 1}, segment.NeedAttention: {2, 3, 2, 3},
		segment.AboutToSleep: {2, 3, 1, 2}, segment.AtRisk: {1, 2, 2, 5},
		segment.CantLoseThem: {1, 1, 4, 5}, segment.Hibernating: {1, 2, 1, 2},
		segment.Lost: {1, 2, 1, 2},
	}
	for r := 1; r <= 5; r++ {
		for fm := 1; fm <= 5; fm++ {
			s := elevenGrid[5-r][fm-1]
			p := published[s]
			assert.True(t, p[0] <= r && r <= p[1] && p[2] <= fm && fm <= p[3], "%s at R=%d FM=%d", s, r, fm)
		}
	}
}

// TestRFGridMatchesRegexMap: the R×F grid against the pandas tutorials'
// regular expressions on the string "RF", as an independent oracle, on all
// 125 cells (M is ignored).
func TestRFGridMatchesRegexMap(t *testing.T) {
	regexMap := []struct{ pattern, name string }{
		{`[1-2][1-2]`, segment.Hibernating},
		{`[1-2][3-4]`, segment.AtRisk},
		{`[1-2]5`, segment.CantLoseThem},
		{`3[1-2]`, segment.AboutToSleep},
		{`33`, segment.NeedAttention},
		{`[3-4][4-5]`, segment.LoyalCustomers},
		{`41`, segment.Promising},
		{`51`, segment.NewCustomers},
		{`[4-5][2-3]`, segment.PotentialLoyalist},
		{`5[4-5]`, segment.Champions},
	}
	rules := segment.RFGrid()
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			key := strconv.Itoa(r) + strconv.Itoa(f)
			var want []string
			for _, e := range regexMap {
				if regexp.MustCompile(`^` + e.pattern + `$`).MatchString(key) {
					want = append(want, e.name)
				}
			}
			require.Len(t, want, 1, "regex map is a partition at %s", key)
			for m := 1; m <= 5; m++ {
				assert.Equal(t, want[0], segment.Assign(segment.RFM{R: r, F: f, M: m}, rules), "RF=%s M=%d", key, m)
			}
		}
	}
}

// TestAssignFirstMatch: with overlapping rules the first wins and later
// ones never overwrite it; unmatched is Other; a zero Range matches all.
func TestAssignFirstMatch(t *testing.T) {
	rules := []segment.Rule{
		{Name: "top", R: segment.Range{Min: 5, Max: 5}},
		{Name: "high-f", F: segment.Range{Min: 4, Max: 5}},
		{Name: "never", R: segment.Range{Min: 3, Max: 2}},
	}
	assert.Equal(t, "top", segment.Assign(segment.RFM{R: 5, F: 5}, rules))
	assert.Equal(t, "high-f", segment.Assign(segment.RFM{R: 1, F: 4}, rules))
	assert.Equal(t, segment.Other, segment.Assign(segment.RFM{R: 2, F: 2}, rules))
	assert.Equal(t, segment.Other, segment.Assign(segment.RFM{R: 3, F: 1}, nil))
}

// TestSummarize works a small table by hand. Rules: "best" R = 5, "rest"
// R 1–4, "empty" R 9 (no customer), and one customer with R = 0 → Other.
//
//	id  R  SinceLast F  Monetary Revenue value
//	a   5  1         4  40       160     100
//	b   5  3         2  10       20      —
//	c   2  30        1  50       50      10
//	d   0  90        1  70       70      —
//
// Revenue total 300. best: 2 customers, share 0.5, revenue 180 (0.6),
// means SinceLast 2, F 3, M 25, value 100 (1 valued). rest: 1, 0.25, 50
// (1/6), 30, 1, 50, value 10. empty: 0 customers, NaN means. Other: d,
// 0.25, 70 (7/30), 90, 1, 70, no value (NaN).
func TestSummarize(t *testing.T) {
	rows := []segment.RFM{
		{CustomerID: "a", R: 5, SinceLast: 1, Frequency: 4, Monetary: 40, Revenue: 160},
		{CustomerID: "b", R: 5, SinceLast: 3, Frequency: 2, Monetary: 10, Revenue: 20},
		{CustomerID: "c", R: 2, SinceLast: 30, Frequency: 1, Monetary: 50, Revenue: 50},
		{CustomerID: "d", R: 0, SinceLast: 90, Frequency: 1, Monetary: 70, Revenue: 70},
	}
	rules := []segment.Rule{
		{Name: "best", R: segment.Range{Min: 5, Max: 5}},
		{Name: "rest", R: segment.Range{Min: 1, Max: 4}},
		{Name: "empty", R: segment.Range{Min: 9, Max: 9}},
	}
	values := map[string]float64{"a": 100, "c": 10, "zz": 5}
	got, err := segment.Summarize(rows, rules, values)
	require.NoError(t, err)
	nan := math.NaN()
	want := []segment.Summary{
		{"best", 2, 0.5, 180, 0.6, 2, 3, 25, 1, 100},
		{"rest", 1, 0.25, 50, 50.0 / 300, 30, 1, 50, 1, 10},
		{"empty", 0, 0, 0, 0, nan, nan, nan, 0, nan},
		{segment.Other, 1, 0.25, 70, 70.0 / 300, 90, 1, 70, 0, nan},
	}
	require.Len(t, got, len(want))
	for i, w := range want {
		g := got[i]
		assert.Equal(t, w.Segment, g.Segment)
		assert.Equal(t, w.Customers, g.Customers, w.Segment)
		assert.Equal(t, w.Valued, g.Valued, w.Segment)
		for _, p := range [][3]any{
			{"Share", w.Share, g.Share}, {"Revenue", w.Revenue, g.Revenue},
			{"RevenueShare", w.RevenueShare, g.RevenueShare}, {"MeanSinceLast", w.MeanSinceLast, g.MeanSinceLast},
			{"MeanFrequency", w.MeanFrequency, g.MeanFrequency}, {"MeanMonetary", w.MeanMonetary, g.MeanMonetary},
			{"MeanValue", w.MeanValue, g.MeanValue},
		} {
			wv, gv := p[1].(float64), p[2].(float64)
			if math.IsNaN(wv) {
				assert.True(t, math.IsNaN(gv), "%s %s = %v, want NaN", w.Segment, p[0], gv)
				continue
			}
			assert.False(t, math.IsNaN(gv), "%s %s", w.Segment, p[0])
			assert.InDelta(t, wv, gv, 1e-12, "%s %s", w.Segment, p[0])
		}
	}

	// Errors, and the inputs stay as they were.
	_, err = segment.Summarize(nil, rules, nil)
	assert.ErrorIs(t, err, clv.ErrEmpty)
	_, err = segment.Summarize(rows, rules, map[string]float64{"a": math.NaN()})
	assert.ErrorIs(t, err, clv.ErrInvalid)
	assert.Equal(t, 100.0, values["a"])
	assert.Len(t, values, 3)
	assert.Equal(t, "a", rows[0].CustomerID)
}
