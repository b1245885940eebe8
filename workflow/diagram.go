package workflow

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// Diagram draws a definition as SVG: steps in rows by their distance from
// the start, arrows labelled with the decisions, the current step (if any)
// highlighted. Every text is XML-escaped: names come from administrators.
func (d *Definition) Diagram(current string) []byte {
	const boxW, boxH, gapX, gapY, margin = 210, 48, 50, 70, 20
	level := map[string]int{d.Start: 0}
	order := []string{d.Start}
	for i := 0; i < len(order); i++ {
		for _, dec := range d.step(order[i]).Decisions {
			if _, ok := level[dec.To]; !ok {
				level[dec.To] = level[order[i]] + 1
				order = append(order, dec.To)
			}
		}
	}
	rows := map[int][]string{}
	maxRow, maxCols := 0, 1
	for _, id := range order {
		l := level[id]
		rows[l] = append(rows[l], id)
		maxRow = max(maxRow, l)
		maxCols = max(maxCols, len(rows[l]))
	}
	width := margin*2 + maxCols*boxW + (maxCols-1)*gapX + 160 // room on the right for arrows going back
	height := margin*2 + (maxRow+1)*boxH + maxRow*gapY
	type pt struct{ x, y int }
	pos := map[string]pt{}
	for l := 0; l <= maxRow; l++ {
		ids := rows[l]
		rowW := len(ids)*boxW + (len(ids)-1)*gapX
		x0 := margin + (maxCols*boxW+(maxCols-1)*gapX-rowW)/2
		for i, id := range ids {
			pos[id] = pt{x0 + i*(boxW+gapX), margin + l*(boxH+gapY)}
		}
	}
	var b bytes.Buffer
	esc := func(s string) string {
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" font-family="sans-serif" font-size="12" role="img" aria-label="%s">`,
		width, height, width, height, esc(d.Name))
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>`)
	back := 0
	for _, id := range order {
		from := pos[id]
		for _, dec := range d.step(id).Decisions {
			to := pos[dec.To]
			label := esc(dec.Label)
			if level[dec.To] > level[id] {
				x1, y1 := from.x+boxW/2, from.y+boxH
				x2, y2 := to.x+boxW/2, to.y
				fmt.Fprintf(&b, `<path d="M%d,%d C%d,%d %d,%d %d,%d" fill="none" stroke="#555" marker-end="url(#arrow)"/>`,
					x1, y1, x1, y1+gapY/2, x2, y2-gapY/2, x2, y2)
				fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#333">%s</text>`, (x1+x2)/2, (y1+y2)/2+4, label)
				continue
			}
			// Back to an earlier (or the same) row: around the right side.
			back++
			right := margin + maxCols*boxW + (maxCols-1)*gapX + 20 + back*12
			y1, y2 := from.y+boxH/2, to.y+boxH/2
			fmt.Fprintf(&b, `<path d="M%d,%d H%d V%d H%d" fill="none" stroke="#a33" stroke-dasharray="4 3" marker-end="url(#arrow)"/>`,
				from.x+boxW, y1, right, y2, to.x+boxW)
			fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#a33">%s</text>`, right+4, (y1+y2)/2, label)
		}
	}
	for _, id := range order {
		s, p := d.step(id), pos[id]
		fill, stroke := "#eef3fb", "#3b6ab8"
		switch {
		case s.Final && s.Status == StatusRejected:
			fill, stroke = "#fbeeee", "#a33"
		case s.Final:
			fill, stroke = "#eef8ee", "#3a8a3a"
		}
		sw := 1
		if id == current {
			fill, sw = "#ffe9a8", 3
		}
		rx := 6
		if s.Final {
			rx = boxH / 2
		}
		fmt.Fprintf(&b, `<g><rect x="%d" y="%d" width="%d" height="%d" rx="%d" fill="%s" stroke="%s" stroke-width="%d"/>`,
			p.x, p.y, boxW, boxH, rx, fill, stroke, sw)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-weight="bold">%s</text>`, p.x+boxW/2, p.y+20, esc(truncate(s.Name, 32)))
		if who := actorText(s); who != "" {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#555">%s</text>`, p.x+boxW/2, p.y+37, esc(who))
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return b.Bytes()
}

func actorText(s *Step) string {
	var who string
	switch {
	case s.Actor.Role != "":
		who = map[string]string{"chairman": "председатель", "deputy": "заместитель", "secretary": "секретарь",
			"executor": "исполнитель", "operator": "оператор", "administrator": "администратор"}[string(s.Actor.Role)]
	case s.Actor.Creator:
		who = "секретарь (регистратор)"
	case s.Actor.Chosen && s.All:
		who = "выбранные сотрудники, каждый"
	case s.Actor.Chosen:
		who = "выбранные сотрудники"
	}
	if s.Days > 0 {
		who += fmt.Sprintf(" · %d дн.", s.Days)
	}
	return strings.TrimSpace(who)
}
