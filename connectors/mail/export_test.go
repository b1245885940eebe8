package mail

// Fixtures shared with the end-to-end tests of package mail_test.
var Fixtures = map[string]string{
	"koi8":        letterKOI8,
	"hostile":     letterHostileHTML,
	"attachments": letterAttachments,
	"auto":        letterAutoReply,
	"bounce":      letterBounce,
	"outlook":     letterOutlook,
	"2000 parts":  manyParts(2000),
	"1000 deep":   deepNesting(1000),
}
