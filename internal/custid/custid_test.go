package custid

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/internal/parallel"
)

// naiveIndex is the reference: one map, rows in order, "" skipped.
func naiveIndex(rows []string) ([]int32, []string) {
	of := make([]int32, len(rows))
	index := map[string]int32{}
	var ids []string
	for i, s := range rows {
		if s == "" {
			of[i] = -1
			continue
		}
		c, ok := index[s]
		if !ok {
			c = int32(len(ids))
			index[s] = c
			ids = append(ids, s)
		}
		of[i] = c
	}
	return of, ids
}

// seededLog returns n IDs drawn from distinct customers (seeded PCG),
// with a share of empty IDs; grouped puts each customer's rows together
// (in random customer order) and sorted sorts them by ID.
func seededLog(n, distinct int, empty float64, layout string, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 99))
	rows := make([]string, n)
	for i := range rows {
		if rng.Float64() < empty {
			continue
		}
		// Fresh strings, not shared headers: the comparisons must read bytes.
		rows[i] = "cust-" + strconv.Itoa(rng.IntN(distinct))
	}
	switch layout {
	case "sorted":
		slices.Sort(rows)
	case "grouped":
		perm := rng.Perm(distinct)
		key := func(s string) int {
			if s == "" {
				return -1
			}
			k, _ := strconv.Atoi(s[5:])
			return perm[k]
		}
		slices.SortStableFunc(rows, func(a, b string) int { return key(a) - key(b) })
	}
	return rows
}

// manyChunks is a log size that every step of Index splits into chunks.
const manyChunks = 1 << 18

func TestIndexMatchesNaiveMap(t *testing.T) {
	// Expected values: naiveIndex, a plain map in row order.
	require.Greater(t, parallel.Chunks(manyChunks, renumberCost), 1)
	for _, tc := range []struct {
		n, distinct int
		empty       float64
		layout      string
	}{
		{0, 1, 0, "random"},
		{1, 1, 0, "random"},
		{1, 1, 1, "random"},
		{100, 7, 0.2, "random"},
		{5000, 5000, 0, "random"},           // sequential path, mostly distinct
		{manyChunks + 1, 3, 0, "random"},    // in chunks, many duplicates
		{100_000, 100_000, 0, "random"},     // nearly all distinct, tables grow
		{100_000, 20_000, 0.1, "random"},    // with skipped rows
		{100_000, 20_000, 0.1, "grouped"},   // runs of one ID
		{100_000, 20_000, 0.1, "sorted"},    // the no-hash path
		{100_000, 1, 0, "random"},           // one customer
		{manyChunks, 50_000, 0.5, "random"}, // half skipped
	} {
		t.Run(fmt.Sprintf("n=%d,distinct=%d,empty=%v,%s", tc.n, tc.distinct, tc.empty, tc.layout), func(t *testing.T) {
			rows := seededLog(tc.n, tc.distinct, tc.empty, tc.layout, uint64(tc.n))
			orig := slices.Clone(rows)
			wantOf, wantIDs := naiveIndex(rows)
			of, ids := Index(len(rows), func(i int) string { return rows[i] })
			require.Equal(t, wantOf, of)
			require.Equal(t, wantIDs, ids)
			require.Equal(t, orig, rows, "rows modified")
		})
	}
}

func TestIndexAllDistinctAndAllSame(t *testing.T) {
	// Hand-computed: n distinct IDs in row order get 0..n−1; n equal IDs get 0.
	n := manyChunks + 3
	distinct := make([]string, n)
	for i := range distinct {
		distinct[i] = strconv.Itoa(n - i) // not in sorted order: the hashed path
	}
	of, ids := Index(n, func(i int) string { return distinct[i] })
	require.Equal(t, distinct, ids)
	for i, c := range of {
		require.Equal(t, int32(i), c)
	}
	of, ids = Index(n, func(int) string { return "same" })
	require.Equal(t, []string{"same"}, ids)
	require.Equal(t, make([]int32, n), of)
}

func TestIndexFirstAppearanceOrder(t *testing.T) {
	// Hand-computed: b first at row 0, a at row 1, c at row 4; "" is −1.
	rows := []string{"b", "a", "", "b", "c", "a", "a"}
	of, ids := Index(len(rows), func(i int) string { return rows[i] })
	require.Equal(t, []string{"b", "a", "c"}, ids)
	require.Equal(t, []int32{0, 1, -1, 0, 2, 1, 1}, of)
}

