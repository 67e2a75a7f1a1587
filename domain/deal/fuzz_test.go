package deal_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/deal"
)

// FuzzParseMoney checks ParseMoney against a second, deliberately plain
// reading of the same rules, and that every amount it returns survives
// being shown to a rep and typed back (Decimal is what the edit form shows).
func FuzzParseMoney(f *testing.F) {
	f.Add("1250", "EUR")
	f.Add("1,234.56", "USD")
	f.Add("  007.50 ", " AUD ")
	f.Add("1,000,000,000,000.00", "EUR")
	f.Add("1,000,000,000,000.01", "GBP")
	f.Add("100000000000000", "JPY")
	f.Add("12.5", "KRW")
	f.Add("7", "JPY")
	f.Add("-0", "CHF")
	f.Add("1,23", "EUR")
	f.Add("99999999999999999999", "XXX")
	f.Fuzz(func(t *testing.T, amount, currency string) {
		m, err := deal.ParseMoney(amount, currency)
		want, ok := plainMoney(amount, currency)
		if err != nil {
			var v *domain.ValidationError
			require.ErrorAs(t, err, &v)
			for _, fe := range v.Fields {
				assert.Contains(t, []string{deal.FieldAmount, deal.FieldCurrency}, fe.Field)
				assert.NotEmpty(t, fe.Message)
			}
			assert.Equal(t, deal.Money{}, m)
			require.Falsef(t, ok, "ParseMoney(%q, %q) refused %v: %v", amount, currency, want, err)
			return
		}
		require.Truef(t, ok, "ParseMoney(%q, %q) accepted %v", amount, currency, m)
		require.Equal(t, want, m)
		require.NoError(t, m.Validate(), "ParseMoney returned an amount a deal may not hold")

		back, err := deal.ParseMoney(m.Decimal(), m.Currency)
		require.NoErrorf(t, err, "Decimal %q of %v does not parse back", m.Decimal(), m)
		require.Equal(t, m, back)
	})
}

// plainMoney is the reading of ParseMoney's rules written without its
// regular expression or int64 arithmetic: a known currency (spaces around
// it ignored), a non-negative amount with an optional comma grouping in
// threes and at most as many decimals as the currency has, and at most
// deal.MaxMinor minor units.
func plainMoney(amount, currency string) (deal.Money, bool) {
	currency = strings.TrimSpace(currency)
	decimals := -1
	for _, c := range deal.Currencies {
		if c == currency {
			decimals = 2
			if c == "JPY" || c == "KRW" {
				decimals = 0
			}
		}
	}
	if decimals < 0 {
		return deal.Money{}, false
	}
	whole, frac, hasPoint := strings.Cut(strings.TrimSpace(amount), ".")
	if hasPoint && (frac == "" || !allDigits(frac)) || len(frac) > decimals {
		return deal.Money{}, false
	}
	if groups := strings.Split(whole, ","); len(groups) > 1 {
		if len(groups[0]) < 1 || len(groups[0]) > 3 {
			return deal.Money{}, false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return deal.Money{}, false
			}
		}
		whole = strings.Join(groups, "")
	}
	if whole == "" || !allDigits(whole) {
		return deal.Money{}, false
	}
	minor, _ := new(big.Int).SetString(whole+frac+strings.Repeat("0", decimals-len(frac)), 10)
	if minor.Cmp(big.NewInt(deal.MaxMinor)) > 0 {
		return deal.Money{}, false
	}
	return deal.Money{Minor: minor.Int64(), Currency: currency}, true
}

func allDigits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}
