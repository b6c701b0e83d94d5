//! Settings that take one of a few named values (a clustering method, a model, a target),
//! named once in the engine so the command line and the window list the same choices.

/// A setting with a fixed list of named values.
pub trait Choice: Copy + PartialEq + 'static {
    /// Every value, in display order.
    const ALL: &'static [Self];

    /// The name used on the command line, in JSON and in saved settings.
    fn name(self) -> &'static str;

    /// The value with this name (surrounding spaces ignored).
    fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.name() == name.trim())
    }
}
