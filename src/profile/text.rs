//! Comment text: Chinese word segmentation (jieba) plus English words, stop words removed,
//! keywords by frequency, and a sentiment score from a small bilingual lexicon.

use jieba_rs::Jieba;
use std::collections::HashMap;
use std::sync::OnceLock;

const POSITIVE: &[&str] = &[
    "清楚",
    "收获",
    "实用",
    "推荐",
    "性价比",
    "学到",
    "细致",
    "丰富",
    "满意",
    "棒",
    "干货",
    "值得",
    "喜欢",
    "好课",
    "精彩",
    "专业",
    "great",
    "practical",
    "good",
    "excellent",
    "useful",
    "love",
];
const NEGATIVE: &[&str] = &[
    "失望",
    "不好",
    "听不清",
    "偏贵",
    "太贵",
    "不推荐",
    "太慢",
    "太快",
    "跟不上",
    "浪费",
    "太浅",
    "无聊",
    "差",
    "waste",
    "basic",
    "bad",
    "boring",
    "poor",
];
const STOP_WORDS: &[&str] = &[
    "的",
    "了",
    "是",
    "我",
    "很",
    "也",
    "都",
    "就",
    "还",
    "有",
    "在",
    "和",
    "不",
    "太",
    "非常",
    "一般般",
    "有些",
    "有点",
    "地方",
    "已经",
    "给",
    "the",
    "a",
    "an",
    "of",
    "and",
    "to",
    "is",
    "very",
    "too",
];

fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// Sentiment of one text in −1..1: (positive − negative) / (positive + negative) lexicon hits.
/// Negative phrases are matched first, so `不推荐` is not also read as `推荐`.
pub fn sentiment(text: &str) -> f64 {
    let mut rest = text.to_lowercase();
    let mut neg = 0usize;
    for w in NEGATIVE {
        let hits = rest.matches(w).count();
        if hits > 0 {
            neg += hits;
            rest = rest.replace(w, " ");
        }
    }
    let pos: usize = POSITIVE.iter().map(|w| rest.matches(w).count()).sum();
    if pos + neg == 0 {
        0.0
    } else {
        (pos as f64 - neg as f64) / (pos + neg) as f64
    }
}

/// Words of a text: jieba segments for Chinese, lower-cased English words; punctuation,
/// single characters and stop words dropped.
pub fn tokens(text: &str) -> Vec<String> {
    jieba()
        .cut(text, false)
        .into_iter()
        .map(|w| w.word.trim().to_lowercase())
        .filter(|w| w.chars().count() >= 2 && w.chars().any(char::is_alphanumeric))
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// The `top` most frequent words over several texts (ties by word).
pub fn keywords<'a>(texts: impl IntoIterator<Item = &'a String>, top: usize) -> Vec<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for t in texts {
        for w in tokens(t) {
            *counts.entry(w).or_default() += 1;
        }
    }
    let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.into_iter().take(top).map(|(w, _)| w).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentiment_reads_both_languages_and_negation() {
        assert!(sentiment("老师讲得很清楚，收获很大") > 0.9);
        assert!(sentiment("内容太浅了，有点失望") < -0.9);
        assert!(sentiment("更新太慢，不推荐") < -0.9);
        assert!(sentiment("Too basic, waste of money") < -0.9);
        assert_eq!(sentiment("中规中矩"), 0.0);
    }

    #[test]
    fn chinese_is_segmented_into_words() {
        let t = tokens("老师讲得很清楚，收获很大");
        assert!(t.contains(&"老师".to_string()), "{t:?}");
        assert!(t.contains(&"清楚".to_string()), "{t:?}");
        let k = keywords(&["干货满满".to_string(), "干货很多".to_string()], 1);
        assert_eq!(k, vec!["干货".to_string()]);
    }
}
