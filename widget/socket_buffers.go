package widget

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
)

// An idle visitor's socket mostly costs the two 4 KB buffers net/http
// gives a hijacked connection, which the WebSocket library keeps for the
// connection's life: 80 MB for ten thousand visitors, doubled by the
// garbage collector's headroom. Visitors' frames and the usual frames to
// them (an ack, a message or two) are a few hundred bytes, so 512-byte
// buffers hold them (1 KB ones cost 10 MB more at ten thousand sockets,
// and their headroom); a bigger frame costs a few more system calls, not
// a copy: bufio reads and writes one longer than its buffer directly.
const socketBufferBytes = 512

// smallBuffers hands the WebSocket library a hijacked connection with
// small buffers in place of net/http's.
type smallBuffers struct {
	http.ResponseWriter
}

func (s smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(s.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, fmt.Errorf("widget: hijack: %w", err)
	}
	if err := brw.Writer.Flush(); err != nil {
		conn.Close()
		return nil, nil, err
	}
	// Bytes the client sent after its request (a first frame) are read
	// before the connection's.
	var r io.Reader = conn
	if n := brw.Reader.Buffered(); n > 0 {
		early, _ := brw.Reader.Peek(n)
		r = io.MultiReader(bytes.NewReader(bytes.Clone(early)), conn)
	}
	return conn, bufio.NewReadWriter(bufio.NewReaderSize(r, socketBufferBytes), bufio.NewWriterSize(conn, socketBufferBytes)), nil
}

// Unwrap lets http.ResponseController reach the server's writer.
func (s smallBuffers) Unwrap() http.ResponseWriter { return s.ResponseWriter }
