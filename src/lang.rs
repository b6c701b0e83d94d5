//! The two languages of the product, and text written in both. The engine names things
//! (models, warnings, labels) in both languages; the faces pick one.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    /// 中文 (simplified).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The other language (for the switch).
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The name of this language, written in itself.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Zh => "中文",
            Lang::En => "English",
        }
    }
}

/// A text in both languages: fixed (a model's name) or from the data (a segment's label, an
/// attribute value, which reads the same in both).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Text {
    /// Chinese.
    pub zh: Cow<'static, str>,
    /// English.
    pub en: Cow<'static, str>,
}

impl Text {
    /// A fixed text.
    pub const fn new(zh: &'static str, en: &'static str) -> Text {
        Text {
            zh: Cow::Borrowed(zh),
            en: Cow::Borrowed(en),
        }
    }

    /// A text written in each language.
    pub fn pair(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: Cow::Owned(zh.into()),
            en: Cow::Owned(en.into()),
        }
    }

    /// A text that reads the same in both languages (a name from the data).
    pub fn same(text: impl Into<String>) -> Text {
        let text = text.into();
        Text::pair(text.clone(), text)
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text::same(text)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text::same(text)
    }
}

/// Something that can be said in both languages, such as an error: the command line prints
/// its English, the window shows the language it is in.
pub trait Bilingual {
    /// The message in both languages.
    fn text(&self) -> Text;
}

impl Bilingual for String {
    fn text(&self) -> Text {
        Text::same(self.clone())
    }
}
