package diagram

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sockplay/sockplay/trace"
	"golang.org/x/text/width"
)

// Layout, in pixels.
const (
	marginLeft = 110              // the time column
	colW       = 350              // between lifelines
	firstX     = marginLeft + 330 // room for a label left of the first lifeline
	headerTop  = 100
	headerH    = 44
	rowH       = 30
	firstRowY  = headerTop + headerH + 34
	charW      = 6.7 // of the 11px monospace font, for label backgrounds
)

// Colours: one per kind of arrow, each with its own arrowhead marker.
var colors = map[string]string{
	"data":      "#0969da",
	"fin":       "#8250df",
	"handshake": "#57606a",
	"datagram":  "#1a7f37",
	"error":     "#cf222e",
}

func lifelineX(l *Lifeline) float64 { return float64(firstX + l.index*colW) }

func rowY(row int) float64 { return float64(firstRowY + row*rowH) }

// WriteSVG draws the diagram as a self-contained SVG document (no
// scripts, no external fonts or images; tooltips are <title> elements).
func (d *Diagram) WriteSVG(w io.Writer) error {
	rows := 0
	for _, st := range d.Steps {
		rows = st.Row + st.Rows
	}
	width := firstX + max(len(d.Lifelines)-1, 0)*colW + 360
	width = max(width, 760)
	height := firstRowY + rows*rowH + 50
	if d.Omitted > 0 {
		height += 24
	}

	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="11">`+"\n",
		width, height, width, height)
	traces := strings.Join(d.Traces, " + ")
	p("<title>%s</title>\n", esc(d.lang.Sprintf("sockplay sequence diagram: %s", traces)))
	p("<defs>\n")
	for _, name := range []string{"data", "fin", "handshake", "datagram", "error"} {
		p(`<marker id="arrow-%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`+"\n", name, colors[name])
	}
	p("</defs>\n")
	p(`<rect width="100%%" height="100%%" fill="#ffffff"/>` + "\n")
	p(`<text class="heading" x="16" y="26" font-size="15" font-weight="bold" fill="#1f2328">%s</text>`+"\n",
		esc(d.lang.Sprintf("Sequence diagram: %s", traces)))
	d.legend(&b)

	d.lanes(&b, float64(width), float64(height-24))

	// Lifelines: a box with the endpoint, a dashed line down to where its
	// last socket closed (an X), or to the bottom.
	last := map[*Lifeline]*Step{}
	for _, st := range d.Steps {
		if st.From != nil {
			last[st.From] = st
		}
	}
	for _, l := range d.Lifelines {
		x := lifelineX(l)
		endY := float64(height - 30)
		closed := len(l.socks) > 0
		for _, s := range l.socks {
			closed = closed && s.closed
		}
		st := last[l]
		ended := closed && st != nil && st.Ev.Event == "close"
		if ended {
			endY = rowY(st.Row) + 12
		}
		dash := ""
		if !l.Traced {
			dash = ` stroke-dasharray="5 3"`
		}
		p(`<g class="lifeline" data-endpoint="%s">`+"\n", esc(l.Endpoint))
		shown := l.Endpoint
		if l.Unnamed {
			shown = trace.ShowAddrIn(d.lang, "")
		}
		p("<title>%s</title>\n", esc(shown+"\n"+l.Detail))
		p(`<line x1="%.0f" y1="%d" x2="%.0f" y2="%.0f" stroke="#8c959f" stroke-dasharray="4 4"/>`+"\n", x, headerTop+headerH, x, endY)
		p(`<rect x="%.0f" y="%d" width="%d" height="%d" rx="6" fill="#f6f8fa" stroke="#57606a"%s/>`+"\n", x-140, headerTop, 280, headerH, dash)
		p(`<text x="%.0f" y="%d" text-anchor="middle" font-size="12" font-weight="bold" fill="#1f2328">%s</text>`+"\n", x, headerTop+18, esc(clip(shown, 38)))
		p(`<text x="%.0f" y="%d" text-anchor="middle" font-size="10" fill="#57606a">%s</text>`+"\n", x, headerTop+34, esc(clip(l.Detail, 44)))
		if ended {
			p(`<path d="M%.0f,%.0f l10,10 m0,-10 l-10,10" stroke="#1f2328" stroke-width="2"/>`+"\n", x-5, endY-5)
		}
		p("</g>\n")
	}

	draws := make([]*drawing, len(d.Steps))
	for i, st := range d.Steps {
		draws[i] = d.draw(st)
	}
	placeLabels(draws)
	for i, dr := range draws {
		dr.write(&b, i)
	}
	switch {
	case d.Omitted > 0 && d.OmittedEarlier:
		p(`<text class="omitted" x="16" y="%d" fill="#cf222e">%s</text>`+"\n", headerTop+headerH+18,
			esc("… "+d.lang.Sprintf("%d earlier events are not drawn (a diagram draws the last %d)", d.Omitted, MaxSteps)))
	case d.Omitted > 0:
		p(`<text class="omitted" x="16" y="%d" fill="#cf222e">%s</text>`+"\n", height-20,
			esc("… "+d.lang.Sprintf("%d more events are not drawn (a diagram draws at most %d)", d.Omitted, MaxSteps)))
	}
	p("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// lanes draws, when the diagram has several traces (processes), a band
// behind the lifelines of each, named by the trace.
func (d *Diagram) lanes(b *bytes.Buffer, width, bottom float64) {
	if len(d.Traces) < 2 {
		return
	}
	first, last := map[int]*Lifeline{}, map[int]*Lifeline{}
	for _, l := range d.Lifelines {
		if l.Group < 0 {
			continue
		}
		if first[l.Group] == nil {
			first[l.Group] = l
		}
		last[l.Group] = l
	}
	for g, name := range d.Traces {
		if first[g] == nil {
			continue
		}
		// The outer bands reach the edges, where the outer labels go.
		x0, x1 := lifelineX(first[g])-colW/2+8, lifelineX(last[g])+colW/2-8
		if first[g].index == 0 {
			x0 = marginLeft + 8
		}
		if last[g].index == len(d.Lifelines)-1 {
			x1 = width - 8
		}
		top := float64(headerTop - 22)
		fmt.Fprintf(b, `<g class="lane" data-trace="%s">`, esc(name))
		fmt.Fprintf(b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="8" fill="#f6f8fa" fill-opacity="0.6" stroke="#d0d7de"/>`, x0, top, x1-x0, bottom-top)
		fmt.Fprintf(b, `<text x="%.0f" y="%.0f" font-size="11" font-weight="bold" fill="#57606a">%s</text>`, x0+10, top+15, esc(clip(name, int((x1-x0-20)/charW))))
		b.WriteString("</g>\n")
	}
}

func (d *Diagram) legend(b *bytes.Buffer) {
	x := 16.0
	y := 52.0
	item := func(color, dash, text string) {
		fmt.Fprintf(b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="%s" stroke-width="2"%s/>`, x, y-4, x+26, y-4, color, dash)
		fmt.Fprintf(b, `<text x="%.0f" y="%.0f" fill="#57606a">%s</text>`, x+32, y, esc(text))
		x += 32 + float64(columns(text))*charW + 22
	}
	b.WriteString(`<g class="legend">`)
	l := d.lang
	item(colors["handshake"], "", l.Sprintf("handshake"))
	item(colors["data"], "", l.Sprintf("bytes of a send, to the recv that took them"))
	item(colors["fin"], "", l.Sprintf("FIN (close, shutdown)"))
	item(colors["datagram"], "", l.Sprintf("datagram"))
	item(colors["error"], "", l.Sprintf("error"))
	b.WriteString("</g>\n")
	fmt.Fprintf(b, `<text x="16" y="%d" fill="#57606a" font-size="10">%s</text>`+"\n", 70,
		esc(l.Sprintf("time flows down; the left column is seconds since the first event; hover for details")))
}

// A drawing is what one step draws: marks (dots, boxes), arrows and
// labels. WriteSVG lays out every step's drawing first, then places the
// labels that may go on either side of their lifeline where no arrow
// crosses them, then writes them.
type drawing struct {
	st     *Step
	marks  []string
	arrows []arrowLine
	labels []*textLabel
}

// arrowLine is an arrow from (x1, y1) to (x2, y2) in a named colour;
// faint: thin and light, more of the same send.
type arrowLine struct {
	x1, y1, x2, y2 float64
	color, extra   string
	faint          bool
}

// textLabel is a text on a white box. alt, when set, is where else the
// label may go (the other side of its lifeline); WriteSVG takes whichever
// of the two crosses fewer arrows and labels.
type textLabel struct {
	x, y                       float64
	anchor, color, text, extra string
	full                       string // text before clip
	alt                        *textLabel
}

// newLabel makes a label at x, y: anchor "start" puts it right of x,
// "end" left of it, "middle" centred.
func newLabel(x, y float64, anchor, color, text, extra string) *textLabel {
	limit := 64
	if anchor == "end" {
		limit = int((x - marginLeft - 12) / charW) // not over the time column
	}
	return &textLabel{x: x, y: y, anchor: anchor, color: color, text: clip(text, max(limit, 12)), full: text, extra: extra}
}

// flipped is the label on the other side of the lifeline at lx, at y.
func (l *textLabel) flipped(lx, y float64) *textLabel {
	x, anchor := 2*lx-l.x, "start"
	if l.anchor == "start" {
		anchor = "end"
	}
	return newLabel(x, y, anchor, l.color, l.full, l.extra)
}

// box is the label's background, which is what must stay clear.
func (l *textLabel) box() (x0, y0, x1, y1 float64) {
	w := float64(columns(l.text))*charW + 6
	rx := l.x - 3
	switch l.anchor {
	case "end":
		rx = l.x - w + 3
	case "middle":
		rx = l.x - w/2
	}
	return rx, l.y - 11, rx + w, l.y + 3
}

func (l *textLabel) write(b *bytes.Buffer) {
	x0, y0, x1, _ := l.box()
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="14" fill="#ffffff" fill-opacity="0.85"/>`, x0, y0, x1-x0)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="%s" fill="%s"%s>%s</text>`+"\n", l.x, l.y, l.anchor, l.color, l.extra, esc(l.text))
}

