package i18n

import "strings"

// The system's languages, for when the environment names none: Windows'
// and macOS's own terminals export no LANG, so a learner on a Chinese
// system would otherwise read English. systemLanguages (system_*.go)
// asks the OS for the user's preferred languages, most preferred first;
// elsewhere the locale variables are the system's word.

// tagLang is our language for a language tag as a system or a locale
// variable spells it ("zh-Hans-CN", "zh_CN.UTF-8", "en-US", "C"), and
// whether the tag names one we speak. Any Chinese, Traditional too
// (zh-TW, zh-HK, zh-Hant), is ours: Simplified text is readable to a
// Traditional reader, and much nearer than English for a learner who
// asked for Chinese (SOCKPLAY_LANG=en says otherwise).
func tagLang(tag string) (Lang, bool) {
	tag = strings.ToLower(strings.TrimSpace(tag))
	// A locale's codeset and modifier (zh_CN.UTF-8, en_US@rg=cnzzzz)
	// and the subtags after the language (-Hans-CN, _TW) say nothing
	// of which of our languages it is.
	if i := strings.IndexAny(tag, ".@_-"); i >= 0 {
		tag = tag[:i]
	}
	switch tag {
	case "zh":
		return Chinese, true
	case "en":
		return English, true
	}
	return English, false
}

// fromSystem is the language of the first of a system's preferred
// languages (most preferred first) that we speak, as a native program
// takes the first of the user's list it has a translation for; English
// when none is.
func fromSystem(tags []string) Lang {
	for _, tag := range tags {
		if l, ok := tagLang(tag); ok {
			return l
		}
	}
	return English
}
