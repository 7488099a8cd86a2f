//! Lenient reading of a stored payload: every field optional, a field of an
//! unexpected type read as absent, so an old or odd payload says less
//! instead of failing.

use serde_json::Value;

/// A payload (or a part of one) read field by field.
#[derive(Clone, Copy)]
pub(super) struct Fields<'a>(pub &'a Value);

impl<'a> Fields<'a> {
    /// The field's raw value, if present and not null.
    pub fn get(self, key: &str) -> Option<&'a Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    /// A text field, trimmed, if not empty (a number reads as its digits).
    pub fn text(self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// A whole number (also when stored as `"3"`).
    pub fn int(self, key: &str) -> Option<i64> {
        as_int(self.get(key)?)
    }

    /// A yes/no field (also `"true"`/`"false"`).
    pub fn flag(self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A list field's items (none when absent or not a list).
    pub fn list(self, key: &str) -> &'a [Value] {
        self.get(key)
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    /// An object field, read the same way (an absent one has no fields).
    pub fn object(self, key: &str) -> Fields<'a> {
        Fields(self.get(key).unwrap_or(&Value::Null))
    }
}

/// A JSON value as a whole number, if it is one.
pub(super) fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
