package clv_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

// stateLog draws a log whose customers buy several times on some days
// (so same-day purchases land in different shards), with amounts whose
// sums round differently in different orders, and with purchases after
// the End used below.
func stateLog(rng *rand.Rand, n int) []clv.Transaction {
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	txns := make([]clv.Transaction, n)
	for i := range txns {
		amount := math.Ldexp(rng.Float64(), rng.IntN(40)-10)
		switch rng.IntN(5) {
		case 0:
			amount = 0
		case 1:
			amount = float64(rng.IntN(10000)) / 100
		}
		txns[i] = clv.Transaction{
			CustomerID: "c" + strconv.Itoa(rng.IntN(n/4+1)),
			At:         base.Add(time.Duration(rng.IntN(60*24)) * time.Hour / 4),
			Amount:     amount,
		}
	}
	return txns
}

// shardStates splits txns at random into k shards (each a CustomerStates,
// built in a random order) and merges them in a random tree order.
func shardStates(t *testing.T, rng *rand.Rand, txns []clv.Transaction, k int) *clv.CustomerStates {
	shards := make([]*clv.CustomerStates, k)
	for i := range shards {
		shards[i] = clv.NewCustomerStates()
	}
	for _, i := range rng.Perm(len(txns)) {
		require.NoError(t, shards[rng.IntN(k)].Add(txns[i]))
	}
	for len(shards) > 1 {
		i := rng.IntN(len(shards))
		j := rng.IntN(len(shards) - 1)
		if j >= i {
			j++
		}
		shards[i].Merge(shards[j])
		shards = slices.Delete(shards, j, j+1)
	}
	return shards[0]
}

// Expected: Summarize on the whole log. Every split into shards, built in
// any order and merged in any order, must give its rows exactly; as must
// a single state per customer (CustomerState) merged the same way, and a
// state that went through its binary form.
func TestCustomerStatesEqualSummarize(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	for trial := range 40 {
		txns := stateLog(rng, 1+rng.IntN(400))
		orig := slices.Clone(txns)
		opt := clv.SummaryOptions{
			Period: []time.Duration{24 * time.Hour, 7 * 24 * time.Hour}[trial%2],
			End:    time.Date(2024, 1, 1+rng.IntN(20), 5, 0, 0, 0, time.UTC),
		}
		if trial%3 == 0 {
			opt.Location = ny
		}
		want, wantErr := clv.Summarize(txns, opt)
		for k := 1; k <= 5; k += 2 {
			states := shardStates(t, rng, txns, k)
			got, err := states.Customers(opt)
			if wantErr != nil {
				require.ErrorIs(t, err, clv.ErrEmpty)
				continue
			}
			require.NoError(t, err)
			require.Equal(t, want, got, "trial %d, %d shards", trial, k)

			b, err := states.MarshalBinary()
			require.NoError(t, err)
			back := clv.NewCustomerStates()
			require.NoError(t, back.UnmarshalBinary(b))
			got, err = back.Customers(opt)
			require.NoError(t, err)
			require.Equal(t, want, got)
		}
		if wantErr != nil {
			continue
		}
		// One customer's state from shards, merged in random orders.
		c := want[rng.IntN(len(want))]
		var mine []clv.Transaction
		for _, x := range txns {
			if x.CustomerID == c.ID {
				mine = append(mine, x)
			}
		}
		parts := make([]*clv.CustomerState, 3)
		for i := range parts {
			parts[i] = &clv.CustomerState{}
		}
		for _, i := range rng.Perm(len(mine)) {
			require.NoError(t, parts[rng.IntN(3)].Add(mine[i]))
		}
		rng.Shuffle(3, func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		require.NoError(t, parts[1].Merge(parts[2]))
		require.NoError(t, parts[0].Merge(parts[1]))
		b, err := parts[0].MarshalBinary()
		require.NoError(t, err)
		var one clv.CustomerState
		require.NoError(t, one.UnmarshalBinary(b))
		got, ok, err := one.Customer(opt)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, c, got)
		js, err := json.Marshal(parts[0])
		require.NoError(t, err)
		var viaJSON clv.CustomerState
		require.NoError(t, json.Unmarshal(js, &viaJSON))
		got, _, err = viaJSON.Customer(opt)
		require.NoError(t, err)
		require.Equal(t, c, got)
		require.Equal(t, orig, txns)
	}
}

