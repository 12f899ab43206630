package cognitoserver

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/userpool"
)

// outboxSize bounds the messages an Outbox keeps; older ones are dropped.
const outboxSize = 1000

// OutboxMessage is one delivered code as GET /local/outbox lists it.
type OutboxMessage struct {
	Pool        string    `json:"pool"`
	Username    string    `json:"username"`
	Purpose     string    `json:"purpose"`
	Medium      string    `json:"medium"`
	Destination string    `json:"destination"`
	Code        string    `json:"code"`
	Time        time.Time `json:"time"`
	// Message and Subject are the text a CustomMessage trigger composed
	// (the code in place), when one did.
	Message string `json:"message,omitempty"`
	Subject string `json:"subject,omitempty"`
}

// Outbox is the server's flow.Sender: instead of sending SMS or email it
// keeps the newest messages in memory, for GET /local/outbox. It logs each
// delivery (purpose, pool, user, medium) without the code. When disabled
// (-outbox was not given) it keeps nothing. An Outbox is safe for
// concurrent use.
type Outbox struct {
	log     *slog.Logger
	base    string
	enabled bool
	now     func() time.Time

	mu   sync.Mutex
	msgs []OutboxMessage // oldest first
}

// NewOutbox returns an Outbox logging to log; base is the server's URL,
// for the hint in the log.
func NewOutbox(log *slog.Logger, base string, enabled bool) *Outbox {
	return &Outbox{log: log, base: base, enabled: enabled, now: time.Now}
}

// Send implements flow.Sender.
func (o *Outbox) Send(ctx context.Context, m flow.Message) error {
	return o.SendText(ctx, m, userpool.MessageText{})
}

// SendText implements userpool.TextSender: the outbox also keeps the text
// a CustomMessage trigger composed.
func (o *Outbox) SendText(ctx context.Context, m flow.Message, text userpool.MessageText) error {
	attrs := []slog.Attr{slog.String("purpose", m.Purpose), slog.String("pool", m.PoolID),
		slog.String("username", m.Username), slog.String("medium", m.Medium)}
	if !o.enabled {
		o.log.LogAttrs(ctx, slog.LevelWarn, "code not delivered: no sender, and the outbox is off (use -outbox)", attrs...)
		return nil
	}
	o.mu.Lock()
	o.msgs = append(o.msgs, OutboxMessage{Pool: m.PoolID, Username: m.Username, Purpose: m.Purpose, Medium: m.Medium,
		Destination: m.Destination, Code: m.Code, Time: o.now().UTC(), Message: text.SMSMessage})
	if m.Medium == challenge.DeliveryMediumEmail {
		o.msgs[len(o.msgs)-1].Message, o.msgs[len(o.msgs)-1].Subject = text.EmailMessage, text.EmailSubject
	}
	if len(o.msgs) > outboxSize {
		o.msgs = append(o.msgs[:0:0], o.msgs[len(o.msgs)-outboxSize:]...)
	}
	o.mu.Unlock()
	q := url.Values{"pool": {m.PoolID}, "username": {m.Username}}
	attrs = append(attrs, slog.String("read_at", o.base+"/local/outbox?"+q.Encode()))
	o.log.LogAttrs(ctx, slog.LevelInfo, "code delivered to the outbox", attrs...)
	return nil
}

// Messages returns the messages for pool and username ("" matches any),
// newest first.
func (o *Outbox) Messages(pool, username string) []OutboxMessage {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := []OutboxMessage{}
	for i := len(o.msgs) - 1; i >= 0; i-- {
		m := o.msgs[i]
		if (pool == "" || m.Pool == pool) && (username == "" || m.Username == username) {
			out = append(out, m)
		}
	}
	return out
}

// ServeHTTP answers GET /local/outbox?pool=<id>&username=<name> with a
// JSON array of that user's messages, newest first. Both parameters are
// required: the outbox never lists the codes of every user at once. It
// sends no CORS headers, so pages of other origins cannot read it.
func (o *Outbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pool, username := q.Get("pool"), q.Get("username")
	if pool == "" || username == "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"message":"pool and username are required"}` + "\n"))
		return
	}
	body, err := json.Marshal(o.Messages(pool, username))
	if err != nil {
		http.Error(w, `{"message":"internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}
