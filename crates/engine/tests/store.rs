//! The `.rampart` file: every acknowledged operation is on disk, bad input gets a clear
//! error that names the file, and a file that is refused is never modified.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use rampart_engine::*;

/// The sample plus enough records to span several database pages.
fn bigger_sample() -> Document {
    let mut doc = sample();
    let mut records = Vec::new();
    for i in 0..120u64 {
        let mut p = process(id(0x1000 + i), s::diagram(), &format!("Service {i}"), Some(s::outer()));
        p.description = "A service that does a thing. ".repeat(8);
        records.push(Record::Element(p));
        records.push(Record::Layout(layout(id(0x1000 + i), 210.0 + i as f64, 300.0, 40.0, 20.0)));
    }
    put(records).apply(&mut doc).unwrap();
    doc
}

fn write_model(dir: &Path, name: &str, doc: Document) -> PathBuf {
    let path = dir.join(name);
    drop(Editor::create(&path, doc).unwrap());
    path
}

// ---------------------------------------------------------------- durability

#[test]
fn every_applied_operation_is_on_disk_when_apply_returns() {
    let (_dir, path, mut editor) = editor_with(sample());
    let ops = vec![
        put(vec![
            Record::Element(process(id(0x99), s::diagram(), "Cache", None)),
            Record::Layout(layout(id(0x99), 1.0, 1.0, 10.0, 10.0)),
        ]),
        Operation::Rename { key: el(id(0x99)), name: "Redis".into() },
        Operation::Translate { ids: vec![s::outer()], dx: 3.0, dy: 4.0 },
        Operation::Reparent { ids: vec![id(0x99)], parent: Some(s::inner()) },
        Operation::Delete { keys: vec![el(s::inner())] },
        Operation::Delete { keys: vec![key(RecordKind::Mitigation, s::mitigation())] },
    ];
    for op in &ops {
        editor.apply(op, None).unwrap();
        // A second, independent reader sees exactly what the editor holds.
        assert_doc_eq(&files::load(&path).unwrap(), editor.document(), &format!("after {op:?}"));
    }
    editor.undo().unwrap();
    assert_doc_eq(&files::load(&path).unwrap(), editor.document(), "after undo");
    editor.redo().unwrap();
    assert_doc_eq(&files::load(&path).unwrap(), editor.document(), "after redo");
    assert_eq!(editor.integrity_check().unwrap(), "ok");
}

#[test]
fn a_new_file_holds_the_document_it_was_created_with() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "m.rampart", sample());
    assert_doc_eq(&files::load(&path).unwrap(), &sample(), "reloaded");
    assert_doc_eq(Editor::open(&path).unwrap().document(), &sample(), "reopened");
    // The file is complete: no temporary left beside it.
    assert_eq!(listing(dir.path()), vec!["m.rampart".to_string()]);
}

#[test]
fn creating_a_model_never_overwrites_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "m.rampart", sample());
    let hash = sha256(&path);
    for result in [
        Editor::create(&path, Document::default()).map(|_| ()),
        files::save(&Document::default(), &path),
    ] {
        let err = result.expect_err("an existing .rampart must not be overwritten");
        assert!(matches!(err, Error::AlreadyExists { .. }), "{err:?}");
        assert!(err.to_string().contains("m.rampart"), "{err}");
    }
    assert_eq!(sha256(&path), hash);
}

#[test]
fn loading_a_model_does_not_modify_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "m.rampart", bigger_sample());
    let hash = sha256(&path);
    files::load(&path).unwrap();
    drop(Editor::open(&path).unwrap());
    assert_eq!(sha256(&path), hash);
    assert_eq!(listing(dir.path()), vec!["m.rampart".to_string()]);
}

/// `rampart validate old.rampart` must not upgrade the file behind the user's back: a file
/// of an older schema is read as it is, and only opening it for editing migrates it.
#[test]
fn reading_an_older_schema_file_leaves_it_at_its_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "old.rampart", bigger_sample());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA journal_mode = DELETE; DROP INDEX history_by_state; PRAGMA user_version = 1;").unwrap();
    }
    let hash = sha256(&path);
    assert_doc_eq(&files::load(&path).unwrap(), &bigger_sample(), "read from a schema 1 file");
    assert_eq!(sha256(&path), hash, "reading changed the file");
    assert_eq!(listing(dir.path()), vec!["old.rampart".to_string()]);
}