// Summarize itself no longer depends on the order of the rows: the
// repeat spend is summed exactly. A shuffled log gives the same bits.
func TestSummarizeIgnoresRowOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	txns := stateLog(rng, 2000)
	opt := clv.SummaryOptions{Period: 24 * time.Hour, End: time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)}
	want, err := clv.Summarize(txns, opt)
	require.NoError(t, err)
	for range 3 {
		rng.Shuffle(len(txns), func(i, j int) { txns[i], txns[j] = txns[j], txns[i] })
		got, err := clv.Summarize(txns, opt)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
}

// Hand-checked: purchases on days 0 (2 and 3), 2 (1 and 4) and 5 (10),
// and one on day 9, after End (day 6). x = 2, t_x = 5, T = 6, m̄ =
// (5 + 10)/2. Adding a purchase later moves the row as Summarize would.
func TestCustomerStateByHand(t *testing.T) {
	day := func(d int, h int) time.Time { return time.Date(2024, 3, 1+d, h, 0, 0, 0, time.UTC) }
	var s clv.CustomerState
	for _, x := range []clv.Transaction{{"a", day(5, 1), 10}, {"a", day(0, 9), 2}, {"a", day(2, 3), 4}, {"a", day(9, 1), 7}, {"a", day(0, 1), 3}, {"a", day(2, 23), 1}} {
		require.NoError(t, s.Add(x))
	}
	opt := clv.SummaryOptions{Period: 24 * time.Hour, End: day(6, 12)}
	c, ok, err := s.Customer(opt)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, clv.Customer{ID: "a", Frequency: 2, Recency: 5, T: 6, Monetary: 7.5}, c)
	require.Equal(t, "a", s.ID())
	require.Equal(t, 6, s.Len())

	// As of a day before the first purchase: no row.
	_, ok, err = s.Customer(clv.SummaryOptions{Period: 24 * time.Hour, End: day(-1, 0)})
	require.NoError(t, err)
	require.False(t, ok)

	// Merging a state into itself doubles every purchase: the days stay,
	// the spend doubles.
	require.NoError(t, s.Merge(&s))
	c, _, err = s.Customer(opt)
	require.NoError(t, err)
	require.Equal(t, 15.0, c.Monetary)
	require.Equal(t, 12, s.Len())
}

// Bad input: a bad transaction names its row (−1 for one transaction)
// and field; a wrong customer, bad options, and corrupt encodings.
func TestCustomerStateBadInput(t *testing.T) {
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var s clv.CustomerState
	require.NoError(t, s.Add(clv.Transaction{"a", at, 1}))
	checkDataError(t, s.Add(clv.Transaction{"b", at, 1}), "clv.CustomerState.Add", -1, "CustomerID", clv.ErrInvalid)
	checkDataError(t, s.Add(clv.Transaction{"a", at, math.NaN()}), "clv.CustomerState.Add", -1, "Amount", clv.ErrInvalid)
	checkDataError(t, s.Add(clv.Transaction{"a", time.Time{}, 1}), "clv.CustomerState.Add", -1, "At", clv.ErrInvalid)
	require.Equal(t, 1, s.Len())
	other := clv.CustomerState{}
	require.NoError(t, other.Add(clv.Transaction{"b", at, 1}))
	checkDataError(t, s.Merge(&other), "clv.CustomerState.Merge", -1, "o", clv.ErrInvalid)
	_, _, err := s.Customer(clv.SummaryOptions{End: at})
	checkDataError(t, err, "clv.CustomerState.Customer", -1, "SummaryOptions.Period", clv.ErrInvalid)

	cs := clv.NewCustomerStates()
	_, err = cs.Customers(clv.SummaryOptions{Period: time.Hour, End: at})
	checkDataError(t, err, "clv.CustomerStates.Customers", -1, "", clv.ErrEmpty)
	err = cs.Add(clv.Transaction{"a", at, 1}, clv.Transaction{"", at, 1})
	checkDataError(t, err, "clv.CustomerStates.Add", 1, "CustomerID", clv.ErrInvalid)
	require.Equal(t, 0, cs.Len(), "a rejected batch adds nothing")
	require.NoError(t, cs.Add(clv.Transaction{"a", at, 1}))
	_, err = cs.Customers(clv.SummaryOptions{Period: time.Hour, End: at.AddDate(0, 0, -1)})
	checkDataError(t, err, "clv.CustomerStates.Customers", -1, "SummaryOptions.End", clv.ErrEmpty)
	_, err = cs.Customers(clv.SummaryOptions{Period: time.Hour})
	checkDataError(t, err, "clv.CustomerStates.Customers", -1, "SummaryOptions.End", clv.ErrInvalid)

	good, err := s.MarshalBinary()
	require.NoError(t, err)
	for name, data := range map[string][]byte{
		"empty":         nil,
		"magic":         append([]byte("ltvX"), good[4:]...),
		"version":       append(append([]byte("ltvS"), 9), good[5:]...),
		"truncated":     good[:len(good)-1],
		"trailing":      append(slices.Clone(good), 0),
		"negative":      append(slices.Clone(good[:len(good)-8]), 0, 0, 0, 0, 0, 0, 0xf0, 0xbf),
		"state as many": append([]byte("ltvM"), good[4:]...),
	} {
		before := s
		require.ErrorIs(t, s.UnmarshalBinary(data), clv.ErrInvalid, name)
		require.Equal(t, before, s, name)
	}
	for name, data := range map[string]string{
		"not JSON":           `{"id":`,
		"unknown key":        `{"id":"a","unix":[1],"amount":[1],"ammount":[2]}`,
		"lengths":            `{"id":"a","unix":[1,2],"amount":[1]}`,
		"no ID":              `{"id":"","unix":[1],"amount":[1]}`,
		"negative":           `{"id":"a","unix":[1],"amount":[-1]}`,
		"out of order":       `{"id":"a","unix":[2,1],"amount":[1,1]}`,
		"beyond year 9999":   `{"id":"a","unix":[253402300800],"amount":[1]}`,
		"amount above 1e290": `{"id":"a","unix":[1],"amount":[1e300]}`,
	} {
		before := s
		err := s.UnmarshalJSON([]byte(data))
		checkDataError(t, err, "clv.CustomerState.UnmarshalJSON", -1, "data", clv.ErrInvalid)
		require.Equal(t, before, s, name)
	}
}

