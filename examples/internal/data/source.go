package data

import (
	"flag"
	"fmt"
)

// Source says where an example's log comes from: a user's CSV, or the
// built-in simulated store. Its fields are set by command-line flags.
type Source struct {
	CSV         string
	Customers   int
	Seed        uint64
	HoldoutDays int
}

// Register adds the flags -csv, -customers, -seed and -holdout to fs.
func (s *Source) Register(fs *flag.FlagSet) {
	fs.StringVar(&s.CSV, "csv", "", "purchase log `file` (customer_id,date,amount; header optional; dates YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339); empty: the built-in simulated store")
	fs.IntVar(&s.Customers, "customers", 5000, "customers in the simulated store")
	fs.Uint64Var(&s.Seed, "seed", 1, "seed of the simulated store")
	fs.IntVar(&s.HoldoutDays, "holdout", 0, "holdout `days` at the end of a -csv log (0: the last third)")
}

// Load returns the store and a short description of it.
func (s Source) Load() (Store, string, error) {
	if s.CSV == "" {
		st, err := SimulatedStore(s.Customers, s.Seed)
		return st, fmt.Sprintf("a simulated store (%d customers, seed %d)", s.Customers, s.Seed), err
	}
	txns, err := ReadLogFile(s.CSV)
	if err != nil {
		return Store{}, "", err
	}
	st, err := NewStore(txns, s.HoldoutDays)
	return st, s.CSV, err
}
