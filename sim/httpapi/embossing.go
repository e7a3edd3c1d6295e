package httpapi

import (
	"context"
	"fmt"
	"strconv"

	"github.com/google/uuid"

	"github.com/issuersim/issuersim/gen/bulks"
	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/embossing"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
)

// Embossing serves the embossing operations of openapi/bulks.yaml (the /embossing paths), over the pipeline in
// sim/embossing. Errors answer in the embossing API's own shape (EmbossingShape).
type Embossing struct {
	svc *embossing.Service
}

var embossingFields = vendorFields{access.FieldCard: "cardId", access.FieldAccount: "Authorization"}

// StartEmbossing schedules a run of a configuration due at once; 202.
func (a *Embossing) StartEmbossing(ctx context.Context, req bulks.StartEmbossingRequestObject) (bulks.StartEmbossingResponseObject, error) {
	in := embossing.TriggerInput{ConfigID: req.Body.ConfigId.String(), Programs: deref(req.Body.Programs), Cards: deref(req.Body.Cards)}
	if err := a.svc.Trigger(ctx, caller(ctx).Tenant, in); err != nil {
		return nil, fmt.Errorf("trigger embossing of configuration %s: %w", in.ConfigID, err)
	}
	return bulks.StartEmbossing202Response{}, nil
}

// AddCardToEmbossing queues a card for its configuration's next run; 202, no event.
func (a *Embossing) AddCardToEmbossing(ctx context.Context, req bulks.AddCardToEmbossingRequestObject) (bulks.AddCardToEmbossingResponseObject, error) {
	if err := a.svc.Queue(ctx, caller(ctx), req.CardId); err != nil {
		return nil, fmt.Errorf("queue card %d for embossing: %w", req.CardId, embossingFields.rename(err))
	}
	return bulks.AddCardToEmbossing202Response{}, nil
}

// RemoveCardFromEmbossing takes a card out of its configuration's next run; 202, no event.
func (a *Embossing) RemoveCardFromEmbossing(ctx context.Context, req bulks.RemoveCardFromEmbossingRequestObject) (bulks.RemoveCardFromEmbossingResponseObject, error) {
	if err := a.svc.Unqueue(ctx, caller(ctx), req.CardId); err != nil {
		return nil, fmt.Errorf("take card %d out of embossing: %w", req.CardId, embossingFields.rename(err))
	}
	return bulks.RemoveCardFromEmbossing202Response{}, nil
}

// GetNominalEmbossingInfo returns a nominal card's place in the pipeline.
func (a *Embossing) GetNominalEmbossingInfo(ctx context.Context, req bulks.GetNominalEmbossingInfoRequestObject) (bulks.GetNominalEmbossingInfoResponseObject, error) {
	info, err := a.svc.Get(ctx, caller(ctx), embossing.Nominal, req.CardId)
	if err != nil {
		return nil, fmt.Errorf("embossing info of card %d: %w", req.CardId, embossingFields.rename(err))
	}
	r := info.Record
	return bulks.GetNominalEmbossingInfo200JSONResponse{
		OrgId: caller(ctx).Tenant, ProgramId: r.ProgramID, CustomerId: info.Card.CustomerID, AccountId: info.Card.AccountID,
		CardId: r.CardID, Filename: optionalString(r.FileName), CreatedDatetime: r.CreatedAt, UpdatedDatetime: r.UpdatedAt,
		EmbossingGroup: info.Config.Name, AddressId: r.AddressID,
	}, nil
}

// GetNonameEmbossingInfo returns a noname card's embossing group.
func (a *Embossing) GetNonameEmbossingInfo(ctx context.Context, req bulks.GetNonameEmbossingInfoRequestObject) (bulks.GetNonameEmbossingInfoResponseObject, error) {
	info, err := a.svc.Get(ctx, caller(ctx), embossing.Noname, req.CardId)
	if err != nil {
		return nil, fmt.Errorf("embossing info of noname card %d: %w", req.CardId, embossingFields.rename(err))
	}
	return bulks.GetNonameEmbossingInfo200JSONResponse{ProgramId: info.Record.ProgramID, CardId: info.Record.CardID, EmbossingGroup: info.Config.Name}, nil
}

