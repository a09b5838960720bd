//! Undo and redo through the editor: exact restoration of the document, on disk too, for
//! every kind of operation, coalescing, and history that survives closing the file.

mod common;

use common::*;
use rampart_engine::*;

/// One operation of every kind the editor offers, each against the sample model.
fn every_kind_of_operation() -> Vec<(&'static str, Operation)> {
    let d = s::diagram();
    let mut edited = sample().elements[&s::db()].clone();
    edited.properties = ElementProperties::DataStore(StoreProperties { stores_pii: Some(true), ..Default::default() });
    edited.tags = vec!["pii".into()];
    vec![
        (
            "put new element with layout",
            put(vec![
                Record::Element(process(id(0x99), d, "Cache", Some(s::outer()))),
                Record::Layout(layout(id(0x99), 300.0, 300.0, 80.0, 40.0)),
            ]),
        ),
        ("put edit", put(vec![Record::Element(edited)])),
        ("resize", put(vec![Record::Layout(layout(s::api(), 260.0, 60.0, 200.0, 90.0))])),
        ("rename element", Operation::Rename { key: el(s::api()), name: "Orders API".into() }),
        ("rename model", Operation::Rename { key: RecordKey::metadata(), name: "Shop".into() }),
        ("translate boundary", Operation::Translate { ids: vec![s::outer()], dx: 12.5, dy: -3.25 }),
        ("reparent in", Operation::Reparent { ids: vec![s::worker()], parent: Some(s::inner()) }),
        ("reparent out", Operation::Reparent { ids: vec![s::api()], parent: None }),
        ("delete element", Operation::Delete { keys: vec![el(s::api())] }),
        ("delete boundary", Operation::Delete { keys: vec![el(s::outer())] }),
        ("delete diagram", Operation::Delete { keys: vec![key(RecordKind::Diagram, d)] }),
        ("delete attack node", Operation::Delete { keys: vec![key(RecordKind::AttackNode, s::and_gate())] }),
        ("delete tree", Operation::Delete { keys: vec![key(RecordKind::AttackTree, s::tree())] }),
        ("delete mitigation", Operation::Delete { keys: vec![key(RecordKind::Mitigation, s::mitigation())] }),
    ]
}

#[test]
fn undo_restores_the_exact_previous_document_and_redo_the_next_for_every_operation() {
    for (what, op) in every_kind_of_operation() {
        let (_dir, path, mut editor) = editor_with(sample());
        let before = editor.document().clone();
        let patch = editor.apply(&op, None).unwrap();
        assert!(!patch.is_empty(), "{what}: the operation changed nothing");
        let after = editor.document().clone();
        assert_ne!(after, before, "{what}");

        let undone = editor.undo().unwrap().unwrap_or_else(|| panic!("{what}: nothing to undo"));
        assert_eq!(undone, patch.reversed(), "{what}: undo replays the reversed patch");
        assert_doc_eq(editor.document(), &before, &format!("{what}: undo"));
        assert_doc_eq(&files::load(&path).unwrap(), &before, &format!("{what}: undo on disk"));

        editor.redo().unwrap().unwrap_or_else(|| panic!("{what}: nothing to redo"));
        assert_doc_eq(editor.document(), &after, &format!("{what}: redo"));
        assert_doc_eq(&files::load(&path).unwrap(), &after, &format!("{what}: redo on disk"));
    }
}

#[test]
fn undo_and_redo_walk_a_whole_session_back_and_forth() {
    let (_dir, path, mut editor) = editor_with(sample());
    let mut states = vec![editor.document().clone()];
    for (_, op) in every_kind_of_operation().into_iter().take(9) {
        editor.apply(&op, None).unwrap();
        states.push(editor.document().clone());
    }
    for expected in states.iter().rev().skip(1) {
        editor.undo().unwrap().unwrap();
        assert_doc_eq(editor.document(), expected, "document");
    }
    assert!(editor.undo().unwrap().is_none(), "nothing left to undo");
    assert_doc_eq(editor.document(), &states[0], "document");
    for expected in states.iter().skip(1) {
        editor.redo().unwrap().unwrap();
        assert_doc_eq(editor.document(), expected, "document");
    }
    assert!(editor.redo().unwrap().is_none(), "nothing left to redo");
    assert_doc_eq(&files::load(&path).unwrap(), states.last().unwrap(), "document");
}

#[test]
fn a_new_operation_after_undo_clears_redo() {
    let (_dir, _path, mut editor) = editor_with(sample());
    editor.apply(&Operation::Rename { key: el(s::api()), name: "A".into() }, None).unwrap();
    editor.undo().unwrap().unwrap();
    assert!(editor.history().unwrap().redo.is_some());
    editor.apply(&Operation::Rename { key: el(s::db()), name: "B".into() }, None).unwrap();
    assert_eq!(editor.history().unwrap().redo, None);
    let before = editor.document().clone();
    assert!(editor.redo().unwrap().is_none());
    assert_doc_eq(editor.document(), &before, "document");
    assert_eq!(editor.document().elements[&s::api()].name, "API");
}

