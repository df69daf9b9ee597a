// Package extract finds sockplay's messages with gotext's extractor
// (golang.org/x/text/message/pipeline) and merges them with the
// translations of locales/zh/messages.gotext.json. go generate in
// internal/i18n writes that file from it (gen.go); a test checks that it
// is current and that every message has its translation. It is apart
// from package i18n so that the binary does not carry the extractor.
package extract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message/pipeline"
)

// Packages are the packages whose messages the user reads.
var Packages = []string{
	"github.com/sockplay/sockplay/cli",
	"github.com/sockplay/sockplay/diagram",
	"github.com/sockplay/sockplay/internal/child",
	"github.com/sockplay/sockplay/internal/luaassert",
	"github.com/sockplay/sockplay/luabind",
	"github.com/sockplay/sockplay/luatest",
	"github.com/sockplay/sockplay/repl",
	"github.com/sockplay/sockplay/trace",
	"github.com/sockplay/sockplay/ui",
}

// LuaDirs are the folders, from the module's root, whose Lua scripts
// say their words with tr("...") (luabind's tr).
var LuaDirs = []string{"scripts"}

// File is a gotext translation file: the messages of one language.
type File struct {
	Language string             `json:"language"`
	Messages []pipeline.Message `json:"messages"`
}

// Extract returns the messages of pkgs, one per key (the English format
// the code passes to i18n), in the order gotext finds them, then those of
// the Lua scripts in LuaDirs.
func Extract(pkgs []string) ([]pipeline.Message, error) {
	st, err := pipeline.Extract(&pipeline.Config{
		SourceLanguage: language.English,
		Packages:       pkgs,
	})
	if err != nil {
		return nil, err
	}
	var msgs []pipeline.Message
	seen := map[string]bool{}
	for _, m := range st.Extracted.Messages {
		if seen[m.Key] {
			continue
		}
		seen[m.Key] = true
		m.Position = ""
		msgs = append(msgs, m)
	}
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	for _, dir := range LuaDirs {
		lua, err := luaMessages(filepath.Join(root, dir))
		if err != nil {
			return nil, err
		}
		for _, m := range lua {
			if !seen[m.Key] {
				seen[m.Key] = true
				msgs = append(msgs, m)
			}
		}
	}
	return msgs, nil
}

// trCall is a call of tr with a literal format in double quotes.
var trCall = regexp.MustCompile(`\btr\("((?:[^"\\]|\\.)*)"`)

// luaMessages are the formats of the tr calls of the Lua files below
// dir, as gotext writes a message: each %s a placeholder, {Arg1}, ...
func luaMessages(dir string) ([]pipeline.Message, error) {
	var msgs []pipeline.Message
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".lua") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range trCall.FindAllSubmatch(src, -1) {
			key, err := strconv.Unquote(`"` + string(m[1]) + `"`)
			if err != nil {
				return fmt.Errorf("%s: tr(\"%s\"): %v", path, m[1], err)
			}
			msgs = append(msgs, luaMessage(key))
		}
		return nil
	})
	return msgs, err
}

func luaMessage(key string) pipeline.Message {
	m := pipeline.Message{ID: pipeline.IDList{key}, Key: key}
	var text strings.Builder
	for i := 0; i < len(key); i++ {
		switch {
		case strings.HasPrefix(key[i:], "%%"):
			text.WriteByte('%')
			i++
		case strings.HasPrefix(key[i:], "%s"):
			n := len(m.Placeholders) + 1
			id := fmt.Sprintf("Arg%d", n)
			m.Placeholders = append(m.Placeholders, pipeline.Placeholder{
				ID: id, String: fmt.Sprintf("%%[%d]s", n), Type: "string", UnderlyingType: "string", ArgNum: n,
			})
			text.WriteString("{" + id + "}")
			i++
		default:
			text.WriteByte(key[i])
		}
	}
	m.Message.Msg = text.String()
	return m
}

// moduleRoot is the folder of the go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Read reads a translation file.
func Read(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &f, nil
}

// Merge is the translation file of lang for the messages msgs, each with
// its translation from old (by key) if it has one; missing lists the keys
// without one.
func Merge(lang string, msgs []pipeline.Message, old *File) (f *File, missing []string) {
	have := map[string]pipeline.Message{}
	if old != nil {
		for _, m := range old.Messages {
			have[m.Key] = m
		}
	}
	f = &File{Language: lang}
	for _, m := range msgs {
		if o, ok := have[m.Key]; ok {
			m.Translation = o.Translation
			m.TranslatorComment = o.TranslatorComment
		}
		if m.Translation.Msg == "" {
			missing = append(missing, m.Key)
		}
		f.Messages = append(f.Messages, m)
	}
	return f, missing
}

// Write writes f as gotext writes its files.
func Write(path string, f *File) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<" as it is, for the translator
	enc.SetIndent("", "    ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	// pipeline.Text marshals itself, escaping <, > and & all the same.
	data := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(b.String())
	return os.WriteFile(path, []byte(data), 0o644)
}
