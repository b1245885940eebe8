package widget_test

import (
	"bytes"
	"mime/multipart"
)

func newMultipart(buf *bytes.Buffer, name string, content []byte) string {
	mw := multipart.NewWriter(buf)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	return mw.FormDataContentType()
}
