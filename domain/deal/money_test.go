package deal_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/deal"
)

func TestParseMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		amount, currency string
		want             deal.Money
		field, message   string // the refusal, "" when accepted
	}{
		// accepted forms
		{"a whole number is that many units", "1234", "EUR", deal.Money{Minor: 123400, Currency: "EUR"}, "", ""},
		{"one decimal is tenths", "1234.5", "EUR", deal.Money{Minor: 123450, Currency: "EUR"}, "", ""},
		{"two decimals are cents", "1234.56", "USD", deal.Money{Minor: 123456, Currency: "USD"}, "", ""},
		{"thousands may be grouped by commas", "1,234.56", "GBP", deal.Money{Minor: 123456, Currency: "GBP"}, "", ""},
		{"several groups of thousands are read", "12,345,678", "CHF", deal.Money{Minor: 1234567800, Currency: "CHF"}, "", ""},
		{"surrounding spaces are ignored", "  99.90 ", " BRL ", deal.Money{Minor: 9990, Currency: "BRL"}, "", ""},
		{"zero is an amount", "0", "CAD", deal.Money{Minor: 0, Currency: "CAD"}, "", ""},
		{"zero yen is an amount", "0", "JPY", deal.Money{Minor: 0, Currency: "JPY"}, "", ""},
		{"zero won written 000 is an amount", "000", "KRW", deal.Money{Minor: 0, Currency: "KRW"}, "", ""},
		{"leading zeros are ignored", "007.50", "AUD", deal.Money{Minor: 750, Currency: "AUD"}, "", ""},
		{"yen are whole numbers", "1,250", "JPY", deal.Money{Minor: 1250, Currency: "JPY"}, "", ""},
		{"won are whole numbers", "5000", "KRW", deal.Money{Minor: 5000, Currency: "KRW"}, "", ""},
		{"the database's limit is accepted", "1,000,000,000,000.00", "EUR", deal.Money{Minor: deal.MaxMinor, Currency: "EUR"}, "", ""},
		{"the limit in yen is a hundred times more units", "100000000000000", "JPY", deal.Money{Minor: deal.MaxMinor, Currency: "JPY"}, "", ""},

		// refused amounts
		{"an empty amount is refused", "", "EUR", deal.Money{}, deal.FieldAmount, "Amount is required."},
		{"spaces only are refused", "   ", "EUR", deal.Money{}, deal.FieldAmount, "Amount is required."},
		{"words are refused", "lots", "EUR", deal.Money{}, deal.FieldAmount, "Amount must be a number like 1250.00."},
		{"words are refused with a whole yen example", "lots", "JPY", deal.Money{}, deal.FieldAmount, "Amount must be a number like 1250."},
		{"a currency sign in the amount is refused", "€1250", "EUR", deal.Money{}, deal.FieldAmount, "Amount must be a number like 1250.00."},
		{"a decimal comma is refused", "1250,50", "EUR", deal.Money{}, deal.FieldAmount, "Amount must be a number like 1250.00."},
		{"commas not in threes are refused", "1,2345", "EUR", deal.Money{}, deal.FieldAmount, "Amount must be a number like 1250.00."},
		{"a point without decimals is refused", "1250.", "EUR", deal.Money{}, deal.FieldAmount, "Amount must be a number like 1250.00."},
		{"decimals without a whole part are refused", ".5", "EUR", deal.Money{}, deal.FieldAmount, "Amount must be a number like 1250.00."},
		{"exponents are refused", "1e3", "EUR", deal.Money{}, deal.FieldAmount, "Amount must be a number like 1250.00."},
		{"a second point is refused", "1.2.3", "EUR", deal.Money{}, deal.FieldAmount, "Amount must be a number like 1250.00."},
		{"a negative amount is refused", "-5", "EUR", deal.Money{}, deal.FieldAmount, "Amount cannot be negative."},
		{"a negative grouped amount is refused", "-1,250.00", "EUR", deal.Money{}, deal.FieldAmount, "Amount cannot be negative."},
		{"three decimals in euros are refused", "12.345", "EUR", deal.Money{}, deal.FieldAmount, "EUR amounts have at most 2 decimals, like 1250.00."},
		{"trailing zero decimals beyond cents are refused too", "12.000", "USD", deal.Money{}, deal.FieldAmount, "USD amounts have at most 2 decimals, like 1250.00."},
		{"decimals in yen are refused", "1250.5", "JPY", deal.Money{}, deal.FieldAmount, "JPY amounts are whole numbers, like 1250."},
		{"one cent above the limit is refused", "1000000000000.01", "EUR", deal.Money{}, deal.FieldAmount, "Amount must be at most EUR 1,000,000,000,000.00."},
		{"one yen above the limit is refused", "100,000,000,000,001", "JPY", deal.Money{}, deal.FieldAmount, "Amount must be at most JPY 100,000,000,000,000."},
		{"an amount beyond int64 is refused as too large", strings.Repeat("9", 30), "EUR", deal.Money{}, deal.FieldAmount, "Amount must be at most EUR 1,000,000,000,000.00."},
		{"an amount just beyond int64 after scaling is refused as too large", "92233720368547758", "EUR", deal.Money{}, deal.FieldAmount, "Amount must be at most EUR 1,000,000,000,000.00."},

		// refused currencies
		{"a missing currency is refused", "10", "", deal.Money{}, deal.FieldCurrency, "Choose a currency."},
		{"an unknown code is refused", "10", "XYZ", deal.Money{}, deal.FieldCurrency, "Currency must be one of EUR, USD, GBP, CHF, JPY, KRW, BRL, CAD, AUD."},
		{"a lower-case code is refused", "10", "eur", deal.Money{}, deal.FieldCurrency, "Currency must be one of EUR, USD, GBP, CHF, JPY, KRW, BRL, CAD, AUD."},
		{"a symbol is refused", "10", "€", deal.Money{}, deal.FieldCurrency, "Currency must be one of EUR, USD, GBP, CHF, JPY, KRW, BRL, CAD, AUD."},
		{"an unknown currency still checks decimals", "1.234", "XYZ", deal.Money{}, deal.FieldAmount, "Amounts have at most 2 decimals."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := deal.ParseMoney(tt.amount, tt.currency)
			if tt.field == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				assert.NoError(t, got.Validate(), "what ParseMoney returns is valid")
				return
			}
			var v *domain.ValidationError
			require.ErrorAs(t, err, &v)
			assert.Equal(t, tt.message, v.For(tt.field))
			assert.Zero(t, got)
		})
	}
}

