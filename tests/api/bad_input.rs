//! Bad input: a clear error naming what is wrong, and nothing appended.
