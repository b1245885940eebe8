package inbox

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	ingested   *prometheus.CounterVec
	batchSize  prometheus.Histogram
	groupSize  prometheus.Histogram
	postsOne   prometheus.Counter
	assignsOne prometheus.Counter
	closesOne  prometheus.Counter
	// groupsRedone counts groups written again with a savepoint for every
	// write, after a write failed where it had none (or in the posts'
	// shared statement).
	groupsRedone prometheus.Counter
	firstOne     *prometheus.CounterVec
	routed       *prometheus.CounterVec
	dispatched   *prometheus.CounterVec
}

func newMetrics(r prometheus.Registerer) metrics {
	m := metrics{
		ingested: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "profhub_inbox_ingested_total",
			Help: "Inbound messages by result (new, duplicate, error)."}, []string{"result"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "profhub_inbox_commit_batch_size",
			Help: "Inbound messages committed per transaction (group commit).", Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256}}),
		groupSize: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "profhub_inbox_write_group_size",
			Help: "Operators' replies and notes committed per transaction (group commit).", Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128}}),
		postsOne: prometheus.NewCounter(prometheus.CounterOpts{Name: "profhub_inbox_posts_stored_together_total",
			Help: "Replies and notes a group stored in one statement (PostgreSQL)."}),
		assignsOne: prometheus.NewCounter(prometheus.CounterOpts{Name: "profhub_inbox_assignments_stored_together_total",
			Help: "Takes and transfers a group wrote in one statement (PostgreSQL), refused ones included."}),
		closesOne: prometheus.NewCounter(prometheus.CounterOpts{Name: "profhub_inbox_closes_stored_together_total",
			Help: "Closes a group wrote in one statement (PostgreSQL), refused ones included."}),
		groupsRedone: prometheus.NewCounter(prometheus.CounterOpts{Name: "profhub_inbox_write_groups_redone_total",
			Help: "Write groups written again with a savepoint for each write, after one write failed."}),
		firstOne: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "profhub_inbox_first_created_together_total",
			Help: "Contacts and conversations of first messages a batch created in one statement (PostgreSQL)."}, []string{"kind"}),
		routed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "profhub_inbox_routing_decisions_total",
			Help: "Routing decisions by kind."}, []string{"decision"}),
		dispatched: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "profhub_inbox_dispatch_total",
			Help: "Outbound send attempts by channel kind and result."}, []string{"kind", "result"}),
	}
	if r != nil {
		r.MustRegister(m.ingested, m.batchSize, m.groupSize, m.postsOne, m.assignsOne, m.closesOne, m.groupsRedone, m.firstOne, m.routed, m.dispatched)
	}
	return m
}
