package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	_ "net/http/pprof" // PROFHUB_BENCH_PPROF: the hub's heap and goroutines
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The widget scenario measures the hub's memory, so the hub must not share
// a process with ten thousand client sockets: `profhub-bench hub` starts a
// hub like the scenarios do, prints "HUB <url> <token>" and serves until
// its standard input closes (the parent exited or killed it).

func runHub(ctx context.Context, args []string) error {
	var f targetFlags
	fs := flag.NewFlagSet("hub", flag.ContinueOnError)
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := f.startInProcess(ctx, 64)
	if err != nil {
		return err
	}
	defer t.stop()
	if addr := os.Getenv("PROFHUB_BENCH_PPROF"); addr != "" {
		go func() { fmt.Fprintln(os.Stderr, "pprof:", http.ListenAndServe(addr, nil)) }()
	}
	fmt.Printf("HUB %s %s %s\n", t.base, t.token, t.dataDir)
	gone := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(gone) }()
	select {
	case <-ctx.Done():
	case <-gone:
	}
	return nil
}

// hubProcess is a hub the bench started as its own child.
type hubProcess struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// startHubProcess runs `profhub-bench hub` and waits for its address.
func startHubProcess(ctx context.Context, f targetFlags, conns int) (*target, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"hub"}
	if f.databaseURL != "" {
		args = append(args, "--database-url", f.databaseURL)
	}
	if f.redisURL != "" {
		args = append(args, "--redis-url", f.redisURL)
	}
	cmd := exec.Command(self, args...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &hubProcess{cmd: cmd, stdin: stdin}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "HUB ") {
				line <- sc.Text()
			}
		}
	}()
	select {
	case l := <-line:
		parts := strings.Fields(l)
		t := &target{base: parts[1], token: parts[2], client: newClient(conns), mode: modeProcess, hubPID: cmd.Process.Pid,
			databaseURL: f.databaseURL, dataDir: parts[3]}
		t.stop = func() {
			if t.checkDB != nil {
				t.checkDB.Close()
			}
			p.stop()
			t.finalHub = p.usage()
		}
		return t, nil
	case <-time.After(2 * time.Minute):
	case <-ctx.Done():
	}
	p.stop()
	return nil, fmt.Errorf("the hub process did not start")
}

// usage is the exited hub's own account from the kernel: all its CPU
// and its peak resident memory, shutdown included.
func (p *hubProcess) usage() usage {
	st := p.cmd.ProcessState
	if st == nil {
		return usage{}
	}
	ru, ok := st.SysUsage().(*syscall.Rusage)
	if !ok {
		return usage{}
	}
	return usage{cpuS: (st.UserTime() + st.SystemTime()).Seconds(), peakRSSMB: float64(ru.Maxrss) / 1024, known: true}
}

// stop asks the hub to finish (closing its stdin) and waits for it.
func (p *hubProcess) stop() {
	p.stdin.Close()
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// rssMB reads a process's resident set from /proc (0 if unknown).
func rssMB(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// raiseFileLimit lifts the soft limit on open files to the hard one: every
// socket is a file, and the default soft limit is often 1,024.
func raiseFileLimit() uint64 {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) != nil {
		return 0
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
	return l.Cur
}
