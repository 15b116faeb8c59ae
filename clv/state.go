package clv

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/ltvgo/ltv/internal/custid"
	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/numeric"
	"github.com/ltvgo/ltv/internal/parallel"
	"github.com/ltvgo/ltv/internal/txlog"
)

// CustomerState is one customer's purchase history reduced to what the
// summary rules need: the instant (whole Unix seconds) and amount of each
// purchase. It is built up one transaction at a time with Add, combined
// with a state built elsewhere (another shard of the log, another worker)
// with Merge, and turned into the customer's summary row with Customer.
//
// Merge is associative and commutative: states built from any split of a
// customer's transactions, merged in any order, give the same Customer
// row, bit for bit, as Summarize on the whole log with the same
// SummaryOptions. So it can serve as the accumulator of a distributed
// combiner (a Beam CombinePerKey keyed by customer ID): MarshalBinary and
// UnmarshalBinary, or MarshalJSON and UnmarshalJSON (so a JSON coder, Beam's
// default for Go types, does not see an empty struct), carry it between
// workers.
//
// Days are numbered only when Customer is called, in the
// SummaryOptions.Location given there, so a state does not depend on a
// time zone and End can move forward as purchases arrive. The fields are
// unexported so that a state always satisfies the rules of a valid log;
// UnmarshalBinary checks them too.
//
// The zero value is an empty state that takes the ID of its first
// transaction. A CustomerState is not safe for concurrent use.
type CustomerState struct {
	id        string
	purchases []purchase // sorted by (unix, amount)
}

// purchase is one transaction of a CustomerState.
type purchase struct {
	unix   int64   // At, in whole Unix seconds (all the day numbering reads)
	amount float64 // never −0 (Add stores −0 as +0)
}

func comparePurchases(a, b purchase) int {
	if c := cmp.Compare(a.unix, b.unix); c != 0 {
		return c
	}
	return cmp.Compare(a.amount, b.amount)
}

// ID returns the customer's ID, "" for an empty state.
func (s *CustomerState) ID() string { return s.id }

// Len returns the number of purchases the state holds.
func (s *CustomerState) Len() int { return len(s.purchases) }

// Add adds one transaction. It is checked by the rules of Summarize (a
// *DataError, Row −1, naming the field), and its CustomerID must be the
// state's ID unless the state is empty. A rejected transaction leaves the
// state unchanged. Adding transactions in time order costs O(1) each.
func (s *CustomerState) Add(t Transaction) error {
	const fn = "clv.CustomerState.Add"
	if p := txlog.Check(-1, t); p != nil {
		return p.Err(fn)
	}
	if s.id != "" && t.CustomerID != s.id {
		return fault.New(fn, -1, "CustomerID", ErrInvalid, "is %q, want the state's %q", t.CustomerID, s.id)
	}
	s.add(t)
	return nil
}

// add adds a valid transaction of the state's customer.
func (s *CustomerState) add(t Transaction) {
	s.id = t.CustomerID
	p := purchase{t.At.Unix(), t.Amount + 0} // −0 → +0: one representation per value
	n := len(s.purchases)
	if n == 0 || comparePurchases(s.purchases[n-1], p) <= 0 {
		s.purchases = append(s.purchases, p)
		return
	}
	i, _ := slices.BinarySearchFunc(s.purchases, p, comparePurchases)
	s.purchases = slices.Insert(s.purchases, i, p)
}

// Merge adds the purchases of o to s (a multiset union: a transaction
// added to both counts twice). Both must be of the same customer, or one
// of them empty; o is not modified. Merging s into itself doubles it.
func (s *CustomerState) Merge(o *CustomerState) error {
	if s.id != "" && o.id != "" && s.id != o.id {
		return fault.New("clv.CustomerState.Merge", -1, "o", ErrInvalid, "is customer %q, want the state's %q", o.id, s.id)
	}
	if o.id != "" {
		s.id = o.id
	}
	s.purchases = mergePurchases(s.purchases, o.purchases)
	return nil
}

