package crm

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Importer reads member cards from XLSX and CSV files (import_read.go),
// matching rows to existing cards (import_batch.go) and writing them in
// batches on one connection (import_conn.go).
type Importer struct{ db *db.DB }

// ImportOptions say how to read a file of members.
type ImportOptions struct {
	Format  string            // xlsx or csv
	Mapping map[string]string // column heading → field (see ImportFields); nil: guess from the headings
	UnitID  string            // organisation of rows whose unit column is empty or absent
	DryRun  bool              // check and report, change nothing
	// BatchID, when set, records each card the import creates or changes
	// under that import batch (crm_import_batches), so the batch can be
	// undone (ImportBatches.Undo).
	BatchID string
	// Progress, when set, is told the number of rows applied after each
	// batch of rows.
	Progress func(rows int)
}

// Results of an import row.
const (
	ImportCreated   = "created"
	ImportUpdated   = "updated"
	ImportUnchanged = "unchanged"
	ImportSkipped   = "skipped"
	ImportError     = "error"
)

// ImportRow is what happened to one row of the file.
type ImportRow struct {
	Row      int    `json:"row"` // line of the file, 1-based
	Result   string `json:"result"`
	MemberID string `json:"member_id,omitempty"`
	Field    string `json:"field,omitempty"`
	Code     string `json:"code,omitempty"` // of the problem, for translation (valid.Error's)
	Message  string `json:"message,omitempty"`
}

// ImportReport sums up an import; Rows has one entry per data row.
type ImportReport struct {
	DryRun    bool        `json:"dry_run"`
	Created   int         `json:"created"`
	Updated   int         `json:"updated"`
	Unchanged int         `json:"unchanged"`
	Skipped   int         `json:"skipped"`
	Errors    int         `json:"errors"`
	Rows      []ImportRow `json:"rows"`
}

// importBatchRows is the number of rows looked up and applied together:
// a few statements per batch rather than per row.
const importBatchRows = 2000

// Import reads members from an XLSX or CSV file. A row updates the card
// in the caller's scope with the same union card number, else the one
// card with the same phone, else the one with the same name and birth
// date; otherwise it creates a card. Importing the same file twice
// therefore changes nothing the second time. Only the row's non-empty
// cells are written over an existing card, and phones, e-mails and flags
// are added to the card's own. Rows are applied in batches of 2,000 (see
// importBatch), committed every batch on PostgreSQL and every 20,000 rows
// on SQLite (see importTxRows); a dry run writes nothing, so it reports exactly what
// an import would do, except that a later batch does not see the cards an
// earlier one would have created.
func (s *Importer) Import(ctx context.Context, sc access.Scope, r io.Reader, opt ImportOptions) (ImportReport, error) {
	if err := requireEdit(sc); err != nil {
		return ImportReport{}, err
	}
	units, err := unitsByName(ctx, s.db, sc)
	if err != nil {
		return ImportReport{}, err
	}
	if opt.UnitID != "" {
		if _, err := unitInScope(ctx, s.db, sc, opt.UnitID); err != nil {
			return ImportReport{}, err
		}
	}
	c, closeConn, err := openImportConn(ctx, s.db)
	if err != nil {
		return ImportReport{}, err
	}
	defer closeConn()
	rctx, stop := context.WithCancel(ctx)
	defer stop()
	t, batches, readErr := readTableBatches(rctx, r, opt.Format)
	rep := ImportReport{DryRun: opt.DryRun, Rows: []ImportRow{}}
	var cols []string
	cache := &importCache{units: units}
	log := newUndoLog(opt.BatchID)
	for b := range batches {
		if cols == nil {
			if cols, err = t.columns(opt.Mapping); err != nil {
				return ImportReport{}, err
			}
		}
		if err := s.importBatch(ctx, c, sc, b, cols, cache, opt, log, &rep); err != nil {
			return rep, err
		}
		if opt.Progress != nil {
			opt.Progress(len(rep.Rows))
		}
	}
	if err := c.commit(ctx); err != nil {
		return rep, err
	}
	if err := readErr(); err != nil {
		// The file is read while its first rows are applied: rows before
		// an unreadable one are in, and the error says so.
		if ve, ok := valid.As(err); ok && !opt.DryRun && len(rep.Rows) > 0 {
			return ImportReport{}, valid.Errorf(ve.Field, ve.Code, "%s; the %d rows before it were imported", ve.Msg, len(rep.Rows))
		}
		return ImportReport{}, err
	}
	if cols == nil { // no data rows: the mapping is still checked
		if _, err := t.columns(opt.Mapping); err != nil {
			return ImportReport{}, err
		}
	}
	for _, row := range rep.Rows {
		switch row.Result {
		case ImportCreated:
			rep.Created++
		case ImportUpdated:
			rep.Updated++
		case ImportUnchanged:
			rep.Unchanged++
		case ImportSkipped:
			rep.Skipped++
		case ImportError:
			rep.Errors++
		}
	}
	if opt.DryRun {
		return rep, nil
	}
	if rep.Created+rep.Updated >= bulkImport && s.db.Dialect == db.Postgres {
		s.refreshStatistics(ctx)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "member.import", ObjectType: "member_import", UnitID: sc.UnitID,
			Details: map[string]any{"format": opt.Format, "batch": opt.BatchID, "rows": len(rep.Rows), "created": rep.Created, "updated": rep.Updated,
				"unchanged": rep.Unchanged, "skipped": rep.Skipped, "errors": rep.Errors}})
	})
	return rep, err
}

