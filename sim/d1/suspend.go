package d1

import "context"

// Suspend deactivates an ACTIVE card until it is resumed, for example after a loss; its digital cards stay.
func (s *Service) Suspend(ctx context.Context, caller Caller, issuerID, cardID string, reason Reason) (Operation, error) {
	return s.issuerOperation(ctx, caller, issuerID, cardID, OpSuspend, reason)
}