// mergePurchases returns the sorted union of two sorted lists in a new
// slice.
func mergePurchases(a, b []purchase) []purchase {
	out := make([]purchase, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if comparePurchases(a[i], b[j]) <= 0 {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// Clone returns an independent copy of s.
func (s *CustomerState) Clone() *CustomerState {
	return &CustomerState{id: s.id, purchases: slices.Clone(s.purchases)}
}

// Customer returns the customer's summary row as Summarize builds it with
// opt (End is the "as of" day), and false when the state holds no
// purchase on or before End's day. The errors are those of Summarize's
// options.
func (s *CustomerState) Customer(opt SummaryOptions) (Customer, bool, error) {
	if err := checkSummaryOptions("clv.CustomerState.Customer", opt); err != nil {
		return Customer{}, false, err
	}
	r := newRowMaker(opt)
	c, ok := r.row(s)
	return c, ok, nil
}

// rowMaker turns states into summary rows with one set of options; it
// holds scratch space, so it is not safe for concurrent use.
type rowMaker struct {
	clock     *txlog.Clock
	endDay    int64
	dayLength float64
	buf       []txlog.Purchase
	sum       numeric.ExactSum
}

// newRowMaker returns a rowMaker for checked options.
func newRowMaker(opt SummaryOptions) *rowMaker {
	clock := txlog.NewClock(opt.Location)
	return &rowMaker{clock: clock, endDay: clock.Day(opt.End), dayLength: float64(opt.Period) / float64(24*time.Hour)}
}

// row returns s's summary row by the rules of Summarize (customerRow).
func (r *rowMaker) row(s *CustomerState) (Customer, bool) {
	r.buf = r.buf[:0]
	for _, p := range s.purchases {
		r.buf = append(r.buf, txlog.Purchase{Day: r.clock.Day(time.Unix(p.unix, 0)), Amount: p.amount})
	}
	// Days follow the instants, except across a time-zone change that
	// moves the clock back over midnight.
	if !slices.IsSortedFunc(r.buf, byPurchaseDay) {
		slices.SortStableFunc(r.buf, byPurchaseDay)
	}
	c, _, ok := customerRow(s.id, r.buf, r.endDay, r.dayLength, &r.sum)
	return c, ok
}

func byPurchaseDay(a, b txlog.Purchase) int { return cmp.Compare(a.Day, b.Day) }

// CustomerStates is the CustomerState of every customer of a log, keyed
// by ID: Add takes transactions as they arrive, Merge combines the states
// of shards of a log, and Customers gives the summary rows. States built
// from any split of a log into shards, merged in any order, give exactly
// Summarize's rows. The zero value is not usable: make one with
// NewCustomerStates. A CustomerStates is not safe for concurrent use.
type CustomerStates struct {
	// The states in one slice rather than one heap object each: with
	// millions of customers the garbage collector's scans dominate.
	index  map[string]int  // ID → position in states
	states []CustomerState // in order of first appearance
}

// NewCustomerStates returns an empty set of customer states.
func NewCustomerStates() *CustomerStates {
	return &CustomerStates{index: map[string]int{}}
}

// Len returns the number of customers.
func (cs *CustomerStates) Len() int { return len(cs.states) }

// State returns a copy of the state of customer id, or nil.
func (cs *CustomerStates) State(id string) *CustomerState {
	if i, ok := cs.index[id]; ok {
		return cs.states[i].Clone()
	}
	return nil
}

// state returns the state of customer id, adding an empty one for a new
// customer. The pointer is valid until the next state is added.
func (cs *CustomerStates) state(id string) *CustomerState {
	i, ok := cs.index[id]
	if !ok {
		i = len(cs.states)
		cs.index[id] = i
		cs.states = append(cs.states, CustomerState{id: id})
	}
	return &cs.states[i]
}

// byID returns the positions of the states sorted by ID (byte-wise).
func (cs *CustomerStates) byID() []int32 {
	ids := make([]string, len(cs.states))
	for i := range cs.states {
		ids[i] = cs.states[i].id
	}
	return custid.ByID(ids)
}

// Add adds transactions to their customers' states. They are all checked
// first, by the rules of Summarize: a bad one is a *DataError naming its
// index in txns (Row) and its field, and then nothing is added. txns is
// not modified.
func (cs *CustomerStates) Add(txns ...Transaction) error {
	for i, t := range txns {
		if p := txlog.Check(i, t); p != nil {
			return p.Err("clv.CustomerStates.Add")
		}
	}
	var s *CustomerState // the last row's customer: a log grouped by customer looks each up once
	for _, t := range txns {
		if s == nil || s.id != t.CustomerID {
			s = cs.state(t.CustomerID)
		}
		s.add(t)
	}
	return nil
}

// Merge adds every customer state of o to cs (see CustomerState.Merge); o
// is not modified and shares nothing with cs afterwards.
func (cs *CustomerStates) Merge(o *CustomerStates) {
	if o == cs {
		for i := range cs.states {
			s := &cs.states[i]
			s.purchases = mergePurchases(s.purchases, s.purchases)
		}
		return
	}
	for i := range o.states {
		s := cs.state(o.states[i].id)
		s.purchases = mergePurchases(s.purchases, o.states[i].purchases)
	}
}

// Customers returns the summary rows of the customers with a purchase on
// or before End's day, sorted by ID: exactly the rows Summarize returns
// for the log the states were built from. The errors are those of
// Summarize: bad options, no customers (ErrEmpty) or an End before every
// purchase (ErrEmpty).
func (cs *CustomerStates) Customers(opt SummaryOptions) ([]Customer, error) {
	const fn = "clv.CustomerStates.Customers"
	if err := checkSummaryOptions(fn, opt); err != nil {
		return nil, err
	}
	if len(cs.states) == 0 {
		return nil, fault.New(fn, -1, "", ErrEmpty, "no transactions")
	}
	order := cs.byID()
	rows := make([]Customer, len(order))
	kept := make([]bool, len(order))
	parallel.For(len(order), rowCost, func(_, lo, hi int) {
		r := newRowMaker(opt)
		for i := lo; i < hi; i++ {
			rows[i], kept[i] = r.row(&cs.states[order[i]])
		}
	})
	out := rows[:0]
	for i, c := range rows {
		if kept[i] {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fault.New(fn, -1, "SummaryOptions.End", ErrEmpty, "(%v) is before every transaction", opt.End)
	}
	return out, nil
}

// rowCost is the time a summary row of a few purchases takes.
const rowCost = 150 * time.Nanosecond

// Binary form (little-endian; varints as encoding/binary):
//
//	CustomerState:  "ltvS" version(1)  state
//	CustomerStates: "ltvM" version(1)  uvarint(count)  state…  (sorted by ID)
//	state:          uvarint(len(id)) id  uvarint(n)  n × (varint(Δunix) amount-bits(8 bytes))
//
// Δunix is the difference from the previous purchase (the first from 0).
const stateVersion = 1

var (
	stateMagic  = []byte("ltvS")
	statesMagic = []byte("ltvM")
)

// MarshalBinary encodes s (encoding.BinaryMarshaler); UnmarshalBinary
// reads it back.
func (s *CustomerState) MarshalBinary() ([]byte, error) {
	b := append(slices.Clip(stateMagic), stateVersion)
	return s.appendBinary(b), nil
}

func (s *CustomerState) appendBinary(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s.id)))
	b = append(b, s.id...)
	b = binary.AppendUvarint(b, uint64(len(s.purchases)))
	prev := int64(0)
	for _, p := range s.purchases {
		b = binary.AppendVarint(b, p.unix-prev)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p.amount))
		prev = p.unix
	}
	return b
}

