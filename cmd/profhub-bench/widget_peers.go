package main

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// widgetSetup is the line, widget channel and operators of the scenario.
type widgetSetup struct {
	channelID string
	opTokens  []string
}

func setupWidget(ctx context.Context, t *target, operators int) (*widgetSetup, error) {
	unitID, ids, tokens, err := benchOperators(ctx, t, operators, "wbench", "Оператор сайта")
	if err != nil {
		return nil, err
	}
	stamp := time.Now().UnixNano()
	s := &widgetSetup{opTokens: tokens}
	var ops []map[string]any
	for _, id := range ids {
		// Supervisors may answer any conversation of the line, so the
		// operators echo without taking turns.
		ops = append(ops, map[string]any{"user_id": id, "supervisor": true})
	}
	var line struct{ ID string }
	if _, err := t.call(ctx, t.token, "POST", "/api/v1/inbox/lines", map[string]any{"name": fmt.Sprintf("Сайт %d", stamp),
		"unit_id": unitID, "routing_mode": "manual", "operators": ops}, &line); err != nil {
		return nil, err
	}
	// The visitors all come from a few loopback addresses: the channel's
	// own limits let them (the defaults allow 50 sockets per address).
	var ch struct{ Channel struct{ ID string } }
	if _, err := t.call(ctx, t.token, "POST", "/api/v1/inbox/channels", map[string]any{"line_id": line.ID, "kind": "widget",
		"name": "bench", "settings": map[string]string{"allowed_origins": "*", "limit_sessions_per_ip_hour": "1000000",
			"limit_sockets_per_ip": "100000", "limit_messages_per_second": "100", "limit_message_burst": "100"}}, &ch); err != nil {
		return nil, err
	}
	s.channelID = ch.Channel.ID
	for _, tok := range s.opTokens {
		if _, err := t.call(ctx, tok, "POST", "/api/v1/inbox/presence", map[string]string{"status": "online"}, nil); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// visitor is one simulated browser with its socket.
type visitor struct {
	n     int
	token string
	conn  *websocket.Conn
	open  atomic.Bool
	hello chan struct{}
}

// connectVisitors starts V sessions and opens their sockets from the
// source addresses in turn, a few at a time.
func connectVisitors(ctx context.Context, t *target, s *widgetSetup, f widgetFlags, rec *chatRecorder) ([]*visitor, error) {
	clients := make([]*http.Client, f.sources)
	for i := range clients {
		d := &net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(1+i))}}
		clients[i] = &http.Client{Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 64}}
	}
	vs := make([]*visitor, f.visitors)
	var next atomic.Int64
	var firstErr error
	var errMu sync.Mutex
	var wg sync.WaitGroup
	for range f.dialers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(vs) {
					return
				}
				v, err := dialVisitor(ctx, t, s, clients[i%len(clients)], i, rec)
				if err != nil {
					errMu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("visitor %d: %w", i, err)
					}
					errMu.Unlock()
					next.Store(int64(len(vs)))
					return
				}
				vs[i] = v
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		closeVisitors(vs)
		return nil, firstErr
	}
	return vs, nil
}

func dialVisitor(ctx context.Context, t *target, s *widgetSetup, hc *http.Client, n int, rec *chatRecorder) (*visitor, error) {
	body := fmt.Sprintf(`{"name":"Посетитель %d","contact":"visitor%d@example.org","consent":true}`, n, n)
	req, err := http.NewRequestWithContext(ctx, "POST", t.base+"/widget/v1/session/"+s.channelID, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/plain")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	var sess struct{ Token string }
	err = json.NewDecoder(resp.Body).Decode(&sess)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("session: %d %v", resp.StatusCode, err)
	}
	url := strings.Replace(t.base, "http", "ws", 1) + "/widget/v1/ws/" + s.channelID + "?token=" + sess.Token
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: hc})
	if err != nil {
		return nil, err
	}
	v := &visitor{n: n, token: sess.Token, conn: conn, hello: make(chan struct{})}
	v.open.Store(true)
	go v.read(ctx, rec)
	select {
	case <-v.hello:
		return v, nil
	case <-time.After(30 * time.Second):
		return nil, fmt.Errorf("no hello")
	}
}