func TestParseMoney_reportsAmountAndCurrencyTogether(t *testing.T) {
	t.Parallel()
	_, err := deal.ParseMoney("abc", "")

	var v *domain.ValidationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, []domain.FieldError{
		{Field: deal.FieldCurrency, Message: "Choose a currency."},
		{Field: deal.FieldAmount, Message: "Amount must be a number like 1250.00."},
	}, v.Fields)
}

func TestMoney_formatting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		money            deal.Money
		str, decimal, as string
	}{
		{deal.Money{Minor: 125000, Currency: "EUR"}, "EUR 1,250.00", "1250.00", "1250.00 EUR"},
		{deal.Money{Minor: 5, Currency: "USD"}, "USD 0.05", "0.05", "0.05 USD"},
		{deal.Money{Minor: 0, Currency: "GBP"}, "GBP 0.00", "0.00", "0.00 GBP"},
		{deal.Money{Minor: 99, Currency: "CHF"}, "CHF 0.99", "0.99", "0.99 CHF"},
		{deal.Money{Minor: 100, Currency: "CAD"}, "CAD 1.00", "1.00", "1.00 CAD"},
		{deal.Money{Minor: 123456789, Currency: "AUD"}, "AUD 1,234,567.89", "1234567.89", "1234567.89 AUD"},
		{deal.Money{Minor: 1250, Currency: "JPY"}, "JPY 1,250", "1250", "1250 JPY"},
		{deal.Money{Minor: 999, Currency: "KRW"}, "KRW 999", "999", "999 KRW"},
		{deal.Money{Minor: deal.MaxMinor, Currency: "BRL"}, "BRL 1,000,000,000,000.00", "1000000000000.00", "1000000000000.00 BRL"},
		{deal.Money{}, "", "0.00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.str, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.str, tt.money.String())
			assert.Equal(t, tt.decimal, tt.money.Decimal())
			assert.Equal(t, tt.as, deal.Fields{Amount: tt.money}.Get(deal.FieldAmount), "as fields compare and history show it")
			if tt.money.Currency != "" {
				back, err := deal.ParseMoney(tt.money.Decimal(), tt.money.Currency)
				require.NoError(t, err)
				assert.Equal(t, tt.money, back, "Decimal reads back as the same money")
				grouped, err := deal.ParseMoney(strings.TrimPrefix(tt.str, tt.money.Currency+" "), tt.money.Currency)
				require.NoError(t, err)
				assert.Equal(t, tt.money, grouped, "String's number reads back too")
			}
		})
	}
}

func TestMoney_Validate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		money          deal.Money
		field, message string
	}{
		{"a parsed amount is valid", deal.Money{Minor: 100, Currency: "EUR"}, "", ""},
		{"the zero Money has no currency", deal.Money{}, deal.FieldCurrency, "Currency must be one of EUR, USD, GBP, CHF, JPY, KRW, BRL, CAD, AUD."},
		{"a negative amount is invalid", deal.Money{Minor: -1, Currency: "EUR"}, deal.FieldAmount, "Amount cannot be negative."},
		{"an amount above the limit is invalid", deal.Money{Minor: deal.MaxMinor + 1, Currency: "JPY"}, deal.FieldAmount, "Amount must be at most JPY 100,000,000,000,000."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.money.Validate()
			if tt.field == "" {
				assert.NoError(t, err)
				return
			}
			var v *domain.ValidationError
			require.ErrorAs(t, err, &v)
			assert.Equal(t, tt.message, v.For(tt.field))
		})
	}
}
