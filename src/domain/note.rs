//! Internal notes: what a note is written on ([`NoteSubject`]) and its text
//! ([`NoteBody`]), parsed before a command sees them.

use std::fmt;

use super::{Aggregate, CustomerId, EventType, OrderId};

/// The most characters a note holds (the database's CHECK says the same).
pub const MAX_NOTE_CHARS: usize = 2000;

/// What a note is written on: an order or a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteSubject {
    Order(OrderId),
    Customer(CustomerId),
}

impl NoteSubject {
    /// The aggregate whose events record the subject's notes.
    pub fn aggregate(self) -> Aggregate {
        match self {
            Self::Order(_) => Aggregate::Order,
            Self::Customer(_) => Aggregate::Customer,
        }
    }

    /// The subject's id (the event's aggregate id).
    pub fn id(self) -> i64 {
        match self {
            Self::Order(id) => id.get(),
            Self::Customer(id) => id.get(),
        }
    }

    /// The event a note written on it appends.
    pub fn added_event(self) -> EventType {
        match self {
            Self::Order(_) => EventType::OrderNoteAdded,
            Self::Customer(_) => EventType::CustomerNoteAdded,
        }
    }

    /// The event a note's removal appends.
    pub fn removed_event(self) -> EventType {
        match self {
            Self::Order(_) => EventType::OrderNoteRemoved,
            Self::Customer(_) => EventType::CustomerNoteRemoved,
        }
    }

    /// "order" or "customer", for messages.
    pub fn what(self) -> &'static str {
        match self {
            Self::Order(_) => "order",
            Self::Customer(_) => "customer",
        }
    }
}

/// A note's text: 1 to [`MAX_NOTE_CHARS`] characters once trimmed, lines
/// allowed (a Windows line break kept as one `\n`), no other control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteBody(String);

impl NoteBody {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.replace("\r\n", "\n").replace('\r', "\n");
        let s = s.trim();
        if s.is_empty() {
            return Err("write the note first: it is empty".into());
        }
        let chars = s.chars().count();
        if chars > MAX_NOTE_CHARS {
            return Err(format!(
                "a note holds at most {MAX_NOTE_CHARS} characters; this one has {chars}"
            ));
        }
        if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err("the note contains a control character".into());
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NoteBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_trimmed_bounded_and_keeps_its_lines() {
        assert_eq!(
            NoteBody::parse("  Leave at the back door\r\nRing twice \n").map(|b| b.0),
            Ok("Leave at the back door\nRing twice".to_owned())
        );
        assert!(NoteBody::parse(" \n\t ").is_err());
        assert!(NoteBody::parse(&"é".repeat(MAX_NOTE_CHARS)).is_ok());
        let long = NoteBody::parse(&"é".repeat(MAX_NOTE_CHARS + 1)).unwrap_err();
        assert!(long.contains("2000") && long.contains("2001"), "{long}");
        assert!(NoteBody::parse("bell\u{7}").is_err());
    }

    #[test]
    fn each_subject_has_its_own_events() {
        let order = NoteSubject::Order(OrderId(7));
        let customer = NoteSubject::Customer(CustomerId(7));
        assert_eq!(order.added_event(), EventType::OrderNoteAdded);
        assert_eq!(customer.removed_event(), EventType::CustomerNoteRemoved);
        assert_eq!((order.aggregate(), customer.id()), (Aggregate::Order, 7));
    }
}