type visitorFrame struct {
	Type     string `json:"type"`
	ClientID string `json:"client_id"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Messages []struct {
		Direction string `json:"direction"`
		Text      string `json:"text"`
		ClientID  string `json:"client_id"`
	} `json:"messages"`
}

func (v *visitor) read(ctx context.Context, rec *chatRecorder) {
	defer v.open.Store(false)
	helloed := false
	for {
		_, b, err := v.conn.Read(ctx)
		if err != nil {
			if ctx.Err() == nil && !closing.Load() && websocket.CloseStatus(err) == -1 {
				fmt.Fprintf(os.Stderr, "visitor %d: socket lost: %v\n", v.n, err)
			}
			return
		}
		now := time.Now()
		var f visitorFrame
		if json.Unmarshal(b, &f) != nil {
			continue
		}
		switch f.Type {
		case "hello":
			if !helloed {
				helloed = true
				close(v.hello)
			}
		case "ack":
			rec.acked(f.ClientID, now)
		case "error":
			rec.refused(f.ClientID, f.Code+": "+f.Message)
		case "messages":
			for _, m := range f.Messages {
				switch {
				case m.Direction == "in":
					rec.own(m.ClientID)
				case m.Direction == "out" && strings.HasPrefix(m.Text, "echo "):
					rec.echo(strings.TrimPrefix(m.Text, "echo "), now)
				}
			}
		}
	}
}

func (v *visitor) send(ctx context.Context, rec *chatRecorder, clientID string) error {
	rec.sent(clientID)
	b := fmt.Appendf(nil, `{"type":"message","client_id":%q,"text":"bench %s"}`, clientID, clientID)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := v.conn.Write(wctx, websocket.MessageText, b); err != nil {
		rec.unsent(clientID)
		return err
	}
	return nil
}

func countOpen(vs []*visitor) int {
	n := 0
	for _, v := range vs {
		if v != nil && v.open.Load() {
			n++
		}
	}
	return n
}

// closing is set when the bench closes the sockets itself.
var closing atomic.Bool

func closeVisitors(vs []*visitor) {
	closing.Store(true)
	for _, v := range vs {
		if v != nil {
			v.conn.CloseNow()
		}
	}
}

// echoOperator answers the conversations that hash to it with "echo"
// and the text's client id, from a pool of API callers.
type echoOperator struct {
	jobs chan echoJob
	seen map[string]bool
}

type echoJob struct{ conv, clientID string }

func startOperator(ctx context.Context, t *target, s *widgetSetup, me, of int, rec *chatRecorder) (*echoOperator, error) {
	url := strings.Replace(t.base, "http", "ws", 1) + "/api/v1/inbox/ws"
	token := s.opTokens[me]
	dial := func(since int64) (*websocket.Conn, error) {
		u := url
		if since > 0 {
			u += "?since=" + strconv.FormatInt(since, 10)
		}
		conn, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: map[string][]string{"Authorization": {"Bearer " + token}}})
		if err != nil {
			return nil, fmt.Errorf("operator socket: %w", err)
		}
		conn.SetReadLimit(4 << 20)
		return conn, nil
	}
	conn, err := dial(0)
	if err != nil {
		return nil, err
	}
	o := &echoOperator{jobs: make(chan echoJob, 1<<17), seen: map[string]bool{}}
	for range 32 {
		go func() {
			for j := range o.jobs {
				body := map[string]string{"text": "echo " + j.clientID, "client_id": "e-" + j.clientID}
				rec.replying(j.clientID)
				var err error
				for try := 0; try < 3; try++ {
					if _, err = t.call(ctx, token, "POST", "/api/v1/inbox/conversations/"+j.conv+"/messages", body, nil); err == nil {
						break
					}
				}
				if !closing.Load() {
					rec.echoed(err)
				}
			}
		}()
	}
	var current atomic.Pointer[websocket.Conn]
	current.Store(conn)
	go func() {
		// A console the hub finds too slow is closed with "reconnect and
		// resume"; the operator's console then reconnects with the last
		// seq it has and gets the gap from the event log, and so does this.
		var last int64
		for {
			_, b, err := conn.Read(ctx)
			if err != nil {
				if ctx.Err() != nil || closing.Load() {
					return
				}
				if websocket.CloseStatus(err) != websocket.StatusTryAgainLater {
					fmt.Fprintln(os.Stderr, "operator socket closed:", err)
					return
				}
				rec.resumed()
				if conn, err = dial(last); err != nil {
					fmt.Fprintln(os.Stderr, "operator socket not resumed:", err)
					return
				}
				current.Store(conn)
				continue
			}
			now := time.Now()
			evs, seq := operatorEvents(b)
			last = max(last, seq)
			for _, ev := range evs {
				if ev.Kind != "message" || ev.Message == nil || ev.Message.Direction != "in" || ev.Message.ChannelID != s.channelID {
					continue
				}
				cid, ok := strings.CutPrefix(ev.Message.Text, "bench ")
				if !ok || o.seen[cid] {
					continue
				}
				o.seen[cid] = true
				if me == 0 {
					rec.toOperator(cid, now)
				}
				h := fnv.New32a()
				h.Write([]byte(ev.ConversationID))
				if int(h.Sum32())%of == me {
					o.jobs <- echoJob{conv: ev.ConversationID, clientID: cid}
				}
			}
		}
	}()
	go func() {
		tick := time.NewTicker(10 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				_ = current.Load().Write(ctx, websocket.MessageText, []byte(`{"type":"ping"}`))
			}
		}
	}()
	return o, nil
}

type operatorEvent struct {
	Seq            int64  `json:"seq"`
	Kind           string `json:"kind"`
	ConversationID string `json:"conversation_id"`
	Message        *struct {
		Direction string `json:"direction"`
		Text      string `json:"text"`
		ChannelID string `json:"channel_id"`
	} `json:"message"`
}

// operatorEvents decodes a console frame: its events and the highest seq
// it carries (a hello's, or its events').
func operatorEvents(b []byte) ([]operatorEvent, int64) {
	var f struct {
		Seq    int64           `json:"seq"`
		Event  *operatorEvent  `json:"event"`
		Events []operatorEvent `json:"events"`
	}
	if json.Unmarshal(b, &f) != nil {
		return nil, 0
	}
	if f.Event != nil {
		f.Events = append(f.Events, *f.Event)
	}
	seq := f.Seq
	for _, ev := range f.Events {
		seq = max(seq, ev.Seq)
	}
	return f.Events, seq
}
