package crm

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// ImportSessions are the import wizard's steps over the Importer: a file is
// uploaded and analysed (Upload), checked with a mapping (DryRun, with its
// problems as XLSX in import_problems.go), and imported as a batch in the
// background (Run) whose progress Batch reports and which ImportBatches
// can undo.
//
// The uploaded file is kept in this process's memory for sessionTTL: a
// wizard's steps take minutes and the file is at most MaxImportBytes, and
// a session lost to a restart costs an upload again. The progress of a
// running batch is kept here too, since an SQLite import holds the write
// lock for up to importTxRows rows: the batch row is written when the run
// starts and when it ends, and the count in between is posted to the
// board (Redis), where another node's progress stream reads it.
type ImportSessions struct {
	importer *Importer
	batches  *ImportBatches
	tr       Translator
	board    ImportProgressBoard // nil: the count is seen on this node only

	mu       sync.Mutex
	sessions map[string]*importSession
	running  map[string]*atomic.Int64 // batch id → rows applied so far
}

type importSession struct {
	user     string
	dry      *DryRunReport // the last dry run, for its problems as XLSX
	expires  time.Time
	fileName string
	data     []byte
	analysis ImportAnalysis
}

// sessionTTL is how long an uploaded file waits for its next step;
// maxSessions bounds the memory files take (each at most MaxImportBytes).
const (
	sessionTTL  = 2 * time.Hour
	maxSessions = 8
)

// ImportColumn is a column of an uploaded file.
type ImportColumn struct {
	Index   int      `json:"index"`
	Heading string   `json:"heading"`
	Field   string   `json:"field"` // guessed from the heading; "" not imported
	Samples []string `json:"samples"`
}

// ImportAnalysis is what the wizard learnt of an uploaded file.
type ImportAnalysis struct {
	Session   string         `json:"session"`
	FileName  string         `json:"file_name"`
	Format    string         `json:"format"`              // xlsx or csv
	Encoding  string         `json:"encoding,omitempty"`  // of a CSV: utf-8, utf-8-bom, windows-1251
	Delimiter string         `json:"delimiter,omitempty"` // of a CSV: ";", "," or "\t"
	HeaderRow int            `json:"header_row"`          // 1-based
	TitleRows int            `json:"title_rows"`          // non-empty rows above the header
	Rows      int            `json:"rows"`                // data rows
	Columns   []ImportColumn `json:"columns"`
	Fields    []string       `json:"fields"` // what a column may be mapped to
	// FieldLabels name the custom fields among Fields ("custom.<key>").
	FieldLabels map[string]string `json:"field_labels"`
}

// importSamples is the number of rows shown under each column.
const importSamples = 3

