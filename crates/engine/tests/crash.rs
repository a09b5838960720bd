//! PRODUCT.md section 7: "Killed at any moment (kill -9): on reopen, every operation whose
//! call returned is there and `PRAGMA integrity_check` is ok."
//!
//! The test re-runs its own executable as a child that opens a `.rampart` and applies
//! operations, printing `ACK n` once `apply` has returned for operation `n`. The parent kills
//! the child with SIGKILL at random moments, reopens the file, and checks that it holds
//! exactly the state after every acknowledged operation (plus, at most, the one operation
//! that was committed but not yet acknowledged), then lets a new child carry on. The
//! operations are a pure function of their number and the document, so the parent replays
//! them in memory to know what the file must hold.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use rampart_engine::*;

const TEST_NAME: &str = "kill_9_at_any_moment_loses_no_acknowledged_operation";
const CHILD_PATH: &str = "RAMPART_CRASH_CHILD_PATH";
const CHILD_START: &str = "RAMPART_CRASH_CHILD_START";
const TOTAL: u64 = 1000;
const KILLS: usize = 20;

/// A small deterministic generator (splitmix64).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        (!items.is_empty()).then(|| items[self.below(items.len() as u64) as usize])
    }
}

fn diagram() -> Id {
    id(0xD1A)
}

fn boundaries() -> [Id; 3] {
    [id(0xB01), id(0xB02), id(0xB03)]
}

/// The id of the element operation `n` adds, if it adds one.
fn added(n: u64) -> Id {
    id(0x10_0000 + n)
}

fn initial() -> Document {
    let d = diagram();
    let [outer, inner, side] = boundaries();
    let mut doc = Document::default();
    doc.metadata.name = "Crash test".into();
    put(vec![
        Record::Diagram(Diagram { id: d, name: "Main".into() }),
        Record::Element(boundary(outer, d, "Outer", None)),
        Record::Element(boundary(inner, d, "Inner", Some(outer))),
        Record::Element(boundary(side, d, "Side", None)),
        Record::Layout(layout(outer, 0.0, 0.0, 2000.0, 2000.0)),
        Record::Layout(layout(inner, 100.0, 100.0, 800.0, 800.0)),
        Record::Layout(layout(side, 3000.0, 0.0, 1000.0, 1000.0)),
    ])
    .apply(&mut doc)
    .unwrap();
    doc
}

/// Operation `n` against `doc`, and its coalesce key: a pure function of both.
fn operation(n: u64, doc: &Document) -> (Operation, Option<&'static str>) {
    let mut rng = Rng(n.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5EED);
    let processes: Vec<Id> = doc.elements.values().filter(|e| e.kind() == ElementKind::Process).map(|e| e.id).collect();
    let shapes: Vec<Id> = doc.elements.values().filter(|e| e.kind() != ElementKind::DataFlow).map(|e| e.id).collect();
    let parent = |rng: &mut Rng| if rng.below(3) == 0 { None } else { rng.pick(&boundaries()) };
    let roll = rng.below(100);
    match roll {
        _ if roll < 40 || processes.len() < 2 => {
            let id = added(n);
            let x = rng.below(1_000_000) as f64 / 7.0;
            let y = rng.below(1_000_000) as f64 / 3.0;
            let e = process(id, diagram(), &format!("process {n}"), parent(&mut rng));
            (put(vec![Record::Element(e), Record::Layout(layout(id, x, y, 120.0, 60.0))]), None)
        }
        _ if roll < 60 => {
            let target = rng.pick(&processes).unwrap();
            let coalesce = (rng.below(2) == 0).then_some("typing");
            (Operation::Rename { key: el(target), name: format!("renamed by {n}") }, coalesce)
        }
        _ if roll < 75 => {
            let ids = vec![rng.pick(&shapes).unwrap(), rng.pick(&shapes).unwrap()];
            let dx = (rng.below(2001) as f64 - 1000.0) / 9.0;
            let dy = (rng.below(2001) as f64 - 1000.0) / 11.0;
            (Operation::Translate { ids, dx, dy }, Some("drag").filter(|_| rng.below(2) == 0))
        }
        _ if roll < 85 => (Operation::Reparent { ids: vec![rng.pick(&processes).unwrap()], parent: parent(&mut rng) }, None),
        _ if roll < 92 => (Operation::Delete { keys: vec![el(rng.pick(&processes).unwrap())] }, None),
        _ => {
            let (s, t) = (rng.pick(&processes).unwrap(), rng.pick(&processes).unwrap());
            (put(vec![Record::Element(flow(added(n), diagram(), &format!("flow {n}"), s, t))]), None)
        }
    }
}

