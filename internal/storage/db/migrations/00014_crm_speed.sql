-- +goose Up
-- The member list sorted by joining date within organisations (a
-- committee's members by status, newest first): the page's ids are read
-- from this index alone and sorted, then only the page's cards are loaded
-- (see crm.ListMembers). Without it every card of the committee was read.
CREATE INDEX crm_members_unit_status_joined ON crm_members(unit_id, status, joined_on, name_folded, id);

-- +goose Down
DROP INDEX crm_members_unit_status_joined;
