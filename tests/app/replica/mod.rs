//! Reads on a hot standby and a primary restart, on the pair of
//! support/replica_pair.rs.

mod reads;
mod restart;
mod sessions;
