package openapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/issuersim/issuersim/gen/d1"
)

// d1Stub answers every D1 operation with 501 and records which one was reached and with which path values.
type d1Stub struct {
	reached  string
	issuerID string
	cardID   string
}

func (s *d1Stub) hit(w http.ResponseWriter, op, issuerID, cardID string) {
	s.reached, s.issuerID, s.cardID = op, issuerID, cardID
	w.WriteHeader(http.StatusNotImplemented)
}

func (s *d1Stub) GetAccessToken(w http.ResponseWriter, _ *http.Request, _ d1.GetAccessTokenParams) {
	s.hit(w, "getAccessToken", "", "")
}

func (s *d1Stub) ListCardOperations(w http.ResponseWriter, _ *http.Request, issuerID d1.IssuerIdPath, cardID d1.CardIdPath, _ d1.ListCardOperationsParams) {
	s.hit(w, "listCardOperations", issuerID, cardID)
}

func (s *d1Stub) GetCardOperation(w http.ResponseWriter, _ *http.Request, issuerID d1.IssuerIdPath, cardID d1.CardIdPath, _ d1.OperationIdPath, _ d1.GetCardOperationParams) {
	s.hit(w, "getCardOperation", issuerID, cardID)
}

func (s *d1Stub) DeleteCard(w http.ResponseWriter, _ *http.Request, issuerID d1.IssuerIdPath, cardID d1.CardIdPath, _ d1.DeleteCardParams) {
	s.hit(w, "deleteCard", issuerID, cardID)
}

func (s *d1Stub) RenewCard(w http.ResponseWriter, _ *http.Request, issuerID d1.IssuerIdPath, cardID d1.CardIdPath, _ d1.RenewCardParams) {
	s.hit(w, "renewCard", issuerID, cardID)
}

func (s *d1Stub) ResumeCard(w http.ResponseWriter, _ *http.Request, issuerID d1.IssuerIdPath, cardID d1.CardIdPath, _ d1.ResumeCardParams) {
	s.hit(w, "resumeCard", issuerID, cardID)
}

func (s *d1Stub) SuspendCard(w http.ResponseWriter, _ *http.Request, issuerID d1.IssuerIdPath, cardID d1.CardIdPath, _ d1.SuspendCardParams) {
	s.hit(w, "suspendCard", issuerID, cardID)
}

var _ d1.ServerInterface = (*d1Stub)(nil)

// TestD1ColonRoutes mounts the generated D1 routes on a fresh ServeMux (registration panics on a path with a
// colon right after a variable) and checks that each colon path, sent with its colon unencoded, reaches its
// own operation with the path values intact.
func TestD1ColonRoutes(t *testing.T) {
	stub := &d1Stub{}
	var handler http.Handler
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("registering the D1 routes panicked: %v", r)
			}
		}()
		handler = d1.HandlerWithOptions(stub, d1.StdHTTPServerOptions{BaseRouter: http.NewServeMux()})
	}()

	const base = "/banking/v1/issuers/ISSUER0001/cards/card_01-A/operations"
	cases := []struct {
		method, path, want string
	}{
		{http.MethodPost, base + ":suspend", "suspendCard"},
		{http.MethodPost, base + ":resume", "resumeCard"},
		{http.MethodPost, base + ":delete", "deleteCard"},
		{http.MethodPost, base + ":renew", "renewCard"},
		{http.MethodGet, base, "listCardOperations"},
		{http.MethodGet, base + "/op-1", "getCardOperation"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			*stub = d1Stub{}
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
			if stub.reached != c.want {
				t.Fatalf("%s %s reached %q (status %d), want %q", c.method, c.path, stub.reached, rec.Code, c.want)
			}
			if stub.issuerID != "ISSUER0001" || stub.cardID != "card_01-A" {
				t.Errorf("path values issuerId=%q cardId=%q, want ISSUER0001 and card_01-A", stub.issuerID, stub.cardID)
			}
			if rec.Code != http.StatusNotImplemented {
				t.Errorf("status %d, want the stub's 501", rec.Code)
			}
		})
	}
}