#[test]
fn save_as_copies_the_model_with_its_history_and_continues_in_the_copy() {
    let (dir, path, mut editor) = editor_with(sample());
    editor.apply(&Operation::Rename { key: el(s::api()), name: "A".into() }, None).unwrap();
    let copy = dir.path().join("copy.rampart");
    editor.save_as(&copy).unwrap();
    assert_eq!(editor.path(), copy.as_path());
    editor.apply(&Operation::Rename { key: el(s::db()), name: "D".into() }, None).unwrap();
    assert_eq!(files::load(&path).unwrap().elements[&s::db()].name, "DB", "the original is left alone");
    editor.undo().unwrap();
    editor.undo().unwrap();
    assert_doc_eq(&files::load(&copy).unwrap(), &sample(), "the copy's history goes back to the start");
    // and refuses to overwrite
    assert!(matches!(editor.save_as(&path), Err(Error::AlreadyExists { .. })));
}

#[test]
fn save_as_json_writes_canonical_text_and_keeps_editing_the_database() {
    let (dir, path, mut editor) = editor_with(sample());
    let json = dir.path().join("m.rampart.json");
    editor.save_as(&json).unwrap();
    assert_eq!(editor.path(), path.as_path());
    assert_doc_eq(&files::load(&json).unwrap(), &sample(), "the JSON copy");
}

#[test]
fn opening_json_for_editing_makes_a_database_in_the_models_folder_and_leaves_the_json_alone() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("shop.rampart.json");
    files::save(&sample(), &json).unwrap();
    let hash = sha256(&json);
    let models = tempfile::tempdir().unwrap();
    let (mut first, warnings) = files::open_for_editing(&json, models.path()).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(first.path(), models.path().join("shop.rampart").as_path());
    first.apply(&Operation::Rename { key: el(s::api()), name: "A".into() }, None).unwrap();
    // Opening the JSON again does not clobber the first database.
    let (second, _) = files::open_for_editing(&json, models.path()).unwrap();
    assert_ne!(second.path(), first.path());
    assert!(second.path().to_string_lossy().ends_with(".rampart"));
    assert_eq!(files::load(first.path()).unwrap().elements[&s::api()].name, "A");
    assert_doc_eq(second.document(), &sample(), "the second copy");
    assert_eq!(sha256(&json), hash);
}

// ---------------------------------------------------------------- bad input

#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    NotAModel,
    Truncated,
    NewerFormat,
    InvalidJson,
    Corrupt,
}

fn variant(e: &Error) -> Option<Want> {
    Some(match e {
        Error::NotAModel { .. } => Want::NotAModel,
        Error::Truncated { .. } => Want::Truncated,
        Error::NewerFormat { .. } => Want::NewerFormat,
        Error::InvalidJson { .. } => Want::InvalidJson,
        Error::Corrupt { .. } => Want::Corrupt,
        _ => return None,
    })
}

/// Every way of opening `path` refuses it with the wanted error, names the file, and
/// leaves the file's bytes and its folder exactly as they were.
#[track_caller]
fn assert_refused(path: &Path, want: Want, want_from_editor_open: Want) {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let dir = path.parent().unwrap();
    let hash = sha256(path);
    let files_before = listing(dir);
    let models = tempfile::tempdir().unwrap();
    let attempts: Vec<(&str, Result<(), Error>, Want)> = vec![
        ("files::load", files::load(path).map(|_| ()), want),
        ("Editor::open", Editor::open(path).map(|_| ()), want_from_editor_open),
        ("files::open_for_editing", files::open_for_editing(path, models.path()).map(|_| ()), want),
    ];
    for (how, result, want) in attempts {
        let err = result.err().unwrap_or_else(|| panic!("{how} accepted {name}"));
        assert_eq!(variant(&err), Some(want), "{how} on {name}: {err:?}");
        assert!(err.to_string().contains(&name), "{how}: the message names the file: {err}");
        assert_eq!(sha256(path), hash, "{how} modified {name}");
        assert_eq!(listing(dir), files_before, "{how} left files beside {name}");
        assert!(listing(models.path()).is_empty(), "{how} made a model out of {name}");
    }
}

#[test]
fn a_text_file_is_not_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.rampart");
    std::fs::write(&path, "These are my notes about the shop.\n").unwrap();
    assert_refused(&path, Want::NotAModel, Want::NotAModel);
}

#[test]
fn an_empty_file_is_not_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.rampart");
    std::fs::write(&path, b"").unwrap();
    assert_refused(&path, Want::NotAModel, Want::NotAModel);
    assert!(files::load(&path).unwrap_err().to_string().contains("empty"));
}

#[test]
fn a_binary_file_is_not_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("picture.rampart");
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..2000u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8));
    std::fs::write(&path, png).unwrap();
    assert_refused(&path, Want::NotAModel, Want::NotAModel);
}

#[test]
fn another_applications_sqlite_database_is_not_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("browser-history.rampart");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE visits (url TEXT, at INTEGER); INSERT INTO visits VALUES ('https://example.com', 1);")
            .unwrap();
    }
    assert_refused(&path, Want::NotAModel, Want::NotAModel);
}

