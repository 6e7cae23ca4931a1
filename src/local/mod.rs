//! What is on this machine: the environment as a value, the shared config and credentials
//! files, the settings read from both, file helpers, the log file, the token cache, and the
//! process's allocator, and the SHA-256 that names cache entries and files.
//! Imports nothing of the other wings.

pub mod arena;
pub mod cache;
pub mod config;
pub mod core_dumps;
pub mod env;
pub mod files;
pub mod log;
pub mod program;
pub mod registry_map;
pub mod secret;
pub mod settings;
pub mod sha256;
pub mod text;
pub mod url;
pub mod user;
