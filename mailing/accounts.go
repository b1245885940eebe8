package mailing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/storage/db"
)

// Accounts keep the SMTP servers campaigns send e-mail through, with
// their passwords sealed by the hub's key.
type Accounts struct {
	db  *db.DB
	box *secretbox.Box
}

// SMTPAccount is a server a campaign sends e-mail through, with the
// sender identity (e.g. a regional office) and its own limits.
type SMTPAccount struct {
	ID          string `json:"id"`
	UnitID      string `json:"unit_id"`
	Name        string `json:"name"`
	Host        string `json:"host"`
	Port        int    `json:"port"`
	TLS         string `json:"tls"` // none, starttls, tls
	Username    string `json:"username"`
	Password    string `json:"password,omitempty"` // write-only: never returned
	FromAddress string `json:"from_address"`
	FromName    string `json:"from_name"`
	RatePerSec  int    `json:"rate_per_sec"` // 0: as fast as the server takes them
	Connections int    `json:"connections"`  // parallel SMTP sessions
}

func (a *SMTPAccount) normalize() error {
	a.Name, a.Host = strings.TrimSpace(a.Name), strings.TrimSpace(a.Host)
	if a.Name == "" || len(a.Name) > 200 {
		return valid.Errorf("name", "required", "name is required")
	}
	if a.Host == "" || strings.ContainsAny(a.Host, " /:") {
		return valid.Errorf("host", "host", "host must be a host name or address")
	}
	if a.Port <= 0 || a.Port > 65535 {
		return valid.Errorf("port", "port", "port must be 1–65535")
	}
	if a.TLS == "" {
		a.TLS = "starttls"
	}
	if !slices.Contains([]string{"none", "starttls", "tls"}, a.TLS) {
		return valid.Errorf("tls", "tls", "tls must be none, starttls or tls")
	}
	addr, err := mail.ParseAddress(strings.TrimSpace(a.FromAddress))
	if err != nil || addr.Name != "" {
		return valid.Errorf("from_address", "email", "from_address must be an e-mail address")
	}
	a.FromAddress = addr.Address
	a.FromName = cleanHeader(a.FromName)
	if a.RatePerSec < 0 || a.RatePerSec > 100000 {
		return valid.Errorf("rate_per_sec", "range", "rate_per_sec must be 0–100000")
	}
	if a.Connections == 0 {
		a.Connections = 4
	}
	if a.Connections < 1 || a.Connections > 64 {
		return valid.Errorf("connections", "range", "connections must be 1–64")
	}
	return nil
}

// CreateAccount stores an SMTP account in the caller's home unit; the
// password is sealed with the hub's key.
func (s *Accounts) CreateAccount(ctx context.Context, sc access.Scope, a SMTPAccount) (SMTPAccount, error) {
	if err := requireSend(sc); err != nil || sc.Role == access.Secretary {
		return SMTPAccount{}, fmt.Errorf("%w: only administrators, chairmen and deputies manage SMTP accounts", access.ErrForbidden)
	}
	if err := a.normalize(); err != nil {
		return SMTPAccount{}, err
	}
	a.ID, a.UnitID = uuid.Must(uuid.NewV7()).String(), sc.UnitID
	sealed := ""
	if a.Password != "" {
		sealed = s.box.Seal(a.Password)
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO mailing_smtp_accounts (id, unit_id, name, host, port, tls, username, password,
			from_address, from_name, rate_per_sec, connections, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$13)`,
			a.ID, a.UnitID, a.Name, a.Host, a.Port, a.TLS, a.Username, sealed, a.FromAddress, a.FromName, a.RatePerSec, a.Connections, now); err != nil {
			return fmt.Errorf("mailing: create account: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "mailing.account.create", ObjectType: "smtp_account", ObjectID: a.ID,
			Details: map[string]any{"name": a.Name, "host": a.Host, "from": a.FromAddress}})
	})
	a.Password = ""
	return a, err
}

const accountColumns = `a.id, a.unit_id, a.name, a.host, a.port, a.tls, a.username, a.password, a.from_address, a.from_name,
	a.rate_per_sec, a.connections`

func scanAccount(row interface{ Scan(...any) error }) (SMTPAccount, error) {
	var a SMTPAccount
	err := row.Scan(&a.ID, &a.UnitID, &a.Name, &a.Host, &a.Port, &a.TLS, &a.Username, &a.Password, &a.FromAddress, &a.FromName,
		&a.RatePerSec, &a.Connections)
	return a, err
}

// ListAccounts returns the SMTP accounts of sc's subtree, without passwords.
func (s *Accounts) ListAccounts(ctx context.Context, sc access.Scope) ([]SMTPAccount, error) {
	if err := requireSend(sc); err != nil {
		return nil, err
	}
	lo, hi := sc.PathRange()
	rows, err := s.db.QueryContext(ctx, `SELECT `+accountColumns+` FROM mailing_smtp_accounts a JOIN units u ON u.id = a.unit_id
		WHERE `+usableFrom+` ORDER BY a.name`, lo, hi, sc.UnitPath)
	if err != nil {
		return nil, fmt.Errorf("mailing: accounts: %w", err)
	}
	defer rows.Close()
	out := []SMTPAccount{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		a.Password = ""
		out = append(out, a)
	}
	return out, rows.Err()
}

// usableFrom is the condition on u (the unit owning an account or a
// gateway) with $1, $2 the caller's path range and $3 its path: a unit
// uses what its own subtree set up and what its parents did (the
// federation's servers serve every primary organisation).
const usableFrom = `((u.path >= $1 AND u.path < $2) OR substr($3, 1, length(u.path)) = u.path)`

// getAccount returns an account in scope with its password opened.
func (s *Accounts) getAccount(ctx context.Context, q db.Execer, sc access.Scope, id string) (SMTPAccount, error) {
	lo, hi := sc.PathRange()
	a, err := scanAccount(q.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM mailing_smtp_accounts a JOIN units u ON u.id = a.unit_id
		WHERE a.id = $4 AND `+usableFrom, lo, hi, sc.UnitPath, id))
	if errors.Is(err, sql.ErrNoRows) {
		return SMTPAccount{}, fmt.Errorf("mailing: SMTP account %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return SMTPAccount{}, fmt.Errorf("mailing: SMTP account: %w", err)
	}
	if a.Password != "" {
		if a.Password, err = s.box.Open(a.Password); err != nil {
			return SMTPAccount{}, fmt.Errorf("mailing: SMTP account %s: password: %w", id, err)
		}
	}
	return a, nil
}

// SenderAddresses lists the From addresses of every SMTP account, in all
// units: the mail connector never answers a letter from one of them
// automatically (a campaign letter delivered to a mailbox of the hub
// would otherwise get the line's welcome reply).
func (s *Accounts) SenderAddresses(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT from_address FROM mailing_smtp_accounts`)
	if err != nil {
		return nil, fmt.Errorf("mailing: sender addresses: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("mailing: sender addresses: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
