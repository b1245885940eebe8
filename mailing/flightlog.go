package mailing

import (
	"bufio"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/profhub/profhub/internal/storage/db"
)

// flightLog is the embedded (SQLite) mode's record of letters in flight:
// a file beside the database, one line per event, appended by each SMTP
// connection itself — "m <seq>" before a letter's transaction, "s <seq>"
// once the server took it, "d <seq>" once it is settled otherwise. A
// small write costs a few microseconds where a SQLite commit per letter
// cost the campaign a fifth of its speed, and it survives a kill -9 as
// the database's WAL does (the page cache keeps both). PostgreSQL, where
// several nodes share the work and a file would be one node's, keeps the
// marks in the ledger instead (see mark). On the next start the job
// applies the file to the ledger (applyFlightLog) and empties it.
type flightLog struct {
	f    *os.File
	path string
}

// flightLogPath is where a campaign's flight log lives, or "" when the
// database is not a SQLite file.
func (s *Service) flightLogPath(ctx context.Context, campaignID string) (string, error) {
	if s.d.DB.Dialect != db.SQLite {
		return "", nil
	}
	var file string
	if err := s.d.DB.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
		return "", fmt.Errorf("mailing: database file: %w", err)
	}
	if file == "" {
		return "", nil // in memory: nothing would survive a crash anyway
	}
	return filepath.Join(filepath.Dir(file), "mailing-"+campaignID+".flight"), nil
}

func openFlightLog(path string) (*flightLog, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("mailing: flight log: %w", err)
	}
	return &flightLog{f: f, path: path}, nil
}

// note appends one event to b, as a line of the log.
func note(b []byte, event byte, seq int64) []byte {
	b = append(b, event, ' ')
	b = strconv.AppendInt(b, seq, 10)
	return append(b, '\n')
}

// write appends lines. They are short and written with one call on an
// O_APPEND file, so connections writing at once do not interleave.
func (l *flightLog) write(lines []byte) error {
	if _, err := l.f.Write(lines); err != nil {
		return fmt.Errorf("mailing: flight log: %w", err)
	}
	return nil
}

func (l *flightLog) close() { _ = l.f.Close() }

// applyFlightLog writes what a previous run of the campaign left in its
// flight log to the ledger: letters the server took are sent; a letter
// marked and never settled may have gone, so its row is marked in flight
// and its resend counts as sent again. Then the log is emptied.
func (s *Service) applyFlightLog(ctx context.Context, campaignID, path string) (sent, inFlight int, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("mailing: flight log: %w", err)
	}
	defer f.Close()
	sentSeqs, markedSeqs, err := readFlightLog(f)
	if err != nil {
		return 0, 0, err
	}
	now := db.Now()
	err = s.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		q := s.d.DB.Cached(tx)
		if err := sentUpdate.exec(ctx, q, []any{campaignID, now}, sentSeqs); err != nil {
			return err
		}
		return markUpdate.exec(ctx, q, []any{campaignID}, markedSeqs)
	})
	if err != nil {
		return 0, 0, err
	}
	if err := os.Truncate(path, 0); err != nil {
		return 0, 0, fmt.Errorf("mailing: flight log: %w", err)
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

// removeFlightLog deletes a finished campaign's flight log.
func (s *Service) removeFlightLog(ctx context.Context, campaignID string) {
	path, err := s.flightLogPath(ctx, campaignID)
	if err != nil || path == "" {
		return
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("campaign flight log not removed", "campaign", campaignID, "err", err)
	}
}