// UpdateNominalEmbossingGroup moves a nominal card to another embossing group; 204.
func (a *Embossing) UpdateNominalEmbossingGroup(ctx context.Context, req bulks.UpdateNominalEmbossingGroupRequestObject) (bulks.UpdateNominalEmbossingGroupResponseObject, error) {
	if err := a.svc.SetGroup(ctx, caller(ctx), embossing.Nominal, req.CardId, deref(req.Body.EmbossingGroup)); err != nil {
		return nil, fmt.Errorf("embossing group of card %d: %w", req.CardId, embossingFields.rename(err))
	}
	return bulks.UpdateNominalEmbossingGroup204Response{}, nil
}

// UpdateNonameEmbossingGroup moves a noname card to another embossing group; 204.
func (a *Embossing) UpdateNonameEmbossingGroup(ctx context.Context, req bulks.UpdateNonameEmbossingGroupRequestObject) (bulks.UpdateNonameEmbossingGroupResponseObject, error) {
	if err := a.svc.SetGroup(ctx, caller(ctx), embossing.Noname, req.CardId, deref(req.Body.EmbossingGroup)); err != nil {
		return nil, fmt.Errorf("embossing group of noname card %d: %w", req.CardId, embossingFields.rename(err))
	}
	return bulks.UpdateNonameEmbossingGroup204Response{}, nil
}

// UpdateEmbossingAddress sends a card not yet embossed to another address; 200, no body.
func (a *Embossing) UpdateEmbossingAddress(ctx context.Context, req bulks.UpdateEmbossingAddressRequestObject) (bulks.UpdateEmbossingAddressResponseObject, error) {
	if err := a.svc.SetAddress(ctx, caller(ctx), req.CardId, req.Body.AddressId); err != nil {
		return nil, fmt.Errorf("embossing address of card %d: %w", req.CardId, embossingFields.rename(err))
	}
	return bulks.UpdateEmbossingAddress200Response{}, nil
}

// GetEmbossingHistory lists the times a card was embossed; 204 before the first.
func (a *Embossing) GetEmbossingHistory(ctx context.Context, req bulks.GetEmbossingHistoryRequestObject) (bulks.GetEmbossingHistoryResponseObject, error) {
	info, err := a.svc.Get(ctx, caller(ctx), embossing.Nominal, req.CardId)
	if err != nil {
		return nil, fmt.Errorf("embossing history of card %d: %w", req.CardId, embossingFields.rename(err))
	}
	if len(info.Record.History) == 0 {
		return bulks.GetEmbossingHistory204Response{}, nil
	}
	out := make(bulks.GetEmbossingHistory200JSONResponse, len(info.Record.History))
	for i, e := range info.Record.History {
		out[i] = bulks.EmbossingHistoryEntry{
			CardId: info.Card.ID, ProgramId: info.Record.ProgramID, AddressId: e.AddressID, CustomerId: info.Card.CustomerID,
			AccountId: info.Card.AccountID, FileName: e.FileName, EmbossingGroup: e.Group, Embosser: e.Embosser,
			EmbossingTriggerOrigin: bulks.EmbossingTriggerOrigin(e.TriggerOrigin), EmbossingTriggerType: bulks.EmbossingTriggerType(e.TriggerType),
			SequentialNumber: int(e.Sequential), GenerationDate: e.GenerationDate, EmbossingTime: e.EmbossingTime, Reembossing: e.Reembossing,
		}
	}
	return out, nil
}

