package data

import (
	"fmt"
	"os"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/refdata"
)

// RefdataDir returns the folder of the project's reference data (see
// refdata.Dir).
func RefdataDir() string { return refdata.Dir() }

// ReadCDNOW reads the CDNOW sample log (Fader, Hardie & Lee 2005):
// whitespace-separated master id, sample id, date (yyyymmdd), number of CDs
// and dollars. The customer ID is the sample id without leading zeros, as in
// the published summaries.
func ReadCDNOW(path string) ([]clv.Transaction, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ps, err := refdata.ParseCDNOW(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	txns := make([]clv.Transaction, len(ps))
	for i, p := range ps {
		txns[i] = clv.Transaction(p)
	}
	return txns, nil
}
