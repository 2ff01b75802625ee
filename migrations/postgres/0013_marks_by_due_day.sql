-- The total of the officer's "actions due within N days" list: the items planned on the day
-- asked whose next action falls due in the window, found as a range of this index (with the
-- days each mark covers in it) rather than by reading the month's every planned item.
CREATE INDEX view_item_marks_due ON view_item_marks (organisation, verdict, month, due_by)
    INCLUDE (from_day, to_day);