// bulkImport is the number of cards written after which an import
// refreshes PostgreSQL's statistics.
const bulkImport = 10000

// refreshStatistics analyses the member tables and vacuums them in the
// background after a bulk import. Until autovacuum comes round, the
// planner knows nothing of the new rows (it walked the name index for a
// committee's page instead of reading its units' entries), and without a
// visibility map no count is index-only. The units are analysed too: a
// freshly built tree left the planner thinking a scope held 5 units, not
// thousands, so it drove searches from the scope's members.
//
// The statistics are taken before the import returns (ANALYZE samples a
// fixed number of rows: about a second at 254,000 cards); only the vacuum
// runs in the background. Searches made meanwhile were planned on the
// empty tables' figures and took seconds.
func (s *Importer) refreshStatistics(ctx context.Context) {
	log := httpapi.Logger(ctx)
	if _, err := s.db.ExecContext(ctx, `ANALYZE crm_members, crm_member_contacts, crm_member_words, units`); err != nil {
		log.Warn("crm: statistics after import", "err", err)
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Minute)
		defer cancel()
		if _, err := s.db.ExecContext(ctx, `VACUUM crm_members, crm_member_contacts, crm_member_words`); err != nil {
			log.Warn("crm: vacuum after import", "err", err)
		}
	}()
}

// applyCells writes a row's values over in.
func applyCells(in *MemberInput, vals map[string][]string, units map[string]string) error {
	one := func(f string) string { return strings.Join(vals[f], " ") }
	for f := range vals {
		v := one(f)
		switch f {
		case "surname":
			in.Surname = v
		case "given_name":
			in.GivenName = v
		case "patronymic":
			in.Patronymic = v
		case "full_name":
			parts := strings.Fields(v)
			in.Surname, in.GivenName, in.Patronymic = parts[0], "", ""
			if len(parts) > 1 {
				in.GivenName = parts[1]
			}
			if len(parts) > 2 {
				in.Patronymic = strings.Join(parts[2:], " ")
			}
		case "birth_date", "joined_on", "left_on":
			d, err := parseImportDate(f, v)
			if err != nil {
				return err
			}
			*map[string]*string{"birth_date": &in.BirthDate, "joined_on": &in.JoinedOn, "left_on": &in.LeftOn}[f] = d
		case "sex":
			in.Sex = parseSex(v)
		case "phone":
			in.Phones = appendNew(in.Phones, splitList(vals[f])...)
		case "email":
			in.Emails = appendNew(in.Emails, splitList(vals[f])...)
		case "flags":
			in.Flags = appendNew(in.Flags, splitList(vals[f])...)
		case "unit":
			id, ok := units[norm.Fold(v)]
			if !ok || id == "" {
				return valid.Errorf("unit", "unit_unknown", "no single organisation named %q in your scope", v)
			}
			in.UnitID = id
		case "workplace":
			in.Workplace = v
		case "position":
			in.Position = v
		case "industry":
			in.Industry = v
		case "status":
			in.Status = parseStatus(v)
		case "left_reason":
			in.LeftReason = v
		case "card_number":
			in.CardNumber = v
		case "discount_card":
			in.DiscountCard = v
		case "activist":
			in.Activist = parseYes(v)
		case "kind":
			in.Kind = parseKind(v)
		case "consent_processing":
			in.Consents.Processing = &Consent{Given: parseYes(v), Source: "импорт"}
		default: // custom.<key> or consent_<channel>
			if key, ok := strings.CutPrefix(f, "custom."); ok {
				if in.Custom == nil {
					in.Custom = map[string]any{}
				}
				in.Custom[key] = v
				continue
			}
			if in.Consents.Mailings == nil {
				in.Consents.Mailings = map[string]Consent{}
			}
			in.Consents.Mailings[strings.TrimPrefix(f, "consent_")] = Consent{Given: parseYes(v), Source: "импорт"}
		}
	}
	return nil
}