// Upload analyses a file for the wizard and keeps it for the next steps.
func (s *ImportSessions) Upload(ctx context.Context, sc access.Scope, fileName string, data []byte) (ImportAnalysis, error) {
	if err := requireEdit(sc); err != nil {
		return ImportAnalysis{}, err
	}
	format, err := DetectFormat(data)
	if err != nil {
		return ImportAnalysis{}, err
	}
	t := &table{}
	var samples [][]string
	rows := 0
	t.emit = func(b tableBatch) bool {
		rows += len(b.rows)
		for _, r := range b.rows {
			if len(samples) < importSamples && !emptyRow(r) {
				samples = append(samples, r)
			}
		}
		return true
	}
	if err := readTable(bytes.NewReader(data), format, t); err != nil {
		return ImportAnalysis{}, err
	}
	if _, err := t.columns(map[string]string{}); err != nil && t.header == nil {
		return ImportAnalysis{}, err
	}
	a := ImportAnalysis{Session: uuid.NewString(), FileName: fileName, Format: format, Encoding: t.encoding,
		HeaderRow: t.headerLine, TitleRows: t.titles, Rows: rows, Fields: slices.Clone(ImportFields), FieldLabels: map[string]string{}}
	// The active member custom fields may take a column too; a heading
	// that is a field's label is guessed to be it.
	defs, err := loadCustomFields(ctx, s.importer.db, EntityMember)
	if err != nil {
		return ImportAnalysis{}, err
	}
	byLabel := map[string]string{}
	for _, f := range defs {
		if !f.Retired {
			a.Fields = append(a.Fields, "custom."+f.Key)
			a.FieldLabels["custom."+f.Key] = f.Label
			byLabel[norm.Fold(f.Label)] = "custom." + f.Key
		}
	}
	if format == "csv" {
		a.Delimiter = string(t.delimiter)
	}
	for i, h := range t.header {
		c := ImportColumn{Index: i, Heading: h, Field: guessField(h), Samples: []string{}}
		if f, ok := byLabel[norm.Fold(h)]; ok {
			c.Field = f
		}
		for _, r := range samples {
			if i < len(r) {
				c.Samples = append(c.Samples, r[i])
			}
		}
		a.Columns = append(a.Columns, c)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	s.sessions[a.Session] = &importSession{user: sc.UserID, expires: time.Now().Add(sessionTTL), fileName: fileName, data: data, analysis: a}
	return a, nil
}

func emptyRow(r []string) bool {
	for _, c := range r {
		if c != "" {
			return false
		}
	}
	return true
}

// sweep forgets expired sessions and, past maxSessions, the oldest.
func (s *ImportSessions) sweep() {
	now := time.Now()
	for id, ss := range s.sessions {
		if now.After(ss.expires) {
			delete(s.sessions, id)
		}
	}
	for len(s.sessions) >= maxSessions {
		oldest := ""
		for id, ss := range s.sessions {
			if oldest == "" || ss.expires.Before(s.sessions[oldest].expires) {
				oldest = id
			}
		}
		delete(s.sessions, oldest)
	}
}

func (s *ImportSessions) session(sc access.Scope, id string) (*importSession, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessions[id]
	if ss == nil || ss.user != sc.UserID || time.Now().After(ss.expires) {
		return nil, fmt.Errorf("crm: import session %s: %w", id, db.ErrNotFound)
	}
	ss.expires = time.Now().Add(sessionTTL)
	return ss, nil
}

// ImportPlan is the wizard's choice for a file: the field of each column
// (by heading) and the organisation of rows that name none.
type ImportPlan struct {
	Mapping map[string]string `json:"mapping"`
	UnitID  string            `json:"unit_id"`
}

// ImportProblem is a row the import would refuse, with its cells.
type ImportProblem struct {
	ImportRow
	Cells []string `json:"cells"`
}

// DryRunReport is a dry run's counts and every row's problem.
type DryRunReport struct {
	ImportReport                 // without its rows: the problems say what matters
	Header       []string        `json:"header"`
	Problems     []ImportProblem `json:"problems"`
}

// DryRun checks the uploaded file with plan and changes nothing.
func (s *ImportSessions) DryRun(ctx context.Context, sc access.Scope, id string, plan ImportPlan) (DryRunReport, error) {
	ss, err := s.session(sc, id)
	if err != nil {
		return DryRunReport{}, err
	}
	rep, err := s.importer.Import(ctx, sc, bytes.NewReader(ss.data), ImportOptions{Format: ss.analysis.Format,
		Mapping: plan.Mapping, UnitID: plan.UnitID, DryRun: true})
	if err != nil {
		return DryRunReport{}, err
	}
	out := DryRunReport{ImportReport: rep, Problems: []ImportProblem{}}
	for _, c := range ss.analysis.Columns {
		out.Header = append(out.Header, c.Heading)
	}
	bad := map[int]bool{}
	for _, r := range rep.Rows {
		if r.Result == ImportError {
			bad[r.Row] = true
		}
	}
	cells, err := rowsAt(ss.data, ss.analysis.Format, bad)
	if err != nil {
		return DryRunReport{}, err
	}
	for _, r := range rep.Rows {
		if r.Result == ImportError {
			out.Problems = append(out.Problems, ImportProblem{ImportRow: r, Cells: cells[r.Row]})
		}
	}
	out.ImportReport.Rows = []ImportRow{}
	s.mu.Lock()
	ss.dry = &out
	s.mu.Unlock()
	return out, nil
}

// rowsAt reads the cells of the file's rows at the given lines.
func rowsAt(data []byte, format string, lines map[int]bool) (map[int][]string, error) {
	out := map[int][]string{}
	if len(lines) == 0 {
		return out, nil
	}
	t := &table{}
	t.emit = func(b tableBatch) bool {
		for i, l := range b.lines {
			if lines[l] {
				out[l] = b.rows[i]
			}
		}
		return true
	}
	return out, readTable(bytes.NewReader(data), format, t)
}

// Run starts the import of the uploaded file with plan as a batch and
// returns it at once; the rows are applied in the background.
func (s *ImportSessions) Run(ctx context.Context, sc access.Scope, id string, plan ImportPlan) (ImportBatch, error) {
	ss, err := s.session(sc, id)
	if err != nil {
		return ImportBatch{}, err
	}
	if err := requireEdit(sc); err != nil {
		return ImportBatch{}, err
	}
	batch, err := s.batches.begin(ctx, sc, ss.fileName, ss.analysis.Rows)
	if err != nil {
		return ImportBatch{}, err
	}
	done := &atomic.Int64{}
	s.mu.Lock()
	s.running[batch] = done
	delete(s.sessions, id) // a second click does not import the file twice
	s.mu.Unlock()
	// The run outlives the request; the request's values (its logger,
	// its audit origin) stay.
	bctx := context.WithoutCancel(ctx)
	poster := &progressPoster{ctx: bctx, board: s.board, batch: batch, done: done}
	go func() {
		rep, err := s.importer.Import(bctx, sc, bytes.NewReader(ss.data), ImportOptions{Format: ss.analysis.Format,
			Mapping: plan.Mapping, UnitID: plan.UnitID, BatchID: batch, Progress: poster.progress})
		poster.post()
		if ferr := s.batches.finish(bctx, batch, rep, err); ferr != nil {
			httpapi.Logger(bctx).Error("crm: import batch", "batch", batch, "err", ferr)
		}
		s.mu.Lock()
		delete(s.running, batch)
		s.mu.Unlock()
	}()
	return s.Batch(ctx, sc, batch)
}

// Batch returns a batch with the progress of its run: this node's count
// if it runs here, else the count its node posted to the board.
func (s *ImportSessions) Batch(ctx context.Context, sc access.Scope, id string) (ImportBatch, error) {
	b, err := s.batches.Get(ctx, sc, id)
	if err != nil {
		return b, err
	}
	s.mu.Lock()
	done := s.running[id]
	s.mu.Unlock()
	if b.Status != BatchRunning {
		return b, nil
	}
	if done != nil {
		b.Done = int(done.Load())
	} else if n, ok := s.boardProgress(ctx, id); ok {
		b.Done = n
	}
	return b, nil
}

// Wait blocks until the batches running in this process have finished
// (tests, shutdown).
func (s *ImportSessions) Wait(ctx context.Context) error {
	for {
		s.mu.Lock()
		n := len(s.running)
		s.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
