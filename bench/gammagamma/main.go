// Command gammagamma times clv.FitGammaGamma against scipy minimising the
// same negative log-likelihood (see run.sh). With -gen it writes a seeded
// data set of repeat buyers as CSV (frequency, monetary); with -fit it
// reads such a file and prints the seconds and CPU seconds one
// FitGammaGamma (estimates and standard errors) takes, excluding the read.
//
// The data are clv's BenchmarkFitGammaGamma/repeat=1e6 tier: customers
// drawn by clv.SimulateBGNBDCustomers at CDNOW's published BG/NBD and
// Gamma-Gamma parameters (weekly, day-based summaries, seed 8), the first
// n with a repeat purchase kept.
package main

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/ltvgo/ltv/clv"
)

func main() {
	gen := flag.String("gen", "", "write a simulated data set to this CSV file")
	fit := flag.String("fit", "", "time one FitGammaGamma on this CSV file")
	n := flag.Int("n", 1_000_000, "repeat buyers to simulate")
	seed := flag.Uint64("seed", 8, "simulation seed")
	flag.Parse()
	switch {
	case *gen != "":
		if err := write(*gen, *n, *seed); err != nil {
			log.Fatal(err)
		}
	case *fit != "":
		cs, err := read(*fit)
		if err != nil {
			log.Fatal(err)
		}
		cpu0, start := cpuSeconds(), time.Now()
		m, f, err := clv.FitGammaGamma(cs, nil)
		elapsed, cpu := time.Since(start), cpuSeconds()-cpu0
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%.3f\t%.3f\t# seconds, CPU seconds; p %.6f q %.6f gamma %.6f, SE %.6g %.6g %.6g, log-likelihood %.6f\n",
			elapsed.Seconds(), cpu, m.P, m.Q, m.Gamma, f.StdErr[0], f.StdErr[1], f.StdErr[2], f.LogLikelihood)
	default:
		flag.Usage()
		os.Exit(2)
	}
}

// cpuSeconds returns the user and system CPU time of the process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		log.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// repeatBuyers returns the first n customers with a repeat purchase of a
// seeded CDNOW-like simulation (about 38% of its customers are such).
func repeatBuyers(n int, seed uint64) ([]clv.Customer, error) {
	week := 7 * 24 * time.Hour
	bg := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	gg := clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	cs, err := clv.SimulateBGNBDCustomers(bg, clv.CustomerSimulationOptions{Customers: 3 * n, Period: week, Spend: gg, Seed: seed})
	if err != nil {
		return nil, err
	}
	var out []clv.Customer
	for _, c := range cs {
		if c.Frequency > 0 && len(out) < n {
			out = append(out, c)
		}
	}
	if len(out) < n {
		return nil, fmt.Errorf("only %d repeat buyers", len(out))
	}
	return out, nil
}

// write simulates n repeat buyers and writes them to path.
func write(path string, n int, seed uint64) error {
	cs, err := repeatBuyers(n, seed)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "frequency,monetary")
	for _, c := range cs {
		fmt.Fprintf(w, "%g,%s\n", c.Frequency, strconv.FormatFloat(c.Monetary, 'g', -1, 64))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// read loads a file written by write.
func read(path string) ([]clv.Customer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return nil, err
	}
	var cs []clv.Customer
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		x, err := strconv.ParseFloat(rec[0], 64)
		if err != nil {
			return nil, err
		}
		m, err := strconv.ParseFloat(rec[1], 64)
		if err != nil {
			return nil, err
		}
		cs = append(cs, clv.Customer{Frequency: x, Monetary: m})
	}
	return cs, nil
}
