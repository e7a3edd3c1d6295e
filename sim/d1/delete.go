package d1

import "context"

// Delete deletes a card for good, with all its digital cards; its id may be reused afterwards.
func (s *Service) Delete(ctx context.Context, caller Caller, issuerID, cardID string, reason Reason) (Operation, error) {
	return s.issuerOperation(ctx, caller, issuerID, cardID, OpDelete, reason)
}
