package workflow

import (
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// writeError answers like httpapi.Error, with a lost race on a step as 409
// and a message that says what happened.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ErrConflict) {
		httpapi.Logger(r.Context()).Debug("decision refused", "err", err)
		httpapi.WriteJSON(w, http.StatusConflict, httpapi.Problem{Error: httpapi.ProblemDetail{Code: "moved_on",
			Message: "someone else has already decided at this step; reload the document", RequestID: httpapi.RequestID(r.Context())}})
		return
	}
	httpapi.Error(w, r, err)
}

// answer writes v, or the error.
func answer(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		writeError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, status, v)
}

func (s *Store) httpRegistries(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	regs, err := s.Registries(r.Context(), p.Scope)
	answer(w, r, http.StatusOK, map[string]any{"registries": regs}, err)
}

func (s *Store) httpSetNumberFormat(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var f NumberFormat
	if err := httpapi.Decode(r, &f); err != nil {
		writeError(w, r, err)
		return
	}
	reg, err := s.SetNumberFormat(r.Context(), p.Scope, r.PathValue("unit"), Kind(r.PathValue("kind")), f)
	answer(w, r, http.StatusOK, reg, err)
}

func (s *Store) httpDefinitions(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	defs, err := s.Definitions(r.Context())
	answer(w, r, http.StatusOK, map[string]any{"definitions": defs}, err)
}

func (s *Store) httpDefinition(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v, err := httpapi.IntQuery(r, "version", 0)
	if err != nil {
		writeError(w, r, err)
		return
	}
	def, err := s.Definition(r.Context(), r.PathValue("id"), v)
	answer(w, r, http.StatusOK, def, err)
}

func (s *Store) httpSaveDefinition(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var def Definition
	if err := httpapi.Decode(r, &def); err != nil {
		writeError(w, r, err)
		return
	}
	if def.ID != "" && def.ID != r.PathValue("id") {
		writeError(w, r, valid.Errorf("id", "id_mismatch", "the body's id differs from the URL's"))
		return
	}
	def.ID = r.PathValue("id")
	saved, err := s.SaveDefinition(r.Context(), p.Scope, def)
	answer(w, r, http.StatusOK, saved, err)
}

func (s *Store) httpDiagram(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v, err := httpapi.IntQuery(r, "version", 0)
	if err != nil {
		writeError(w, r, err)
		return
	}
	def, err := s.Definition(r.Context(), r.PathValue("id"), v)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(def.Diagram(r.URL.Query().Get("current")))
}

func journalFilter(r *http.Request) (JournalFilter, error) {
	q := r.URL.Query()
	f := JournalFilter{Kind: Kind(q.Get("kind")), From: q.Get("from"), To: q.Get("to"), Correspondent: q.Get("correspondent"),
		Executor: q.Get("executor"), Status: Status(q.Get("status")), Query: q.Get("q"), MemberID: q.Get("member_id")}
	switch q.Get("overdue") {
	case "", "false", "0":
	case "true", "1":
		f.Overdue = true
	default:
		return f, valid.Errorf("overdue", "query_bool", "overdue must be true or false")
	}
	var err error
	if f.Limit, err = httpapi.IntQuery(r, "limit", 50); err != nil {
		return f, err
	}
	f.Offset, err = httpapi.IntQuery(r, "offset", 0)
	return f, err
}

