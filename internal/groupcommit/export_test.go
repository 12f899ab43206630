package groupcommit

// Queued reports how many callers wait for the next batch.
func (c *Committer) Queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue)
}