func TestIndexPanicsOnNegativeCount(t *testing.T) {
	require.PanicsWithValue(t, "custid: row count out of range [0, 2³¹−1)", func() {
		Index(-1, func(int) string { return "" })
	})
}

func TestByID(t *testing.T) {
	// Expected: slices.SortFunc of the numbers by ID, the obvious sort.
	for _, n := range []int{0, 1, 10, 30_000, 200_000} {
		rows := seededLog(n, max(n, 1), 0, "random", 7)
		_, ids := Index(n, func(i int) string { return rows[i] })
		orig := slices.Clone(ids)
		want := make([]int32, len(ids))
		for k := range want {
			want[k] = int32(k)
		}
		slices.SortFunc(want, func(a, b int32) int {
			switch {
			case ids[a] < ids[b]:
				return -1
			case ids[a] > ids[b]:
				return 1
			}
			return 0
		})
		got := ByID(ids)
		require.Equal(t, want, got, "n=%d", n)
		require.Equal(t, orig, ids, "ids modified")
	}
}

func FuzzIndex(f *testing.F) {
	f.Add("a,b,,a,c,b")
	f.Add(",,,")
	f.Add("x")
	f.Fuzz(func(t *testing.T, csv string) {
		var rows []string
		start := 0
		for i := 0; i <= len(csv); i++ {
			if i == len(csv) || csv[i] == ',' {
				rows = append(rows, csv[start:i])
				start = i + 1
			}
		}
		wantOf, wantIDs := naiveIndex(rows)
		of, ids := Index(len(rows), func(i int) string { return rows[i] })
		require.Equal(t, wantOf, of)
		require.Equal(t, wantIDs, ids)
	})
}

var sinkOf []int32

// BenchmarkIndex: rows × distinct IDs, in random row order (every row a
// lookup) and grouped by customer (runs skip the lookup). Tiers above 1e6
// rows need LTV_BENCH_LARGE=1.
func BenchmarkIndex(b *testing.B) {
	for _, tc := range []struct{ n, distinct int }{
		{1e6, 1e5}, {1e6, 5e5}, {1e7, 1e6}, {1e7, 5e6},
	} {
		for _, layout := range []string{"random", "grouped"} {
			b.Run(fmt.Sprintf("rows=%.0e/ids=%.0e/%s", float64(tc.n), float64(tc.distinct), layout), func(b *testing.B) {
				if tc.n > 1e6 && os.Getenv("LTV_BENCH_LARGE") != "1" {
					b.Skip("set LTV_BENCH_LARGE=1 for tiers above 1e6")
				}
				rows := seededLog(tc.n, tc.distinct, 0, layout, 1)
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					sinkOf, _ = Index(len(rows), func(i int) string { return rows[i] })
				}
			})
		}
	}
}

func BenchmarkByID(b *testing.B) {
	for _, n := range []int{1e5, 1e6, 5e6} {
		b.Run(fmt.Sprintf("ids=%.0e", float64(n)), func(b *testing.B) {
			if n > 1e6 && os.Getenv("LTV_BENCH_LARGE") != "1" {
				b.Skip("set LTV_BENCH_LARGE=1 for tiers above 1e6")
			}
			ids := make([]string, n)
			for k, p := range rand.New(rand.NewPCG(3, 4)).Perm(n) {
				ids[k] = "cust-" + strconv.Itoa(p)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				sinkOf = ByID(ids)
			}
		})
	}
}

func TestByIDTiesAndPrefixes(t *testing.T) {
	// Expected: slices.Sort of the IDs (byte-wise), checked through the
	// returned numbers. Keys tie when IDs agree in the 8 bytes after the
	// common prefix; a shorter ID sorts before its extensions.
	rng := rand.New(rand.NewPCG(5, 6))
	ids := []string{"ab", "ab\x00", "a", "ab\x00\x01", "b"}
	for range 1 << 16 {
		ids = append(ids, "zz-012345678-"+strconv.Itoa(rng.IntN(1e9)))
	}
	want := slices.Clone(ids)
	slices.Sort(want)
	order := ByID(ids)
	require.Len(t, order, len(ids))
	got := make([]string, len(order))
	for k, c := range order {
		got[k] = ids[c]
	}
	require.Equal(t, want, got)
}
