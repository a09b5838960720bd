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
use rampart_engine::report::{Paper, ReportOptions, Section};
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
        /// The attack tree to write, by name: for `adtool` (the first tree otherwise), and for
        /// `svg` and `png` to draw the tree instead of a diagram.
        #[arg(long)]
        tree: Option<String>,
        /// The diagram to draw, by name (for `svg` and `png`; the first diagram otherwise).
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
    /// Write the threat-model document: cover, contents, summary, scope, assets, diagrams,
    /// elements, threat register, attack trees, accepted risks, open findings.
    Report {
        model: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
        /// pdf or md; by default told by the output's name (`.md` is Markdown), else PDF.
        #[arg(long, value_enum)]
        format: Option<ReportFormat>,
        #[arg(long, value_enum, default_value_t = PaperArg::A4)]
        paper: PaperArg,
        /// The sections to include, comma-separated (all by default): summary, scope, assets,
        /// diagrams, elements, threats, attack_trees, accepted_risks, findings.
        #[arg(long, value_delimiter = ',')]
        sections: Vec<String>,
        /// The date on the cover (ISO 8601); today by default.
        #[arg(long)]
        date: Option<String>,
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
    /// Open Threat Model JSON
    Otm,
    /// ADTool XML (one attack tree)
    Adtool,
    /// An SVG drawing of one diagram, or of the attack tree given with --tree
    Svg,
    /// A PNG picture of one diagram, or of the attack tree given with --tree
    Png,
    /// The threat register as CSV
    Csv,
    /// Rampart's canonical JSON
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Pdf,
    Md,
}

#[derive(Clone, Copy, ValueEnum)]
enum PaperArg {
    A4,
    Letter,
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

/// Export through the engine's one entry point and write the file.
fn write_export(doc: &rampart_engine::Document, request: ExportRequest, output: &std::path::Path) -> Result<(), String> {
    let exported = export(doc, &request).map_err(|e| e.to_string())?;
    for warning in &exported.warnings {
        eprintln!("warning: {warning}");
    }
    std::fs::write(output, exported.bytes).map_err(|e| format!("{}: {e}", output.display()))?;
    eprintln!("wrote {}", output.display());
    Ok(())
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
                ExportTo::Png => ExportFormat::Png,
                ExportTo::Csv => ExportFormat::Csv,
            };
            write_export(&doc, ExportRequest { format, diagram, tree, report: None }, &output)?;
        }
        Command::Report { model, output, format, paper, sections, date } => {
            let doc = files::load(&model).map_err(|e| e.to_string())?;
            let markdown = match format {
                Some(f) => matches!(f, ReportFormat::Md),
                None => output.extension().is_some_and(|e| e.eq_ignore_ascii_case("md")),
            };
            let sections = sections
                .iter()
                .filter(|s| !s.trim().is_empty())
                .map(|s| {
                    Section::parse(s).ok_or_else(|| {
                        let known: Vec<&str> = Section::ALL.iter().map(|s| s.key()).collect();
                        format!("no section named “{s}” (the sections: {})", known.join(", "))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let paper = match paper {
                PaperArg::A4 => Paper::A4,
                PaperArg::Letter => Paper::Letter,
            };
            let format = if markdown { ExportFormat::Markdown } else { ExportFormat::Pdf };
            write_export(&doc, ExportRequest { format, diagram: None, tree: None, report: Some(ReportOptions { paper, sections, date }) }, &output)?;
        }
        Command::Info { model, format } => {
            let doc = files::load(&model).map_err(|e| e.to_string())?;
            let info = Info::of(&doc);
            let text = match format {
                Format::Json => serde_json::to_string_pretty(&info).map_err(|e| e.to_string())? + "\n",
                Format::Text => {
                    let rows: String = info.rows().into_iter().map(|(label, n)| format!("  {label:<16} {n}\n")).collect();
                    format!("{}\n{rows}", info.name)
                }
            };
            analysis::write_stdout(&text)?;
        }
    }
    Ok(())
}
