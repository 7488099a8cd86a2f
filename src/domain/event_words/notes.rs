//! Internal notes on orders and customers: written, and removed (the
//! removal states only the note's id; its text and author come from the
//! event that added it).

use std::collections::HashMap;

use super::fields::Fields;
use super::words::{Words, quoted};

/// The notes the history has seen, by id: who wrote each and its text.
pub(super) type Notes = HashMap<i64, (String, Option<String>)>;

/// "Ann wrote a note: “leave at the back door”".
pub(super) fn added(mut w: Words, p: Fields<'_>, actor: &str, notes: &mut Notes) -> Words {
    let body = p.text("body");
    w.say(" wrote a note");
    if let Some(body) = &body {
        w.say(": ").say(quoted(body));
    }
    if let Some(id) = p.int("note_id") {
        notes.insert(id, (actor.trim().to_owned(), body));
    }
    w
}

/// "Ann removed a note by Bo: “leave at the back door”" (or just "Ann
/// removed a note" when the note's own event is not in the history).
pub(super) fn removed(mut w: Words, p: Fields<'_>, actor: &str, notes: &Notes) -> Words {
    w.say(" removed a note");
    let Some((author, body)) = p.int("note_id").and_then(|id| notes.get(&id)) else {
        return w;
    };
    if author != actor.trim() && !author.is_empty() {
        w.say(" by ").say(author);
    }
    if let Some(body) = body {
        w.say(": ").say(quoted(body));
    }
    w
}
