package db

import (
	"context"
	"database/sql/driver"
	"sync"
	"time"
)

// breakerRetry is how often, while the database is known to be down, one
// connection attempt is let through to see whether it is back. Every
// other attempt fails at once, so a request never waits on a database that
// is gone, and an outage costs the server one dial per interval instead of
// one per request.
const breakerRetry = 250 * time.Millisecond

// breaker remembers that PostgreSQL could not be reached. It is fed by the
// pool's connection attempts and by fatal errors that the server sends on
// open connections (a shutdown, a terminated backend).
type breaker struct {
	mu      sync.Mutex
	down    bool
	cause   error
	nextTry time.Time
	trying  bool
	// onChange runs (in its own goroutine) when the state flips; the
	// pool uses it to drop idle connections, the hub to log once.
	onChange []func(down bool, cause error)
}

// admit decides whether a connection attempt may go to the server.
func (b *breaker) admit() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.down {
		return nil
	}
	now := time.Now()
	if b.trying || now.Before(b.nextTry) {
		return unavailable(b.cause)
	}
	b.trying, b.nextTry = true, now.Add(breakerRetry)
	return nil
}

// record takes the outcome of a connection attempt or a server error.
func (b *breaker) record(err error) {
	b.mu.Lock()
	b.trying = false
	wasDown := b.down
	switch {
	case err == nil:
		b.down, b.cause = false, nil
	case IsUnavailable(err):
		b.down, b.cause = true, err
		if !wasDown {
			// The next dial goes through as the first trial: when one
			// backend was terminated and the server is fine, the breaker
			// closes again at once.
			b.nextTry = time.Now()
		}
	default:
		// An attempt that failed for another reason (a wrong password)
		// says nothing about reachability.
		b.mu.Unlock()
		return
	}
	down, cause, hooks := b.down, b.cause, b.onChange
	b.mu.Unlock()
	if down != wasDown {
		for _, f := range hooks {
			go f(down, cause)
		}
	}
}

// state returns the cause of the outage, or nil.
func (b *breaker) state() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.down {
		return nil
	}
	return unavailable(b.cause)
}

// guardedConnector puts the breaker in front of the driver's dialling.
type guardedConnector struct {
	driver.Connector
	b *breaker
}

func (c guardedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := c.b.admit(); err != nil {
		return nil, err
	}
	conn, err := c.Connector.Connect(ctx)
	if ctx.Err() != nil && err != nil {
		// The caller gave up; that says nothing about the server, but
		// admit's trial must be released.
		c.b.mu.Lock()
		c.b.trying = false
		c.b.mu.Unlock()
		return nil, err
	}
	c.b.record(err)
	if err != nil && IsUnavailable(err) {
		return nil, unavailable(err)
	}
	return conn, err
}

// Unavailable returns an error wrapping ErrUnavailable while the database
// is known to be out of reach (PostgreSQL: its last connection attempt
// failed, or it announced a shutdown), and nil otherwise. It costs no
// round trip, so every request may ask.
func (d *DB) Unavailable() error {
	if d.breaker == nil {
		return nil
	}
	return d.breaker.state()
}

// OnAvailability registers f to run when the database goes out of reach
// (down true, with the cause) and when it is back. Register before serving.
func (d *DB) OnAvailability(f func(down bool, cause error)) {
	if d.breaker == nil {
		return
	}
	d.breaker.mu.Lock()
	d.breaker.onChange = append(d.breaker.onChange, f)
	d.breaker.mu.Unlock()
}