#[test]
fn undo_menu_names_the_step_to_undo_and_redo() {
    let (_dir, _path, mut editor) = editor_with(sample());
    assert_eq!(editor.history().unwrap(), HistoryState::default());
    editor.apply(&Operation::Rename { key: el(s::api()), name: "Orders API".into() }, None).unwrap();
    let undo = editor.history().unwrap().undo.expect("an undo entry");
    assert!(undo.contains("Orders API"), "{undo}");
    editor.undo().unwrap();
    let h = editor.history().unwrap();
    assert_eq!(h.undo, None);
    assert_eq!(h.redo, Some(undo));
}

#[test]
fn a_refused_operation_leaves_the_document_history_and_file_as_they_were() {
    let (_dir, path, mut editor) = editor_with(sample());
    editor.apply(&Operation::Rename { key: el(s::api()), name: "A".into() }, None).unwrap();
    let (doc, history, bytes) = (editor.document().clone(), editor.history().unwrap(), sha256(&path));
    let bad = Operation::Reparent { ids: vec![s::outer()], parent: Some(s::inner()) };
    assert!(matches!(editor.apply(&bad, None), Err(Error::InvalidOperation(_))));
    assert_doc_eq(editor.document(), &doc, "document");
    assert_eq!(editor.history().unwrap(), history);
    assert_doc_eq(&files::load(&path).unwrap(), &doc, "document");
    assert_eq!(sha256(&path), bytes);
    // and the next undo still undoes the rename
    editor.undo().unwrap();
    assert_eq!(editor.document().elements[&s::api()].name, "API");
}

#[test]
fn an_operation_that_changes_nothing_makes_no_undo_step() {
    let (_dir, _path, mut editor) = editor_with(sample());
    editor.apply(&Operation::Rename { key: el(s::api()), name: "API".into() }, None).unwrap();
    editor.apply(&Operation::Translate { ids: vec![s::api()], dx: 0.0, dy: 0.0 }, None).unwrap();
    assert_eq!(editor.history().unwrap().undo, None);
}

#[test]
fn coalesce_key_merges_a_typing_burst_into_one_undo_step() {
    let (_dir, _path, mut editor) = editor_with(sample());
    let original = editor.document().clone();
    for name in ["O", "Or", "Ord", "Orders"] {
        editor.apply(&Operation::Rename { key: el(s::api()), name: name.into() }, Some("name:api")).unwrap();
    }
    let typed = editor.document().clone();
    editor.undo().unwrap().unwrap();
    assert_doc_eq(editor.document(), &original, "one undo takes back the whole burst");
    assert!(editor.undo().unwrap().is_none());
    editor.redo().unwrap().unwrap();
    assert_doc_eq(editor.document(), &typed, "one redo brings it all back");
}

#[test]
fn coalescing_merges_different_records_edited_under_one_key() {
    let (_dir, _path, mut editor) = editor_with(sample());
    let original = editor.document().clone();
    editor.apply(&Operation::Translate { ids: vec![s::user()], dx: 1.0, dy: 0.0 }, Some("drag")).unwrap();
    editor.apply(&Operation::Translate { ids: vec![s::user(), s::worker()], dx: 1.0, dy: 0.0 }, Some("drag")).unwrap();
    editor.undo().unwrap().unwrap();
    assert_doc_eq(editor.document(), &original, "document");
}

#[test]
fn a_different_key_or_no_key_starts_a_new_undo_step() {
    let (_dir, _path, mut editor) = editor_with(sample());
    let s0 = editor.document().clone();
    editor.apply(&Operation::Rename { key: el(s::api()), name: "A1".into() }, Some("k")).unwrap();
    let s1 = editor.document().clone();
    editor.apply(&Operation::Rename { key: el(s::db()), name: "D1".into() }, Some("other")).unwrap();
    let s2 = editor.document().clone();
    editor.apply(&Operation::Rename { key: el(s::api()), name: "A2".into() }, None).unwrap();
    editor.undo().unwrap();
    assert_doc_eq(editor.document(), &s2, "document");
    editor.undo().unwrap();
    assert_doc_eq(editor.document(), &s1, "document");
    editor.undo().unwrap();
    assert_doc_eq(editor.document(), &s0, "document");
}

#[test]
fn coalescing_stops_at_an_undo() {
    let (_dir, _path, mut editor) = editor_with(sample());
    editor.apply(&Operation::Rename { key: el(s::api()), name: "A".into() }, Some("k")).unwrap();
    editor.apply(&Operation::Rename { key: el(s::api()), name: "AB".into() }, Some("k")).unwrap();
    editor.undo().unwrap();
    editor.redo().unwrap();
    editor.apply(&Operation::Rename { key: el(s::api()), name: "ABC".into() }, Some("k")).unwrap();
    editor.undo().unwrap();
    assert_eq!(editor.document().elements[&s::api()].name, "AB", "the burst after the undo is its own step");
    editor.undo().unwrap();
    assert_eq!(editor.document().elements[&s::api()].name, "API");
}

