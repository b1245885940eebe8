package mailing

import (
	"slices"
	"strings"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// FilterSpec is a crm.MemberFilter as a campaign stores it (JSON names as
// in the CRM's list URL).
type FilterSpec struct {
	UnitID     string `json:"unit_id,omitempty"`
	Query      string `json:"q,omitempty"`
	Industry   string `json:"industry,omitempty"`
	Status     string `json:"status,omitempty"`
	BirthMonth int    `json:"birth_month,omitempty"`
	Activist   *bool  `json:"activist,omitempty"`
	Flag       string `json:"flag,omitempty"`
	Consent    string `json:"consent,omitempty"`
	JoinedFrom string `json:"joined_from,omitempty"`
	JoinedTo   string `json:"joined_to,omitempty"`
	// CustomKey and CustomValue select the members whose custom field
	// holds the value (crm.MemberFilter).
	CustomKey   string `json:"custom_key,omitempty"`
	CustomValue string `json:"custom_value,omitempty"`
}

func (f FilterSpec) memberFilter() crm.MemberFilter {
	return crm.MemberFilter{UnitID: f.UnitID, Query: f.Query, Industry: f.Industry, Status: crm.Status(f.Status),
		BirthMonth: f.BirthMonth, Activist: f.Activist, Flag: f.Flag, Consent: f.Consent,
		JoinedFrom: f.JoinedFrom, JoinedTo: f.JoinedTo, CustomKey: f.CustomKey, CustomValue: f.CustomValue, Sort: "created_at"}
}

// Segment is one part of an audience: a CRM filter, a saved CRM filter or
// an imported list. Exactly one of its fields is set.
type Segment struct {
	Filter        *FilterSpec `json:"filter,omitempty"`
	SavedFilterID string      `json:"saved_filter_id,omitempty"`
	ListID        string      `json:"list_id,omitempty"`
}

// Attachment is a file sent with every e-mail of a campaign.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"` // base64 in JSON
}

// MaxAttachmentBytes caps a campaign's files: they go to every recipient.
const MaxAttachmentBytes = 5 << 20

// Content is what a campaign says. Subject, HTML and Text are templates
// with member variables (see Vars); HTML is rendered with html/template,
// so a member's name cannot inject markup.
type Content struct {
	Subject   string `json:"subject"`
	HTML      string `json:"html"`
	Text      string `json:"text"`
	SMS       string `json:"sms"`
	SMSSender string `json:"sms_sender,omitempty"`
	// Message is the Telegram and VK text: Telegram's HTML subset (<b>,
	// <i>, <u>, <s>, <a href>, <code>, <pre>, <blockquote>); VK gets it
	// as plain text, links written out.
	Message     string       `json:"message,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
	// Blocks, when there are any, are the letter made in the block
	// editor: the server renders them into the HTML and text parts (HTML
	// and Text are then ignored), and variables in them and in Subject
	// are written {{Имя}} (Variable), never in Go template syntax.
	Blocks []Block `json:"blocks,omitempty"`
	// VarFields are the custom fields of members the content may name,
	// label → key, as the server found them when the content was saved.
	VarFields map[string]string `json:"var_fields,omitempty"`
}

// IsBlocks says whether the letter was made in the block editor.
func (c Content) IsBlocks() bool { return len(c.Blocks) > 0 }

// CampaignInput is what staff edit.
type CampaignInput struct {
	Name     string    `json:"name"`
	Kind     Kind      `json:"kind"`
	Channels []string  `json:"channels"` // priority: the first channel a recipient can get wins
	Segments []Segment `json:"segments"`
	Content  Content   `json:"content"`
	Accounts []string  `json:"accounts"` // SMTP account ids for e-mail
	SMSGate  string    `json:"sms_gateway,omitempty"`
	// Messengers names the inbox channel (bot or community) that sends
	// each messenger channel: {"telegram": channel id, "vk": channel id}.
	Messengers map[string]string `json:"messengers,omitempty"`
}

// Campaign is a stored campaign with its progress.
type Campaign struct {
	ID     string `json:"id"`
	UnitID string `json:"unit_id"`
	CampaignInput
	Status       Status     `json:"status"`
	ScheduledAt  *time.Time `json:"scheduled_at,omitempty"`
	NeedsConfirm bool       `json:"needs_confirm"`
	PauseReason  string     `json:"pause_reason,omitempty"`
	Alert        string     `json:"alert,omitempty"`
	Total        int        `json:"total"`
	OwnerID      string     `json:"owner_id"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	StartedAt    *time.Time `json:"started_at,omitempty"`
	FinishedAt   *time.Time `json:"finished_at,omitempty"`
}

