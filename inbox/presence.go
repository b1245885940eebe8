package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// aliveTTL is how long an operator counts as present after their last
// heartbeat; the console sends one every 10 s over its WebSocket.
const aliveTTL = 35 * time.Second

func (c *core) aliveKey(userID string) string { return c.kv.Key("inbox", "alive", userID) }

// SetPresence records an operator's chosen state (online, break, offline)
// and applies it to routing on every line they answer.
func (pr *Presence) SetPresence(ctx context.Context, sc access.Scope, status string) error {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return err
	}
	if status != Online && status != Break && status != Offline {
		return valid.Errorf("status", "presence", "status must be online, break or offline")
	}
	if _, err := pr.db.ExecContext(ctx, `INSERT INTO inbox_presence (user_id, status, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`, sc.UserID, status, db.Now()); err != nil {
		return fmt.Errorf("inbox: presence: %w", err)
	}
	status = pr.effective(ctx, sc.UserID, status)
	if status == Offline {
		_ = pr.kv.Del(ctx, pr.aliveKey(sc.UserID)).Err()
		_ = pr.kv.SetNX(ctx, pr.goneKey(sc.UserID), time.Now().UnixMilli(), 7*24*time.Hour).Err()
	} else if err := pr.kv.Del(ctx, pr.goneKey(sc.UserID)).Err(); err != nil {
		return fmt.Errorf("inbox: presence: %w", err)
	} else if err := pr.kv.Set(ctx, pr.aliveKey(sc.UserID), status, aliveTTL).Err(); err != nil {
		return fmt.Errorf("inbox: presence: %w", err)
	}
	return pr.applyPresence(ctx, sc.UserID, status, "status "+status)
}

// Heartbeat keeps an operator present. A heartbeat after the operator had
// vanished puts their chosen state back into routing.
func (pr *Presence) Heartbeat(ctx context.Context, userID string) error {
	status, err := pr.chosenPresence(ctx, userID)
	if err != nil || status == Offline {
		return err
	}
	status = pr.effective(ctx, userID, status)
	was, err := pr.kv.SetArgs(ctx, pr.aliveKey(userID), status, redisSetGet(aliveTTL)).Result()
	if err != nil && !isNil(err) {
		return err
	}
	switch {
	case was == "":
		_ = pr.kv.Del(ctx, pr.goneKey(userID)).Err()
		return pr.applyPresence(ctx, userID, status, "back")
	case was != status:
		// an absence began or ended while the console was open
		return pr.applyPresence(ctx, userID, status, "absence")
	}
	return nil
}

// effective is the state routing uses for a chosen one: online becomes
// absent during an approved absence.
func (pr *Presence) effective(ctx context.Context, userID, chosen string) string {
	if chosen != Online {
		return chosen
	}
	if kind, _ := pr.absentNow(ctx, userID); kind != "" {
		return Absent
	}
	return chosen
}

// MyPresence is an operator's state as their console shows it: the one
// they chose, the one routing uses (absent instead of online during an
// approved absence), and that absence's kind and last day.
type MyPresence struct {
	Status      string `json:"status"`
	Effective   string `json:"effective"`
	Absence     string `json:"absence,omitempty"`
	AbsentUntil string `json:"absent_until,omitempty"`
}

// Mine is the caller's presence.
func (pr *Presence) Mine(ctx context.Context, sc access.Scope) (MyPresence, error) {
	chosen, err := pr.chosenPresence(ctx, sc.UserID)
	if err != nil {
		return MyPresence{}, fmt.Errorf("inbox: presence: %w", err)
	}
	out := MyPresence{Status: chosen, Effective: chosen}
	out.Absence, out.AbsentUntil = pr.absentNow(ctx, sc.UserID)
	if chosen == Online && out.Absence != "" {
		out.Effective = Absent
	}
	return out, nil
}

// RecheckAbsence applies a person's absence to routing at once (the hub
// calls it when an absence is approved, cancelled or entered): a present
// operator whose absence has begun is offered nothing more, and their
// pending offers go to others.
func (pr *Presence) RecheckAbsence(ctx context.Context, userID string) error {
	cur, err := pr.livePresence(ctx, userID)
	if err != nil || cur == Offline {
		return err
	}
	chosen, err := pr.chosenPresence(ctx, userID)
	if err != nil || chosen == Offline {
		return err
	}
	status := pr.effective(ctx, userID, chosen)
	if status == cur {
		return nil
	}
	if err := pr.kv.Set(ctx, pr.aliveKey(userID), status, aliveTTL).Err(); err != nil {
		return fmt.Errorf("inbox: presence: %w", err)
	}
	return pr.applyPresence(ctx, userID, status, "absence")
}

// goneKey holds when an operator went away (vanished or signed off), for
// returning their conversations after the line's return_after_min.
func (pr *Presence) goneKey(userID string) string { return pr.kv.Key("inbox", "gone", userID) }

func (pr *Presence) chosenPresence(ctx context.Context, userID string) (string, error) {
	var status string
	err := pr.db.QueryRowContext(ctx, `SELECT status FROM inbox_presence WHERE user_id = $1`, userID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return Offline, nil
	}
	return status, err
}

