//! Drawings and documents made from the model: the same code serves the app's exports, the
//! CLI and the PDF report.

pub mod svg;
pub mod tree_svg;
