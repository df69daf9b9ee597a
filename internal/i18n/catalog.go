package i18n

import (
	_ "embed"
	"encoding/json"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message/catalog"
)

// zhMessages is the Chinese translation file, in gotext's format: each
// message's key (the English format), its translation, and the
// placeholders ({Where}) the translation may use.
//
//go:embed locales/zh/messages.gotext.json
var zhMessages []byte

type messageFile struct {
	Messages []struct {
		Key          string `json:"key"`
		Translation  string `json:"translation"`
		Placeholders []struct {
			ID     string `json:"id"`
			String string `json:"string"`
		} `json:"placeholders"`
	} `json:"messages"`
}

// newCatalog builds the catalog from the translation file.
func newCatalog() (*catalog.Builder, error) {
	var f messageFile
	if err := json.Unmarshal(zhMessages, &f); err != nil {
		return nil, err
	}
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for _, m := range f.Messages {
		if m.Translation == "" {
			continue
		}
		ph := map[string]string{}
		for _, p := range m.Placeholders {
			ph[p.ID] = p.String
		}
		// gotext trims the message; the key keeps its blank lines.
		trimmed := strings.TrimSpace(m.Key)
		i := strings.Index(m.Key, trimmed)
		msg := m.Key[:i] + toFormat(m.Translation, ph) + m.Key[i+len(trimmed):]
		if err := b.SetString(language.SimplifiedChinese, m.Key, msg); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// toFormat is a translation as a fmt format: a placeholder {ID} becomes
// its verb (%[1]s), a % itself %%; any other {...} is text (a Lua table).
func toFormat(s string, ph map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%':
			b.WriteString("%%")
			continue
		case '{':
			if end := strings.IndexByte(s[i:], '}'); end > 0 {
				if verb, ok := ph[s[i+1:i+end]]; ok {
					b.WriteString(verb)
					i += end
					continue
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