func (a arrowLine) write(b *bytes.Buffer) {
	if a.faint {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1" stroke-opacity="0.45" marker-end="url(#arrow-%s)"/>`+"\n",
			a.x1, a.y1, a.x2, a.y2, colors[a.color], a.color)
		return
	}
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.6" marker-end="url(#arrow-%s)"%s/>`+"\n",
		a.x1, a.y1, a.x2, a.y2, colors[a.color], a.color, a.extra)
}

// crosses reports whether the arrow passes through the box x0..x1,
// y0..y1 (Liang-Barsky clipping of the segment to the box).
func (a arrowLine) crosses(x0, y0, x1, y1 float64) bool {
	if max(a.y1, a.y2) < y0 || min(a.y1, a.y2) > y1 || max(a.x1, a.x2) < x0 || min(a.x1, a.x2) > x1 {
		return false
	}
	dx, dy := a.x2-a.x1, a.y2-a.y1
	t0, t1 := 0.0, 1.0
	for _, pq := range [4][2]float64{{-dx, a.x1 - x0}, {dx, x1 - a.x1}, {-dy, a.y1 - y0}, {dy, y1 - a.y1}} {
		p, q := pq[0], pq[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		r := q / p
		if p < 0 {
			t0 = max(t0, r)
		} else {
			t1 = min(t1, r)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}

func overlaps(a, b *textLabel) bool {
	ax0, ay0, ax1, ay1 := a.box()
	bx0, by0, bx1, by1 := b.box()
	return ax0 < bx1 && bx0 < ax1 && ay0 < by1 && by0 < ay1
}

// placeLabels puts each label that has an alternative place where it
// crosses the fewest arrows of other steps and overlaps the fewest labels
// placed before it, keeping its first place on a tie.
func placeLabels(draws []*drawing) {
	var arrows []arrowLine
	var owner []*drawing
	for _, dr := range draws {
		for _, a := range dr.arrows {
			arrows = append(arrows, a)
			owner = append(owner, dr)
		}
	}
	var placed []*textLabel
	cost := func(dr *drawing, l *textLabel) int {
		n := 0
		x0, y0, x1, y1 := l.box()
		for i, a := range arrows {
			if owner[i] != dr && a.crosses(x0, y0, x1, y1) {
				n++
			}
		}
		for _, p := range placed {
			if overlaps(l, p) {
				n++
			}
		}
		return n
	}
	for _, dr := range draws {
		for i, l := range dr.labels {
			if l.alt != nil && cost(dr, l.alt) < cost(dr, l) {
				dr.labels[i] = l.alt
			}
			dr.labels[i].alt = nil
			placed = append(placed, dr.labels[i])
		}
	}
}

// collisions lists the labels that an arrow of another step crosses (the
// tests want none in the diagrams of the docs).
func collisions(draws []*drawing) []string {
	var out []string
	for _, dr := range draws {
		for _, l := range dr.labels {
			x0, y0, x1, y1 := l.box()
			for _, other := range draws {
				if other == dr {
					continue
				}
				for _, a := range other.arrows {
					if a.crosses(x0, y0, x1, y1) {
						out = append(out, fmt.Sprintf("the arrow of %q (row %d) crosses the label %q (row %d)", other.st.Label, other.st.Row, l.text, dr.st.Row))
					}
				}
			}
		}
	}
	return out
}

// draw lays out one step.
func (d *Diagram) draw(st *Step) *drawing {
	dr := &drawing{st: st}
	y := rowY(st.Row)
	xf := lifelineX(st.From)
	mark := func(format string, args ...any) { dr.marks = append(dr.marks, fmt.Sprintf(format, args...)) }
	arrow := func(x1, y1, x2, y2 float64, color, extra string) {
		dr.arrows = append(dr.arrows, arrowLine{x1: x1, y1: y1, x2: x2, y2: y2, color: color, extra: extra})
	}
	label := func(x, y float64, anchor, color, text, extra string) *textLabel {
		l := newLabel(x, y, anchor, color, text, extra)
		dr.labels = append(dr.labels, l)
		return l
	}
	// movable: a label beside its lifeline that may go to either side.
	movable := func(x, y float64, anchor, color, text string) {
		l := label(x, y, anchor, color, text, "")
		l.alt = l.flipped(xf, y)
	}
	// side is where a label goes: away from the arrow's other end.
	side := func(other *Lifeline) (float64, string) {
		if other != nil && other.index > st.From.index {
			return xf - 10, "end"
		}
		return xf + 10, "start"
	}
	switch st.Kind {
	case KindNote, KindError:
		color := "#1f2328"
		if st.Kind == KindError {
			color = colors["error"]
		}
		mark(`<circle cx="%.0f" cy="%.1f" r="3.5" fill="%s"/>`, xf, y, color)
		movable(xf+10, y+4, "start", color, st.Label)

	case KindHandshake:
		xt := lifelineX(st.To)
		dir := 1.0
		if xt < xf {
			dir = -1
		}
		lx, anchor := xf-10*dir, "end"
		if dir < 0 {
			anchor = "start"
		}
		label(lx, y+4, anchor, "#1f2328", st.Label, "")
		if st.Ev.Family == "AF_UNIX" {
			arrow(xf, y, xt, y+20, "handshake", "")
			label((xf+xt)/2, y+6, "middle", colors["handshake"], "connect (AF_UNIX: no packets)", ` font-size="10"`)
			break
		}
		arrow(xf, y-6, xt, y+10, "handshake", "")
		arrow(xt, y+12, xf, y+26, "handshake", "")
		arrow(xf, y+28, xt, y+44, "handshake", "")
		mid := (xf + xt) / 2
		label(mid, y+6, "middle", colors["handshake"], "SYN", ` font-size="10"`)
		label(mid, y+23, "middle", colors["handshake"], "SYN, ACK", ` font-size="10"`)
		label(mid, y+40, "middle", colors["handshake"], "ACK", ` font-size="10"`)

	case KindRefused:
		xt := lifelineX(st.To)
		dir := 1.0
		if xt < xf {
			dir = -1
		}
		arrow(xf, y-6, xt, y+10, "handshake", "")
		mid := (xf + xt) / 2
		label(mid, y+6, "middle", colors["handshake"], "SYN", ` font-size="10"`)
		if st.Ev.Errno == 111 {
			arrow(xt, y+12, xf, y+26, "error", "")
			label(mid, y+23, "middle", colors["error"], "RST", ` font-size="10"`)
		}
		anchor := "end"
		if dir < 0 {
			anchor = "start"
		}
		label(xf-10*dir, y+4, anchor, colors["error"], st.Label, "")

	case KindSend, KindFIN, KindRST, KindDatagram:
		color := map[string]string{KindSend: "data", KindFIN: "fin", KindRST: "error", KindDatagram: "datagram"}[st.Kind]
		lx, anchor := xf+10, "start"
		if st.To == nil {
			label(lx, y+4, anchor, colors[color], st.Label, "")
			break
		}
		xt := lifelineX(st.To)
		if xt < xf {
			lx, anchor = xf-10, "end"
		}
		if len(st.Links) == 0 {
			// Nobody in the traces took these bytes (yet): a dashed arrow
			// to the other end at the same row.
			arrow(xf, y, xt, y, color, ` stroke-dasharray="6 4"`)
			note := d.lang.Sprintf("(no recv took it in the traces)")
			if st.Kind == KindFIN {
				note = d.lang.Sprintf(`(no recv returned "" in the traces)`)
			} else if st.Kind == KindDatagram {
				note = d.lang.Sprintf("(no recvfrom took it in the traces)")
			}
			l := label(lx, y-5, anchor, colors[color], st.Label+" "+note, "")
			l.alt = l.flipped(xf, y+4)
			break
		}
		for i, l := range st.Links {
			ye := rowY(l.Row)
			if ye < y {
				ye = y // clocks of two machines disagree: keep it flat
			}
			dr.arrows = append(dr.arrows, arrowLine{x1: xf, y1: y, x2: xt, y2: ye, color: color, faint: i > 0})
		}
		// Above the arrow's start; or, when an earlier arrow runs there,
		// on the sender's other side.
		l := label(lx, y-5, anchor, colors[color], st.Label, "")
		l.alt = l.flipped(xf, y+4)

	case KindRecv, KindDgramRecv:
		color := colors["data"]
		if st.Kind == KindDgramRecv {
			color = colors["datagram"]
		}
		if st.Ev.ByteCount() == 0 && st.Kind == KindRecv {
			color = colors["fin"]
		}
		mark(`<rect x="%.1f" y="%.1f" width="8" height="16" fill="%s" fill-opacity="0.25" stroke="%s"/>`, xf-4, y-8, color, color)
		lx, anchor := side(st.To)
		if len(st.Links) == 0 && st.To != nil && st.Kind == KindDgramRecv {
			arrow(lifelineX(st.To), y, xf-5, y, "datagram", ` stroke-dasharray="6 4"`)
			label(lx, y+4, anchor, "#1f2328", st.Label, "")
			break
		}
		movable(lx, y+4, anchor, "#1f2328", st.Label)
	}
	return dr
}

// write writes a step's group: its tooltip, time, marks, arrows and
// labels.
func (dr *drawing) write(b *bytes.Buffer, index int) {
	st := dr.st
	attrs := fmt.Sprintf(` data-step="%d" data-row="%d" data-from="%s"`, index, st.Row, esc(st.From.Endpoint))
	if st.To != nil {
		attrs += fmt.Sprintf(` data-to="%s"`, esc(st.To.Endpoint))
	}
	if st.Ev.Bytes != nil {
		attrs += fmt.Sprintf(` data-bytes="%d"`, *st.Ev.Bytes)
	}
	if len(st.Links) > 0 {
		rows := make([]string, len(st.Links))
		for i, l := range st.Links {
			rows[i] = strconv.Itoa(l.Row)
		}
		attrs += fmt.Sprintf(` data-links="%s"`, strings.Join(rows, " "))
	}
	fmt.Fprintf(b, `<g class="step %s"%s>`+"\n", st.Kind, attrs)
	fmt.Fprintf(b, "<title>%s</title>\n", esc(st.Title))
	fmt.Fprintf(b, `<text class="time" x="%d" y="%.1f" text-anchor="end" font-size="10" fill="#8c959f">+%.6f s</text>`+"\n", marginLeft, rowY(st.Row)+4, st.At)
	for _, m := range dr.marks {
		b.WriteString(m + "\n")
	}
	for _, a := range dr.arrows {
		a.write(b)
	}
	for _, l := range dr.labels {
		l.write(b)
	}
	b.WriteString("</g>\n")
}

// esc escapes text for XML content and attribute values.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// columns is how many columns of the monospace font s takes: a Chinese
// character takes two.
func columns(s string) int {
	n := 0
	for _, r := range s {
		n++
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n++
		}
	}
	return n
}

// clip shortens s to n characters with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
