package httpapi

import (
	"context"
	"fmt"
	"slices"

	"github.com/issuersim/issuersim/gen/cards"
	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
)

// The rest of the Cards API's surface for a card's life: modes, program migration, ATC reset, the automatic
// updaters and card templates.

var modePathFields = vendorFields{access.FieldCustomer: "x-customer-id", access.FieldAccount: "Authorization", access.FieldCard: "cardId"}

// ResetCardAtc sets a card's ATC back to zero.
func (a *Cards) ResetCardAtc(ctx context.Context, req cards.ResetCardAtcRequestObject) (cards.ResetCardAtcResponseObject, error) {
	if err := a.svc.ResetATC(ctx, caller(ctx), req.CardId); err != nil {
		return nil, fmt.Errorf("reset the ATC of card %d: %w", req.CardId, cardOnlyFields.rename(err))
	}
	return cards.ResetCardAtc200JSONResponse{Success: true}, nil
}

// ListCardModes lists a card's modes.
func (a *Cards) ListCardModes(ctx context.Context, req cards.ListCardModesRequestObject) (cards.ListCardModesResponseObject, error) {
	who := caller(ctx)
	modes, err := a.svc.Modes(ctx, who, req.CardId)
	if err != nil {
		return nil, fmt.Errorf("modes of card %d: %w", req.CardId, cardOnlyFields.rename(err))
	}
	out := make(cards.ListCardModes200JSONResponse, 0, len(modes))
	for _, m := range modes {
		status := "ACTIVE"
		if m.Suspended {
			status = "SUSPENDED"
		}
		out = append(out, cards.CardModeItem{Id: m.ID, Mode: cards.CardModeItemMode(m.Kind), ProgramId: m.ProgramID,
			AccountId: m.AccountID, CustomerId: m.CustomerID, Status: cards.CardModeItemStatus(status), CardOwner: who.Tenant})
	}
	return out, nil
}

// AddCardMode makes a card a combination card.
func (a *Cards) AddCardMode(ctx context.Context, req cards.AddCardModeRequestObject) (cards.AddCardModeResponseObject, error) {
	m, err := a.svc.AddMode(ctx, caller(ctx), access.Scope{CustomerID: req.Params.XCustomerId}, req.CardId)
	if err != nil {
		return nil, fmt.Errorf("add a mode to card %d: %w", req.CardId, modePathFields.rename(err))
	}
	return cards.AddCardMode201JSONResponse{ModeId: m.ID, Mode: cards.AddCardModeResponseMode(m.Kind)}, nil
}

// UpdateCardModeStatus suspends or reactivates a card mode.
func (a *Cards) UpdateCardModeStatus(ctx context.Context, req cards.UpdateCardModeStatusRequestObject) (cards.UpdateCardModeStatusResponseObject, error) {
	suspended := req.Body.Status == "SUSPENDED"
	if err := a.svc.SetModeSuspended(ctx, caller(ctx), access.Scope{CustomerID: req.Params.XCustomerId}, req.CardId, req.ModeId, suspended); err != nil {
		return nil, fmt.Errorf("status of mode %d of card %d: %w", req.ModeId, req.CardId, modePathFields.rename(err))
	}
	return cards.UpdateCardModeStatus204Response{}, nil
}

// MigrateCardProgram moves a card to another program.
func (a *Cards) MigrateCardProgram(ctx context.Context, req cards.MigrateCardProgramRequestObject) (cards.MigrateCardProgramResponseObject, error) {
	if err := a.svc.MigrateProgram(ctx, caller(ctx), access.Scope{CustomerID: req.Params.XCustomerId}, req.CardId, req.Body.NewProgramId); err != nil {
		return nil, fmt.Errorf("migrate card %d: %w", req.CardId, modePathFields.rename(err))
	}
	return cards.MigrateCardProgram202Response{}, nil
}

