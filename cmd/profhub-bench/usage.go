package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Every scenario reports what the hub itself spent beside what the load
// generator spent: with the hub in its own process (the default) the two
// are separate, so a figure like "the mailing's memory" is the hub's and
// not the SMTP sink's or the clients'.

// usage is one process's CPU time and peak resident memory so far.
type usage struct {
	cpuS      float64 // user + system seconds
	peakRSSMB float64 // VmHWM
	known     bool
}

// procUsage reads pid's usage from /proc (Linux; unknown elsewhere).
func procUsage(pid int) usage {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return usage{}
	}
	// The command name (field 2) may hold spaces; the fields after its
	// closing parenthesis are space-separated: utime and stime are the
	// 14th and 15th of the line, the 12th and 13th after the name.
	s := string(stat)
	rest := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(rest) < 13 {
		return usage{}
	}
	ut, _ := strconv.ParseFloat(rest[11], 64)
	st, _ := strconv.ParseFloat(rest[12], 64)
	u := usage{cpuS: (ut + st) / clockTicks, known: true}
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err == nil {
		for _, l := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
				u.peakRSSMB = kb / 1024
			}
		}
	}
	return u
}

// clockTicks is USER_HZ, the unit of /proc's times: 100 on every Linux
// the bench runs on (the kernel's ABI fixes it for userspace).
const clockTicks = 100

// selfUsage is this process's usage from getrusage.
func selfUsage() usage {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return usage{}
	}
	cpu := float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
	return usage{cpuS: cpu, peakRSSMB: float64(ru.Maxrss) / 1024, known: true}
}

// usageFields is the part of a RESULT line naming where the hub ran and
// what it and the load generator spent. An in-process hub shares the
// bench's process, so its figures include the clients': the mode says so.
func (t *target) usageFields() string {
	client := selfUsage()
	hub := t.hubUsage()
	f := func(u usage, v float64) string {
		if !u.known {
			return "?"
		}
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return fmt.Sprintf("mode=%s hub_cpu_s=%s hub_peak_rss_mb=%s client_cpu_s=%s client_peak_rss_mb=%s",
		t.mode, f(hub, hub.cpuS), f(hub, hub.peakRSSMB), f(client, client.cpuS), f(client, client.peakRSSMB))
}

// hubUsage is the hub's usage: read at stop when the hub has stopped (its
// process is gone by then), else now.
func (t *target) hubUsage() usage {
	if t.finalHub.known {
		return t.finalHub
	}
	switch {
	case t.mode == modeInProcess:
		return selfUsage()
	case t.hubPID > 0:
		return procUsage(t.hubPID)
	}
	return usage{}
}

// The modes a scenario's hub runs in.
const (
	modeProcess   = "hub-process" // a child process of the bench (default)
	modeInProcess = "in-process"  // inside the bench: figures include the clients
	modeRemote    = "remote"      // --url: measured only with --hub-pid
)
