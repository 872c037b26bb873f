//! The Chatward relay as a library: `main.rs` parses the command line and calls into `cli`;
//! tests build the router without a socket.

pub mod cli;