func (in *CampaignInput) normalize() error {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	if in.Name == "" || len([]rune(in.Name)) > 200 {
		return valid.Errorf("name", "required", "name is required, at most 200 characters")
	}
	if in.Kind == "" {
		in.Kind = Informational
	}
	if in.Kind != Informational && in.Kind != Advertising {
		return valid.Errorf("kind", "kind", "kind must be informational or advertising")
	}
	if len(in.Channels) == 0 {
		return valid.Errorf("channels", "required", "choose at least one channel")
	}
	seen := map[string]bool{}
	for _, c := range in.Channels {
		if !slices.Contains(knownChannels, c) {
			return valid.Errorf("channels", "channel", "unknown channel %q (email, sms, telegram, vk)", c)
		}
		if seen[c] {
			return valid.Errorf("channels", "channel", "channel %q is listed twice", c)
		}
		seen[c] = true
	}
	if len(in.Segments) == 0 || len(in.Segments) > 20 {
		return valid.Errorf("segments", "required", "choose between 1 and 20 segments")
	}
	for _, sg := range in.Segments {
		n := 0
		if sg.Filter != nil {
			n++
		}
		if sg.SavedFilterID != "" {
			n++
		}
		if sg.ListID != "" {
			n++
		}
		if n != 1 {
			return valid.Errorf("segments", "segment", "each segment is a filter, a saved filter or a list — exactly one")
		}
	}
	if err := in.Content.check(seen); err != nil {
		return err
	}
	if seen[ChannelEmail] && len(in.Accounts) == 0 {
		return valid.Errorf("accounts", "required", "e-mail needs at least one SMTP account")
	}
	if in.Accounts == nil {
		in.Accounts = []string{}
	}
	for ch := range in.Messengers {
		if !seen[ch] || !slices.Contains(messengerChannels, ch) {
			delete(in.Messengers, ch) // a bot chosen for a channel the campaign no longer uses
		}
	}
	for _, ch := range messengerChannels {
		if seen[ch] && in.Messengers[ch] == "" {
			return valid.Errorf("messengers."+ch, "required", "choose the %s channel that sends the campaign", ch)
		}
	}
	return nil
}

func (c *Content) check(channels map[string]bool) error {
	if channels[ChannelEmail] {
		if strings.TrimSpace(c.Subject) == "" || len(c.Subject) > 500 {
			return valid.Errorf("content.subject", "required", "an e-mail needs a subject, at most 500 characters")
		}
		if !c.IsBlocks() && strings.TrimSpace(c.HTML) == "" && strings.TrimSpace(c.Text) == "" {
			return valid.Errorf("content.html", "required", "an e-mail needs HTML or text")
		}
	}
	if len(c.HTML) > 512<<10 || len(c.Text) > 256<<10 {
		return valid.Errorf("content.html", "too_long", "the message is too long (HTML at most 512 KiB, text 256 KiB)")
	}
	if channels[ChannelSMS] {
		if strings.TrimSpace(c.SMS) == "" {
			return valid.Errorf("content.sms", "required", "an SMS needs a text")
		}
		if _, n := SMSSegments(c.SMS); n > 10 {
			return valid.Errorf("content.sms", "too_long", "an SMS may have at most 10 segments")
		}
	}
	if channels[ChannelTelegram] || channels[ChannelVK] {
		if strings.TrimSpace(c.Message) == "" {
			return valid.Errorf("content.message", "required", "a Telegram or VK campaign needs a message text")
		}
		if len(c.Message) > 16<<10 {
			return valid.Errorf("content.message", "too_long", "the message text is too long")
		}
	}
	sanitizeBlocks(c.Blocks)
	if err := checkBlocks(c.Blocks); err != nil {
		return err
	}
	total := 0
	for _, a := range c.Attachments {
		a.Name = strings.TrimSpace(a.Name)
		if a.Name == "" || strings.ContainsAny(a.Name, "/\\\r\n\"") || len(a.Name) > 200 {
			return valid.Errorf("content.attachments", "name", "an attachment needs a plain file name")
		}
		total += len(a.Data)
	}
	if total > MaxAttachmentBytes {
		return valid.Errorf("content.attachments", "too_large", "attachments may take at most 5 MiB together")
	}
	t, err := parseTemplates(*c, "")
	if err != nil {
		return err
	}
	if channels[ChannelTelegram] || channels[ChannelVK] {
		if r, err := t.render(sampleVars); err == nil && messageUnits(r.Message) > maxMessageUnits {
			return valid.Errorf("content.message", "too_long", "a Telegram or VK message may have at most %d characters", maxMessageUnits)
		}
	}
	return nil
}
