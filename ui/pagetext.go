package ui

import (
	"encoding/json"
	"strings"

	"github.com/sockplay/sockplay/internal/i18n"
)

// The page's words. The page (page/app.js) shows each through T, and
// page/index.html marks its own with data-t; the view puts their
// translations into the page it serves (pageTexts), so that the catalog
// holds them with every other message and its test finds one missing.
// A %s is what the page fills in. Kernel states (ESTABLISHED), socket
// calls (recv) and addresses are not words here: they are the same in
// every language. TestPageTexts checks that this list and the page's
// words are the same.
var pageWords = []string{
	// index.html
	i18n.Key("live view"),
	i18n.Key("connecting…"),
	i18n.Key("Sockets"),
	i18n.Key("The state of a TCP socket is the kernel's (TCP_INFO); bytes and queues too. A row lights up when its state changes."),
	i18n.Key("Tasks"),
	i18n.Key("Events"),
	i18n.Key("Sequence diagram"),
	i18n.Key("click a message for its bytes"),
	i18n.Key("No socket event yet."),
	i18n.Key("close"),
	i18n.Key("Hex dump"),
	i18n.Key("As text"),
	// app.js
	i18n.Key("live"),
	i18n.Key("the view has closed (its process ended): this page keeps what it last showed"),
	i18n.Key("%s events lost: the run made them faster than the view took them"),
	i18n.Key("%s events not shown in the log: this page fell behind"),
	i18n.Key("stream"),
	i18n.Key("datagram"),
	i18n.Key("(unnamed)"),
	i18n.Key("(unbound)"),
	i18n.Key("the kernel's TCP state (TCP_INFO)"),
	i18n.Key("%s to accept (backlog %s)"),
	i18n.Key("in %s / out %s"),
	i18n.Key("task %s in %s"),
	i18n.Key("counted by the kernel"),
	i18n.Key("counted from the trace"),
	// A byte count below 10000; above, the page writes kB and MB, the
	// units' symbols, in every language.
	i18n.Key("%s B"),
	i18n.Key("(serves this view)"),
	i18n.Key("ended"),
	i18n.Key("ended: %s"),
	i18n.Key("a task holds the runtime (a loop that does not block)"),
	i18n.Key("%s old events left out of the diagram"),
	i18n.Key("%s sends and receives (send, recv, sendto, recvfrom) made while no page was open are not drawn (their bytes are counted)"),
	i18n.Key("sock"),
	i18n.Key("kind"),
	i18n.Key("local → remote"),
	i18n.Key("state"),
	i18n.Key("in / out"),
	i18n.Key("queued"),
	i18n.Key("waiting"),
	i18n.Key("no socket yet"),
	i18n.Key("task"),
	i18n.Key("what"),
	i18n.Key("waits in"),
	i18n.Key("at"),
	i18n.Key("%s on sock %s"),
	i18n.Key("running"),
	i18n.Key("no task"),
	i18n.Key("(the first %s of %s bytes: --trace-bytes N keeps more)"),
	i18n.Key("(no bytes)"),
	i18n.Key("process %s"),
	i18n.Key("(%s in all, the last %s shown)"),
	// How a joined process's connection ended (join.go): the page
	// translates the ended_why it is sent.
	whyLost,
	whyUnreadable,
}

var (
	whyLost       = i18n.Key("its connection to the view was lost")
	whyUnreadable = i18n.Key("it sent what the view does not read")
)

// pageTexts is the JSON the page reads its words from: each English text
// of pageWords with its translation in l, whose %s are {0}, {1}... (the
// translation may order them otherwise).
func pageTexts(l i18n.Lang) []byte {
	m := make(map[string]string, len(pageWords))
	for _, w := range pageWords {
		args := make([]any, strings.Count(w, "%s"))
		for i := range args {
			args[i] = "{" + string(rune('0'+i)) + "}"
		}
		m[w] = l.Sprintf(w, args...)
	}
	b, _ := json.Marshal(m) // which escapes <, > and &: the JSON is in a <script>
	return b
}

// htmlLang is the page's lang attribute in l.
func htmlLang(l i18n.Lang) string {
	if l == i18n.Chinese {
		return "zh-CN"
	}
	return "en"
}