// StartReembossing sends embossed cards to their configuration's next run again; 202.
func (a *Embossing) StartReembossing(ctx context.Context, req bulks.StartReembossingRequestObject) (bulks.StartReembossingResponseObject, error) {
	if err := a.svc.Reemboss(ctx, caller(ctx), req.Body.Cards); err != nil {
		return nil, fmt.Errorf("re-emboss cards: %w", err)
	}
	return bulks.StartReembossing202Response{}, nil
}

// ListEmbossingFiles lists the files runs wrote between two dates; 204 when there are none.
func (a *Embossing) ListEmbossingFiles(ctx context.Context, req bulks.ListEmbossingFilesRequestObject) (bulks.ListEmbossingFilesResponseObject, error) {
	p := req.Params
	f := embossing.FileFilter{Begin: p.BeginDate.Time, End: p.EndDate.Time}
	for i, s := range deref(p.Programs) {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, rule.Invalid(fmt.Sprintf("programs/%d", i), "pattern", "program %q is not a number", s)
		}
		f.Programs = append(f.Programs, id)
	}
	if p.ConfigId != nil {
		f.ConfigID = p.ConfigId.String()
	}
	who := caller(ctx)
	files, err := a.svc.Files(ctx, who.Tenant, f)
	if err != nil {
		return nil, fmt.Errorf("list embossing files: %w", err)
	}
	if len(files) == 0 {
		return bulks.ListEmbossingFiles204Response{}, nil
	}
	out := bulks.ListEmbossingFiles200JSONResponse{EmbossingFiles: make([]bulks.EmbossingFileInfo, len(files))}
	for i, file := range files {
		out.EmbossingFiles[i] = bulks.EmbossingFileInfo{
			OrgId: who.Tenant, FileId: uuid.MustParse(file.ID), FileName: file.Name, ConfigId: uuid.MustParse(file.ConfigID),
			ProgramId: file.ProgramID, GenerationDate: file.GeneratedAt, TotalEmbossedCards: file.Embossed,
			TotalUnembossedCards: file.Unembossed,
		}
	}
	return out, nil
}

// DownloadEmbossingFile returns a file's content as the embosser received it.
func (a *Embossing) DownloadEmbossingFile(ctx context.Context, req bulks.DownloadEmbossingFileRequestObject) (bulks.DownloadEmbossingFileResponseObject, error) {
	f, err := a.svc.File(ctx, caller(ctx).Tenant, req.Params.ConfigId.String(), req.Params.FileName)
	if err != nil {
		return nil, fmt.Errorf("download embossing file %q: %w", req.Params.FileName, err)
	}
	return bulks.DownloadEmbossingFile200TextResponse(f.Content), nil
}

// GetEmbossingConfigurations lists the org's embossing configurations from the fixtures.
func (a *Embossing) GetEmbossingConfigurations(ctx context.Context, _ bulks.GetEmbossingConfigurationsRequestObject) (bulks.GetEmbossingConfigurationsResponseObject, error) {
	cfgs, err := a.svc.Configurations(ctx, caller(ctx).Tenant)
	if err != nil {
		return nil, fmt.Errorf("embossing configurations: %w", err)
	}
	out := bulks.GetEmbossingConfigurations200JSONResponse{Configurations: make([]bulks.EmbossingConfiguration, len(cfgs))}
	for i, c := range cfgs {
		out.Configurations[i] = configuration(c)
	}
	return out, nil
}

func configuration(c org.EmbossingConfig) bulks.EmbossingConfiguration {
	return bulks.EmbossingConfiguration{ConfigId: uuid.MustParse(c.ID), ConfigName: c.Name, EmbosserName: c.EmbosserName,
		Programs: c.Programs, Type: bulks.EmbossingConfigurationType(c.Type), Enable: c.Enable}
}

