//! Property: random corruptions of a valid file never panic the loader, and every row read is
//! either accepted or rejected.

use persona_lab::data::{Mapping, TableKind, load_table};
use persona_lab::jobs::Progress;
use proptest::prelude::*;

const VALID: &str = "user_id,course_id,event,ts,amount,rating,watch_sec,text\n\
u1,c1,view,2025-01-02 10:00:00,,,30,\n\
u1,c1,purchase,2025-01-02 10:05:00,99,,,\n\
u2,c2,rate,2025-01-03,,5,,\"很好,推荐\"\n\
u3,c1,comment,1735776000,,,,\"多行\n评论\"\n\
u4,c3,complete,2025-02-01T08:00:00Z,,,,\n";

#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let byte = prop_oneof![
        Just(b','),
        Just(b'"'),
        Just(b'\n'),
        Just(b'\r'),
        Just(b'-'),
        Just(0xE4u8),
        Just(0xFFu8),
        any::<u8>()
    ];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Edit::Replace(i, b)),
        (any::<usize>(), byte).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Delete),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn corrupted_files_balance_and_never_panic(edits in proptest::collection::vec(edit(), 1..12)) {
        let mut bytes = VALID.as_bytes().to_vec();
        for e in edits {
            let n = bytes.len().max(1);
            match e {
                Edit::Replace(i, b) if !bytes.is_empty() => bytes[i % n] = b,
                Edit::Insert(i, b) => bytes.insert(i % (bytes.len() + 1), b),
                Edit::Delete(i) if !bytes.is_empty() => { bytes.remove(i % n); }
                _ => {}
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.csv");
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(t) = load_table(&path, TableKind::Events, &Mapping::default(), &Progress::default()) {
            prop_assert_eq!(t.report.accepted + t.report.rejected, t.report.rows_read);
            prop_assert_eq!(t.df.height() as u64, t.report.accepted);
            prop_assert_eq!(t.report.rejects.len() as u64, t.report.rejected);
        }
    }
}
