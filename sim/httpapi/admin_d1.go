package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/issuersim/issuersim/gen/simadmin"
	"github.com/issuersim/issuersim/sim/d1"
	"github.com/issuersim/issuersim/sim/store"
)

// ProvisionD1Card registers a processor card with D1, with its digital cards.
func (a *Admin) ProvisionD1Card(ctx context.Context, req simadmin.ProvisionD1CardRequestObject) (simadmin.ProvisionD1CardResponseObject, error) {
	b := req.Body
	tenant, err := a.tenant(ctx, b.Tenant, "/tenant")
	if err != nil {
		return nil, err
	}
	reg := d1.Registration{IssuerID: deref(b.IssuerId), CardID: b.CardId, ProcessorCardID: b.ProcessorCardId, ConsumerID: deref(b.ConsumerId)}
	if b.State != nil {
		reg.State = d1.State(*b.State)
	}
	if b.EndUserState != nil {
		reg.EndUser = d1.EndUserState(*b.EndUserState)
	}
	for _, dc := range deref(b.DigitalCards) {
		reg.DigitalCards = append(reg.DigitalCards, d1.DigitalCard{TokenRequestorID: deref(dc.TokenRequestorId), TokenRequestorName: deref(dc.TokenRequestorName),
			DeviceType: deref(dc.DeviceType), DeviceName: deref(dc.DeviceName)})
	}
	c, err := a.d1.Register(ctx, tenant, reg)
	if err != nil {
		return nil, err
	}
	return simadmin.ProvisionD1Card201JSONResponse(d1CardOut(tenant, c)), nil
}

// ListD1Cards returns a tenant's D1 cards.
func (a *Admin) ListD1Cards(ctx context.Context, req simadmin.ListD1CardsRequestObject) (simadmin.ListD1CardsResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Params.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	cards, err := a.d1.Cards(ctx, tenant)
	if err != nil {
		return nil, err
	}
	out := simadmin.D1CardList{Tenant: tenant, Cards: make([]simadmin.D1Card, 0, len(cards))}
	for _, c := range cards {
		out.Cards = append(out.Cards, d1CardOut(tenant, c))
	}
	return simadmin.ListD1Cards200JSONResponse(out), nil
}

func d1CardOut(tenant string, c d1.Card) simadmin.D1Card {
	out := simadmin.D1Card{Tenant: tenant, IssuerId: c.IssuerID, CardId: c.ID, State: simadmin.D1State(c.State), ProcessorCardId: c.ProcessorCardID,
		ConsumerId: optionalString(c.ConsumerID), EndUserState: simadmin.D1CardEndUserState(c.EndUser), SuspendedFor: optionalString(string(c.SuspendedFor)),
		ReplacedBy: optionalString(c.ReplacedBy), LastFour: optionalString(c.LastFour), Expiry: optionalString(c.Expiry),
		DigitalCards: make([]simadmin.D1DigitalCard, 0, len(c.DigitalCards))}
	for _, dc := range c.DigitalCards {
		out.DigitalCards = append(out.DigitalCards, simadmin.D1DigitalCard{Id: dc.ID, TokenRequestorId: optionalString(dc.TokenRequestorID),
			TokenRequestorName: optionalString(dc.TokenRequestorName), DeviceType: optionalString(dc.DeviceType), DeviceName: optionalString(dc.DeviceName)})
	}
	return out
}

// UpdateD1IssuerSettings sets where D1 notifies an issuer and whether processor changes reach its cards.
func (a *Admin) UpdateD1IssuerSettings(ctx context.Context, req simadmin.UpdateD1IssuerSettingsRequestObject) (simadmin.UpdateD1IssuerSettingsResponseObject, error) {
	b := req.Body
	tenant, err := a.tenant(ctx, b.Tenant, "/tenant")
	if err != nil {
		return nil, err
	}
	st, err := a.d1.UpdateSettings(ctx, tenant, req.IssuerId, d1.SettingsChange{NotificationURL: b.NotificationUrl, Propagate: b.PropagateProcessorEvents})
	if err != nil {
		return nil, err
	}
	return simadmin.UpdateD1IssuerSettings200JSONResponse{Tenant: tenant, IssuerId: st.IssuerID, NotificationUrl: st.NotificationURL,
		PropagateProcessorEvents: st.Propagate}, nil
}

// ListD1Notifications is the delivery log of D1's notifications: each with its body and every attempt.
func (a *Admin) ListD1Notifications(ctx context.Context, req simadmin.ListD1NotificationsRequestObject) (simadmin.ListD1NotificationsResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Params.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	records, err := a.store.Events(ctx, tenant, store.EventFilter{Type: d1.NotificationType})
	if err != nil {
		return nil, fmt.Errorf("list the D1 notifications of %s: %w", tenant, err)
	}
	out := simadmin.D1NotificationList{Tenant: tenant, Notifications: make([]simadmin.D1Notification, 0, len(records))}
	for _, r := range records {
		if r.Domain != d1.Domain {
			continue
		}
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		var item struct {
			OperationID string `json:"operationId"`
		}
		if err := json.Unmarshal(r.Envelope, &env); err != nil {
			return nil, fmt.Errorf("read D1 notification %s: %w", r.ID, err)
		}
		if err := json.Unmarshal(env.Data, &item); err != nil {
			return nil, fmt.Errorf("read D1 notification %s: %w", r.ID, err)
		}
		issuerID, cardID, _ := strings.Cut(r.Subject.ID, "/")
		n := simadmin.D1Notification{EventId: r.ID, IssuerId: issuerID, CardId: cardID, OperationId: item.OperationID,
			Cid: optionalString(r.CID), Body: d1.NotificationBody(env.Data), Attempts: []simadmin.D1DeliveryAttempt{}}
		attempts, err := a.webhooks.Attempts(ctx, tenant, d1.Domain, r.ID)
		if err != nil {
			return nil, fmt.Errorf("delivery log of D1 notification %s: %w", r.ID, err)
		}
		for _, at := range attempts {
			n.Attempts = append(n.Attempts, simadmin.D1DeliveryAttempt{Number: at.Number, At: at.At, Status: at.Status, Error: optionalString(at.Error)})
		}
		out.Notifications = append(out.Notifications, n)
	}
	return simadmin.ListD1Notifications200JSONResponse(out), nil
}

// ListDrift lists the D1 cards whose state disagrees with their processor card's status.
func (a *Admin) ListDrift(ctx context.Context, req simadmin.ListDriftRequestObject) (simadmin.ListDriftResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Params.Tenant, "tenant")
	if err != nil {
		return nil, err
	}
	drifts, err := a.d1.Drifts(ctx, tenant)
	if err != nil {
		return nil, err
	}
	out := simadmin.DriftReport{Tenant: tenant, Cards: make([]simadmin.Drift, 0, len(drifts))}
	for _, d := range drifts {
		exp := make([]simadmin.D1State, 0, len(d.Expected))
		for _, s := range d.Expected {
			exp = append(exp, simadmin.D1State(s))
		}
		out.Cards = append(out.Cards, simadmin.Drift{IssuerId: d.Card.IssuerID, CardId: d.Card.ID, D1State: simadmin.D1State(d.Card.State),
			ProcessorCardId: d.Card.ProcessorCardID, ProcessorStatus: string(d.ProcessorStatus), Expected: exp})
	}
	return simadmin.ListDrift200JSONResponse(out), nil
}
