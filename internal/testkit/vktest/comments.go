package vktest

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// CommentCall is one wall.createComment, photos.createComment or
// board.createComment as it arrived.
type CommentCall struct {
	Method    string
	OwnerID   int // the wall's or photo's owner; for the board, -group_id
	ItemID    int // post, photo or topic
	ReplyTo   int // reply_to_comment
	FromGroup string
	GUID      string
	Text      string
}

// Posts are the texts wall.getById, photos.getById and board.getTopics
// answer, by "owner_item" (a topic's owner is -group_id).
type commentState struct {
	Comments   []CommentCall          // every call that reached the method
	Shown      map[string]CommentCall // by guid: what VK showed, once per guid
	CommentErr []int                  // error codes for the next createComment calls
	Posts      map[string]string
	nextID     int
}

// ShownComments copies the comments VK showed, in no order.
func (f *Server) ShownComments() []CommentCall {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	var out []CommentCall
	for _, c := range f.comments.Shown {
		out = append(out, c)
	}
	return out
}

// SetPost sets the text the post, photo or topic is read with.
func (f *Server) SetPost(owner, item int, text string) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if f.comments.Posts == nil {
		f.comments.Posts = map[string]string{}
	}
	f.comments.Posts[fmt.Sprintf("%d_%d", owner, item)] = text
}

// FailComments answers the next createComment calls with these codes.
func (f *Server) FailComments(codes ...int) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.comments.CommentErr = append(f.comments.CommentErr, codes...)
}

// commentMethod serves the comment methods; false for any other.
func (f *Server) commentMethod(w http.ResponseWriter, r *http.Request, name string) bool {
	atoi := func(k string) int { n, _ := strconv.Atoi(r.Form.Get(k)); return n }
	f.Mu.Lock()
	defer f.Mu.Unlock()
	st := &f.comments
	switch name {
	case "wall.getById", "photos.getById":
		key := r.Form.Get("posts") + r.Form.Get("photos")
		text, ok := st.Posts[key]
		if !ok {
			reply(w, map[string]any{"items": []any{}})
			return true
		}
		item := map[string]any{"id": 1, "text": text, "date": time.Now().Unix()}
		if name == "photos.getById" {
			reply(w, []any{item})
			return true
		}
		reply(w, map[string]any{"items": []any{item}})
		return true
	case "board.getTopics":
		text := st.Posts[fmt.Sprintf("%d_%s", -atoi("group_id"), r.Form.Get("topic_ids"))]
		reply(w, map[string]any{"count": 1, "items": []any{map[string]any{"id": atoi("topic_ids"), "title": text}}})
		return true
	case "wall.createComment", "photos.createComment", "board.createComment":
	default:
		return false
	}
	c := CommentCall{Method: name, OwnerID: atoi("owner_id"), ReplyTo: atoi("reply_to_comment"), FromGroup: r.Form.Get("from_group"),
		GUID: r.Form.Get("guid"), Text: r.Form.Get("message")}
	switch name {
	case "wall.createComment":
		c.ItemID = atoi("post_id")
	case "photos.createComment":
		c.ItemID = atoi("photo_id")
	default:
		c.OwnerID, c.ItemID = -atoi("group_id"), atoi("topic_id")
	}
	st.Comments = append(st.Comments, c)
	if len(st.CommentErr) > 0 {
		code := st.CommentErr[0]
		st.CommentErr = st.CommentErr[1:]
		replyErr(w, code)
		return true
	}
	if st.Shown == nil {
		st.Shown = map[string]CommentCall{}
	}
	key := c.GUID
	if key == "" {
		key = "#" + strconv.Itoa(len(st.Comments))
	}
	if _, dup := st.Shown[key]; !dup {
		st.Shown[key] = c // VK shows a comment once per guid
	}
	st.nextID++
	id := 5000 + st.nextID
	if name == "wall.createComment" {
		reply(w, map[string]any{"comment_id": id, "parents_stack": []int{}})
		return true
	}
	reply(w, id)
	return true
}

// CommentObject builds a wall_reply_new (kind "wall"), photo_comment_new
// ("photo") or board_post_new ("board") object as VK sends it; the same
// object serves the _edit and _restore events.
func CommentObject(kind string, owner, item, id, from int, text string) map[string]any {
	o := map[string]any{"id": id, "from_id": from, "date": time.Now().Unix(), "text": text, "attachments": []any{}}
	switch kind {
	case "wall":
		o["post_id"], o["owner_id"], o["post_owner_id"] = item, owner, owner
	case "photo":
		o["photo_id"], o["photo_owner_id"] = item, owner
	default:
		o["topic_id"], o["topic_owner_id"] = item, owner
	}
	return o
}

// CommentDeleted builds a wall_reply_delete, photo_comment_delete or
// board_post_delete object.
func CommentDeleted(kind string, owner, item, id int) map[string]any {
	switch kind {
	case "wall":
		return map[string]any{"owner_id": owner, "id": id, "post_id": item, "deleter_id": 1}
	case "photo":
		return map[string]any{"owner_id": owner, "id": id, "photo_id": item, "deleter_id": 1}
	}
	return map[string]any{"topic_owner_id": owner, "topic_id": item, "id": id}
}
