package widget

import (
	"context"
	"sync"
	"time"
)

// Operators is what visitors see of the operators who answer them: their
// names and the addresses of their photos, kept for a minute.
type Operators struct {
	org   Staff // nil: replies show no author
	names *nameCache
}

type nameCache struct {
	mu sync.Mutex
	m  map[string]cachedName
}

type cachedName struct {
	name, avatar string
	at           time.Time
}

func newNameCache() *nameCache { return &nameCache{m: map[string]cachedName{}} }

// name is what the visitor sees as the author of a reply: the operator's
// name, or nothing for automatic replies.
func (o *Operators) name(ctx context.Context, userID string) string {
	name, _ := o.operator(ctx, userID)
	return name
}

// operator is the operator's name and the address of their photo ("" if
// they have none), kept for a minute: a new photo shows within it.
func (o *Operators) operator(ctx context.Context, userID string) (name, avatar string) {
	if userID == "" || o.org == nil {
		return "", ""
	}
	o.names.mu.Lock()
	c, ok := o.names.m[userID]
	o.names.mu.Unlock()
	if ok && time.Since(c.at) < time.Minute {
		return c.name, c.avatar
	}
	u, err := o.org.GetUser(ctx, system, userID)
	if err != nil {
		return "", ""
	}
	key, err := o.org.AvatarKey(ctx, userID)
	if err != nil {
		return u.FullName, ""
	}
	if key != "" {
		avatar = AvatarPath + key
	}
	o.names.mu.Lock()
	o.names.m[userID] = cachedName{name: u.FullName, avatar: avatar, at: time.Now()}
	o.names.mu.Unlock()
	return u.FullName, avatar
}