// GenerateEmbossingData returns a nominal card's embossing data under AES-256-CBC with the caller's IV.
func (a *Embossing) GenerateEmbossingData(ctx context.Context, req bulks.GenerateEmbossingDataRequestObject) (bulks.GenerateEmbossingDataResponseObject, error) {
	g, err := a.generate(ctx, embossing.Nominal, req.Body.CardId, req.Body.KeyId, req.Body.Iv)
	if err != nil {
		return nil, err
	}
	return bulks.GenerateEmbossingData200JSONResponse(encrypted(caller(ctx).Tenant, g)), nil
}

// GenerateEmbossingDataV2 returns a nominal card's embossing data under AES-256-GCM.
func (a *Embossing) GenerateEmbossingDataV2(ctx context.Context, req bulks.GenerateEmbossingDataV2RequestObject) (bulks.GenerateEmbossingDataV2ResponseObject, error) {
	g, err := a.generate(ctx, embossing.Nominal, req.Body.CardId, req.Body.KeyId, "")
	if err != nil {
		return nil, err
	}
	return bulks.GenerateEmbossingDataV2200JSONResponse(encryptedV2(caller(ctx).Tenant, g)), nil
}

// GenerateNonameEmbossingData returns a noname card's embossing data under AES-256-CBC with the caller's IV.
func (a *Embossing) GenerateNonameEmbossingData(ctx context.Context, req bulks.GenerateNonameEmbossingDataRequestObject) (bulks.GenerateNonameEmbossingDataResponseObject, error) {
	g, err := a.generate(ctx, embossing.Noname, req.Body.CardId, req.Body.KeyId, req.Body.Iv)
	if err != nil {
		return nil, err
	}
	return bulks.GenerateNonameEmbossingData200JSONResponse(encrypted(caller(ctx).Tenant, g)), nil
}

// GenerateNonameEmbossingDataV2 returns a noname card's embossing data under AES-256-GCM.
func (a *Embossing) GenerateNonameEmbossingDataV2(ctx context.Context, req bulks.GenerateNonameEmbossingDataV2RequestObject) (bulks.GenerateNonameEmbossingDataV2ResponseObject, error) {
	g, err := a.generate(ctx, embossing.Noname, req.Body.CardId, req.Body.KeyId, "")
	if err != nil {
		return nil, err
	}
	return bulks.GenerateNonameEmbossingDataV2200JSONResponse(encryptedV2(caller(ctx).Tenant, g)), nil
}

// generate runs a card's encrypted data request: v1 (CBC) when iv is given, v2 (GCM) otherwise.
func (a *Embossing) generate(ctx context.Context, k embossing.Kind, cardID int64, keyID, iv string) (embossing.Generated, error) {
	in := embossing.GenerateInput{Kind: k, CardID: cardID, KeyID: keyID, Mode: embossing.GCM}
	if iv != "" {
		in.Mode, in.IV = embossing.CBC, iv
	}
	g, err := a.svc.Generate(ctx, caller(ctx), in)
	if err != nil {
		return embossing.Generated{}, fmt.Errorf("embossing data of card %d: %w", cardID, vendorFields{access.FieldCard: "/card_id", access.FieldAccount: "Authorization"}.rename(err))
	}
	return g, nil
}

func encrypted(tenant string, g embossing.Generated) bulks.EncryptedEmbossingData {
	c := g.Card
	return bulks.EncryptedEmbossingData{OrgId: tenant, CardId: c.ID, AccountId: nonZero(c.AccountID), CustomerId: nonZero(c.CustomerID),
		ProgramId: c.ProgramID, EmbossingCustomField: c.EmbossingCustomField, EncryptedCardData: g.Data}
}

func encryptedV2(tenant string, g embossing.Generated) bulks.EncryptedEmbossingDataV2 {
	e := encrypted(tenant, g)
	return bulks.EncryptedEmbossingDataV2{OrgId: e.OrgId, CardId: e.CardId, AccountId: e.AccountId, CustomerId: e.CustomerId,
		ProgramId: e.ProgramId, EmbossingCustomField: e.EmbossingCustomField, Iv: g.IV, EncryptedCardData: e.EncryptedCardData}
}

func nonZero(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}
