package mailing

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/kv"
)

// flightLog is the record of letters in flight, one line per event,
// appended by each SMTP connection itself — "m <seq>" before a letter's
// transaction, "s <seq>" once the server took it, "d <seq>" once it is
// settled otherwise. On SQLite it is a file beside the database; with
// PostgreSQL, where several nodes share the work and a file would be one
// node's, it is a Redis list that whichever node runs the campaign next
// reads. Either costs a few microseconds (a ledger commit per letter cost
// the campaign a fifth of its speed on SQLite and four fifths on
// PostgreSQL) and survives a kill -9 of the hub: the page cache keeps the
// file as it keeps the database's WAL, and Redis is another process. A
// lost Redis loses only the marks: those letters then go again with the
// same Message-ID, as before marks existed; nothing is lost. On the next
// start the job applies the log to the ledger (flightLogs.apply) and
// empties it.
type flightLog struct {
	f    *os.File // SQLite: the file
	path string
	kv   *kv.Client // PostgreSQL: the list
	key  string

	// The connections' lines that arrive while one write is under way
	// wait for the next, which one of them makes for all: one RPUSH
	// round trip (or one write(2)) serves every connection waiting.
	mu      sync.Mutex
	cond    *sync.Cond // on mu: a write ended
	writing bool
	next    *flightBatch
}

// flightBatch is the lines of one write and, once made, its result.
type flightBatch struct {
	lines []byte
	done  bool
	err   error
}

// flightLogs open, apply and remove the campaigns' flight logs.
type flightLogs struct {
	db  *db.DB
	kv  *kv.Client
	log *slog.Logger
}

// open opens a campaign's flight log.
func (s *flightLogs) open(ctx context.Context, campaignID string) (*flightLog, error) {
	path, err := s.path(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	l := &flightLog{path: path}
	l.cond = sync.NewCond(&l.mu)
	if path == "" {
		l.kv, l.key = s.kv, s.kv.Key("mailing", "flight", "{"+campaignID+"}")
	} else if l.f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("mailing: flight log: %w", err)
	}
	return l, nil
}

// path is where a campaign's flight log file lives, or "" when
// the database is not a SQLite file (the log is then kept in Redis).
func (s *flightLogs) path(ctx context.Context, campaignID string) (string, error) {
	if s.db.Dialect != db.SQLite {
		return "", nil
	}
	var file string
	if err := s.db.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
		return "", fmt.Errorf("mailing: database file: %w", err)
	}
	return filepath.Join(filepath.Dir(file), "mailing-"+campaignID+".flight"), nil
}

// note appends one event to b, as a line of the log.
func note(b []byte, event byte, seq int64) []byte {
	b = append(b, event, ' ')
	b = strconv.AppendInt(b, seq, 10)
	return append(b, '\n')
}

// write appends lines and returns once they are written, with those of
// the other connections that wait meanwhile. A connection waits for its
// own lines anyway (its letter may not go before), so joining them
// delays none.
func (l *flightLog) write(ctx context.Context, lines []byte) error {
	l.mu.Lock()
	if l.next == nil {
		l.next = &flightBatch{}
	}
	b := l.next
	b.lines = append(b.lines, lines...)
	for l.writing && !b.done {
		l.cond.Wait()
	}
	if b.done {
		l.mu.Unlock()
		return b.err
	}
	l.writing, l.next = true, nil
	l.mu.Unlock()
	err := l.put(ctx, b.lines)
	l.mu.Lock()
	b.done, b.err, l.writing = true, err, false
	l.cond.Broadcast()
	l.mu.Unlock()
	return err
}

// put appends lines with one call on an O_APPEND file (or one RPUSH), so
// a crash can cut only the last line.
func (l *flightLog) put(ctx context.Context, lines []byte) error {
	var err error
	if l.f != nil {
		_, err = l.f.Write(lines)
	} else {
		err = l.kv.RPush(ctx, l.key, lines).Err()
	}
	if err != nil {
		return fmt.Errorf("mailing: flight log: %w", err)
	}
	return nil
}

// contents is what earlier runs left in the log.
func (l *flightLog) contents(ctx context.Context) (io.Reader, error) {
	if l.f != nil {
		b, err := os.ReadFile(l.path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("mailing: flight log: %w", err)
		}
		return bytes.NewReader(b), nil
	}
	parts, err := l.kv.LRange(ctx, l.key, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("mailing: flight log: %w", err)
	}
	return strings.NewReader(strings.Join(parts, "")), nil
}

// empty removes what contents returned, once the ledger holds it.
func (l *flightLog) empty(ctx context.Context) error {
	var err error
	if l.f != nil {
		err = l.f.Truncate(0)
	} else {
		err = l.kv.Del(ctx, l.key).Err()
	}
	if err != nil {
		return fmt.Errorf("mailing: flight log: %w", err)
	}
	return nil
}

func (l *flightLog) close() {
	if l.f != nil {
		_ = l.f.Close()
	}
}

// apply writes what a previous run of the campaign left in its
// flight log to the ledger: letters the server took are sent; a letter
// marked and never settled may have gone, so its row is marked in flight
// and its resend counts as sent again. Then the log is emptied.
func (s *flightLogs) apply(ctx context.Context, campaignID string, l *flightLog) (sent, inFlight int, err error) {
	r, err := l.contents(ctx)
	if err != nil {
		return 0, 0, err
	}
	sentSeqs, markedSeqs, err := readFlightLog(r)
	if err != nil {
		return 0, 0, err
	}
	now := db.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		q := s.db.Cached(tx)
		if err := sentUpdate.exec(ctx, q, []any{campaignID, now}, sentSeqs); err != nil {
			return err
		}
		return markUpdate.exec(ctx, q, []any{campaignID}, markedSeqs)
	})
	if err != nil {
		return 0, 0, err
	}
	if err := l.empty(ctx); err != nil {
		return 0, 0, err
	}
	return len(sentSeqs), len(markedSeqs), nil
}

// readFlightLog reads a flight log: the letters the server took, and
// those marked and never settled (they may have gone). A line cut short
// by the crash is skipped.
func readFlightLog(r io.Reader) (sent, marked []any, err error) {
	last := map[int64]byte{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		ev, num, ok := strings.Cut(sc.Text(), " ")
		seq, perr := strconv.ParseInt(num, 10, 64)
		if !ok || len(ev) != 1 || !strings.Contains("msd", ev) || perr != nil || seq <= 0 {
			continue
		}
		if ev[0] == 's' || last[seq] != 's' { // a sent letter stays sent
			last[seq] = ev[0]
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("mailing: flight log: %w", err)
	}
	for seq, ev := range last {
		switch ev {
		case 's':
			sent = append(sent, seq)
		case 'm':
			marked = append(marked, seq)
		}
	}
	slices.SortFunc(sent, func(a, b any) int { return cmp.Compare(a.(int64), b.(int64)) })
	slices.SortFunc(marked, func(a, b any) int { return cmp.Compare(a.(int64), b.(int64)) })
	return sent, marked, nil
}

// remove deletes a finished campaign's flight log.
func (s *flightLogs) remove(ctx context.Context, campaignID string) {
	path, err := s.path(ctx, campaignID)
	if err != nil {
		return
	}
	if path == "" {
		err = s.kv.Del(ctx, s.kv.Key("mailing", "flight", "{"+campaignID+"}")).Err()
	} else {
		err = os.Remove(path)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("campaign flight log not removed", "campaign", campaignID, "err", err)
	}
}
