package httpapi

import (
	"context"
	"fmt"

	"github.com/issuersim/issuersim/gen/bulks"
	"github.com/issuersim/issuersim/sim/bulk"
)

// Bulks serves openapi/bulks.yaml: the noname bulk operations here, the embossing ones in embossing.go. Each
// method turns the request into one command and the result into the vendor's response.
type Bulks struct {
	svc *bulk.Service
	*Embossing
}

var _ bulks.StrictServerInterface = (*Bulks)(nil)

var bulkFields = vendorFields{bulk.FieldBulk: "bulkID"}

// CreateBulk registers a noname bulk; 201 with the bulk in status CREATED.
func (a *Bulks) CreateBulk(ctx context.Context, req bulks.CreateBulkRequestObject) (bulks.CreateBulkResponseObject, error) {
	b := req.Body
	in := bulk.CreateInput{ProgramID: b.ProgramId, ExternalIDs: b.ExternalIds, Settings: bulk.Settings{
		TemplateID: b.TemplateId, PINLength: int(deref(b.PinLength)), AbuEnabled: deref(b.AbuEnabled),
		ContactlessEnabled: b.ContactlessEnabled == nil || *b.ContactlessEnabled, EmbossingCustomField: b.EmbossingCustomField,
		EmbossingGroup: b.EmbossingGroup, ModeType: (*string)(b.ModeType), ValidityPeriodHours: b.ValidityPeriodHours,
	}}
	if b.Metadata != nil {
		in.Settings.Metadata = *b.Metadata
	}
	created, err := a.svc.Create(ctx, caller(ctx).Tenant, in)
	if err != nil {
		return nil, fmt.Errorf("create bulk: %w", err)
	}
	return bulks.CreateBulk201JSONResponse(bulkResponse(created)), nil
}

// IncrementBulk adds external ids to a CREATED bulk; 201 with the bulk's new size.
func (a *Bulks) IncrementBulk(ctx context.Context, req bulks.IncrementBulkRequestObject) (bulks.IncrementBulkResponseObject, error) {
	b, err := a.svc.Increment(ctx, caller(ctx).Tenant, req.BulkID, req.Body.ExternalIds)
	if err != nil {
		return nil, fmt.Errorf("increment bulk %s: %w", req.BulkID, bulkFields.rename(err))
	}
	return bulks.IncrementBulk201JSONResponse(bulkResponse(b)), nil
}

// StartBulk starts making a bulk's cards; 202 with the bulk RUNNING.
func (a *Bulks) StartBulk(ctx context.Context, req bulks.StartBulkRequestObject) (bulks.StartBulkResponseObject, error) {
	b, err := a.svc.Start(ctx, caller(ctx).Tenant, req.BulkID)
	if err != nil {
		return nil, fmt.Errorf("start bulk %s: %w", req.BulkID, bulkFields.rename(err))
	}
	return bulks.StartBulk202JSONResponse(bulkResponse(b)), nil
}

// CancelBulk accepts a FULL or PARTIAL cancellation; 202, the outcome follows as noname_cancellation-1 events.
func (a *Bulks) CancelBulk(ctx context.Context, req bulks.CancelBulkRequestObject) (bulks.CancelBulkResponseObject, error) {
	full := req.Body.CancelType == bulks.CancelTypeFull
	if err := a.svc.Cancel(ctx, caller(ctx).Tenant, req.BulkID, full, deref(req.Body.ExternalIds)); err != nil {
		return nil, fmt.Errorf("cancel bulk %s: %w", req.BulkID, bulkFields.rename(err))
	}
	return bulks.CancelBulk202Response{}, nil
}

func bulkResponse(b bulk.Bulk) bulks.BulkResponse {
	s := b.Settings
	r := bulks.BulkResponse{
		Id: b.ID, ProgramId: b.ProgramID, Size: len(b.Items), Status: bulks.BulkStatus(b.Status), TemplateId: s.TemplateID,
		AbuEnabled: &s.AbuEnabled, ContactlessEnabled: &s.ContactlessEnabled, EmbossingCustomField: s.EmbossingCustomField,
		ValidityPeriodHours: s.ValidityPeriodHours,
	}
	if s.Metadata != nil {
		m := map[string]any(s.Metadata)
		r.Metadata = &m
	}
	return r
}
