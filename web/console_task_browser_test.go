package web_test

import (
	"testing"
	"time"

	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/web/browsertest"
)

// TestConsoleTaskInChromium: an operator sets a task from a conversation
// in the console; the task's card links back and the link opens the
// conversation (web/browsertest/console-task.test.mjs; screenshots
// console-task-button and console-task-form, at desktop width and 390 px).
func TestConsoleTaskInChromium(t *testing.T) {
	n := demoHub(t)
	browsertest.Run(t, browsertest.Script{Name: "console-task.test.mjs", Base: n.Server.URL, Timeout: 3 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + demo.Password}})
}
