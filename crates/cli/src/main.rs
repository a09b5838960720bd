//! `rampart`: the engine on the command line. Parsing and printing only; the engine does
//! the work. Exit codes: 0 success, 2 unreadable input or failed write; `validate` and
//! `check` exit with 1 when they find what they look for (see `analysis.rs`).

mod analysis;
mod attack;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rampart_engine::export::{export, ExportFormat, ExportRequest};
use rampart_engine::files;
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
    /// Check the diagrams and attack trees (exit 1 when a finding has severity error).
    Validate(analysis::ValidateArgs),
    /// List the threat register: generated STRIDE threats with what was written on them,
    /// manual threats, and stale ones.
    Threats(analysis::ThreatsArgs),
    /// Exit 1 while an open threat at or above a severity has no decision (for CI).
    Check(analysis::CheckArgs),
    /// Analyse attack trees: every attribute at every node, the cheapest scenario, the top-K
    /// scenarios, the cost vs probability Pareto front, and what an attacker profile can do.
    Analyze(attack::AnalyzeArgs),
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
    /// Open Threat Model JSON
    Otm,
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
    let cli = Cli::parse();
    let cli = match cli.command {
        Command::Validate(args) => return analysis::validate(args),
        Command::Threats(args) => return analysis::threats(args),
        Command::Check(args) => return analysis::check(args),
        Command::Analyze(args) => return attack::analyze(args),
        command => Cli { command },
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("rampart: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        // Handled in `main`: they have exit codes of their own.
        Command::Validate(_) | Command::Threats(_) | Command::Check(_) | Command::Analyze(_) => {}
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
            let tree = match tree {
                Some(name) => Some(doc.attack_trees.values().find(|t| t.name == name).ok_or(format!("the model has no attack tree named “{name}”"))?.id),
                None => None,
            };
            let diagram = match diagram {
                Some(name) => Some(doc.diagrams.values().find(|d| d.name == name).ok_or(format!("the model has no diagram named “{name}”"))?.id),
                None => None,
            };
            let format = match format {
                ExportTo::Json => ExportFormat::RampartJson,
                ExportTo::ThreatDragon => ExportFormat::ThreatDragon,
                ExportTo::Otm => ExportFormat::Otm,
                ExportTo::Adtool => ExportFormat::Adtool,
                ExportTo::Svg => ExportFormat::Svg,
            };
            let exported = export(&doc, &ExportRequest { format, diagram, tree }).map_err(|e| e.to_string())?;
            for warning in &exported.warnings {
                eprintln!("warning: {warning}");
            }
            std::fs::write(&output, exported.text).map_err(|e| format!("{}: {e}", output.display()))?;
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
