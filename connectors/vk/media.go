package vk

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/storage/blob"
)

// Size caps of downloaded files.
const (
	maxPhotoBytes = 20 << 20
	maxAudioBytes = 20 << 20
	maxDocBytes   = inbox.MaxAttachmentBytes
)

// vkHosts are the domains VK serves files from. Downloads go only there
// (and to the channel's own API host, when one is configured): a forged
// or odd event must not make the hub fetch arbitrary addresses.
var vkHosts = []string{"vk.com", "vk.ru", "vk.me", "userapi.com", "vk-cdn.net", "vkuser.net", "vkuseraudio.net",
	"vkuservideo.net", "vkuserphoto.ru", "mycdn.me", "vkuseraudio.com"}

func allowedURL(ch inbox.Channel, raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if custom := ch.Settings[setAPIURL]; custom != "" {
		// The configured API server (a proxy, the tests' fake) may serve
		// files too: the same host and port only.
		if cu, err := url.Parse(custom); err == nil && strings.EqualFold(cu.Host, u.Host) && (u.Scheme == "http" || u.Scheme == "https") {
			return true
		}
	}
	if u.Scheme != "https" {
		return false
	}
	for _, d := range vkHosts {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// fetchAttachments downloads a message's files into the blob store, and
// describes in text what it does not download (wall posts, links, videos)
// or could not (too large, too slow, not on a VK host).
func (c *Connector) fetchAttachments(ctx context.Context, ch inbox.Channel, atts []attachment) ([]inbox.Attachment, []string) {
	var out []inbox.Attachment
	var notes []string
	get := func(raw, name, fallbackType string, limit int64, label string) {
		if len(out) >= inbox.MaxAttachments {
			notes = append(notes, fmt.Sprintf("[%s: %s]", label, raw))
			return
		}
		a, err := c.download(ctx, ch, raw, name, fallbackType, limit)
		if err != nil {
			c.log.Warn("vk attachment not downloaded", "channel", ch.ID, "kind", label, "err", err)
			notes = append(notes, fmt.Sprintf("[%s not received: %s]", label, raw))
			return
		}
		out = append(out, a)
	}
	for _, a := range atts {
		switch {
		case a.Type == "photo" && a.Photo != nil:
			get(largest(a.Photo.Sizes), fmt.Sprintf("photo%d_%d.jpg", a.Photo.OwnerID, a.Photo.ID), "image/jpeg", maxPhotoBytes, "photo")
		case a.Type == "doc" && a.Doc != nil:
			name := a.Doc.Title
			if a.Doc.Ext != "" && !strings.HasSuffix(strings.ToLower(name), "."+strings.ToLower(a.Doc.Ext)) {
				name += "." + a.Doc.Ext
			}
			if a.Doc.Size > maxDocBytes {
				notes = append(notes, fmt.Sprintf("[document %q over %d MB not received: %s]", name, maxDocBytes>>20, a.Doc.URL))
				continue
			}
			get(a.Doc.URL, name, "application/octet-stream", maxDocBytes, "document")
		case a.Type == "audio_message" && a.AudioMessage != nil:
			if a.AudioMessage.LinkMP3 != "" {
				get(a.AudioMessage.LinkMP3, fmt.Sprintf("voice-%d.mp3", a.AudioMessage.ID), "audio/mpeg", maxAudioBytes, "voice message")
			} else {
				get(a.AudioMessage.LinkOGG, fmt.Sprintf("voice-%d.ogg", a.AudioMessage.ID), "audio/ogg", maxAudioBytes, "voice message")
			}
		case a.Type == "sticker" && a.Sticker != nil:
			get(largest(a.Sticker.Images), fmt.Sprintf("sticker-%d.png", a.Sticker.StickerID), "image/png", maxPhotoBytes, "sticker")
		case a.Type == "wall" && a.Wall != nil:
			owner := a.Wall.OwnerID
			if owner == 0 {
				owner = a.Wall.FromID
			}
			notes = append(notes, fmt.Sprintf("Wall post: https://vk.com/wall%d_%d", owner, a.Wall.ID))
		case a.Type == "link" && a.Link != nil:
			notes = append(notes, strings.TrimSpace(a.Link.Title+" "+a.Link.URL))
		case a.Type == "video" && a.Video != nil:
			notes = append(notes, fmt.Sprintf("Video: https://vk.com/video%d_%d", a.Video.OwnerID, a.Video.ID))
		default:
			notes = append(notes, fmt.Sprintf("[VK attachment: %s]", a.Type))
		}
	}
	return out, notes
}

// download stores one file from a VK host. The type is sniffed from the
// content; fallbackType is used when sniffing says nothing.
func (c *Connector) download(ctx context.Context, ch inbox.Channel, raw, name, fallbackType string, limit int64) (inbox.Attachment, error) {
	if raw == "" || !allowedURL(ch, raw) {
		return inbox.Attachment{}, fmt.Errorf("vk: %q is not a VK file address", raw)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return inbox.Attachment{}, err
	}
	client := &http.Client{Transport: c.http.Transport, CheckRedirect: func(r *http.Request, via []*http.Request) error {
		if len(via) > 3 || !allowedURL(ch, r.URL.String()) {
			return errors.New("vk: redirect away from VK")
		}
		return nil
	}}
	resp, err := client.Do(req)
	if err != nil {
		return inbox.Attachment{}, fmt.Errorf("vk: download: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return inbox.Attachment{}, fmt.Errorf("vk: download: %s", resp.Status)
	}
	if resp.ContentLength > limit {
		return inbox.Attachment{}, fmt.Errorf("vk: download: %d bytes: %w", resp.ContentLength, blob.ErrTooLarge)
	}
	br := bufio.NewReaderSize(resp.Body, 512)
	head, _ := br.Peek(512)
	ctype := http.DetectContentType(head)
	if mt, _, err := mime.ParseMediaType(ctype); err == nil {
		ctype = mt
	}
	if ctype == "application/octet-stream" || ctype == "text/plain" {
		ctype = fallbackType
	}
	info, err := c.blobs.Put(ctx, br, limit)
	if err != nil {
		return inbox.Attachment{}, err
	}
	if info.Size == 0 {
		_ = c.blobs.Delete(ctx, info.Key)
		return inbox.Attachment{}, errors.New("vk: download: empty file")
	}
	return inbox.Attachment{BlobKey: info.Key, Name: blob.CleanName(name), ContentType: ctype, Size: info.Size}, nil
}

func (c *Connector) dropBlobs(atts []inbox.Attachment) {
	for _, a := range atts {
		_ = c.blobs.Delete(context.Background(), a.BlobKey)
	}
}