func (s *Store) httpJournal(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := journalFilter(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	page, err := s.Journal(r.Context(), p.Scope, f)
	answer(w, r, http.StatusOK, page, err)
}

func (s *Store) httpExport(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := journalFilter(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if _, err := s.Journal(r.Context(), p.Scope, JournalFilter{Limit: 1, Kind: f.Kind, From: f.From, To: f.To, Status: f.Status}); err != nil {
		writeError(w, r, err) // refuse bad filters with a JSON error before the XLSX headers go out
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="journal.xlsx"`)
	if _, err := s.ExportJournal(r.Context(), p.Scope, f, w); err != nil {
		httpapi.Logger(r.Context()).Error("journal export failed", "err", err)
	}
}

func (s *Store) httpRegister(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in DocumentInput
	if err := httpapi.Decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	doc, err := s.Register(r.Context(), p.Scope, in)
	answer(w, r, http.StatusCreated, doc, err)
}

// DocumentView is a document card with everything the page shows.
type DocumentView struct {
	Document    Document     `json:"document"`
	Tasks       []Task       `json:"tasks"`
	History     []Event      `json:"history"`
	Attachments []Attachment `json:"attachments"`
	// Decisions the caller can take now (empty when they have no open
	// task at the current step).
	Decisions []Decision `json:"decisions"`
	StepAll   bool       `json:"step_all"`
	// Related are the documents linked with this one either way (an
	// incoming letter and the outgoing reply), as far as the caller sees.
	Related []Document `json:"related"`
}

func (s *Store) httpDocument(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v, err := s.view(r, p)
	answer(w, r, http.StatusOK, v, err)
}

// view gathers a document's card for the caller.
func (s *Store) view(r *http.Request, p *auth.Principal) (DocumentView, error) {
	ctx, sc, id := r.Context(), p.Scope, r.PathValue("id")
	var v DocumentView
	var err error
	if v.Document, err = s.GetDocument(ctx, sc, id); err != nil {
		return v, err
	}
	if v.Tasks, err = s.DocumentTasks(ctx, sc, id); err != nil {
		return v, err
	}
	if v.History, err = s.History(ctx, sc, id); err != nil {
		return v, err
	}
	if v.Attachments, err = s.Attachments(ctx, sc, id); err != nil {
		return v, err
	}
	if v.Related, err = s.Related(ctx, sc, v.Document); err != nil {
		return v, err
	}
	v.Decisions = []Decision{}
	def, err := s.Definition(ctx, v.Document.ProcessID, v.Document.ProcessVersion)
	if err != nil {
		return v, err
	}
	st := def.step(v.Document.Step)
	for _, t := range v.Tasks {
		if st != nil && t.AssigneeID == sc.UserID && t.Status == "open" && t.Step == v.Document.Step {
			v.Decisions, v.StepAll = st.Decisions, st.All
		}
	}
	return v, nil
}

func (s *Store) httpUpdateDocument(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	cur, err := s.GetDocument(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	in := cur.DocumentInput
	if err := httpapi.Decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	doc, err := s.UpdateDocument(r.Context(), p.Scope, cur.ID, in)
	answer(w, r, http.StatusOK, doc, err)
}

func (s *Store) httpDecide(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in DecisionInput
	if err := httpapi.Decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	doc, err := s.Decide(r.Context(), p.Scope, r.PathValue("id"), in)
	answer(w, r, http.StatusOK, doc, err)
}

// httpRegisterFromAppeal registers an incoming document from an appeal
// card; the body (optional fields of a document) may be empty.
func (s *Store) httpRegisterFromAppeal(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in DocumentInput
	if r.ContentLength != 0 {
		if err := httpapi.Decode(r, &in); err != nil {
			writeError(w, r, err)
			return
		}
	}
	doc, err := s.RegisterFromAppeal(r.Context(), p.Scope, r.PathValue("id"), in)
	answer(w, r, http.StatusCreated, doc, err)
}

// httpSendByMail sends again the letter of a document dispatched by e-mail
// whose last attempt failed.
func (s *Store) httpSendByMail(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	doc, err := s.SendByMail(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, http.StatusOK, doc, err)
}

func (s *Store) httpComment(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Text string `json:"text"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	err := s.Comment(r.Context(), p.Scope, r.PathValue("id"), in.Text)
	answer(w, r, http.StatusCreated, map[string]bool{"ok": true}, err)
}

// httpUpload takes the file as the body; its name comes in ?name=.
func (s *Store) httpUpload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	a, err := s.AddAttachment(r.Context(), p.Scope, r.PathValue("id"), r.URL.Query().Get("name"), r.Header.Get("Content-Type"), r.Body)
	answer(w, r, http.StatusCreated, a, err)
}

func (s *Store) httpTemplateUpload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	t, err := s.AddTemplateFile(r.Context(), p.Scope, r.PathValue("id"), r.URL.Query().Get("name"), r.Header.Get("Content-Type"), r.Body)
	answer(w, r, http.StatusCreated, t, err)
}

// httpDownload serves a file version as a download, never rendered in our
// origin: a hostile HTML or SVG file cannot run script as the user.
func (s *Store) httpDownload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	a, f, err := s.OpenAttachment(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	if a.ContentType == "application/pdf" {
		h.Set("Content-Type", a.ContentType)
	}
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("ETag", strconv.Quote(a.SHA256))
	http.ServeContent(w, r, "", a.UploadedAt, f)
}

func (s *Store) httpMyTasks(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ts, err := s.MyTasks(r.Context(), p.Scope)
	answer(w, r, http.StatusOK, map[string]any{"tasks": ts}, err)
}

func (s *Store) httpFeed(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	limit, err := httpapi.IntQuery(r, "limit", 50)
	if err != nil {
		writeError(w, r, err)
		return
	}
	items, err := s.Feed(r.Context(), p.Scope, r.URL.Query().Get("before"), limit)
	answer(w, r, http.StatusOK, map[string]any{"events": items}, err)
}

func (s *Store) httpNotifications(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	limit, err := httpapi.IntQuery(r, "limit", 50)
	if err != nil {
		writeError(w, r, err)
		return
	}
	ns, unread, err := s.Notifications(r.Context(), p.Scope, r.URL.Query().Get("after"), limit)
	answer(w, r, http.StatusOK, map[string]any{"notifications": ns, "unread": unread}, err)
}

func (s *Store) httpMarkRead(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		ID string `json:"id"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	err := s.MarkRead(r.Context(), p.Scope, in.ID)
	answer(w, r, http.StatusOK, map[string]bool{"ok": true}, err)
}

func (s *Store) httpControlReport(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ts, err := s.ControlReport(r.Context(), p.Scope)
	answer(w, r, http.StatusOK, map[string]any{"tasks": ts}, err)
}

func (s *Store) httpTemplates(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ts, err := s.Templates(r.Context(), p.Scope, Kind(r.URL.Query().Get("kind")))
	answer(w, r, http.StatusOK, map[string]any{"templates": ts}, err)
}

func (s *Store) httpSaveTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var t Template
	if err := httpapi.Decode(r, &t); err != nil {
		writeError(w, r, err)
		return
	}
	t.ID = r.PathValue("id")
	status := http.StatusOK
	if t.ID == "" {
		status = http.StatusCreated
	}
	saved, err := s.SaveTemplate(r.Context(), p.Scope, t)
	answer(w, r, status, saved, err)
}
