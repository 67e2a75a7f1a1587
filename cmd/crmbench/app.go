package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is the app under measurement, a child process serving on this
// machine's loopback.
type server struct {
	cmd     *exec.Cmd
	base    string // e.g. http://127.0.0.1:41234
	metrics string // its METRICS_ADDR, as a URL
	logPath string
	exited  chan error
	stopped sync.Once
}

// startServer starts o.app serve on the bench database with env added to
// its environment, and waits until it is ready.
func startServer(ctx context.Context, o options, dbURL string, env ...string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	metricsAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logFile, err := os.CreateTemp("", "crmbench-app-*.log")
	if err != nil {
		return nil, fmt.Errorf("create the app's log: %w", err)
	}
	defer logFile.Close()
	cmd := exec.Command(o.app, "serve")
	// Each request is logged, as in production; to a file, which the
	// bench leaves for a look when something fails.
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "ADDR="+addr, "METRICS_ADDR="+metricsAddr, "LOG_LEVEL=info")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s serve: %w", o.app, err)
	}
	s := &server{cmd: cmd, base: "http://" + addr, metrics: "http://" + metricsAddr, logPath: logFile.Name(), exited: make(chan error, 1)}
	go func() { s.exited <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.exited:
			return nil, fmt.Errorf("%s serve exited before it was ready (%v); its log is %s", o.app, err, s.logPath)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s serve was not ready within a minute; its log is %s", o.app, s.logPath)
		}
	}
}

// freeAddr is a loopback address with a port nobody listens on.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// stop asks the app to drain and stop, as a deployment would; once.
func (s *server) stop() {
	s.stopped.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	})
}

// memory is the app's resident memory now and at its peak, from
// /proc/PID/status.
func (s *server) memory() (rss, peak int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0, fmt.Errorf("read the app's memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, _ := strings.Cut(sc.Text(), ":")
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		switch name {
		case "VmRSS":
			rss = kb << 10
		case "VmHWM":
			peak = kb << 10
		}
	}
	return rss, peak, sc.Err()
}

// metric reads one unlabelled sample of the app's /metrics, such as
// go_goroutines.
func (s *server) metric(name string) (float64, error) {
	resp, err := http.Get(s.metrics + "/metrics")
	if err != nil {
		return 0, fmt.Errorf("scrape the app's metrics: %w", err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			return strconv.ParseFloat(v, 64)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("the app's /metrics has no %s", name)
}

// clients are HTTP clients of the app: each keeps up to n connections
// open, like that many browser tabs.
func httpClient(n int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{MaxIdleConns: n, MaxIdleConnsPerHost: n, MaxConnsPerHost: n, IdleConnTimeout: time.Minute},
		Timeout:   30 * time.Second,
		// A plain form post is answered with a redirect; the bench wants
		// the answer itself.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// signIn signs r in on s through the sign-in form and returns a client
// carrying the session cookie.
func (s *server) signIn(r rep, conns int) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := httpClient(conns)
	c.Jar = jar
	resp, err := c.PostForm(s.base+"/login", url.Values{"email": {r.email}, "password": {r.password}, "next": {"/leads"}})
	if err != nil {
		return nil, fmt.Errorf("sign in as %s: %w", r.email, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign in as %s: %s", r.email, resp.Status)
	}
	u, _ := url.Parse(s.base)
	if len(jar.Cookies(u)) == 0 {
		return nil, errors.New("signed in but got no session cookie")
	}
	return c, nil
}
