-- +goose Up
-- E-mail copies of "new task" notifications (package workflow): a task
-- notification is born 'pending' and the sweep claims and mails it;
-- notifications made before this migration are never mailed ('none').
ALTER TABLE wf_notifications ADD COLUMN mail_state TEXT NOT NULL DEFAULT 'none';
CREATE INDEX wf_notifications_mail ON wf_notifications(mail_state) WHERE mail_state = 'pending';

-- +goose Down
DROP INDEX wf_notifications_mail;
ALTER TABLE wf_notifications DROP COLUMN mail_state;