/// The child: apply operations from `start` on, acknowledging each once `apply` returned.
fn child(path: &Path, start: u64) {
    let mut editor = Editor::open(path).unwrap();
    let mut out = std::io::stdout();
    for n in start..TOTAL {
        let (op, coalesce) = operation(n, editor.document());
        let line = match editor.apply(&op, coalesce) {
            Ok(_) => format!("ACK {n}\n"),
            Err(Error::InvalidOperation(_)) => format!("REFUSED {n}\n"), // e.g. a flow to itself
            Err(e) => panic!("operation {n} failed: {e}"),
        };
        out.write_all(line.as_bytes()).unwrap();
        out.flush().unwrap();
    }
    out.write_all(b"DONE\n").unwrap();
    out.flush().unwrap();
}

/// The document after operations `0..count`, computed in memory, advanced lazily.
struct Replay {
    doc: Document,
    count: u64,
}
impl Replay {
    fn advance_to(&mut self, count: u64) -> &Document {
        while self.count < count {
            let (op, _) = operation(self.count, &self.doc);
            let _ = op.apply(&mut self.doc); // a refused operation changes nothing
            self.count += 1;
        }
        &self.doc
    }
}

#[test]
fn kill_9_at_any_moment_loses_no_acknowledged_operation() {
    if let Ok(path) = std::env::var(CHILD_PATH) {
        let start = std::env::var(CHILD_START).unwrap().parse().unwrap();
        return child(Path::new(&path), start);
    }
    let started = Instant::now();
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    eprintln!("crash test seed {seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.rampart");
    drop(Editor::create(&path, initial()).unwrap());

    let mut replay = Replay { doc: initial(), count: 0 };
    let mut done = 0u64; // operations known to be in the file
    let mut kills = 0;
    let mut caught_mid_flight = 0; // kills that landed after a commit, before its acknowledgement
    loop {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(CHILD_PATH, &path)
            .env(CHILD_START, done.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Spread the kills over the whole run: on average an equal share of what is left.
        let kill_after = (kills < KILLS).then(|| {
            let remaining = TOTAL - done;
            let share = remaining / (KILLS - kills + 1) as u64;
            (1 + rng.below(2 * share)).min(remaining - 1)
        });
        let mut acked_this_round = 0;
        let mut last_ack: Option<u64> = None;
        let mut finished = false;
        let handle = |line: &str, last_ack: &mut Option<u64>, finished: &mut bool| {
            // libtest may have printed "test NAME ... " on the same line before the first one.
            let marker = |m: &str| line.find(m).map(|i| line[i + m.len()..].trim().to_string());
            if let Some(n) = marker("ACK ").or_else(|| marker("REFUSED ")) {
                let n: u64 = n.parse().unwrap();
                assert_eq!(n, last_ack.map_or(done, |a| a + 1), "acknowledgements come in order");
                *last_ack = Some(n);
                return true;
            }
            if line.ends_with("DONE") {
                *finished = true;
            }
            false
        };
        // Read acknowledgements until it is time to kill, or the child finishes.
        while !finished && kill_after.is_none_or(|k| acked_this_round < k) {
            let line = rx.recv_timeout(Duration::from_secs(30)).expect("the child stopped answering");
            if handle(&line, &mut last_ack, &mut finished) {
                acked_this_round += 1;
            }
        }
        if !finished {
            // A random moment inside the next operations: mid-transaction, mid-fsync...
            std::thread::sleep(Duration::from_micros(rng.below(3000)));
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        let status = child.wait().unwrap();
        // Whatever the child printed before it died was acknowledged too.
        for line in rx.iter() {
            handle(&line, &mut last_ack, &mut finished);
        }
        reader.join().unwrap();
        if finished {
            assert!(status.success(), "the child failed: {status:?}");
        }

        // Reopen: every acknowledged operation is there, and perhaps the one after it.
        let acked = last_ack.map_or(done, |a| a + 1);
        let editor = Editor::open(&path).unwrap_or_else(|e| panic!("reopen after kill {kills} (seed {seed}): {e}"));
        assert_eq!(editor.integrity_check().unwrap(), "ok", "seed {seed}");
        let on_disk = editor.document().clone();
        drop(editor);
        if &on_disk == replay.advance_to(acked) {
            done = acked;
        } else if acked < TOTAL && &on_disk == replay.advance_to(acked + 1) {
            done = acked + 1; // committed, killed before it was acknowledged
            caught_mid_flight += 1;
        } else {
            let expected = Replay { doc: initial(), count: 0 }.advance_to(acked).clone();
            assert_doc_eq(&on_disk, &expected, &format!("after kill {kills}, {acked} acknowledged operations (seed {seed})"));
        }
        if finished {
            assert_eq!(done, TOTAL);
            break;
        }
    }
    assert_eq!(kills, KILLS);
    // Every element an acknowledged "add" created and no later operation deleted is there.
    let last = replay.advance_to(TOTAL).clone();
    let final_doc = files::load(&path).unwrap();
    assert_doc_eq(&final_doc, &last, "the finished model");
    assert!(final_doc.elements.len() > 100, "the operations built up a real model ({})", final_doc.elements.len());
    eprintln!(
        "crash test: {KILLS} kills ({caught_mid_flight} between commit and acknowledgement), {TOTAL} operations, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