// UnmarshalBinary replaces s with the state encoded in data by
// MarshalBinary. Data that is not such an encoding, or that holds a
// purchase no transaction log could give (see Summarize), is an error
// wrapping ErrInvalid; s is then unchanged.
func (s *CustomerState) UnmarshalBinary(data []byte) error {
	const fn = "clv.CustomerState.UnmarshalBinary"
	d := decoder{fn: fn, b: data}
	d.header(stateMagic)
	st := d.state()
	if err := d.finish(); err != nil {
		return err
	}
	*s = st
	return nil
}

// MarshalBinary encodes cs (encoding.BinaryMarshaler), customers in ID
// order, so equal sets give equal bytes; UnmarshalBinary reads it back.
func (cs *CustomerStates) MarshalBinary() ([]byte, error) {
	order := cs.byID()
	b := append(slices.Clip(statesMagic), stateVersion)
	b = binary.AppendUvarint(b, uint64(len(order)))
	for _, i := range order {
		b = cs.states[i].appendBinary(b)
	}
	return b, nil
}

// UnmarshalBinary replaces cs with the states encoded in data by
// MarshalBinary. The errors are those of CustomerState.UnmarshalBinary,
// and customers out of ID order (or repeated) or without purchases are an
// error too; cs is then unchanged. Every valid encoding is the one
// MarshalBinary writes, so equal bytes mean equal sets.
func (cs *CustomerStates) UnmarshalBinary(data []byte) error {
	const fn = "clv.CustomerStates.UnmarshalBinary"
	d := decoder{fn: fn, b: data}
	d.header(statesMagic)
	n := d.uvarint(uint64(len(data)) / 3) // a state takes ≥ 3 bytes
	index := make(map[string]int, n)
	states := make([]CustomerState, 0, n)
	prev := ""
	for range n {
		st := d.state()
		if d.err != nil {
			break
		}
		if st.id <= prev || len(st.purchases) == 0 {
			d.fail("holds customer %q out of ID order, or without purchases", st.id)
			break
		}
		index[st.id], prev = len(states), st.id
		states = append(states, st)
	}
	if err := d.finish(); err != nil {
		return err
	}
	cs.index, cs.states = index, states
	return nil
}

// decoder reads the binary form, keeping the first error.
type decoder struct {
	fn  string
	b   []byte
	off int
	err error
}

// fail records an error unless one is recorded.
func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fault.New(d.fn, -1, "data", ErrInvalid, "at byte %d: %s", d.off, fmt.Sprintf(format, args...))
	}
}