/// Type in a field, move a shape, undo the move, type on: the second burst is a step of its
/// own, since the user undid something in between (coalescing stops at an undo).
#[test]
fn regression_coalescing_reached_across_an_undo_into_an_earlier_burst() {
    let (_dir, _path, mut editor) = editor_with(sample());
    editor.apply(&Operation::Rename { key: el(s::api()), name: "Or".into() }, Some("name:api")).unwrap();
    let after_first_burst = editor.document().clone();
    editor.apply(&Operation::Translate { ids: vec![s::user()], dx: 5.0, dy: 5.0 }, Some("drag")).unwrap();
    editor.undo().unwrap().unwrap();
    assert_doc_eq(editor.document(), &after_first_burst, "document");
    editor.apply(&Operation::Rename { key: el(s::api()), name: "Orders".into() }, Some("name:api")).unwrap();
    editor.undo().unwrap().unwrap();
    assert_doc_eq(editor.document(), &after_first_burst, "undo takes back only the burst typed after the undo");
}

#[test]
fn undo_and_redo_survive_closing_and_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.rampart");
    let initial = sample();
    let ops = every_kind_of_operation();
    let mut states = vec![initial.clone()];
    {
        let mut editor = Editor::create(&path, initial.clone()).unwrap();
        for (_, op) in ops.iter().take(6) {
            editor.apply(op, None).unwrap();
            states.push(editor.document().clone());
        }
    }
    let last_label;
    {
        let mut editor = Editor::open(&path).unwrap();
        assert_doc_eq(editor.document(), states.last().unwrap(), "document");
        last_label = editor.history().unwrap().undo.expect("history survives reopening");
        // undo half of it, then close
        for expected in states.iter().rev().skip(1).take(3) {
            editor.undo().unwrap().unwrap();
            assert_doc_eq(editor.document(), expected, "document");
        }
    }
    {
        let mut editor = Editor::open(&path).unwrap();
        assert_doc_eq(editor.document(), &states[3], "document");
        // undo the rest after reopening
        for expected in states.iter().take(3).rev() {
            editor.undo().unwrap().unwrap();
            assert_doc_eq(editor.document(), expected, "document");
        }
        assert!(editor.undo().unwrap().is_none());
    }
    {
        let mut editor = Editor::open(&path).unwrap();
        assert_doc_eq(editor.document(), &initial, "document");
        for expected in states.iter().skip(1) {
            editor.redo().unwrap().unwrap();
            assert_doc_eq(editor.document(), expected, "document");
        }
        assert_eq!(editor.history().unwrap().undo, Some(last_label));
    }
    assert_doc_eq(&files::load(&path).unwrap(), states.last().unwrap(), "document");
}

#[test]
fn undo_refuses_a_step_that_no_longer_fits_a_hand_edited_file() {
    let (_dir, path, mut editor) = editor_with(sample());
    editor.apply(&Operation::Rename { key: el(s::api()), name: "A".into() }, None).unwrap();
    drop(editor);
    // Someone edits the record behind the history's back.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let body: String = conn
            .query_row("SELECT body FROM records WHERE kind = 'element' AND id = ?1", [s::api().to_string()], |r| r.get(0))
            .unwrap();
        let mut e: Element = serde_json::from_str(&body).unwrap();
        e.name = "Hand edited".into();
        conn.execute(
            "UPDATE records SET body = ?1 WHERE kind = 'element' AND id = ?2",
            [serde_json::to_string(&e).unwrap(), s::api().to_string()],
        )
        .unwrap();
    }
    let mut editor = Editor::open(&path).unwrap();
    let before = editor.document().clone();
    assert!(matches!(editor.undo(), Err(Error::InvalidOperation(_))));
    assert_doc_eq(editor.document(), &before, "document");
    assert_doc_eq(&files::load(&path).unwrap(), &before, "document");
}

/// Typing a name and then typing it back to what it was, in one burst, left an undo step
/// that did nothing: the first Ctrl+Z seemed broken.
#[test]
fn regression_a_burst_that_ends_where_it_began_left_an_empty_undo_step() {
    let (_dir, _path, mut editor) = editor_with(sample());
    editor.apply(&Operation::Translate { ids: vec![s::user()], dx: 5.0, dy: 0.0 }, None).unwrap();
    let moved = editor.document().clone();
    let move_step = editor.history().unwrap().undo;
    editor.apply(&Operation::Rename { key: el(s::api()), name: "X".into() }, Some("name:api")).unwrap();
    editor.apply(&Operation::Rename { key: el(s::api()), name: "API".into() }, Some("name:api")).unwrap();
    assert_doc_eq(editor.document(), &moved, "typed back to the start");
    assert_eq!(editor.history().unwrap().undo, move_step, "the burst left no step");
    let undone = editor.undo().unwrap().expect("the move is still there to undo");
    assert!(!undone.is_empty());
    assert_doc_eq(editor.document(), &sample(), "the first undo undoes the move");
}
