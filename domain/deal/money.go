package deal

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"crm/domain"
)

// MaxMinor is the largest amount a deal may hold, in minor units; the
// database's CHECK on amount_minor has the same bound.
const MaxMinor int64 = 100_000_000_000_000

// Currencies lists the currencies a deal may be in, in the order a
// currency picker shows them.
var Currencies = []string{"EUR", "USD", "GBP", "CHF", "JPY", "KRW", "BRL", "CAD", "AUD"}

// minorDigits is how many decimals each currency's amounts have. Most have
// cents; yen and won have no minor unit in use.
var minorDigits = map[string]int{
	"EUR": 2, "USD": 2, "GBP": 2, "CHF": 2, "BRL": 2, "CAD": 2, "AUD": 2,
	"JPY": 0, "KRW": 0,
}

// Money is an amount in a currency's minor units (cents for EUR), never a
// float. The zero Money has no currency and is not a valid amount.
type Money struct {
	Minor    int64
	Currency string
}

// amountPattern accepts a whole part, plain ("1234") or grouped by commas
// in threes ("1,234"), and an optional decimal part after a point.
var amountPattern = regexp.MustCompile(`^([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?$`)

// ParseMoney reads an amount as a rep types it ("1250", "1250.5",
// "1,250.50") in currency, a code from Currencies. Every problem is a
// *domain.ValidationError on FieldAmount or FieldCurrency, worded for the rep.
func ParseMoney(amount, currency string) (Money, error) {
	var v domain.ValidationError
	currency = strings.TrimSpace(currency)
	digits, known := minorDigits[currency]
	switch {
	case currency == "":
		v.Add(FieldCurrency, "Choose a currency.")
	case !known:
		v.Add(FieldCurrency, fmt.Sprintf("Currency must be one of %s.", strings.Join(Currencies, ", ")))
	}
	code := currency
	if !known {
		// How many decimals the amount may have depends on the currency;
		// check its form with the most any currency allows.
		code, digits = "", 2
	}
	minor, msg := parseMinor(strings.TrimSpace(amount), digits, code)
	if msg != "" {
		v.Add(FieldAmount, msg)
	}
	if err := v.Err(); err != nil {
		return Money{}, err
	}
	return Money{Minor: minor, Currency: currency}, nil
}

// parseMinor turns s into minor units with digits decimals, or returns the
// message that says why it cannot. currency is "" when it is not known.
func parseMinor(s string, digits int, currency string) (int64, string) {
	if s == "" {
		return 0, "Amount is required."
	}
	negative := strings.HasPrefix(s, "-")
	m := amountPattern.FindStringSubmatch(strings.TrimPrefix(s, "-"))
	switch {
	case m == nil:
		return 0, fmt.Sprintf("Amount must be a number like %s.", example(digits))
	case negative:
		return 0, "Amount cannot be negative."
	}
	whole, frac := strings.ReplaceAll(m[1], ",", ""), m[2]
	if len(frac) > digits {
		switch {
		case currency == "":
			return 0, fmt.Sprintf("Amounts have at most %d decimals.", digits)
		case digits == 0:
			return 0, fmt.Sprintf("%s amounts are whole numbers, like %s.", currency, example(0))
		}
		return 0, fmt.Sprintf("%s amounts have at most %d decimals, like %s.", currency, digits, example(digits))
	}
	tooLarge := fmt.Sprintf("Amount must be at most %s.", strings.TrimSpace(currency+" "+formatMinor(MaxMinor, digits)))
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 18 { // beyond int64 even before scaling
		return 0, tooLarge
	}
	// "0" in a currency without decimals leaves nothing to parse once the
	// leading zeros are gone; it is zero, not too large.
	scaled := whole + frac + strings.Repeat("0", digits-len(frac))
	if scaled == "" {
		scaled = "0"
	}
	minor, err := strconv.ParseInt(scaled, 10, 64)
	if err != nil || minor > MaxMinor {
		return 0, tooLarge
	}
	return minor, ""
}

// example is an amount as the rep might type it in a currency with digits
// decimals: "1250.00", or "1250" for yen.
func example(digits int) string {
	if digits == 0 {
		return "1250"
	}
	return "1250." + strings.Repeat("0", digits)
}

// Validate checks that m is an amount a deal may hold: a known currency
// and 0 to MaxMinor minor units. ParseMoney returns only such amounts.
func (m Money) Validate() error {
	var v domain.ValidationError
	if _, ok := minorDigits[m.Currency]; !ok {
		v.Add(FieldCurrency, fmt.Sprintf("Currency must be one of %s.", strings.Join(Currencies, ", ")))
	}
	switch {
	case m.Minor < 0:
		v.Add(FieldAmount, "Amount cannot be negative.")
	case m.Minor > MaxMinor:
		v.Add(FieldAmount, fmt.Sprintf("Amount must be at most %s.", Money{Minor: MaxMinor, Currency: m.Currency}))
	}
	return v.Err()
}

// digits is how many decimals m's currency has; 2 when it is unknown.
func (m Money) digits() int {
	if d, ok := minorDigits[m.Currency]; ok {
		return d
	}
	return 2
}

// String formats m for reading, currency first, with thousands grouped:
// "EUR 1,250.00", "JPY 1,250".
func (m Money) String() string {
	if m.Currency == "" && m.Minor == 0 {
		return ""
	}
	return m.Currency + " " + formatMinor(m.Minor, m.digits())
}

// Decimal is the amount as a rep types it back, without grouping or
// currency: "1250.00". ParseMoney reads it back to the same Money.
func (m Money) Decimal() string {
	s := formatMinor(m.Minor, m.digits())
	return strings.ReplaceAll(s, ",", "")
}

// formatMinor writes minor units with digits decimals and commas between
// thousands.
func formatMinor(minor int64, digits int) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	s := strconv.FormatInt(minor, 10)
	if len(s) <= digits {
		s = strings.Repeat("0", digits-len(s)+1) + s
	}
	whole, frac := s[:len(s)-digits], s[len(s)-digits:]
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if digits > 0 {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}