#[test]
fn a_truncated_model_is_refused_at_any_cut() {
    let dir = tempfile::tempdir().unwrap();
    let whole = write_model(dir.path(), "whole.rampart", bigger_sample());
    let bytes = std::fs::read(&whole).unwrap();
    assert!(bytes.len() >= 4 * 4096, "the model spans several pages ({} bytes)", bytes.len());
    for cut in [20, 99, 100, 1000, 4096, 4097, bytes.len() - 4096, bytes.len() - 1] {
        let cut_dir = tempfile::tempdir().unwrap();
        let path = cut_dir.path().join(format!("cut-{cut}.rampart"));
        std::fs::write(&path, &bytes[..cut]).unwrap();
        assert_refused(&path, Want::Truncated, Want::Truncated);
        let msg = files::load(&path).unwrap_err().to_string();
        assert!(msg.contains("truncated"), "{msg}");
    }
}

#[test]
fn a_model_from_a_newer_rampart_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "future.rampart", sample());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", store::SCHEMA_VERSION + 1).unwrap();
    }
    assert_refused(&path, Want::NewerFormat, Want::NewerFormat);
    match files::load(&path).unwrap_err() {
        Error::NewerFormat { found, supported, .. } => {
            assert_eq!(found, store::SCHEMA_VERSION + 1);
            assert_eq!(supported, store::SCHEMA_VERSION);
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn json_from_a_newer_rampart_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.rampart.json");
    let text = canonical::to_string(&sample()).unwrap().replacen("\"format_version\": 1", "\"format_version\": 99", 1);
    assert!(text.contains("\"format_version\": 99"));
    std::fs::write(&path, text).unwrap();
    assert_refused(&path, Want::NewerFormat, Want::NotAModel);
    let msg = files::load(&path).unwrap_err().to_string();
    assert!(msg.contains("99"), "{msg}");
}

#[test]
fn malformed_json_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let whole = canonical::to_string(&sample()).unwrap();
    let cases = [
        ("wrong-type.rampart.json", r#"{"format": "rampart", "format_version": 1, "elements": 5}"#.to_string()),
        ("unknown-section.rampart.json", r#"{"format": "rampart", "format_version": 1, "widgets": []}"#.to_string()),
        ("no-version.rampart.json", r#"{"format": "rampart"}"#.to_string()),
        ("bad-kind.rampart.json", whole.replacen("\"kind\": \"process\"", "\"kind\": \"spaceship\"", 1)),
        ("duplicate.rampart.json", {
            let mut doc = Document::default();
            doc.diagrams.insert(id(1), Diagram { id: id(1), name: "A".into() });
            canonical::to_string(&doc).unwrap().replace(
                "\"diagrams\": [\n",
                &format!("\"diagrams\": [\n    {{\"id\": \"{}\", \"name\": \"B\"}},\n", id(1)),
            )
        }),
    ];
    for (name, text) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &text).unwrap();
        assert_refused(&path, Want::InvalidJson, Want::NotAModel);
    }
    let dup = files::load(&dir.path().join("duplicate.rampart.json")).unwrap_err().to_string();
    assert!(dup.contains(&id(1).to_string()), "the duplicate id is named: {dup}");
}

/// A `.rampart.json` cut short (a failed copy, a bad merge) was taken for a foreign file and
/// refused as "not a Rampart model, nor a format Rampart imports", hiding what was wrong.
#[test]
fn regression_a_cut_short_rampart_json_was_called_not_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let whole = canonical::to_string(&sample()).unwrap();
    let path = dir.path().join("cut.rampart.json");
    std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
    assert_refused(&path, Want::InvalidJson, Want::NotAModel);
    let msg = files::load(&path).unwrap_err().to_string();
    assert!(msg.contains("JSON") && !msg.contains("not a Rampart model"), "says what is wrong: {msg}");
}

#[test]
fn json_of_another_program_is_not_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("package.json");
    std::fs::write(&path, r#"{"name": "webshop", "version": "1.0.0"}"#).unwrap();
    assert_refused(&path, Want::NotAModel, Want::NotAModel);
}

#[test]
fn a_corrupt_record_is_reported_by_kind_and_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "damaged.rampart", sample());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let n = conn
            .execute("UPDATE records SET body = '{\"id\": 12' WHERE kind = 'element' AND id = ?1", [s::db().to_string()])
            .unwrap();
        assert_eq!(n, 1);
    }
    assert_refused(&path, Want::Corrupt, Want::Corrupt);
    let msg = files::load(&path).unwrap_err().to_string();
    assert!(msg.contains("element") && msg.contains(&s::db().to_string()), "the record is named: {msg}");
}

