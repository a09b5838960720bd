//! Rampart's engine: everything that knows what a threat model is.
//!
//! The engine knows nothing about Tauri, React or the command line. The document
//! ([`Document`]) is a set of keyed records ([`Record`]); it changes only through
//! [`Operation`]s, each of which yields a [`Patch`] of the records it touched, before and
//! after. Undo applies the reversed patch: one mechanism for every operation.

pub mod analysis;
pub mod attack;
pub mod canonical;
pub mod document;
pub mod editor;
pub mod error;
pub mod export;
pub mod files;
pub mod interop;
pub mod model;
pub mod ops;
pub mod patch;
pub mod recent;
pub mod render;
pub mod report;
pub mod risk;
pub mod store;
pub mod summary;

pub use document::Document;
pub use editor::{Applied, Editor, Opened, Snapshot};
pub use store::HistoryState;
pub use document::{Record, RecordKey, RecordKind};
pub use error::{Error, Result};
pub use model::*;
pub use ops::Operation;
pub use patch::{Change, Patch};
