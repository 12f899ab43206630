package flowtest

import (
	"context"
	"sync"

	"github.com/authflow/authflow/flow"
)

// Outbox is a flow.Sender that keeps every message.
type Outbox struct {
	mu   sync.Mutex
	msgs []flow.Message
}

// Send implements flow.Sender.
func (o *Outbox) Send(_ context.Context, m flow.Message) error {
	o.mu.Lock()
	o.msgs = append(o.msgs, m)
	o.mu.Unlock()
	return nil
}

// Messages returns the messages sent so far, oldest first.
func (o *Outbox) Messages() []flow.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]flow.Message(nil), o.msgs...)
}

// Last returns the newest message for username and purpose ("" = any).
func (o *Outbox) Last(username, purpose string) (flow.Message, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.msgs) - 1; i >= 0; i-- {
		m := o.msgs[i]
		if m.Username == username && (purpose == "" || m.Purpose == purpose) {
			return m, true
		}
	}
	return flow.Message{}, false
}