// MigrateCardModeProgram moves a card mode to another program.
func (a *Cards) MigrateCardModeProgram(ctx context.Context, req cards.MigrateCardModeProgramRequestObject) (cards.MigrateCardModeProgramResponseObject, error) {
	if err := a.svc.MigrateModeProgram(ctx, caller(ctx), req.CardId, req.ModeId, req.Body.NewProgramId); err != nil {
		return nil, fmt.Errorf("migrate mode %d of card %d: %w", req.ModeId, req.CardId, cardOnlyFields.rename(err))
	}
	return cards.MigrateCardModeProgram202Response{}, nil
}

// OptInAutomaticUpdater opts a Visa card in to the Visa Automatic Updater.
func (a *Cards) OptInAutomaticUpdater(ctx context.Context, req cards.OptInAutomaticUpdaterRequestObject) (cards.OptInAutomaticUpdaterResponseObject, error) {
	if err := a.svc.SetAutomaticUpdater(ctx, caller(ctx), req.CardID, true); err != nil {
		return nil, fmt.Errorf("opt card %d in to the automatic updater: %w", req.CardID, updaterFields.rename(err))
	}
	return cards.OptInAutomaticUpdater200JSONResponse{Success: true}, nil
}

// OptOutAutomaticUpdater opts a card out of its network's automatic updater.
func (a *Cards) OptOutAutomaticUpdater(ctx context.Context, req cards.OptOutAutomaticUpdaterRequestObject) (cards.OptOutAutomaticUpdaterResponseObject, error) {
	if err := a.svc.SetAutomaticUpdater(ctx, caller(ctx), req.CardID, false); err != nil {
		return nil, fmt.Errorf("opt card %d out of the automatic updater: %w", req.CardID, updaterFields.rename(err))
	}
	return cards.OptOutAutomaticUpdater200JSONResponse{Success: true}, nil
}

var updaterFields = vendorFields{access.FieldCard: "cardID", access.FieldAccount: "Authorization"}

// ListCardTemplates lists the org's templates a page at a time; last_page_id is the last template id of the
// previous page.
func (a *Cards) ListCardTemplates(ctx context.Context, req cards.ListCardTemplatesRequestObject) (cards.ListCardTemplatesResponseObject, error) {
	all, err := a.svc.Templates(ctx, caller(ctx))
	if err != nil {
		return nil, fmt.Errorf("card templates: %w", err)
	}
	start := 0
	if last := deref(req.Params.LastPageId); last != "" {
		i := slices.IndexFunc(all, func(t org.Template) bool { return t.ID == last })
		if i < 0 {
			return nil, rule.NotFound("last_page_id", "no template %s", last)
		}
		start = i + 1
	}
	end := min(start+req.Params.PageSize, len(all))
	page := cards.ListCardTemplates200JSONResponse{Items: make([]cards.Template, 0, end-start)}
	for _, t := range all[start:end] {
		page.Items = append(page.Items, templateOut(caller(ctx).Tenant, t))
	}
	if end < len(all) {
		page.LastPageId = &all[end-1].ID
	}
	return page, nil
}

// GetCardTemplate returns one of the org's templates.
func (a *Cards) GetCardTemplate(ctx context.Context, req cards.GetCardTemplateRequestObject) (cards.GetCardTemplateResponseObject, error) {
	all, err := a.svc.Templates(ctx, caller(ctx))
	if err != nil {
		return nil, fmt.Errorf("card templates: %w", err)
	}
	i := slices.IndexFunc(all, func(t org.Template) bool { return t.ID == req.TemplateID })
	if i < 0 {
		return nil, rule.NotFound("templateID", "no template %s in the org", req.TemplateID)
	}
	return cards.GetCardTemplate200JSONResponse(templateOut(caller(ctx).Tenant, all[i])), nil
}

func templateOut(tenant string, t org.Template) cards.Template {
	return cards.Template{TemplateId: t.ID, OrgId: tenant, OverrideProgramId: t.OverrideProgramID,
		BinRangeBeginning: t.BINRangeBeginning, BinRangeEnd: t.BINRangeEnd, Bin: t.BIN}
}
