-- The total of the officer's "window closing within N days" list: the items waiting for an
-- answer on the day asked whose answer falls due in the window, found as a range of this
-- index (with the days each mark covers in it) rather than by reading the month's every
-- unanswered item.
CREATE INDEX view_item_marks_respond ON view_item_marks (organisation, verdict, month, respond_by)
    INCLUDE (from_day, to_day);
