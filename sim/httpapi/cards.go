package httpapi

import (
	"context"
	"fmt"
	"strconv"

	"github.com/issuersim/issuersim/gen/cards"
	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/auth"
	"github.com/issuersim/issuersim/sim/card"
)

// Cards serves the processor's Cards API (openapi/cards.yaml): each method turns the request into one card
// command and the result into the vendor's response. Operations not built yet answer 501.
type Cards struct {
	svc *card.Service
}

var _ cards.StrictServerInterface = (*Cards)(nil)

// caller returns who the request acts for, from the claims the gateway verified.
func caller(ctx context.Context) access.Caller {
	c, _ := auth.ClaimsFrom(ctx)
	return access.Caller{Tenant: c.Tenant, AccountID: c.AccountID}
}

// Where each operation carries the ids a refusal names (see vendorFields).
var (
	createCardFields   = vendorFields{access.FieldCustomer: "x-customer-id", access.FieldAccount: "Authorization"}
	getCardFields      = vendorFields{access.FieldCustomer: "x-customer-id", access.FieldAccount: "x-account-id", access.FieldCard: "cardId"}
	cardPathFields     = vendorFields{access.FieldCustomer: "customerId", access.FieldAccount: "accountId", access.FieldCard: "cardId"}
	accountCardsFields = vendorFields{access.FieldAccount: "Authorization"}
)

// CreateCard creates a card; a replayed idempotency key answers 200 with the first card.
func (a *Cards) CreateCard(ctx context.Context, req cards.CreateCardRequestObject) (cards.CreateCardResponseObject, error) {
	b := req.Body
	in := card.CreateInput{
		CustomerID:               req.Params.XCustomerId,
		IdempotencyKey:           deref(req.Params.XIdempotencyKey),
		Name:                     b.Name,
		Type:                     card.Type(b.Type),
		PrintedName:              deref(b.PrintedName),
		CVVRotationIntervalHours: b.CvvRotationIntervalHours,
		TransactionLimit:         b.TransactionLimit,
		EmbossingGroup:           b.EmbossingGroup,
		EmbossingCustomField:     b.EmbossingCustomField,
		ContactlessEnabled:       b.ContactlessEnabled,
		AbuEnabled:               b.AbuEnabled,
		TemplateID:               b.TemplateId,
		ModeType:                 (*string)(b.ModeType),
		GeneratePVV:              deref(b.GeneratePvv),
		ValidityPeriodHours:      b.ValidityPeriodHours,
		Unnumbered:               b.Status != nil,
		Brand:                    string(deref(b.Brand)),
		ExpirationDate:           deref(b.ExpirationDate),
		ATMChangeOnlinePIN:       deref(b.AtmChangeOnlinePinWhenScriptSent),
	}
	if b.PinLength != nil {
		in.PINLength = int(*b.PinLength)
	}
	if b.Metadata != nil {
		in.Metadata = *b.Metadata
	}
	c, replay, err := a.svc.Create(ctx, caller(ctx), in)
	if err != nil {
		return nil, fmt.Errorf("create card: %w", createCardFields.rename(err))
	}
	resp := cards.CreateCardResponse{
		Id:                       c.ID,
		Name:                     c.Name,
		Status:                   cards.CardStatus(c.Status),
		Type:                     cards.CardType(c.Type),
		TransactionLimit:         c.TransactionLimit,
		Metadata:                 metadata(c.Metadata),
		CvvRotationIntervalHours: c.CVVRotationIntervalHours,
		EmbossingCustomField:     c.EmbossingCustomField,
		ContactlessEnabled:       c.ContactlessEnabled,
		AbuEnabled:               &c.AbuEnabled,
		TemplateId:               c.TemplateID,
		ModeType:                 c.ModeType,
		ValidityPeriodHours:      c.ValidityPeriodHours,
		ValidUntil:               c.ValidUntil,
	}
	if replay {
		return cards.CreateCard200JSONResponse(resp), nil
	}
	return cards.CreateCard201JSONResponse(resp), nil
}

// GetCard returns a card's non-PCI data.
func (a *Cards) GetCard(ctx context.Context, req cards.GetCardRequestObject) (cards.GetCardResponseObject, error) {
	scope := access.Scope{AccountID: deref(req.Params.XAccountId), CustomerID: req.Params.XCustomerId}
	c, err := a.svc.Get(ctx, caller(ctx), scope, req.CardId)
	if err != nil {
		return nil, fmt.Errorf("get card %d: %w", req.CardId, getCardFields.rename(err))
	}
	return cards.GetCard200JSONResponse(cardInfo(c)), nil
}

