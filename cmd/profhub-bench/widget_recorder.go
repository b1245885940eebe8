package main

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"time"
)

// chatRecorder follows every visitor message by its client id: sent, acked
// by the hub, seen by an operator, echoed back to the visitor's socket.
type chatRecorder struct {
	mu                    sync.Mutex
	sendAt, replyAt       map[string]time.Time
	acks, ownSeen, echoes map[string]int
	ackLat, opLat, rtLat  []float64
	replyLat              []float64
	opSeen                int
	echoOK, echoFail      int
	refusals              int
	resumes               int // operator sockets the hub closed as too slow, reconnected
}

func newChatRecorder() *chatRecorder {
	return &chatRecorder{sendAt: map[string]time.Time{}, replyAt: map[string]time.Time{}, acks: map[string]int{}, ownSeen: map[string]int{}, echoes: map[string]int{}}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (r *chatRecorder) sent(id string) {
	r.mu.Lock()
	r.sendAt[id] = time.Now()
	r.mu.Unlock()
}

func (r *chatRecorder) unsent(id string) {
	r.mu.Lock()
	delete(r.sendAt, id)
	r.mu.Unlock()
}

func (r *chatRecorder) sentCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sendAt)
}

func (r *chatRecorder) acked(id string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.acks[id]++; r.acks[id] == 1 {
		if s, ok := r.sendAt[id]; ok {
			r.ackLat = append(r.ackLat, ms(at.Sub(s)))
		}
	}
}

func (r *chatRecorder) refused(id, why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.refusals++; r.refusals <= 5 {
		fmt.Fprintf(os.Stderr, "message %s refused: %s\n", id, why)
	}
}

// own counts the visitor's own message coming back on their socket (the
// conversation as the widget shows it); twice is a duplicate.
func (r *chatRecorder) own(id string) {
	r.mu.Lock()
	r.ownSeen[id]++
	r.mu.Unlock()
}

func (r *chatRecorder) toOperator(id string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.opSeen++
	if s, ok := r.sendAt[id]; ok {
		r.opLat = append(r.opLat, ms(at.Sub(s)))
	}
}

// replying notes when an operator's echo of id was posted.
func (r *chatRecorder) replying(id string) {
	r.mu.Lock()
	if _, ok := r.replyAt[id]; !ok {
		r.replyAt[id] = time.Now()
	}
	r.mu.Unlock()
}

func (r *chatRecorder) echoed(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		if r.echoFail++; r.echoFail <= 5 {
			fmt.Fprintln(os.Stderr, "echo:", err)
		}
		return
	}
	r.echoOK++
}

func (r *chatRecorder) resumed() {
	r.mu.Lock()
	r.resumes++
	r.mu.Unlock()
}

func (r *chatRecorder) echo(id string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.echoes[id]++; r.echoes[id] == 1 {
		if s, ok := r.sendAt[id]; ok {
			r.rtLat = append(r.rtLat, ms(at.Sub(s)))
		}
		if s, ok := r.replyAt[id]; ok {
			r.replyLat = append(r.replyLat, ms(at.Sub(s)))
		}
	}
}

// resetLatency starts the timed phase.
func (r *chatRecorder) resetLatency() {
	r.mu.Lock()
	r.ackLat, r.opLat, r.rtLat, r.replyLat = nil, nil, nil, nil
	r.mu.Unlock()
}

// waitEchoes waits until every sent message came back, or timeout.
func (r *chatRecorder) waitEchoes(timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if lost, _ := r.verify(); lost == 0 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// verify counts sent messages whose ack, own copy or echo never came, and
// every extra copy of one.
func (r *chatRecorder) verify() (lost, dup int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id := range r.sendAt {
		if r.acks[id] == 0 || r.ownSeen[id] == 0 || r.echoes[id] == 0 {
			lost++ // once, however many of its copies are missing
		}
		for _, m := range []map[string]int{r.acks, r.ownSeen, r.echoes} {
			dup += int64(max(m[id]-1, 0))
		}
	}
	return lost, dup
}

type chatStats struct {
	acked, seenByOperator, echoed, echoFailed int
	ack, toOp, reply, round, oneWay           [2]float64 // p50, p99
	resumes                                   int
}

func (r *chatRecorder) stats() chatStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return chatStats{acked: len(r.acks), seenByOperator: r.opSeen, echoed: r.echoOK, echoFailed: r.echoFail, resumes: r.resumes,
		ack: p50p99(r.ackLat), toOp: p50p99(r.opLat), reply: p50p99(r.replyLat), round: p50p99(r.rtLat),
		oneWay: p50p99(append(append([]float64(nil), r.opLat...), r.replyLat...))}
}

func p50p99(l []float64) [2]float64 {
	if len(l) == 0 {
		return [2]float64{}
	}
	l = append([]float64(nil), l...)
	sort.Float64s(l)
	at := func(q float64) float64 { return l[min(len(l)-1, int(q*float64(len(l))))] }
	return [2]float64{at(0.50), at(0.99)}
}
