package mailing

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	outcomes *prometheus.CounterVec
	alerts   prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "profhub_mailing_recipients_total", Help: "Campaign ledger rows written, by outcome.",
		}, []string{"status"}),
		alerts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "profhub_mailing_self_pauses_total", Help: "Campaigns that paused themselves (SMTP outage, bad settings).",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.outcomes, m.alerts)
	}
	return m
}

func (m *metrics) count(batch []outcome) {
	n := map[string]int{}
	for _, o := range batch {
		if o.unmark {
			continue // not an outcome: the row is simply still pending
		}
		s := o.status
		if s == "" {
			s = "retry"
		}
		n[s]++
	}
	for s, c := range n {
		m.outcomes.WithLabelValues(s).Add(float64(c))
	}
}
