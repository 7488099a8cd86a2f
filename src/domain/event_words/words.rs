//! A sentence about an event: text with amounts of money in it, kept as
//! minor units so the page writes them in the shop's currency as it writes
//! every other amount ([`Currency::format`]).

use crate::domain::Currency;

/// A piece of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// An amount in the shop currency's minor unit.
    Money(i64),
}

/// What happened, in plain words: "Ann refunded $5.00 by card".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words(Vec<Piece>);

impl Words {
    /// A sentence that starts with who did it.
    pub(super) fn by(actor: &str) -> Self {
        let who = actor.trim();
        let mut w = Self::default();
        w.say(if who.is_empty() { "Someone" } else { who });
        w
    }

    /// A fragment to join into a sentence.
    pub(super) fn of(text: &str) -> Self {
        let mut w = Self::default();
        w.say(text);
        w
    }

    /// Appends text.
    pub(super) fn say(&mut self, text: impl AsRef<str>) -> &mut Self {
        let text = text.as_ref();
        if text.is_empty() {
            return self;
        }
        if let Some(Piece::Text(last)) = self.0.last_mut() {
            last.push_str(text);
        } else {
            self.0.push(Piece::Text(text.to_owned()));
        }
        self
    }

    /// Appends an amount of money.
    pub(super) fn money(&mut self, minor: i64) -> &mut Self {
        self.0.push(Piece::Money(minor));
        self
    }

    /// Appends another sentence's pieces.
    pub(super) fn add(&mut self, other: Self) -> &mut Self {
        for piece in other.0 {
            match piece {
                Piece::Text(t) => self.say(t),
                Piece::Money(m) => self.money(m),
            };
        }
        self
    }

    /// Appends `parts` as a list: "a, b and c" (`and` is the last joint).
    pub(super) fn list(&mut self, parts: Vec<Self>, and: &str) -> &mut Self {
        let n = parts.len();
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                self.say(if i + 1 == n { and } else { ", " });
            }
            self.add(part);
        }
        self
    }

    /// The pieces, for a template that writes the amounts itself.
    pub fn pieces(&self) -> &[Piece] {
        &self.0
    }

    /// The sentence with its amounts written in `currency`.
    pub fn written(&self, currency: Currency) -> String {
        self.0
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Money(m) => currency.format(*m),
            })
            .collect()
    }
}

/// "1 unit", "40 units".
pub(super) fn units(n: i64) -> String {
    if n == 1 || n == -1 {
        format!("{n} unit")
    } else {
        format!("{n} units")
    }
}

/// A signed change with a real minus sign: "+5", "−3".
pub(super) fn signed(n: i64) -> String {
    if n < 0 {
        format!("−{}", n.unsigned_abs())
    } else {
        format!("+{n}")
    }
}

/// Text in quotation marks: “leave at the back door”.
pub(super) fn quoted(text: &str) -> String {
    format!("“{text}”")
}