// ListCustomerCards lists one customer's cards in the account.
func (a *Cards) ListCustomerCards(ctx context.Context, req cards.ListCustomerCardsRequestObject) (cards.ListCustomerCardsResponseObject, error) {
	p := req.Params
	f, err := listFilter(p.Status, p.Types, p.Modes, p.Format != nil, p.Page, p.PerPage)
	if err != nil {
		return nil, err
	}
	list, err := a.svc.List(ctx, caller(ctx), access.Scope{AccountID: req.AccountId, CustomerID: req.CustomerId}, f)
	if err != nil {
		return nil, fmt.Errorf("list cards of customer %d: %w", req.CustomerId, cardPathFields.rename(err))
	}
	out := make(cards.ListCustomerCards200JSONResponse, 0, len(list))
	for _, c := range list {
		out = append(out, listItem(c))
	}
	return out, nil
}

// ListAccountCards lists every card of the token's account.
func (a *Cards) ListAccountCards(ctx context.Context, req cards.ListAccountCardsRequestObject) (cards.ListAccountCardsResponseObject, error) {
	p := req.Params
	f, err := listFilter(p.Status, p.Types, p.Modes, p.Format != nil, p.Page, p.PerPage)
	if err != nil {
		return nil, err
	}
	who := caller(ctx)
	list, err := a.svc.List(ctx, who, access.Scope{}, f)
	if err != nil {
		return nil, fmt.Errorf("list cards of account %d: %w", who.AccountID, accountCardsFields.rename(err))
	}
	out := make(cards.ListAccountCards200JSONResponse, 0, len(list))
	for _, c := range list {
		item := listItem(c)
		out = append(out, cards.AccountCardListItem{
			AbuEnabled: item.AbuEnabled, Bin: item.Bin, Brand: item.Brand, ContactlessEnabled: item.ContactlessEnabled,
			CustomerId: c.CustomerID, DualMessageDebit: item.DualMessageDebit, EmbossingCustomField: item.EmbossingCustomField,
			ExpirationDate: item.ExpirationDate, Hash: item.Hash, Id: item.Id, IssuingDate: item.IssuingDate,
			Last4Digits: item.Last4Digits, Metadata: item.Metadata, Mode: item.Mode, Name: item.Name,
			PasswordTries: item.PasswordTries, PrintedName: item.PrintedName, ProgramId: item.ProgramId,
			ReissuedCardId: item.ReissuedCardId, Status: item.Status, TemplateId: item.TemplateId,
			TrackNumber: item.TrackNumber, TransactionLimit: item.TransactionLimit, Type: item.Type,
			ValidUntil: item.ValidUntil, ValidityPeriodHours: item.ValidityPeriodHours,
		})
	}
	return out, nil
}

// UpdateCardStatus moves a card to another status.
func (a *Cards) UpdateCardStatus(ctx context.Context, req cards.UpdateCardStatusRequestObject) (cards.UpdateCardStatusResponseObject, error) {
	who := caller(ctx)
	scope := access.Scope{AccountID: req.AccountId, CustomerID: req.CustomerId}
	c, err := a.svc.UpdateStatus(ctx, who, scope, req.CardId, card.Status(req.Body.Status))
	if err != nil {
		return nil, fmt.Errorf("update status of card %d: %w", req.CardId, cardPathFields.rename(err))
	}
	info := cardInfo(c)
	resp := cards.UpdateCardStatusResponse{
		Program:              cards.IdRef{Id: strconv.FormatInt(c.ProgramID, 10)},
		Account:              cards.IdRef{Id: strconv.FormatInt(c.AccountID, 10)},
		Customer:             cards.IdRef{Id: strconv.FormatInt(c.CustomerID, 10)},
		Org:                  cards.IdRef{Id: who.Tenant},
		Id:                   c.ID,
		Hash:                 info.Hash,
		Last4Digits:          info.Last4Digits,
		Brand:                &c.Brand,
		NumberOfTransactions: ptr(0),
		Bin:                  info.Bin,
		Status:               cards.CardStatus(c.Status),
		PreviousStatus:       cards.CardStatus(c.PreviousStatus),
		IssuingDate:          info.IssuingDate,
		ExpirationDate:       info.ExpirationDate,
		PrintedName:          info.PrintedName,
		Name:                 &c.Name,
		TrackNumber:          info.TrackNumber,
		TransactionLimit:     c.TransactionLimit,
		PasswordTries:        info.PasswordTries,
		EmbossingCustomField: c.EmbossingCustomField,
		ContactlessEnabled:   &c.ContactlessEnabled,
		AbuEnabled:           &c.AbuEnabled,
		ReissuedCardId:       c.ReissuedCardID,
		Type:                 cards.CardType(c.Type),
		Metadata:             metadata(c.Metadata),
		TemplateId:           c.TemplateID,
		ValidUntil:           c.ValidUntil,
		Mode:                 &c.Mode,
		DualMessageDebit:     ptr(false),
	}
	return cards.UpdateCardStatus200JSONResponse(resp), nil
}

