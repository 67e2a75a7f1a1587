-- How far the task reminders have gone: tasks due before reminded_until
-- have had their notice. One row, moved forward in the same transaction
-- that sends the notices (NOTIFY is sent on commit), under an advisory
-- lock, so that however many app instances run, each task due is
-- announced once.
CREATE TABLE task_reminders (
    id             BOOLEAN PRIMARY KEY DEFAULT true CONSTRAINT task_reminders_one_row CHECK (id),
    reminded_until TIMESTAMPTZ NOT NULL
);
