package vk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/SevereCloud/vksdk/v3/api"

	"github.com/profhub/profhub/inbox"
)

// uploadAll puts a reply's files on VK's upload servers and returns the
// attachment strings messages.send takes. Images go as photos, anything
// else as documents. A retried send uploads again; the message itself
// still goes once, by its random_id.
func (c *Connector) uploadAll(ctx context.Context, ch inbox.Channel, vk *api.VK, peer int, atts []inbox.Attachment) ([]string, error) {
	var out []string
	for _, a := range atts {
		var ref string
		var err error
		switch a.ContentType {
		case "image/jpeg", "image/png", "image/gif":
			ref, err = c.uploadPhoto(ctx, ch, vk, peer, a)
		default:
			ref, err = c.uploadDoc(ctx, ch, vk, peer, a)
		}
		if err != nil {
			var se *inbox.SendError
			if errors.As(err, &se) {
				return nil, err
			}
			return nil, classify(fmt.Errorf("upload %q: %w", a.Name, err))
		}
		out = append(out, ref)
	}
	return out, nil
}

func (c *Connector) uploadPhoto(ctx context.Context, ch inbox.Channel, vk *api.VK, peer int, a inbox.Attachment) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, c.t.callTimeout)
	defer cancel()
	srv, err := vk.PhotosGetMessagesUploadServer(api.Params{"peer_id": peer}.WithContext(cctx))
	if err != nil {
		return "", err
	}
	var up struct {
		Server int    `json:"server"`
		Photo  string `json:"photo"`
		Hash   string `json:"hash"`
	}
	if err := c.postFile(ctx, ch, srv.UploadURL, "photo", a, &up); err != nil {
		return "", err
	}
	if up.Photo == "" || up.Photo == "[]" {
		return "", errors.New("VK's upload server kept no photo")
	}
	saved, err := vk.PhotosSaveMessagesPhoto(api.Params{"server": up.Server, "photo": up.Photo, "hash": up.Hash}.WithContext(cctx))
	if err != nil {
		return "", err
	}
	if len(saved) == 0 {
		return "", errors.New("photos.saveMessagesPhoto returned nothing")
	}
	p := saved[0]
	ref := fmt.Sprintf("photo%d_%d", p.OwnerID, p.ID)
	if p.AccessKey != "" {
		ref += "_" + p.AccessKey
	}
	return ref, nil
}

func (c *Connector) uploadDoc(ctx context.Context, ch inbox.Channel, vk *api.VK, peer int, a inbox.Attachment) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, c.t.callTimeout)
	defer cancel()
	srv, err := vk.DocsGetMessagesUploadServer(api.Params{"peer_id": peer, "type": "doc"}.WithContext(cctx))
	if err != nil {
		return "", err
	}
	var up struct {
		File  string `json:"file"`
		Error string `json:"error"`
	}
	if err := c.postFile(ctx, ch, srv.UploadURL, "file", a, &up); err != nil {
		return "", err
	}
	if up.File == "" {
		return "", &inbox.SendError{Permanent: true, Reason: fmt.Sprintf("VK refused the file %q: %s", a.Name, up.Error)}
	}
	saved, err := vk.DocsSave(api.Params{"file": up.File, "title": a.Name}.WithContext(cctx))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("doc%d_%d", saved.Doc.OwnerID, saved.Doc.ID), nil
}

// postFile sends a stored file to an upload server VK named, as multipart
// form data, and decodes the JSON answer into out.
func (c *Connector) postFile(ctx context.Context, ch inbox.Channel, uploadURL, field string, a inbox.Attachment, out any) error {
	if !allowedURL(ch, uploadURL) {
		return &inbox.SendError{Permanent: true, Reason: fmt.Sprintf("VK named an upload server outside VK: %q", uploadURL)}
	}
	f, err := c.blobs.Open(ctx, a.BlobKey)
	if err != nil {
		return &inbox.SendError{Permanent: true, Reason: fmt.Sprintf("file %q: %v", a.Name, err)}
	}
	defer f.Close()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile(field, a.Name)
	if err != nil {
		return err
	}
	if _, err := io.Copy(part, f); err != nil {
		return err
	}
	_ = mw.Close()
	uctx, cancel := context.WithTimeout(ctx, 2*c.t.callTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(uctx, http.MethodPost, uploadURL, &body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("upload server: %s", resp.Status)
	}
	return json.Unmarshal(raw, out)
}
