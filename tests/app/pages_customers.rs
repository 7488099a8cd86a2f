//! The customers pages over HTTP.
