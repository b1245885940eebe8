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
	const boxW, boxH, gapX, gapY, margin = 250, 48, 50, 70, 20
	level, order := d.layers()
	rows := map[int][]string{}
	maxRow, maxCols := 0, 1
	for _, id := range order {
		l := level[id]
		rows[l] = append(rows[l], id)
		maxRow = max(maxRow, l)
		maxCols = max(maxCols, len(rows[l]))
	}
	const left = 190                                                 // room on the left for arrows that skip rows
	width := left + margin*2 + maxCols*boxW + (maxCols-1)*gapX + 240 // and on the right for arrows going back
	height := margin*2 + (maxRow+1)*boxH + maxRow*gapY
	type pt struct{ x, y int }
	pos := map[string]pt{}
	for l := 0; l <= maxRow; l++ {
		ids := rows[l]
		rowW := len(ids)*boxW + (len(ids)-1)*gapX
		x0 := left + margin + (maxCols*boxW+(maxCols-1)*gapX-rowW)/2
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
	back, skip := 0, 0
	for _, id := range order {
		from := pos[id]
		for _, dec := range d.step(id).Decisions {
			to := pos[dec.To]
			label := esc(dec.Label)
			if level[dec.To] > level[id]+1 {
				// Skipping rows: around the side the source is nearest to,
				// clear of the boxes in between.
				y1, y2 := from.y+boxH/2, to.y+boxH/2
				if r := rows[level[id]]; len(r) > 1 && r[len(r)-1] == id {
					back++
					x := left + margin + maxCols*boxW + (maxCols-1)*gapX + 20 + back*12
					fmt.Fprintf(&b, `<path d="M%d,%d H%d V%d H%d" fill="none" stroke="#555" marker-end="url(#arrow)"/>`, from.x+boxW, y1, x, y2, to.x+boxW)
					fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#333" stroke="#fff" stroke-width="3" paint-order="stroke">%s</text>`, x+4, (y1+y2)/2, label)
					continue
				}
				skip++
				x := left + margin - 12 - skip*12
				fmt.Fprintf(&b, `<path d="M%d,%d H%d V%d H%d" fill="none" stroke="#555" marker-end="url(#arrow)"/>`, from.x, y1, x, y2, to.x)
				fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" fill="#333" stroke="#fff" stroke-width="3" paint-order="stroke">%s</text>`,
					from.x-4, y1-5, label)
				continue
			}
			if level[dec.To] > level[id] {
				x1, y1 := from.x+boxW/2, from.y+boxH
				x2, y2 := to.x+boxW/2, to.y
				fmt.Fprintf(&b, `<path d="M%d,%d C%d,%d %d,%d %d,%d" fill="none" stroke="#555" marker-end="url(#arrow)"/>`,
					x1, y1, x1, y1+gapY/2, x2, y2-gapY/2, x2, y2)
				// The label sits nearer the source, so labels of edges leaving
				// one step side by side do not overlap; a white halo keeps it
				// readable over lines.
				fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#333" stroke="#fff" stroke-width="3" paint-order="stroke">%s</text>`,
					x1+(x2-x1)*2/5, y1+gapY*2/5+4, label)
				continue
			}
			// Back to an earlier (or the same) row: around the right side.
			back++
			right := left + margin + maxCols*boxW + (maxCols-1)*gapX + 20 + back*12
			y1, y2 := from.y+boxH/2, to.y+boxH/2
			fmt.Fprintf(&b, `<path d="M%d,%d H%d V%d H%d" fill="none" stroke="#a33" stroke-dasharray="4 3" marker-end="url(#arrow)"/>`,
				from.x+boxW, y1, right, y2, to.x+boxW)
			fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#a33" stroke="#fff" stroke-width="3" paint-order="stroke">%s</text>`, right+4, (y1+y2)/2, label)
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
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-weight="bold">%s</text>`, p.x+boxW/2, p.y+20, esc(truncate(s.Name, 36)))
		if who := actorText(s); who != "" {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#555">%s</text>`, p.x+boxW/2, p.y+37, esc(who))
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return b.Bytes()
}

// layers puts each step in a row: the longest path to it from the start,
// ignoring edges that go back (loops such as "return for revision"), so
// every forward arrow points down.
func (d *Definition) layers() (map[string]int, []string) {
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	var post []string
	var visit func(id string)
	visit = func(id string) {
		state[id] = onPath
		for _, dec := range d.step(id).Decisions {
			if state[dec.To] == unseen {
				visit(dec.To)
			}
		}
		state[id] = done
		post = append(post, id)
	}
	visit(d.Start)
	order := make([]string, 0, len(post))
	for i := len(post) - 1; i >= 0; i-- {
		order = append(order, post[i])
	}
	index := map[string]int{}
	for i, id := range order {
		index[id] = i
	}
	level := map[string]int{}
	for _, id := range order { // topological order: sources first
		for _, dec := range d.step(id).Decisions {
			if index[dec.To] > index[id] {
				level[dec.To] = max(level[dec.To], level[id]+1)
			}
		}
	}
	return level, order
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
		who += fmt.Sprintf(" · %d раб. дн.", s.Days)
	}
	return strings.TrimSpace(who)
}
