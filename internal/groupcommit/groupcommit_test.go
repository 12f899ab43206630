package groupcommit_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/authflow/authflow/internal/groupcommit"
)

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "g.db")
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestConcurrentWritersShareCommits: while a first caller's transaction
// is held open, 63 more callers queue, every fifth failing after its
// write; they all run in the next commit. The failures' rows are rolled
// back, the others committed, and each caller gets its own result.
func TestConcurrentWritersShareCommits(t *testing.T) {
	db := openDB(t)
	c := groupcommit.For(db)
	if groupcommit.For(db) != c {
		t.Fatal("For returned another Committer for the same database")
	}
	var mu sync.Mutex
	txs := map[*sql.Tx]bool{}
	errFail := errors.New("caller fails")
	release := make(chan struct{})
	errs := make([]error, 64)
	write := func(i int) error {
		return c.Do(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
			mu.Lock()
			txs[tx] = true
			mu.Unlock()
			if i == 0 {
				<-release
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO t (k, v) VALUES (?, ?)`, i, fmt.Sprint("v", i)); err != nil {
				return err
			}
			if i%5 == 0 {
				return errFail
			}
			return nil
		})
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); errs[0] = write(0) }()
	for {
		mu.Lock()
		n := len(txs)
		mu.Unlock()
		if n == 1 {
			break
		}
		runtime.Gosched()
	}
	for i := 1; i < len(errs); i++ {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = write(i) }()
	}
	for c.Queued() < len(errs)-1 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	for i, err := range errs {
		if i%5 == 0 && !errors.Is(err, errFail) {
			t.Errorf("caller %d: err = %v, want its own error", i, err)
		}
		if i%5 != 0 && err != nil {
			t.Errorf("caller %d: err = %v", i, err)
		}
	}
	for i := range errs {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM t WHERE k = ?`, i).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{true: 0, false: 1}[i%5 == 0]; n != want {
			t.Errorf("row %d: %d rows, want %d", i, n, want)
		}
	}
	if len(txs) != 2 {
		t.Errorf("%d transactions, want 2 (the first caller's, then the 63 queued behind it)", len(txs))
	}
}

// TestCanceledCallerDoesNotRun: a context that ended before Do skips fn.
func TestCanceledCallerDoesNotRun(t *testing.T) {
	db := openDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := groupcommit.For(db).Do(ctx, func(context.Context, *sql.Tx) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("err = %v, ran = %v; want context.Canceled and not run", err, ran)
	}
}

// TestPanicFailsOnlyTheBatch: a panicking caller gets an error and the
// next callers are not left waiting.
func TestPanicFailsOnlyTheBatch(t *testing.T) {
	db := openDB(t)
	c := groupcommit.For(db)
	err := c.Do(context.Background(), func(context.Context, *sql.Tx) error { panic("boom") })
	if err == nil {
		t.Fatal("a panicking caller got nil")
	}
	err = c.Do(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO t (k, v) VALUES (1, 'x')`)
		return err
	})
	if err != nil {
		t.Fatalf("the next caller: %v", err)
	}
}