// ListCardStatuses returns every status a card can have.
func (a *Cards) ListCardStatuses(ctx context.Context, _ cards.ListCardStatusesRequestObject) (cards.ListCardStatusesResponseObject, error) {
	all := card.AllStatuses()
	out := make(cards.ListCardStatuses200JSONResponse, 0, len(all))
	for _, s := range all {
		out = append(out, cards.CardStatus(s))
	}
	return out, nil
}

// GetCardStatusHistory returns a card's status changes, newest first.
func (a *Cards) GetCardStatusHistory(ctx context.Context, req cards.GetCardStatusHistoryRequestObject) (cards.GetCardStatusHistoryResponseObject, error) {
	history, err := a.svc.History(ctx, caller(ctx), access.Scope{CustomerID: req.Params.XCustomerId}, req.CardId)
	if err != nil {
		return nil, fmt.Errorf("status history of card %d: %w", req.CardId, getCardFields.rename(err))
	}
	page, perPage, err := paging(req.Params.Page, req.Params.PerPage)
	if err != nil {
		return nil, err
	}
	if perPage == 0 {
		perPage = 10
	}
	items := make([]cards.StatusHistoryItem, 0, len(history))
	for _, h := range history {
		prev := cards.CardStatus(h.From)
		items = append(items, cards.StatusHistoryItem{Status: cards.CardStatus(h.To), PreviousStatus: &prev, EventDatetime: h.At, Operation: cards.StatusOperation(h.Operation)})
	}
	total := len(items)
	start := min(page*perPage, total)
	return cards.GetCardStatusHistory200JSONResponse(cards.StatusHistoryPage{
		Items:       items[start:min(start+perPage, total)],
		CurrentPage: page,
		PerPage:     perPage,
		TotalItems:  total,
		Pages:       (total + perPage - 1) / perPage,
	}), nil
}

// ListReissueReasons lists the org's reissue reasons with cursor paging.
func (a *Cards) ListReissueReasons(ctx context.Context, req cards.ListReissueReasonsRequestObject) (cards.ListReissueReasonsResponseObject, error) {
	reasons, err := a.reasons(ctx)
	if err != nil {
		return nil, err
	}
	limit := 10
	if req.Params.Limit != nil {
		limit = *req.Params.Limit
	}
	var items []cards.ReissueReason
	for _, r := range reasons {
		if req.Params.Enabled != nil && r.Enabled != *req.Params.Enabled {
			continue
		}
		if req.Params.NextCursor != nil && r.Id <= *req.Params.NextCursor {
			continue
		}
		items = append(items, r)
	}
	page := cards.ReissueReasonPage{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		page.Pagination.HasNext = true
		page.Pagination.NextCursor = &items[limit-1].Id
	}
	if page.Items == nil {
		page.Items = []cards.ReissueReason{}
	}
	return cards.ListReissueReasons200JSONResponse(page), nil
}

// ListReissueReasonsLegacy lists every reissue reason as a bare array.
func (a *Cards) ListReissueReasonsLegacy(ctx context.Context, _ cards.ListReissueReasonsLegacyRequestObject) (cards.ListReissueReasonsLegacyResponseObject, error) {
	reasons, err := a.reasons(ctx)
	if err != nil {
		return nil, err
	}
	return cards.ListReissueReasonsLegacy200JSONResponse(reasons), nil
}

func (a *Cards) reasons(ctx context.Context) ([]cards.ReissueReason, error) {
	all, err := a.svc.Reasons(ctx, caller(ctx))
	if err != nil {
		return nil, fmt.Errorf("reissue reasons: %w", err)
	}
	out := make([]cards.ReissueReason, 0, len(all))
	for _, r := range all {
		out = append(out, reasonOut(r))
	}
	return out, nil
}

