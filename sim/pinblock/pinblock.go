// Package pinblock builds and reads ISO 9564 format-0 PIN blocks, encrypted with a two-key triple-DES zone PIN
// key (ZPK) in ECB mode, as the processor's PIN block endpoints exchange them. Errors say which rule a block
// breaks and never carry the PIN or the PAN.
package pinblock

import (
	"crypto/des"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Errors a caller branches on; each is wrapped with what was wrong.
var (
	ErrKey    = errors.New("the key is not a 16-byte two-key triple-DES key")
	ErrPAN    = errors.New("the PAN is not 13 to 19 digits")
	ErrPIN    = errors.New("the PIN is not 4 to 12 digits")
	ErrFormat = errors.New("the block is not an ISO 9564 format-0 PIN block for this PAN")
)

// Block is an 8-byte PIN block, clear or encrypted.
type Block [8]byte

// String writes the block as 16 upper-case hex digits (a block is PIN data: log it only encrypted).
func (b Block) String() string { return strings.ToUpper(hex.EncodeToString(b[:])) }

// Parse reads 16 hex digits.
func Parse(text string) (Block, error) {
	var b Block
	raw, err := hex.DecodeString(text)
	if err != nil || len(raw) != len(b) {
		return b, fmt.Errorf("%w: it must be 16 hex digits", ErrFormat)
	}
	copy(b[:], raw)
	return b, nil
}

// Format0 builds the clear format-0 block of a PIN for a PAN: the PIN field (0, the PIN's length, the PIN, F
// padding) XOR the PAN field (four zeros and the twelve rightmost digits of the PAN without its check digit).
func Format0(pin, pan string) (Block, error) {
	var b Block
	if len(pin) < 4 || len(pin) > 12 || !digits(pin) {
		return b, ErrPIN
	}
	field := fmt.Sprintf("0%X%s", len(pin), pin) + strings.Repeat("F", 14-len(pin))
	pf, err := panField(pan)
	if err != nil {
		return b, err
	}
	raw, _ := hex.DecodeString(field)
	for i := range b {
		b[i] = raw[i] ^ pf[i]
	}
	return b, nil
}

// PIN reads the PIN out of a clear format-0 block for a PAN.
func PIN(clear Block, pan string) (string, error) {
	pf, err := panField(pan)
	if err != nil {
		return "", err
	}
	var field Block
	for i := range field {
		field[i] = clear[i] ^ pf[i]
	}
	h := field.String()
	if h[0] != '0' {
		return "", fmt.Errorf("%w: the control field is %c, not 0", ErrFormat, h[0])
	}
	n := int(h[1] - '0')
	if h[1] >= 'A' {
		n = int(h[1]-'A') + 10
	}
	if n < 4 || n > 12 {
		return "", fmt.Errorf("%w: the PIN length is %d, not 4 to 12", ErrFormat, n)
	}
	pin, pad := h[2:2+n], h[2+n:]
	if !digits(pin) || strings.Trim(pad, "F") != "" {
		return "", fmt.Errorf("%w: the PIN field holds other than digits and F padding", ErrFormat)
	}
	return pin, nil
}

// Encrypt enciphers a block under a two-key triple-DES key (K1 K2 K1), ECB.
func Encrypt(b Block, zpk []byte) (Block, error) {
	return crypt(b, zpk, true)
}

// Decrypt deciphers a block under a two-key triple-DES key.
func Decrypt(b Block, zpk []byte) (Block, error) {
	return crypt(b, zpk, false)
}

func crypt(b Block, zpk []byte, encrypt bool) (Block, error) {
	var out Block
	if len(zpk) != 16 {
		return out, ErrKey
	}
	c, err := des.NewTripleDESCipher(append(append([]byte{}, zpk...), zpk[:8]...))
	if err != nil {
		return out, fmt.Errorf("%w: %v", ErrKey, err)
	}
	if encrypt {
		c.Encrypt(out[:], b[:])
	} else {
		c.Decrypt(out[:], b[:])
	}
	return out, nil
}

// panField is 0000 and the twelve rightmost PAN digits before the check digit.
func panField(pan string) (Block, error) {
	var b Block
	if len(pan) < 13 || len(pan) > 19 || !digits(pan) {
		return b, ErrPAN
	}
	raw, _ := hex.DecodeString("0000" + pan[len(pan)-13:len(pan)-1])
	copy(b[:], raw)
	return b, nil
}

func digits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
