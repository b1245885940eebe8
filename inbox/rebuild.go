package inbox

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

func redisZ(score float64, member string) redis.Z { return redis.Z{Score: score, Member: member} }

// ensureBuilt rebuilds the routing state from SQL when Redis has none: on
// the first start, after a restart without persistence or a FLUSHALL. The
// marker key says it is there; a lock keeps nodes from rebuilding at once.
func (rt *Routing) ensureBuilt(ctx context.Context) error {
	marker := rt.kv.Key("inbox", "built")
	n, err := rt.kv.Exists(ctx, marker).Result()
	if err != nil || n == 1 {
		return err
	}
	lock := rt.kv.Key("inbox", "rebuild-lock")
	ok, err := rt.kv.SetNX(ctx, lock, rt.node, 30*time.Second).Result()
	if err != nil || !ok {
		return err
	}
	defer rt.kv.Del(context.WithoutCancel(ctx), lock)
	ids, err := rt.allLineIDs(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := rt.rebuildLine(ctx, id); err != nil {
			return err
		}
	}
	if err := rt.kv.Set(ctx, marker, time.Now().UnixMilli(), 0).Err(); err != nil {
		return err
	}
	rt.log.Info("routing state rebuilt from SQL", "lines", len(ids))
	for _, id := range ids {
		rt.router.kickLine(id)
	}
	return nil
}

// rebuildLine replaces a line's Redis state with what SQL says: the queue
// of waiting conversations, who has which active one, the operators with
// their order, capacity and (live) presence. Pending offers are dropped;
// routing makes them again.
func (rt *Routing) rebuildLine(ctx context.Context, lineID string) error {
	rt.lines.drop(lineID)
	line, err := rt.lineByID(ctx, lineID)
	if err != nil {
		return err
	}
	ks := rt.router.keys(lineID)
	pipe := rt.kv.TxPipeline()
	pipe.Del(ctx, ks...)

	rows, err := rt.db.QueryContext(ctx, `SELECT c.id, c.status, c.assignee_id, c.priority, c.queued_at, ct.last_operator_id
		FROM inbox_conversations c JOIN inbox_contacts ct ON ct.id = c.contact_id
		WHERE c.line_id = $1 AND c.status <> 'closed'`, lineID)
	if err != nil {
		return fmt.Errorf("inbox: rebuild: %w", err)
	}
	load := map[string]int{}
	for rows.Next() {
		var id, status, assignee, last string
		var prio int
		var queued int64
		if err := rows.Scan(&id, &status, &assignee, &prio, &queued, &last); err != nil {
			rows.Close()
			return fmt.Errorf("inbox: rebuild: %w", err)
		}
		switch status {
		case StatusWaiting:
			pipe.ZAdd(ctx, ks[0], redisZ(queueScore(prio, queued), id))
			if line.Sticky && last != "" {
				pipe.HSet(ctx, ks[9], id, last)
			}
		case StatusActive:
			pipe.HSet(ctx, ks[10], id, assignee)
			load[assignee]++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("inbox: rebuild: %w", err)
	}
	for op, n := range load {
		pipe.HSet(ctx, ks[4], op, n)
	}
	wrote, err := rt.mirrorOperators(ctx, pipe, line)
	if err != nil {
		return err
	}
	if _, err = pipe.Exec(ctx); err != nil {
		return err
	}
	return recheckMirror(ctx, rt.core, line, wrote)
}

// mirrorOperators writes a line's operators, capacities and live presence
// into its Redis keys (inside the caller's pipeline). It answers the
// presence it read, for recheckMirror once the pipeline ran.
func (rt *Routing) mirrorOperators(ctx context.Context, pipe redis.Pipeliner, line Line) (map[string]string, error) {
	ks := rt.router.keys(line.ID)
	states, err := livePresences(ctx, rt.core, line.Operators)
	if err != nil {
		return nil, err
	}
	pipe.Del(ctx, ks[5], ks[6], ks[3])
	for _, o := range line.Operators {
		pipe.ZAdd(ctx, ks[6], redisZ(float64(o.Position), o.UserID))
		pipe.HSet(ctx, ks[5], o.UserID, o.CapacityIn(line))
		pipe.HSet(ctx, ks[3], o.UserID, states[o.UserID])
	}
	return states, nil
}

// mirrorReadHook, when a test sets it, runs between the mirror's reading
// of live presence and its write.
var mirrorReadHook func()

// livePresences reads the operators' live presence in one round trip.
func livePresences(ctx context.Context, c *core, ops []LineOperator) (map[string]string, error) {
	pipe := c.kv.Pipeline()
	cmds := make([]*redis.StringCmd, len(ops))
	for i, o := range ops {
		cmds[i] = pipe.Get(ctx, c.aliveKey(o.UserID))
	}
	if _, err := pipe.Exec(ctx); err != nil && !isNil(err) {
		return nil, err
	}
	out := make(map[string]string, len(ops))
	for i, o := range ops {
		v, err := cmds[i].Result()
		switch {
		case isNil(err):
			v = Offline
		case err != nil:
			return nil, err
		}
		out[o.UserID] = v
	}
	if mirrorReadHook != nil {
		mirrorReadHook()
	}
	return out, nil
}

// recheckMirror repairs what a mirror's write undid: an operator whose
// presence changed between the mirror's read and its write (the console
// going online just as the line was first listed) was set back to the
// state read before, and no kick would ever bring them offers. Reading
// again after the write and writing what changed closes that window: a
// later change writes the line's hash itself.
func recheckMirror(ctx context.Context, c *core, line Line, wrote map[string]string) error {
	now, err := livePresences(ctx, c, line.Operators)
	if err != nil {
		return err
	}
	changed := map[string]any{}
	for op, st := range now {
		if wrote[op] != st {
			changed[op] = st
		}
	}
	if len(changed) == 0 {
		return nil
	}
	return c.kv.HSet(ctx, c.router.keys(line.ID)[3], changed).Err()
}

// lineChanged is called after a line's settings or operators change.
func (rt *Routing) lineChanged(ctx context.Context, lineID string) {
	rt.lines.drop(lineID)
	line, err := rt.lineByID(ctx, lineID)
	if err == nil {
		pipe := rt.kv.TxPipeline()
		var wrote map[string]string
		if wrote, err = rt.mirrorOperators(ctx, pipe, line); err == nil {
			if _, err = pipe.Exec(ctx); err == nil {
				err = recheckMirror(ctx, rt.core, line, wrote)
			}
		}
	}
	if err != nil {
		rt.log.Warn("redis: line mirror failed; the sweeper rebuilds it", "line", lineID, "err", err)
		_ = rt.kv.Del(ctx, rt.kv.Key("inbox", "built")).Err()
	}
	rt.router.kickLine(lineID)
	rt.events.ephemeral(ctx, &Event{Kind: EvLinesChanged, LineID: lineID, At: time.Now()})
}
