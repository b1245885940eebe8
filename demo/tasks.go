package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/tasks"
)

// fillTasks sets the staff a handful of tasks in every state, so /tasks
// has something in each list: from a document and from an appeal, with
// co-executors, observers, checklists and comments; one returned for more
// work, one done, one whose assignee is on sick leave (flagged to the
// chairman) and one overdue.
func fillTasks(ctx context.Context, e Env) error {
	if e.Tasks == nil {
		return nil
	}
	who := map[string]access.Scope{}
	ids := map[string]string{}
	for _, l := range []string{"chairman", "deputy", "secretary", "operator1", "operator2", "executor"} {
		u, err := e.Org.AuthByLogin(ctx, l)
		if err != nil {
			return err
		}
		who[l], ids[l] = u.Scope("demo"), u.ID
	}
	docID := first(ctx, e, `SELECT id FROM wf_documents WHERE title = $1`, "Смета расходов на спартакиаду")
	appealID := first(ctx, e, `SELECT id FROM crm_appeals ORDER BY number LIMIT 1`)
	rows := []struct {
		by    string
		in    tasks.Input
		steps []string // by the assignee: start, tick, submit; by who set it: accept, return
		note  string
	}{
		{"chairman", tasks.Input{Title: "Согласовать смету спартакиады с бухгалтерией", AssigneeID: ids["deputy"],
			CoExecutorIDs: []string{ids["operator1"]}, ObserverIDs: []string{ids["secretary"]}, DueDays: 5, SourceKind: tasks.FromDocument, SourceID: docID,
			Description: "Проверить статьи на призы и аренду спорткомплекса, итог — не больше 350 тыс. руб.",
			Checklist:   []string{"Запросить расчёт аренды у спорткомплекса", "Сверить призовой фонд с положением", "Подписать у главного бухгалтера"}},
			[]string{"start", "tick"}, ""},
		{"chairman", tasks.Input{Title: "Проверить расчёт отпускных по обращению", AssigneeID: ids["executor"], DueDays: 3,
			SourceKind: tasks.FromAppeal, SourceID: appealID, Description: "Запросить у работодателя расчётный листок и сверить средний заработок."},
			nil, ""},
		{"deputy", tasks.Input{Title: "Обзвонить председателей первичек о явке на пленум", AssigneeID: ids["operator1"], DueDays: 2,
			ObserverIDs: []string{ids["chairman"]}, Checklist: []string{"Образование", "Здравоохранение", "Металлурги"}},
			[]string{"start", "tick", "tick", "tick", "submit"}, ""},
		{"chairman", tasks.Input{Title: "Подготовить протокол заседания президиума", AssigneeID: ids["secretary"], DueDays: 2,
			Description: "Заседание 27 ноября: повестка, решения, голосование."},
			[]string{"start", "submit", "return"}, "Добавьте список приглашённых и итоги голосования по второму вопросу"},
		{"chairman", tasks.Input{Title: "Разместить объявление о конкурсе уполномоченных на сайте", AssigneeID: ids["operator2"], DueDays: 1},
			[]string{"start", "submit", "accept"}, ""},
		{"secretary", tasks.Input{Title: "Сдать сведения о численности в ФНПР", AssigneeID: ids["operator1"], DueDays: 1,
			Description: "Форма 1-СП по всем членским организациям."},
			[]string{"start"}, "overdue"},
	}
	for _, r := range rows {
		if r.in.SourceID == "" {
			r.in.SourceKind = ""
		}
		t, err := e.Tasks.Create(ctx, who[r.by], r.in)
		if err != nil {
			return fmt.Errorf("task %q: %w", r.in.Title, err)
		}
		assignee := who[loginOf(ids, r.in.AssigneeID)]
		item := 0
		for _, s := range r.steps {
			switch s {
			case "tick":
				t, err = e.Tasks.Tick(ctx, assignee, t.ID, t.Checklist[item].ID, true)
				item++
			case "accept":
				t, err = e.Tasks.Act(ctx, who[r.by], t.ID, s, "")
			case "return":
				t, err = e.Tasks.Act(ctx, who[r.by], t.ID, s, r.note)
			default:
				t, err = e.Tasks.Act(ctx, assignee, t.ID, s, "")
			}
			if err != nil {
				return fmt.Errorf("task %q: %s: %w", r.in.Title, s, err)
			}
		}
		if r.note == "overdue" {
			// The demo is opened on its first day: this task is shown as
			// it would stand two days after its deadline.
			if _, err := e.DB.ExecContext(ctx, `UPDATE tasks SET due_on = $2, due_days = 0 WHERE id = $1`, t.ID,
				today(e).AddDate(0, 0, -2).Format("2006-01-02")); err != nil {
				return err
			}
		}
	}
	_, err := e.Tasks.Comment(ctx, who["operator1"], firstTask(ctx, e, "Согласовать смету спартакиады с бухгалтерией"),
		"Спорткомплекс прислал расчёт: 180 тыс. руб. за два дня.")
	return err
}

func first(ctx context.Context, e Env, q string, args ...any) string {
	var id string
	if err := e.DB.QueryRowContext(ctx, q, args...).Scan(&id); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return ""
	}
	return id
}

func firstTask(ctx context.Context, e Env, title string) string {
	return first(ctx, e, `SELECT id FROM tasks WHERE title = $1`, title)
}

func loginOf(ids map[string]string, id string) string {
	for l, v := range ids {
		if v == id {
			return l
		}
	}
	return ""
}

// today is now in the installation's zone.
func today(e Env) time.Time {
	zone := e.Zone
	if zone == nil {
		zone = config.DefaultZone()
	}
	return time.Now().In(zone)
}
