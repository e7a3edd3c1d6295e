package token

import (
	"context"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/rule"
)

// DeviceOperation is a Visa device-binding operation.
type DeviceOperation string

// The operations of the vendor's device-binding enum.
const (
	DeviceRemove            DeviceOperation = "TOKEN_DEVICE_BINDING_REMOVE"
	DeviceApprove           DeviceOperation = "TOKEN_DEVICE_BINDING_APPROVE"
	DeviceApproveBankApp    DeviceOperation = "TOKEN_DEVICE_BINDING_APPROVE_BANK_APP"
	DeviceApproveCallCenter DeviceOperation = "TOKEN_DEVICE_BINDING_APPROVE_CALL_CENTER"
)

// DeviceInput is a device-binding request, already checked against the contract.
type DeviceInput struct {
	Operation      DeviceOperation
	Reason         string
	ActivationCode string
	OperatorID     string
	Index          int
}

// BindDevice approves or removes the binding between a Visa token and a device. Approving binds the device,
// adding it at the index when the token does not know it yet; removing unbinds a bound device. Visa answers
// with VTS_DEVICE_BINDING or VTS_STATUS_UPDATED_TOKEN_DEVICE_BINDING_REMOVED (notification-1), and the call
// reports the network's acknowledgement.
func (s *Service) BindDevice(ctx context.Context, caller access.Caller, cardID int64, tokenID, deviceID string, in DeviceInput) (bool, error) {
	err := s.update(ctx, caller.Tenant, func(r repos) error {
		c, t, err := r.cardToken(ctx, caller, cardID, tokenID)
		if err != nil {
			return err
		}
		switch {
		case t.Network != NetworkVTS:
			return rule.Invalid(FieldNetworkToken, "network", "device binding is Visa's; token %d is Mastercard's", t.ID)
		case t.Status == StatusDeactivated:
			return rule.Invalid(FieldOperation, "transition", "token %d is DEACTIVATED: its devices are gone", t.ID)
		case in.Operation == DeviceApproveCallCenter && in.ActivationCode == "":
			return rule.Invalid("/activation_code", "required", "activation_code is required with %s", in.Operation)
		}
		at := -1
		for i, d := range t.Devices {
			if d.ID == deviceID {
				at = i
			}
		}
		call := CallVTSDeviceBinding
		if in.Operation == DeviceRemove {
			if at < 0 || !t.Devices[at].Bound {
				return rule.Invalid("deviceId", "bound", "device %s is not bound to token %d", deviceID, t.ID)
			}
			t.Devices[at].Bound = false
			call = CallVTSBindingRemoved
		} else {
			if at >= 0 && t.Devices[at].Bound {
				return rule.Invalid("deviceId", "bound", "device %s is already bound to token %d", deviceID, t.ID)
			}
			for _, d := range t.Devices {
				if d.ID != deviceID && d.Index == in.Index {
					return rule.Invalid("/device_index", "unique", "device index %d is device %s's on token %d", in.Index, d.ID, t.ID)
				}
			}
			if at < 0 {
				t.Devices = append(t.Devices, Device{ID: deviceID, Index: in.Index})
				at = len(t.Devices) - 1
			}
			t.Devices[at].Bound, t.Devices[at].Index = true, in.Index
		}
		t.UpdatedAt = now(r.tx)
		extra := map[string]any{"deviceBinding": map[string]any{"deviceID": deviceID, "deviceIndex": in.Index,
			"operation": string(in.Operation), "reason": in.Reason, "operatorID": in.OperatorID}}
		if err := r.tx.Emit(notification(t, call, message(t, c.LastFour, extra))); err != nil {
			return err
		}
		return r.tokens.Put(ctx, t)
	})
	return err == nil, err
}
