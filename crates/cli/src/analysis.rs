//! `rampart validate`, `rampart threats` and `rampart check`: the engine's findings and
//! threat register for scripts and CI. Exit codes: 0 clean, 1 a finding of severity error
//! (`validate`) or an open high-enough threat without a decision (`check`), 2 unreadable
//! input (the model or a rule pack).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use rampart_engine::analysis::{Analysis, FindingSeverity, RuleSet, ThreatView};
use rampart_engine::files;
use rampart_engine::report::register::{csv, markdown_table, ranked, status_label};
use rampart_engine::risk::Severity;
use rampart_engine::Document;

#[derive(Args)]
pub struct ValidateArgs {
    /// A `.rampart`, `.rampart.json` or importable file.
    pub model: PathBuf,
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ValidateFormat {
    Text,
    /// `{"findings": [...], "dismissed": [...]}` (schemas/validate.schema.json)
    Json,
}

#[derive(Args)]
pub struct ThreatsArgs {
    /// A `.rampart`, `.rampart.json` or importable file.
    pub model: PathBuf,
    #[arg(long, value_enum, default_value_t = ThreatsFormat::Text)]
    pub format: ThreatsFormat,
    /// An extra rule pack (JSON) to generate threats from, besides the built-in rules.
    /// May be given more than once.
    #[arg(long = "rules", value_name = "PACK")]
    pub rules: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ThreatsFormat {
    Text,
    /// `{"threats": [...]}` (schemas/threats.schema.json)
    Json,
    Csv,
    /// A Markdown table, ranked by risk
    Md,
}

#[derive(Args)]
pub struct CheckArgs {
    /// A `.rampart`, `.rampart.json` or importable file.
    pub model: PathBuf,
    /// Fail while an open threat of this severity or above has no decision.
    #[arg(long, value_enum)]
    pub fail_on: Level,
    /// An extra rule pack (JSON), as for `threats`.
    #[arg(long = "rules", value_name = "PACK")]
    pub rules: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Level {
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    fn severity(self) -> Severity {
        match self {
            Level::Low => Severity::Low,
            Level::Medium => Severity::Medium,
            Level::High => Severity::High,
            Level::Critical => Severity::Critical,
        }
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("rampart: {message}");
    ExitCode::from(2)
}

fn load(model: &Path) -> Result<Document, ExitCode> {
    files::load(model).map_err(fail)
}

fn rules(packs: &[PathBuf]) -> Result<Arc<RuleSet>, ExitCode> {
    let mut set = RuleSet::builtin().map_err(fail)?;
    for path in packs {
        let text = std::fs::read_to_string(path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
        set.add_pack(&text).map_err(|e| fail(format!("{}: {e}", path.display())))?;
    }
    Ok(Arc::new(set))
}

/// Write to standard output. A reader that went away (`| head`) is not an error.
pub(crate) fn write_stdout(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write the output: {e}")),
        _ => Ok(()),
    }
}

/// [`write_stdout`], saying what went wrong.
pub(crate) fn emit(text: &str) -> Result<(), ExitCode> {
    write_stdout(text).map_err(fail)
}

fn print_json(value: serde_json::Value) -> Result<(), ExitCode> {
    let mut text = serde_json::to_string_pretty(&value).map_err(fail)?;
    text.push('\n');
    emit(&text)
}

pub fn validate(args: ValidateArgs) -> ExitCode {
    let run = || -> Result<ExitCode, ExitCode> {
        let doc = load(&args.model)?;
        let validation = rampart_engine::analysis::validate(&doc);
        match args.format {
            ValidateFormat::Json => print_json(serde_json::to_value(&validation).map_err(fail)?)?,
            ValidateFormat::Text => {
                let lines: String = validation.findings.iter().map(|f| format!("{:<7} {:<6} {}\n", f.severity.label(), f.code, f.message)).collect();
                emit(&lines)?;
                let counts: Vec<String> = [FindingSeverity::Error, FindingSeverity::Warning, FindingSeverity::Info]
                    .into_iter()
                    .map(|s| {
                        let n = validation.count(s);
                        format!("{n} {}{}", s.label(), if n == 1 || s == FindingSeverity::Info { "" } else { "s" })
                    })
                    .collect();
                let dismissed = match validation.dismissed.len() {
                    0 => String::new(),
                    n => format!(" ({n} dismissed)"),
                };
                eprintln!("{}{dismissed}", counts.join(", "));
            }
        }
        Ok(if validation.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
    };
    run().unwrap_or_else(|code| code)
}

fn register(model: &Path, packs: &[PathBuf]) -> Result<(Document, Vec<ThreatView>), ExitCode> {
    let doc = load(model)?;
    let rules = rules(packs)?;
    let threats = Analysis::new(&doc, rules).threats(&doc);
    Ok((doc, threats))
}

pub fn threats(args: ThreatsArgs) -> ExitCode {
    let run = || -> Result<(), ExitCode> {
        let (_, threats) = register(&args.model, &args.rules)?;
        match args.format {
            ThreatsFormat::Json => print_json(serde_json::json!({ "threats": threats }))?,
            ThreatsFormat::Csv => emit(&csv(&threats))?,
            ThreatsFormat::Md => emit(&markdown_table(&threats))?,
            ThreatsFormat::Text => {
                let lines: String = ranked(&threats)
                    .into_iter()
                    .map(|t| {
                        let stale = if t.stale { " [stale]" } else { "" };
                        format!("{:<8} {:>3}  {:<22} {:<14} {}{stale}\n", t.severity.label(), t.score, category(t), status_label(t.status), t.title)
                    })
                    .collect();
                emit(&lines)?;
                let stale = threats.iter().filter(|t| t.stale).count();
                eprintln!("{} threats{}", threats.len(), if stale > 0 { format!(" ({stale} stale)") } else { String::new() });
            }
        }
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

pub fn check(args: CheckArgs) -> ExitCode {
    let run = || -> Result<ExitCode, ExitCode> {
        let (_, threats) = register(&args.model, &args.rules)?;
        let level = args.fail_on.severity();
        let failing: Vec<&ThreatView> = ranked(&threats).into_iter().filter(|t| t.needs_decision() && t.severity >= level).collect();
        let lines: String = failing
            .iter()
            .map(|t| format!("{:<8} {:<22} {}  ({}, {})\n", t.severity.label(), category(t), t.title, t.rule_id.as_deref().unwrap_or("manual"), t.id))
            .collect();
        emit(&lines)?;
        let stale = threats.iter().filter(|t| t.stale).count();
        if stale > 0 {
            eprintln!("note: {stale} stale threats (their element or rule is gone) are not checked; review and close them");
        }
        if failing.is_empty() {
            eprintln!("ok: no open threat of severity {} or above without a decision", level.label());
            Ok(ExitCode::SUCCESS)
        } else {
            eprintln!("{} open threats of severity {} or above have no decision", failing.len(), level.label());
            Ok(ExitCode::from(1))
        }
    };
    run().unwrap_or_else(|code| code)
}

fn category(t: &ThreatView) -> &'static str {
    rampart_engine::analysis::stride::category_label(t.category)
}
