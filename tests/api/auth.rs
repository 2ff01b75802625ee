//! Authentication and access.