#[test]
fn a_record_filed_under_the_wrong_id_or_an_unknown_kind_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let swapped = write_model(dir.path(), "swapped.rampart", sample());
    {
        let conn = rusqlite::Connection::open(&swapped).unwrap();
        conn.execute("UPDATE records SET id = ?1 WHERE kind = 'element' AND id = ?2", [id(0xBAD).to_string(), s::db().to_string()])
            .unwrap();
    }
    assert_refused(&swapped, Want::Corrupt, Want::Corrupt);
    assert!(files::load(&swapped).unwrap_err().to_string().contains(&id(0xBAD).to_string()));

    let unknown = write_model(dir.path(), "unknown.rampart", sample());
    {
        let conn = rusqlite::Connection::open(&unknown).unwrap();
        conn.execute("INSERT INTO records (kind, id, body) VALUES ('gizmo', 'x', '{}')", []).unwrap();
    }
    assert_refused(&unknown, Want::Corrupt, Want::Corrupt);
    assert!(files::load(&unknown).unwrap_err().to_string().contains("gizmo"));
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nowhere.rampart");
    for err in [files::load(&path).unwrap_err(), Editor::open(&path).err().unwrap()] {
        assert!(matches!(err, Error::Io { .. }), "{err:?}");
        assert!(err.to_string().contains("nowhere.rampart"), "{err}");
    }
    assert!(!path.exists(), "opening a missing file must not create it");
}

/// A kill while SQLite checkpoints the WAL into the main file can leave the main file
/// shorter than its (already rewritten) header says, with the full data still in the WAL.
/// SQLite recovers such a file from the WAL; the raw header check must not call it truncated.
#[test]
fn regression_kill_during_checkpoint_left_a_short_file_that_was_refused_as_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "m.rampart", sample());
    let old_len = std::fs::metadata(&path).unwrap().len() as usize;
    let saved_wal = dir.path().join("saved-wal");
    let expected = {
        let mut editor = Editor::open(&path).unwrap();
        let mut records = Vec::new();
        for i in 0..300u64 {
            let mut p = process(id(0x1000 + i), s::diagram(), &format!("Service {i}"), None);
            p.description = "x".repeat(600);
            records.push(Record::Element(p));
        }
        editor.apply(&put(records), None).unwrap();
        // What a kill would leave: the WAL as written by the committed operation.
        std::fs::copy(dir.path().join("m.rampart-wal"), &saved_wal).unwrap();
        editor.document().clone()
    }; // closing checkpoints the WAL into the main file
    let full = std::fs::read(&path).unwrap();
    let page = 4096;
    assert!(full.len() >= old_len + 4 * page, "the operation grew the file");
    // A checkpoint writes pages in ascending order: page 1 (with the new page count) first,
    // the pages that extend the file last. Stop half way through the new pages.
    let written = (old_len / page + (full.len() - old_len) / page / 2) * page;
    let crashed = tempfile::tempdir().unwrap();
    let crashed_path = crashed.path().join("m.rampart");
    std::fs::write(&crashed_path, &full[..written]).unwrap();
    std::fs::copy(&saved_wal, crashed.path().join("m.rampart-wal")).unwrap();

    let editor = Editor::open(&crashed_path).expect("a file with its WAL opens after a kill mid-checkpoint");
    assert_doc_eq(editor.document(), &expected, "recovered from the WAL");
    assert_eq!(editor.integrity_check().unwrap(), "ok");
}

/// A file written by the first schema (no history index) opens, is migrated to the current
/// schema, and keeps its model and its undo history.
#[test]
fn a_schema_1_file_is_migrated_on_open_and_keeps_model_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.rampart");
    let mut editor = Editor::create(&path, bigger_sample()).unwrap();
    let key = RecordKey::new(RecordKind::Diagram, *editor.document().diagrams.keys().next().unwrap());
    editor.apply(&Operation::Rename { key, name: "Renamed".into() }, None).unwrap();
    let expected = editor.document().clone();
    drop(editor);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("DROP INDEX history_by_state; PRAGMA user_version = 1;").unwrap();
    }
    let mut editor = Editor::open(&path).unwrap();
    assert_eq!(editor.document(), &expected);
    drop(editor);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, rampart_engine::store::SCHEMA_VERSION);
    let indexed: i64 = conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'history_by_state'", [], |r| r.get(0)).unwrap();
    assert_eq!(indexed, 1);
    drop(conn);
    editor = Editor::open(&path).unwrap();
    assert!(editor.undo().unwrap().is_some(), "the rename made before the migration can still be undone");
    assert_eq!(editor.document().diagrams.get(&key.id).unwrap().name, bigger_sample().diagrams.values().next().unwrap().name);
}
