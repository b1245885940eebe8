package workflow

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

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

func (h *documentHandlers) httpJournal(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := journalFilter(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	page, err := h.Journal.Journal(r.Context(), p.Scope, f)
	answer(w, r, http.StatusOK, page, err)
}

func (h *documentHandlers) httpExport(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := journalFilter(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if _, err := h.Journal.Journal(r.Context(), p.Scope, JournalFilter{Limit: 1, Kind: f.Kind, From: f.From, To: f.To, Status: f.Status}); err != nil {
		writeError(w, r, err) // refuse bad filters with a JSON error before the XLSX headers go out
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="journal.xlsx"`)
	if _, err := h.Journal.ExportJournal(r.Context(), p.Scope, f, w); err != nil {
		httpapi.Logger(r.Context()).Error("journal export failed", "err", err)
	}
}

func (h *documentHandlers) httpRegister(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in DocumentInput
	if err := httpapi.Decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	doc, err := h.Documents.Register(r.Context(), p.Scope, in)
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

func (h *documentHandlers) httpDocument(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v, err := h.view(r, p)
	answer(w, r, http.StatusOK, v, err)
}

// view gathers a document's card for the caller.
func (h *documentHandlers) view(r *http.Request, p *auth.Principal) (DocumentView, error) {
	ctx, sc, id := r.Context(), p.Scope, r.PathValue("id")
	var v DocumentView
	var err error
	if v.Document, err = h.Documents.GetDocument(ctx, sc, id); err != nil {
		return v, err
	}
	if v.Tasks, err = h.Tasks.DocumentTasks(ctx, sc, id); err != nil {
		return v, err
	}
	if v.History, err = h.Activity.History(ctx, sc, id); err != nil {
		return v, err
	}
	if v.Attachments, err = h.Files.Attachments(ctx, sc, id); err != nil {
		return v, err
	}
	if v.Related, err = h.Journal.Related(ctx, sc, v.Document); err != nil {
		return v, err
	}
	v.Decisions = []Decision{}
	def, err := h.Definitions.Definition(ctx, v.Document.ProcessID, v.Document.ProcessVersion)
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

func (h *documentHandlers) httpUpdateDocument(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	cur, err := h.Documents.GetDocument(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	in := cur.DocumentInput
	if err := httpapi.Decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	doc, err := h.Documents.UpdateDocument(r.Context(), p.Scope, cur.ID, in)
	answer(w, r, http.StatusOK, doc, err)
}

func (h *documentHandlers) httpDecide(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in DecisionInput
	if err := httpapi.Decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	doc, err := h.Engine.Decide(r.Context(), p.Scope, r.PathValue("id"), in)
	answer(w, r, http.StatusOK, doc, err)
}

// httpRegisterFromAppeal registers an incoming document from an appeal
// card; the body (optional fields of a document) may be empty.
func (h *documentHandlers) httpRegisterFromAppeal(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in DocumentInput
	if r.ContentLength != 0 {
		if err := httpapi.Decode(r, &in); err != nil {
			writeError(w, r, err)
			return
		}
	}
	doc, err := h.Documents.RegisterFromAppeal(r.Context(), p.Scope, r.PathValue("id"), in)
	answer(w, r, http.StatusCreated, doc, err)
}

// httpSendByMail sends again the letter of a document dispatched by e-mail
// whose last attempt failed.
func (h *documentHandlers) httpSendByMail(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	doc, err := h.Mail.SendByMail(r.Context(), p.Scope, r.PathValue("id"))
	answer(w, r, http.StatusOK, doc, err)
}

func (h *documentHandlers) httpComment(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Text string `json:"text"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	err := h.Activity.Comment(r.Context(), p.Scope, r.PathValue("id"), in.Text)
	answer(w, r, http.StatusCreated, map[string]bool{"ok": true}, err)
}

// httpUpload takes the file as the body; its name comes in ?name=.
func (h *documentHandlers) httpUpload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	a, err := h.Files.AddAttachment(r.Context(), p.Scope, r.PathValue("id"), r.URL.Query().Get("name"), r.Header.Get("Content-Type"), r.Body)
	answer(w, r, http.StatusCreated, a, err)
}

// httpDownload serves a file version as a download, never rendered in our
// origin: a hostile HTML or SVG file cannot run script as the user.
func (h *documentHandlers) httpDownload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	a, f, err := h.Files.OpenAttachment(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	defer f.Close()
	hd := w.Header()
	hd.Set("Content-Type", "application/octet-stream")
	if a.ContentType == "application/pdf" {
		hd.Set("Content-Type", a.ContentType)
	}
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	hd.Set("Cache-Control", "private, max-age=3600")
	hd.Set("ETag", strconv.Quote(a.SHA256))
	http.ServeContent(w, r, "", a.UploadedAt, f)
}
