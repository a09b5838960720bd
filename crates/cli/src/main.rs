//! `rampart`: the engine on the command line. Parsing and printing only; the engine does
//! the work. Exit codes: 0 success, 2 unreadable input or failed write.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rampart_engine::{files, interop};
use rampart_engine::summary::Info;

#[derive(Parser)]
#[command(name = "rampart", version, about = "Threat models from the command line")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert a model between `.rampart` (SQLite) and `.rampart.json` (canonical JSON).
    /// The output form follows the output name; an existing `.rampart` is never overwritten.
    Convert {
        input: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Import a model from another tool (the format is told by the content) and write it as
    /// `.rampart` or `.rampart.json`. Everything that could not be mapped is listed.
    Import {
        file: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Write a model in another tool's format. Everything the format cannot carry is listed.
    Export {
        model: PathBuf,
        #[arg(long, value_enum)]
        format: ExportTo,
        /// The attack tree to write, by name (for `adtool`; the first tree otherwise).
        #[arg(long)]
        tree: Option<String>,
        /// The diagram to draw, by name (for `svg`; the first diagram otherwise).
        #[arg(long)]
        diagram: Option<String>,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Print the model's name and how many elements of each kind it holds.
    Info {
        model: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportTo {
    /// OWASP Threat Dragon v2 JSON
    ThreatDragon,
    /// ADTool XML (one attack tree)
    Adtool,
    /// An SVG drawing of one diagram
    Svg,
    /// Rampart's canonical JSON
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("rampart: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Convert { input, output } => {
            let doc = files::load(&input).map_err(|e| e.to_string())?;
            files::save(&doc, &output).map_err(|e| e.to_string())?;
            eprintln!("wrote {}", output.display());
        }
        Command::Import { file, output } => {
            let imported = files::import(&file).map_err(|e| e.to_string())?;
            for warning in &imported.warnings {
                eprintln!("warning: {warning}");
            }
            files::save(&imported.document, &output).map_err(|e| e.to_string())?;
            let info = Info::of(&imported.document);
            let counts: Vec<String> = info.rows().iter().filter(|(_, n)| *n > 0).map(|(k, n)| format!("{n} {k}")).collect();
            eprintln!("imported {} ({}): {}; wrote {}", file.display(), imported.format, counts.join(", "), output.display());
        }
        Command::Export { model, format, tree, diagram, output } => {
            let doc = files::load(&model).map_err(|e| e.to_string())?;
            let (text, warnings) = match format {
                ExportTo::Json => (rampart_engine::canonical::to_string(&doc).map_err(|e| e.to_string())?, Vec::new()),
                ExportTo::ThreatDragon => interop::export(&doc, interop::ExportFormat::ThreatDragon, None).map_err(|e| e.to_string())?,
                ExportTo::Svg => {
                    let chosen = match &diagram {
                        Some(name) => doc.diagrams.values().find(|d| &d.name == name).ok_or(format!("the model has no diagram named “{name}”"))?,
                        None => doc.diagrams.values().next().ok_or("the model has no diagram")?,
                    };
                    (rampart_engine::render::svg::diagram(&doc, chosen.id).map_err(|e| e.to_string())?, Vec::new())
                }
                ExportTo::Adtool => interop::export(&doc, interop::ExportFormat::AdTool, tree.as_deref()).map_err(|e| e.to_string())?,
            };
            for warning in &warnings {
                eprintln!("warning: {warning}");
            }
            std::fs::write(&output, text).map_err(|e| format!("{}: {e}", output.display()))?;
            eprintln!("wrote {}", output.display());
        }
        Command::Info { model, format } => {
            let doc = files::load(&model).map_err(|e| e.to_string())?;
            let info = Info::of(&doc);
            match format {
                Format::Json => {
                    println!("{}", serde_json::to_string_pretty(&info).map_err(|e| e.to_string())?);
                }
                Format::Text => {
                    println!("{}", info.name);
                    for (label, n) in info.rows() {
                        println!("  {label:<16} {n}");
                    }
                }
            }
        }
    }
    Ok(())
}