func splitList(cells []string) []string {
	var out []string
	for _, c := range cells {
		for _, p := range strings.FieldsFunc(c, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func appendNew(to []string, vs ...string) []string {
	for _, v := range vs {
		if !slices.Contains(to, v) {
			to = append(to, v)
		}
	}
	return to
}

// excelEpoch is day 0 of Excel's serial dates (1900 system, with its
// phantom 29 February 1900 accounted for).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseImportDate reads the date forms of real registries: 2026-01-31,
// 31.01.2026, 31/01/2026, 31.01.26, and Excel serial numbers (46053).
func parseImportDate(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 0 && n < 100000 {
		return excelEpoch.AddDate(0, 0, int(n)).Format(time.DateOnly), nil
	}
	if len(s) > 10 && s[10] == ' ' || len(s) > 10 && s[10] == 'T' {
		s = s[:10] // a date with a time of day
	}
	for _, layout := range []string{time.DateOnly, "02.01.2006", "2.1.2006", "02/01/2006", "02.01.06"} {
		if t, err := time.Parse(layout, s); err == nil {
			if layout == "02.01.06" && t.Year() > time.Now().Year() {
				t = t.AddDate(-100, 0, 0)
			}
			return t.Format(time.DateOnly), nil
		}
	}
	return "", valid.Errorf(field, "date", "%q is not a date (31.01.2026, 2026-01-31 or an Excel date)", s)
}

func parseSex(s string) string {
	switch f := norm.Fold(s); {
	case f == "м", strings.HasPrefix(f, "муж"), f == "m", f == "male":
		return "m"
	case f == "ж", strings.HasPrefix(f, "жен"), f == "f", f == "female":
		return "f"
	}
	return s // refused by normalize
}

func parseStatus(s string) Status {
	switch f := norm.Fold(s); {
	case strings.HasPrefix(f, "член"), f == "состоит":
		return StatusMember
	case strings.HasPrefix(f, "выбы"):
		return StatusLeft
	case strings.HasPrefix(f, "приостан"):
		return StatusSuspended
	case strings.HasPrefix(f, "исключ"):
		return StatusExcluded
	case strings.HasPrefix(f, "умер"):
		return StatusDeceased
	default:
		return Status(f)
	}
}

func parseKind(s string) Kind {
	switch f := norm.Fold(s); {
	case strings.HasPrefix(f, "член"):
		return KindMember
	case strings.HasPrefix(f, "пресс"), strings.HasPrefix(f, "сми"):
		return KindPress
	case strings.HasPrefix(f, "партн"):
		return KindPartner
	case strings.HasPrefix(f, "потенц"), strings.HasPrefix(f, "кандидат"):
		return KindProspect
	case strings.HasPrefix(f, "друг"), strings.HasPrefix(f, "проч"):
		return KindOther
	default:
		return Kind(f) // refused by normalize unless an English name
	}
}

func parseYes(s string) bool {
	switch norm.Fold(s) {
	case "да", "д", "yes", "y", "1", "true", "+", "x", "х", "есть":
		return true
	}
	return false
}

// unitsByName maps the folded names and the ids of the units in sc's scope
// to their ids; a name two units share maps to "".
func unitsByName(ctx context.Context, d *db.DB, sc access.Scope) (map[string]string, error) {
	lo, hi := sc.PathRange()
	rows, err := d.QueryContext(ctx, `SELECT id, name_folded FROM units WHERE path >= $1 AND path < $2`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("crm: import: units: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("crm: import: units: %w", err)
		}
		if _, dup := out[name]; dup {
			out[name] = ""
		} else {
			out[name] = id
		}
		out[id] = id
	}
	return out, rows.Err()
}