// header reads the magic bytes and the version.
func (d *decoder) header(magic []byte) {
	if len(d.b) < len(magic)+1 || string(d.b[:len(magic)]) != string(magic) {
		d.fail("does not start with %q", magic)
		return
	}
	if v := d.b[len(magic)]; v != stateVersion {
		d.fail("has version %d, want %d", v, stateVersion)
		return
	}
	d.off = len(magic) + 1
}

// uvarint reads a uvarint of at most limit.
func (d *decoder) uvarint(limit uint64) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 || v > limit || n != len(binary.AppendUvarint(nil, v)) { // one encoding per value
		d.fail("holds a bad length")
		return 0
	}
	d.off += n
	return v
}

// state reads one state and checks it as a valid log's.
func (d *decoder) state() CustomerState {
	var s CustomerState
	n := d.uvarint(uint64(len(d.b)))
	if d.err != nil || d.off+int(n) > len(d.b) {
		d.fail("is truncated")
		return s
	}
	s.id = string(d.b[d.off : d.off+int(n)])
	d.off += int(n)
	count := d.uvarint(uint64(len(d.b)) / 9) // each purchase takes ≥ 9 bytes
	if d.err != nil {
		return s
	}
	s.purchases = make([]purchase, 0, count)
	unix := int64(0)
	for range count {
		delta, k := binary.Varint(d.b[d.off:])
		if k <= 0 || k != len(binary.AppendVarint(nil, delta)) || d.off+k+8 > len(d.b) {
			d.fail("is truncated or not canonical")
			return s
		}
		d.off += k
		unix += delta
		s.purchases = append(s.purchases, purchase{unix, math.Float64frombits(binary.LittleEndian.Uint64(d.b[d.off:]))})
		d.off += 8
	}
	if r := s.check(); r != "" {
		d.fail("%s", r)
	}
	return s
}

// check returns why s is not a state that Add and Merge could build
// (purchases sorted by time and amount, each valid by the rules of
// Summarize, and an ID when there are any), or "".
func (s *CustomerState) check() string {
	if len(s.purchases) > 0 && s.id == "" {
		return "holds purchases without a customer ID"
	}
	for i, p := range s.purchases {
		switch {
		case p.unix < txlog.MinUnix || p.unix > txlog.MaxUnix:
			return "holds a purchase time outside years 1..9999"
		case !(p.amount >= 0 && p.amount <= txlog.MaxAmount) || math.Signbit(p.amount):
			return fmt.Sprintf("holds an amount %v outside [0, 1e290]", p.amount)
		case i > 0 && comparePurchases(s.purchases[i-1], p) > 0:
			return "holds purchases out of order"
		}
	}
	return ""
}

// stateJSON is the JSON form of a CustomerState: parallel lists of the
// purchases' instants (Unix seconds) and amounts, in time order. Go writes
// a float64 in the shortest form that reads back to the same bits.
type stateJSON struct {
	ID     string    `json:"id"`
	Unix   []int64   `json:"unix"`
	Amount []float64 `json:"amount"`
}

// MarshalJSON encodes s as {"id": …, "unix": […], "amount": […]}
// (json.Marshaler), so a JSON coder (Beam's default for Go types, a
// service's store) carries the whole state; UnmarshalJSON reads it back.
func (s *CustomerState) MarshalJSON() ([]byte, error) {
	j := stateJSON{ID: s.id, Unix: make([]int64, len(s.purchases)), Amount: make([]float64, len(s.purchases))}
	for i, p := range s.purchases {
		j.Unix[i], j.Amount[i] = p.unix, p.amount
	}
	return json.Marshal(j)
}

// UnmarshalJSON replaces s with the state encoded in data by MarshalJSON.
// Unknown keys, lists of different lengths and purchases no transaction
// log could give are an error wrapping ErrInvalid; s is then unchanged.
func (s *CustomerState) UnmarshalJSON(data []byte) error {
	const fn = "clv.CustomerState.UnmarshalJSON"
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var j stateJSON
	if err := dec.Decode(&j); err != nil {
		return fault.New(fn, -1, "data", ErrInvalid, "%v", err)
	}
	if len(j.Unix) != len(j.Amount) {
		return fault.New(fn, -1, "data", ErrInvalid, "has %d times and %d amounts", len(j.Unix), len(j.Amount))
	}
	st := CustomerState{id: j.ID, purchases: make([]purchase, len(j.Unix))}
	for i := range j.Unix {
		st.purchases[i] = purchase{j.Unix[i], j.Amount[i]}
	}
	if r := st.check(); r != "" {
		return fault.New(fn, -1, "data", ErrInvalid, "%s", r)
	}
	*s = st
	return nil
}

// finish returns the first error, or an error for bytes left over.
func (d *decoder) finish() error {
	if d.err == nil && d.off != len(d.b) {
		d.fail("has %d bytes after the end", len(d.b)-d.off)
	}
	return d.err
}
