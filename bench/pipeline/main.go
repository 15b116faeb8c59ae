// Command pipeline times the whole customer-value pipeline — transaction
// log → clv.Summarize → FitBGNBD → FitGammaGamma → 12-month clv.Score —
// against pandas + scipy doing the same (pipeline.py; see run.sh). With
// -gen it writes a seeded BG/NBD transaction log as CSV (id, date,
// amount); with -run it reads such a file and prints the seconds of the
// pipeline, excluding the read, then each stage's, and the bytes the Go
// heap holds for the loaded log.
//go:build unix

package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/ltvgo/ltv/bench/internal/csvrows"
	"github.com/ltvgo/ltv/clv"
)

const week = 7 * 24 * time.Hour

var (
	start = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	end   = time.Date(2021, 6, 30, 0, 0, 0, 0, time.UTC)
)

func main() {
	gen := flag.String("gen", "", "write a simulated transaction log to this CSV file")
	run := flag.String("run", "", "time the pipeline on the log in this CSV file")
	customers := flag.Int("customers", 1_000_000, "customers to simulate")
	seed := flag.Uint64("seed", 1, "PCG seed")
	flag.Parse()
	switch {
	case *gen != "":
		if err := write(*gen, *customers, *seed); err != nil {
			log.Fatal(err)
		}
	case *run != "":
		txns, err := read(*run)
		if err != nil {
			log.Fatal(err)
		}
		if err := pipeline(txns); err != nil {
			log.Fatal(err)
		}
	default:
		flag.Usage()
		os.Exit(2)
	}
}

// write simulates customers at the CDNOW BG/NBD and Gamma-Gamma estimates
// (weekly) but ten times the purchase rate (α ≈ 4.414/10), acquired over 90 days
// from 2020-01-01 and observed to 2021-06-30: ~10 rows per customer, the
// size of issue 17's table (1.06e7 rows for 1e6 customers).
func write(path string, customers int, seed uint64) error {
	txns, err := clv.SimulateBGNBD(clv.BGNBD{R: 0.243, Alpha: 0.45, A: 0.793, B: 2.426}, clv.SimulationOptions{
		Customers: customers, Start: start, AcquisitionDays: 90, End: end, Period: week,
		Spend: clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}, Seed: seed,
	})
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "id,date,amount")
	for _, t := range txns {
		fmt.Fprintf(w, "%s,%s,%s\n", t.CustomerID, t.At.Format(time.DateOnly), strconv.FormatFloat(t.Amount, 'f', 2, 64))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func read(path string) ([]clv.Transaction, error) {
	var txns []clv.Transaction
	ids := map[string]string{} // one string per customer, as a loader that interns IDs holds them
	err := csvrows.Each(path, func(rec []string) error {
		at, err1 := time.Parse(time.DateOnly, rec[1])
		amount, err2 := strconv.ParseFloat(rec[2], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("row %d: %q", len(txns)+1, rec)
		}
		id, ok := ids[rec[0]]
		if !ok {
			id = rec[0]
			ids[id] = id
		}
		txns = append(txns, clv.Transaction{CustomerID: id, At: at, Amount: amount})
		return nil
	})
	return txns, err
}

// pipeline runs and times the stages and prints one line: total seconds,
// CPU seconds, then the stages and the heap held by the loaded log.
func pipeline(txns []clv.Transaction) error {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	held := ms.HeapAlloc
	cpu0 := cpuTime()
	t0 := time.Now()
	cs, err := clv.Summarize(txns, clv.SummaryOptions{Period: week, End: end})
	if err != nil {
		return err
	}
	t1 := time.Now()
	bg, _, err := clv.FitBGNBD(cs, &clv.FitOptions{Period: week})
	if err != nil {
		return err
	}
	t2 := time.Now()
	gg, _, err := clv.FitGammaGamma(cs, nil)
	if err != nil {
		return err
	}
	t3 := time.Now()
	scores, err := clv.Score(bg, gg, cs, clv.ValueOptions{Horizon: 12, Discount: 0.01, Margin: 1})
	if err != nil {
		return err
	}
	t4 := time.Now()
	var total float64
	for _, s := range scores {
		total += s.Value
	}
	fmt.Printf("%.3f\t%.3f\t# seconds, CPU seconds; summary %.3f, BG/NBD %.3f, Gamma-Gamma %.3f, value %.3f; %d rows, %d customers, loaded log %d MB; total value %.6g\n",
		t4.Sub(t0).Seconds(), cpuTime()-cpu0, t1.Sub(t0).Seconds(), t2.Sub(t1).Seconds(), t3.Sub(t2).Seconds(), t4.Sub(t3).Seconds(),
		len(txns), len(cs), held>>20, total)
	return nil
}

// cpuTime returns the process's user and system CPU seconds.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
