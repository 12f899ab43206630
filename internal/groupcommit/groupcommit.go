// Package groupcommit runs the write transactions of concurrent callers on
// one SQLite database as shared commits (group commit).
//
// SQLite has one writer at a time. When every write takes its own
// connection and transaction, concurrent writers queue on the database
// lock, and the driver's busy handler retries by sleeping (up to 100 ms a
// time), which gives a long latency tail; and each commit waits for its
// own fsync. A Committer instead queues the callers in the process: one of
// them (the leader) begins a single IMMEDIATE transaction, runs every
// queued caller's function in its own SAVEPOINT (so one caller's failure
// rolls back only its own writes), and commits once for all of them. A
// caller's Do returns only after the commit that holds its writes, so
// durability is the database's (WAL with synchronous=FULL by default: a
// write that Do reported survives a crash of the process or the machine).
//
// Directory (directory/sqldir) and token state (token/sqlstate) on the same
// *sql.DB share one Committer (For), so all their writes go through the
// same queue.
package groupcommit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"weak"
)

// MaxBatch is the most callers one commit holds.
const MaxBatch = 256

// Committer batches write transactions on one database. Get one with For.
type Committer struct {
	db    weak.Pointer[sql.DB]
	mu    sync.Mutex
	queue []*request
	busy  bool // a leader is running batches
}

type request struct {
	ctx  context.Context
	fn   func(context.Context, *sql.Tx) error
	err  error
	done chan struct{}
}

var (
	registryMu sync.Mutex
	registry   = map[weak.Pointer[sql.DB]]*Committer{}
)

// For returns the Committer of db, the same one for every call with the
// same db, made on first use. It is dropped when db is garbage-collected.
func For(db *sql.DB) *Committer {
	k := weak.Make(db)
	registryMu.Lock()
	defer registryMu.Unlock()
	if c, ok := registry[k]; ok {
		return c
	}
	c := &Committer{db: k}
	registry[k] = c
	runtime.AddCleanup(db, func(k weak.Pointer[sql.DB]) {
		registryMu.Lock()
		delete(registry, k)
		registryMu.Unlock()
	}, k)
	return c
}

// ErrClosed is returned when the database was garbage-collected (it is
// unreachable, so no caller should still be using it).
var ErrClosed = errors.New("groupcommit: database is gone")

// Do runs fn in a transaction shared with other callers and returns once
// that transaction has committed (nil) or failed. fn must do all its work
// through tx (never keep it) with its ctx; it may run on another
// goroutine. When fn returns an error, its writes are rolled back and Do
// returns that error; the others' writes commit. When ctx ends before fn
// ran, fn does not run and Do returns ctx's error. Do does not return
// before the batch holding fn has finished, so a nil error means the
// writes are committed.
func (c *Committer) Do(ctx context.Context, fn func(context.Context, *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &request{ctx: ctx, fn: fn, done: make(chan struct{})}
	c.mu.Lock()
	c.queue = append(c.queue, r)
	lead := !c.busy
	c.busy = true
	c.mu.Unlock()
	if lead {
		c.lead()
	}
	<-r.done
	return r.err
}

// lead runs one batch; when callers queued meanwhile, a new goroutine
// leads the next batch, so this caller returns at once.
func (c *Committer) lead() {
	c.mu.Lock()
	n := min(len(c.queue), MaxBatch)
	batch := c.queue[:n:n]
	c.queue = c.queue[n:]
	c.mu.Unlock()
	c.commit(batch)
	c.mu.Lock()
	if len(c.queue) == 0 {
		c.queue = nil
		c.busy = false
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	go c.lead()
}

// commit runs batch in one transaction and finishes every request.
func (c *Committer) commit(batch []*request) {
	finish := func(err error) {
		for _, r := range batch {
			if r.err == nil {
				r.err = err
			}
			close(r.done)
		}
	}
	db := c.db.Value()
	if db == nil {
		finish(ErrClosed)
		return
	}
	// Not any caller's context: one caller giving up must not abort the others.
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		finish(err)
		return
	}
	ok := false
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		if _, err := tx.Exec(`SAVEPOINT groupcommit`); err != nil {
			tx.Rollback()
			finish(err)
			return
		}
		if err := run(r, tx); err != nil {
			r.err = err
			if _, err := tx.Exec(`ROLLBACK TO groupcommit`); err != nil {
				tx.Rollback()
				finish(err)
				return
			}
		} else {
			ok = true
		}
		if _, err := tx.Exec(`RELEASE groupcommit`); err != nil {
			tx.Rollback()
			finish(err)
			return
		}
	}
	if !ok {
		finish(tx.Rollback())
		return
	}
	finish(tx.Commit())
}

// run calls r.fn, turning a panic into an error so that the other callers
// of the batch are not left waiting.
func run(r *request, tx *sql.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("groupcommit: panic in a transaction: %v", p)
		}
	}()
	return r.fn(r.ctx, tx)
}