// livePresence is the state routing uses: the chosen one while heartbeats
// arrive, offline otherwise.
func (c *core) livePresence(ctx context.Context, userID string) (string, error) {
	v, err := c.kv.Get(ctx, c.aliveKey(userID)).Result()
	if isNil(err) {
		return Offline, nil
	}
	return v, err
}

// applyPresence mirrors a state into each of the operator's lines. Going
// away (break, offline, vanished) withdraws their pending offers, which go
// to someone else; their active conversations stay theirs.
func (pr *Presence) applyPresence(ctx context.Context, userID, status, why string) error {
	rows, err := pr.db.QueryContext(ctx, `SELECT line_id FROM inbox_line_operators WHERE user_id = $1`, userID)
	if err != nil {
		return fmt.Errorf("inbox: presence: %w", err)
	}
	var lines []string
	for rows.Next() {
		var id string
		if rows.Scan(&id) == nil {
			lines = append(lines, id)
		}
	}
	rows.Close()
	for _, lineID := range lines {
		ks := pr.router.keys(lineID)
		if err := pr.kv.HSet(ctx, ks[3], userID, status).Err(); err != nil {
			return fmt.Errorf("inbox: presence: %w", err)
		}
		if status != Online {
			pr.withdrawOffers(ctx, lineID, userID, why)
		}
		pr.router.kickLine(lineID)
	}
	pr.events.ephemeral(ctx, &Event{Kind: EvPresence, At: time.Now(), Data: map[string]any{"user_id": userID, "status": status}})
	return nil
}

func (pr *Presence) withdrawOffers(ctx context.Context, lineID, userID, why string) {
	line, err := pr.lineByID(ctx, lineID)
	if err != nil {
		return
	}
	ks := pr.router.keys(lineID)
	offers, err := pr.kv.HGetAll(ctx, ks[2]).Result()
	if err != nil {
		return
	}
	for conv, csv := range offers {
		if !strings.Contains(","+csv+",", ","+userID+",") {
			continue
		}
		n, err := declineScript.Run(ctx, pr.kv, ks, conv, userID, string(line.Mode), "0").Int()
		if err == nil && n == 1 {
			pr.logRouting(ctx, conv, lineID, "withdrawn", userID, map[string]any{"reason": why})
			pr.events.ephemeral(ctx, &Event{Kind: EvOfferGone, LineID: lineID, ConversationID: conv, At: time.Now(), To: []string{userID},
				Data: map[string]any{"reason": why}})
		}
	}
}

// checkPresence finds operators whose heartbeats stopped (closed laptop,
// lost network, crashed browser) and takes them out of routing. It costs
// two pipelined round trips however many lines and operators there are:
// every line's presence mirror, then every present operator's alive key.
func (pr *Presence) checkPresence(ctx context.Context) {
	lines := pr.router.lineIDs
	if len(lines) == 0 {
		return
	}
	pipe := pr.kv.Pipeline()
	states := make([]*redis.MapStringStringCmd, len(lines))
	for i, lineID := range lines {
		states[i] = pipe.HGetAll(ctx, pr.router.keys(lineID)[3])
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return
	}
	var ops []string
	seen := map[string]bool{}
	for _, cmd := range states {
		for op, st := range cmd.Val() {
			if st != Offline && !seen[op] {
				seen[op] = true
				ops = append(ops, op)
			}
		}
	}
	if len(ops) == 0 {
		return
	}
	pipe = pr.kv.Pipeline()
	alive := make([]*redis.IntCmd, len(ops))
	for i, op := range ops {
		alive[i] = pipe.Exists(ctx, pr.aliveKey(op))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return
	}
	for i, op := range ops {
		if n, err := alive[i].Result(); err == nil && n == 0 {
			pr.log.Info("operator vanished; offers return to the queue", "user", op)
			_ = pr.kv.SetNX(ctx, pr.goneKey(op), time.Now().UnixMilli(), 7*24*time.Hour).Err()
			_ = pr.applyPresence(ctx, op, Offline, "vanished")
		}
	}
}

// Offer is a conversation currently offered to the caller.
type Offer struct {
	ConversationID string `json:"conversation_id"`
	LineID         string `json:"line_id"`
	Deadline       int64  `json:"deadline"`
}

// MyOffers lists the caller's pending offers (a console that reconnects
// reads them; offer events are not replayed).
func (pr *Presence) MyOffers(ctx context.Context, sc access.Scope) ([]Offer, error) {
	rows, err := pr.db.QueryContext(ctx, `SELECT line_id FROM inbox_line_operators WHERE user_id = $1`, sc.UserID)
	if err != nil {
		return nil, err
	}
	var lines []string
	for rows.Next() {
		var id string
		if rows.Scan(&id) == nil {
			lines = append(lines, id)
		}
	}
	rows.Close()
	out := []Offer{}
	for _, lineID := range lines {
		ks := pr.router.keys(lineID)
		offers, err := pr.kv.HGetAll(ctx, ks[2]).Result()
		if err != nil {
			return nil, err
		}
		for conv, csv := range offers {
			if !strings.Contains(","+csv+",", ","+sc.UserID+",") {
				continue
			}
			dl, _ := pr.kv.ZScore(ctx, ks[1], conv).Result()
			out = append(out, Offer{ConversationID: conv, LineID: lineID, Deadline: int64(dl)})
		}
	}
	return out, nil
}
