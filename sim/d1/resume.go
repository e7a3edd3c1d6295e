package d1

import "context"

// Resume reactivates a SUSPENDED card of an ACTIVE end user; CARD_FOUND resumes only a CARD_LOST suspension.
func (s *Service) Resume(ctx context.Context, caller Caller, issuerID, cardID string, reason Reason) (Operation, error) {
	return s.issuerOperation(ctx, caller, issuerID, cardID, OpResume, reason)
}
