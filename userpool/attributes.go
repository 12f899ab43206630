package userpool

import (
	"context"

	"github.com/authflow/authflow/flow"
)

// applyWithMoves writes u (created or updated from version old) together
// with the alias moves, all or nothing.
func (s *Service) applyWithMoves(ctx context.Context, kind flow.ChangeKind, u *flow.User, old uint64, moves []flow.Change) error {
	return s.dir.Apply(ctx, append([]flow.Change{{Kind: kind, User: u, Version: old}}, moves...)...)
}
