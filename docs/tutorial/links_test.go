package tutorial

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var linkRE = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestLinks checks that every page has its twin in the other language and
// links to it, that relative links lead to files, and that both languages
// show every diagram.
func TestLinks(t *testing.T) {
	en, _ := filepath.Glob("*.md")
	zh, _ := filepath.Glob("zh-CN/*.md")
	if len(en) == 0 || len(en) != len(zh) {
		t.Errorf("%d English pages, %d Chinese ones: %v %v", len(en), len(zh), en, zh)
	}
	shown := map[string]map[string]bool{} // image → languages
	for _, page := range append(en, zh...) {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		lang, twin := "en", filepath.Join("zh-CN", page)
		if strings.HasPrefix(page, "zh-CN"+string(filepath.Separator)) {
			lang, twin = "zh-CN", filepath.Base(page)
		}
		if _, err := os.Stat(twin); err != nil {
			t.Errorf("%s has no twin %s", page, twin)
		}
		links := map[string]bool{}
		for _, m := range linkRE.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			path := filepath.Join(filepath.Dir(page), filepath.FromSlash(target))
			links[filepath.Clean(path)] = true
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s links to %s, which does not exist", page, m[1])
			}
			if strings.Contains(target, sharedDir+"/") {
				t.Errorf("%s links to %s: a clone has no %s", page, m[1], sharedDir)
			}
			if strings.HasSuffix(target, ".svg") {
				if shown[filepath.Base(target)] == nil {
					shown[filepath.Base(target)] = map[string]bool{}
				}
				shown[filepath.Base(target)][lang] = true
			}
		}
		if !links[filepath.Clean(twin)] {
			t.Errorf("%s does not link to its twin %s", page, twin)
		}
	}
	imgs, _ := filepath.Glob("img/*.svg")
	for _, img := range imgs {
		if s := shown[filepath.Base(img)]; !s["en"] || !s["zh-CN"] {
			t.Errorf("%s is shown in %v only; both languages should show it", img, s)
		}
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"docs/tutorial/README.md", "docs/tutorial/zh-CN/README.md"} {
		if !strings.Contains(string(readme), "]("+want+")") {
			t.Errorf("the project's README.md does not link to %s", want)
		}
	}
}

// TestDocsStandAlone checks that the project's README.md and every page
// of docs/ link only to files of the repository: a clone has nothing
// beside it.
func TestDocsStandAlone(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{filepath.Join(root, "README.md")}
	err = filepath.WalkDir(filepath.Join(root, "docs"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			pages = append(pages, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range pages {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, page)
		for _, m := range linkRE.FindAllStringSubmatch(string(b), -1) {
			target, _, _ := strings.Cut(m[1], "#")
			if strings.Contains(target, "://") || target == "" {
				continue
			}
			path := filepath.Clean(filepath.Join(filepath.Dir(page), filepath.FromSlash(target)))
			if inside, _ := filepath.Rel(root, path); strings.HasPrefix(inside, "..") {
				t.Errorf("%s links to %s, outside the repository", rel, m[1])
			} else if _, err := os.Stat(path); err != nil {
				t.Errorf("%s links to %s, which does not exist", rel, m[1])
			}
		}
		if strings.Contains(string(b), sharedDir) {
			t.Errorf("%s names %s, which a clone does not have", rel, sharedDir)
		}
	}
}

// sharedDir is the developers' folder beside a checkout (its bench, the
// seed tutorial), which a user's clone does not have. Spelt in two parts
// so that this file is not itself a mention of it.
const sharedDir = ".." + "/shared"