// FuzzCustomerStatesUnmarshal: any bytes are an error or a valid set
// whose encoding reads back to the same bytes.
func FuzzCustomerStatesUnmarshal(f *testing.F) {
	cs := clv.NewCustomerStates()
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	_ = cs.Add(clv.Transaction{"a", at, 1}, clv.Transaction{"b", at.Add(30 * time.Hour), 2.5}, clv.Transaction{"a", at.Add(-time.Hour), 0})
	seed, _ := cs.MarshalBinary()
	f.Add(seed)
	f.Add([]byte("ltvM\x01\x00"))
	f.Add([]byte("ltvM\x01\x01\x010\x01\x9d\x00" + strings.Repeat("0", 8))) // an overlong varint (found by fuzzing)
	f.Fuzz(func(t *testing.T, data []byte) {
		got := clv.NewCustomerStates()
		if err := got.UnmarshalBinary(data); err != nil {
			require.ErrorIs(t, err, clv.ErrInvalid)
			return
		}
		again, err := got.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, data, again)
	})
}

var sinkStates *clv.CustomerStates

// BenchmarkCustomerStatesAdd: 1e6 transactions of 1e5 customers, in time
// order (a stream) and in random order.
func BenchmarkCustomerStatesAdd(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	txns := stateLog(rng, 1e6)
	byTime := slices.Clone(txns)
	slices.SortFunc(byTime, func(a, b clv.Transaction) int { return a.At.Compare(b.At) })
	for order, in := range map[string][]clv.Transaction{"time": byTime, "random": txns} {
		b.Run("order="+order, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s := clv.NewCustomerStates()
				if err := s.Add(in...); err != nil {
					b.Fatal(err)
				}
				sinkStates = s
			}
		})
	}
}

// BenchmarkCustomerStatesMerge: two shards of about 5e5 customers each (a
// third of them in both), merged.
func BenchmarkCustomerStatesMerge(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	txns := stateLog(rng, 2_700_000) // 6.75e5 customers
	a, c := clv.NewCustomerStates(), clv.NewCustomerStates()
	for _, x := range txns {
		id, _ := strconv.Atoi(x.CustomerID[1:])
		switch id % 4 {
		case 0:
			_ = a.Add(x)
		case 1:
			_ = c.Add(x)
		default:
			_ = a.Add(x)
			_ = c.Add(x)
		}
	}
	b.Logf("%d and %d customers", a.Len(), c.Len())
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		into := clv.NewCustomerStates()
		into.Merge(a)
		b.StartTimer()
		into.Merge(c)
		sinkStates = into
	}
}

// checkDataError asserts that err is a *DataError of fn for row and field
// wrapping sentinel.
func checkDataError(t *testing.T, err error, fn string, row int, field string, sentinel error) {
	t.Helper()
	var de *clv.DataError
	require.ErrorAs(t, err, &de)
	require.Equal(t, fn, de.Func)
	require.Equal(t, row, de.Row)
	require.Equal(t, field, de.Field)
	require.ErrorIs(t, err, sentinel)
}
