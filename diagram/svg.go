package diagram

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Layout, in pixels.
const (
	marginLeft = 110              // the time column
	colW       = 350              // between lifelines
	firstX     = marginLeft + 330 // room for a label left of the first lifeline
	headerTop  = 78
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
	p("<title>%s</title>\n", esc("sockplay sequence diagram: "+strings.Join(d.Traces, " + ")))
	p("<defs>\n")
	for _, name := range []string{"data", "fin", "handshake", "datagram", "error"} {
		p(`<marker id="arrow-%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`+"\n", name, colors[name])
	}
	p("</defs>\n")
	p(`<rect width="100%%" height="100%%" fill="#ffffff"/>` + "\n")
	p(`<text class="heading" x="16" y="26" font-size="15" font-weight="bold" fill="#1f2328">%s</text>`+"\n",
		esc("Sequence diagram: "+strings.Join(d.Traces, " + ")))
	d.legend(&b)

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
		p("<title>%s</title>\n", esc(l.Endpoint+"\n"+l.Detail))
		p(`<line x1="%.0f" y1="%d" x2="%.0f" y2="%.0f" stroke="#8c959f" stroke-dasharray="4 4"/>`+"\n", x, headerTop+headerH, x, endY)
		p(`<rect x="%.0f" y="%d" width="%d" height="%d" rx="6" fill="#f6f8fa" stroke="#57606a"%s/>`+"\n", x-140, headerTop, 280, headerH, dash)
		p(`<text x="%.0f" y="%d" text-anchor="middle" font-size="12" font-weight="bold" fill="#1f2328">%s</text>`+"\n", x, headerTop+18, esc(clip(l.Endpoint, 38)))
		p(`<text x="%.0f" y="%d" text-anchor="middle" font-size="10" fill="#57606a">%s</text>`+"\n", x, headerTop+34, esc(clip(l.Detail, 44)))
		if ended {
			p(`<path d="M%.0f,%.0f l10,10 m0,-10 l-10,10" stroke="#1f2328" stroke-width="2"/>`+"\n", x-5, endY-5)
		}
		p("</g>\n")
	}

	for _, st := range d.Steps {
		d.step(&b, st)
	}
	if d.Omitted > 0 {
		p(`<text class="omitted" x="16" y="%d" fill="#cf222e">%s</text>`+"\n", height-20,
			esc(fmt.Sprintf("… %d more events are not drawn (a diagram draws at most %d)", d.Omitted, MaxSteps)))
	}
	p("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

func (d *Diagram) legend(b *bytes.Buffer) {
	x := 16.0
	y := 52.0
	item := func(color, dash, text string) {
		fmt.Fprintf(b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="%s" stroke-width="2"%s/>`, x, y-4, x+26, y-4, color, dash)
		fmt.Fprintf(b, `<text x="%.0f" y="%.0f" fill="#57606a">%s</text>`, x+32, y, esc(text))
		x += 32 + float64(utf8.RuneCountInString(text))*charW + 22
	}
	b.WriteString(`<g class="legend">`)
	item(colors["handshake"], "", "handshake")
	item(colors["data"], "", "bytes of a send, to the recv that took them")
	item(colors["fin"], "", "FIN (close, shutdown)")
	item(colors["datagram"], "", "datagram")
	item(colors["error"], "", "error")
	b.WriteString("</g>\n")
	fmt.Fprintf(b, `<text x="16" y="%d" fill="#57606a" font-size="10">%s</text>`+"\n", 70,
		esc("time flows down; the left column is seconds since the first event; hover for details"))
}

// arrow draws a line with an arrowhead of the named colour; extra is
// more attributes (not stroke-width, which faint sets).
func arrow(b *bytes.Buffer, x1, y1, x2, y2 float64, color string, extra string) {
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.6" marker-end="url(#arrow-%s)"%s/>`+"\n",
		x1, y1, x2, y2, colors[color], color, extra)
}

// faintArrow is an arrow drawn thin and light: more of the same send.
func faintArrow(b *bytes.Buffer, x1, y1, x2, y2 float64, color string) {
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1" stroke-opacity="0.45" marker-end="url(#arrow-%s)"/>`+"\n",
		x1, y1, x2, y2, colors[color], color)
}

// label writes text with a white background so it stays readable over
// lines; anchor "start" puts it right of x, "end" left of it.
func label(b *bytes.Buffer, x, y float64, anchor, color, text string, extra string) {
	limit := 64
	if anchor == "end" {
		limit = int((x - marginLeft - 12) / charW) // not over the time column
	}
	text = clip(text, max(limit, 12))
	w := float64(utf8.RuneCountInString(text))*charW + 6
	rx := x - 3
	switch anchor {
	case "end":
		rx = x - w + 3
	case "middle":
		rx = x - w/2
	}
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="14" fill="#ffffff" fill-opacity="0.85"/>`, rx, y-11, w)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="%s" fill="%s"%s>%s</text>`+"\n", x, y, anchor, color, extra, esc(text))
}

func (d *Diagram) step(b *bytes.Buffer, st *Step) {
	y := rowY(st.Row)
	xf := lifelineX(st.From)
	attrs := fmt.Sprintf(` data-row="%d" data-from="%s"`, st.Row, esc(st.From.Endpoint))
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
	fmt.Fprintf(b, `<text class="time" x="%d" y="%.1f" text-anchor="end" font-size="10" fill="#8c959f">+%.6f s</text>`+"\n", marginLeft, y+4, st.At)

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
		fmt.Fprintf(b, `<circle cx="%.0f" cy="%.1f" r="3.5" fill="%s"/>`+"\n", xf, y, color)
		label(b, xf+10, y+4, "start", color, st.Label, "")

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
		label(b, lx, y+4, anchor, "#1f2328", st.Label, "")
		if st.Ev.Family == "AF_UNIX" {
			arrow(b, xf, y, xt, y+20, "handshake", "")
			label(b, (xf+xt)/2, y+6, "middle", colors["handshake"], "connect (AF_UNIX: no packets)", ` font-size="10"`)
			break
		}
		arrow(b, xf, y-6, xt, y+10, "handshake", "")
		arrow(b, xt, y+12, xf, y+26, "handshake", "")
		arrow(b, xf, y+28, xt, y+44, "handshake", "")
		mid := (xf + xt) / 2
		label(b, mid, y+6, "middle", colors["handshake"], "SYN", ` font-size="10"`)
		label(b, mid, y+23, "middle", colors["handshake"], "SYN, ACK", ` font-size="10"`)
		label(b, mid, y+40, "middle", colors["handshake"], "ACK", ` font-size="10"`)

	case KindRefused:
		xt := lifelineX(st.To)
		dir := 1.0
		if xt < xf {
			dir = -1
		}
		arrow(b, xf, y-6, xt, y+10, "handshake", "")
		mid := (xf + xt) / 2
		label(b, mid, y+6, "middle", colors["handshake"], "SYN", ` font-size="10"`)
		if st.Ev.Errno == 111 {
			arrow(b, xt, y+12, xf, y+26, "error", "")
			label(b, mid, y+23, "middle", colors["error"], "RST", ` font-size="10"`)
		}
		anchor := "end"
		if dir < 0 {
			anchor = "start"
		}
		label(b, xf-10*dir, y+4, anchor, colors["error"], st.Label, "")

	case KindSend, KindFIN, KindRST, KindDatagram:
		color := map[string]string{KindSend: "data", KindFIN: "fin", KindRST: "error", KindDatagram: "datagram"}[st.Kind]
		lx, anchor := xf+10, "start"
		if st.To == nil {
			label(b, lx, y+4, anchor, colors[color], st.Label, "")
			break
		}
		xt := lifelineX(st.To)
		if xt < xf {
			lx, anchor = xf-10, "end"
		}
		if len(st.Links) == 0 {
			// Nobody in the traces took these bytes (yet): a dashed arrow
			// to the other end at the same row.
			arrow(b, xf, y, xt, y, color, ` stroke-dasharray="6 4"`)
			note := " (no recv took it in the traces)"
			if st.Kind == KindFIN {
				note = ` (no recv returned "" in the traces)`
			} else if st.Kind == KindDatagram {
				note = " (no recvfrom took it in the traces)"
			}
			label(b, lx, y-5, anchor, colors[color], st.Label+note, "")
			break
		}
		for i, l := range st.Links {
			ye := rowY(l.Row)
			if ye < y {
				ye = y // clocks of two machines disagree: keep it flat
			}
			if i > 0 {
				faintArrow(b, xf, y, xt, ye, color)
				continue
			}
			arrow(b, xf, y, xt, ye, color, "")
		}
		label(b, lx, y-5, anchor, colors[color], st.Label, "")

	case KindRecv, KindDgramRecv:
		color := colors["data"]
		if st.Kind == KindDgramRecv {
			color = colors["datagram"]
		}
		if st.Ev.ByteCount() == 0 && st.Kind == KindRecv {
			color = colors["fin"]
		}
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="8" height="16" fill="%s" fill-opacity="0.25" stroke="%s"/>`+"\n", xf-4, y-8, color, color)
		lx, anchor := side(st.To)
		if len(st.Links) == 0 && st.To != nil && st.Kind == KindDgramRecv {
			arrow(b, lifelineX(st.To), y, xf-5, y, "datagram", ` stroke-dasharray="6 4"`)
		}
		label(b, lx, y+4, anchor, "#1f2328", st.Label, "")
	}
	b.WriteString("</g>\n")
}

// esc escapes text for XML content and attribute values.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// clip shortens s to n characters with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