func cardInfo(c card.Card) cards.CardInfo {
	brand := cards.Brand(c.Brand)
	mode := cards.CardMode(c.Mode)
	issued := c.IssuingDate
	info := cards.CardInfo{
		Id:                   c.ID,
		Status:               cards.CardStatus(c.Status),
		PrintedName:          optionalString(c.PrintedName),
		Name:                 c.Name,
		Type:                 cards.CardType(c.Type),
		Bin:                  &c.BIN,
		Brand:                &brand,
		TemplateId:           c.TemplateID,
		ProgramId:            c.ProgramID,
		IssuingDate:          &issued,
		TransactionLimit:     c.TransactionLimit,
		TrackNumber:          ptr(c.TrackNumber),
		ReissuedCardId:       c.ReissuedCardID,
		PasswordTries:        ptr(c.PasswordTries),
		ContactlessEnabled:   c.ContactlessEnabled,
		AbuEnabled:           ptr(c.AbuEnabled),
		DualMessageDebit:     ptr(false),
		EmbossingCustomField: c.EmbossingCustomField,
		Mode:                 &mode,
		ValidityPeriodHours:  c.ValidityPeriodHours,
		ValidUntil:           c.ValidUntil,
		Metadata:             metadata(c.Metadata),
	}
	if !c.ExpirationDate.IsZero() {
		exp := c.ExpirationDate
		info.ExpirationDate = &exp
	}
	if c.Numbered() {
		info.Hash = &c.Hash
		info.Last4Digits = &c.LastFour
	}
	return info
}

// listItem is a card as list responses show it: expiration_date as yymm, as the vendor documents list items.
func listItem(c card.Card) cards.CardListItem {
	i := cardInfo(c)
	var exp *string
	if i.ExpirationDate != nil {
		exp = ptr(c.ExpiryYYMM())
	}
	return cards.CardListItem{
		AbuEnabled: i.AbuEnabled, Bin: i.Bin, Brand: i.Brand, ContactlessEnabled: i.ContactlessEnabled,
		DualMessageDebit: i.DualMessageDebit, EmbossingCustomField: i.EmbossingCustomField, ExpirationDate: exp,
		Hash: i.Hash, Id: i.Id, IssuingDate: i.IssuingDate, Last4Digits: i.Last4Digits, Metadata: i.Metadata,
		Mode: i.Mode, Name: i.Name, PasswordTries: i.PasswordTries, PrintedName: i.PrintedName, ProgramId: i.ProgramId,
		ReissuedCardId: i.ReissuedCardId, Status: i.Status, TemplateId: i.TemplateId, TrackNumber: i.TrackNumber,
		TransactionLimit: i.TransactionLimit, Type: i.Type, ValidUntil: i.ValidUntil, ValidityPeriodHours: i.ValidityPeriodHours,
	}
}

// listFilter turns the list operations' query into a card.ListFilter.
func listFilter(status *cards.StatusQuery, types *cards.TypesQuery, modes *cards.ModesQuery, paged bool, page, perPage *string) (card.ListFilter, error) {
	var f card.ListFilter
	if status != nil {
		for _, s := range *status {
			if s == cards.StatusFilter("ALL") {
				f.AllStatuses = true
				continue
			}
			f.Statuses = append(f.Statuses, card.Status(s))
		}
	}
	if types != nil {
		for _, t := range *types {
			f.Types = append(f.Types, card.Type(t))
		}
	}
	if modes != nil {
		for _, m := range *modes {
			f.Modes = append(f.Modes, string(m))
		}
	}
	if paged {
		var err error
		if f.Page, f.PerPage, err = paging(page, perPage); err != nil {
			return f, err
		}
		if f.PerPage == 0 {
			f.PerPage = 10
		}
	}
	return f, nil
}

// paging parses the vendor's string page and perPage (the contract's pattern guarantees digits).
func paging(page, perPage *string) (int, int, error) {
	p, err := atoi(page)
	if err != nil {
		return 0, 0, fmt.Errorf("page: %w", err)
	}
	pp, err := atoi(perPage)
	if err != nil {
		return 0, 0, fmt.Errorf("perPage: %w", err)
	}
	return p, pp, nil
}

func atoi(s *string) (int, error) {
	if s == nil || *s == "" {
		return 0, nil
	}
	return strconv.Atoi(*s)
}

func metadata(m map[string]any) *map[string]any {
	if m == nil {
		return nil
	}
	return &m
}

func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
