//! Comment text: Chinese word segmentation (jieba) plus English words, stop words removed,
//! keywords by frequency or by distinctiveness. (Sentiment: [`super::sentiment`].)

use jieba_rs::Jieba;
use std::collections::HashMap;
use std::sync::OnceLock;

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
    "it",
    "its",
    "this",
    "that",
    "was",
    "are",
    "be",
    "for",
    "with",
    "at",
    "in",
    "on",
    "not",
    "no",
    "but",
    "so",
    "all",
    "nothing",
    "okay",
    "ok",
];

/// The one jieba segmenter (its dictionary loads once).
pub(crate) fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
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

/// Word counts of some texts.
pub fn word_counts<'a>(texts: impl IntoIterator<Item = &'a String>) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for t in texts {
        for w in tokens(t) {
            *counts.entry(w).or_default() += 1;
        }
    }
    counts
}

/// The `top` words that most set each group's texts apart from the other groups': the
/// log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
/// "Fightin' Words"), ranked by its z-score. Words every group uses alike score near zero,
/// however frequent; only words with z above 1.96 (and used at least twice) are kept.
pub fn distinctive_keywords(groups: &[HashMap<String, usize>], top: usize) -> Vec<Vec<String>> {
    let mut all: HashMap<&str, f64> = HashMap::new();
    for g in groups {
        for (w, &n) in g {
            *all.entry(w.as_str()).or_default() += n as f64;
        }
    }
    let total: f64 = all.values().sum();
    // Prior strength: as many pseudo-counts as a typical group has words, spread by overall
    // frequency.
    let alpha0 = (total / groups.len().max(1) as f64).max(1.0);
    groups
        .iter()
        .map(|g| {
            let n_in: f64 = g.values().map(|&n| n as f64).sum();
            let n_out = total - n_in;
            let mut scored: Vec<(f64, &str)> = g
                .iter()
                .filter(|(_, n)| **n >= 2)
                .map(|(w, &n)| {
                    let y_in = n as f64;
                    let y_out = all[w.as_str()] - y_in;
                    let a = alpha0 * all[w.as_str()] / total;
                    let log_odds = |y: f64, n: f64| ((y + a) / (n + alpha0 - y - a)).ln();
                    let delta = log_odds(y_in, n_in) - log_odds(y_out, n_out);
                    let variance = 1.0 / (y_in + a) + 1.0 / (y_out + a);
                    (delta / variance.sqrt(), w.as_str())
                })
                .filter(|(z, _)| *z > 1.96)
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            scored
                .into_iter()
                .take(top)
                .map(|(_, w)| w.to_string())
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_segmented_into_words() {
        let t = tokens("老师讲得很清楚，收获很大");
        assert!(t.contains(&"老师".to_string()), "{t:?}");
        assert!(t.contains(&"清楚".to_string()), "{t:?}");
        let k = keywords(&["干货满满".to_string(), "干货很多".to_string()], 1);
        assert_eq!(k, vec!["干货".to_string()]);
    }

    #[test]
    fn distinctive_keywords_skip_words_every_group_uses() {
        let texts = |lines: &[&str], times: usize| -> Vec<String> {
            lines
                .iter()
                .flat_map(|l| std::iter::repeat_n(l.to_string(), times))
                .collect()
        };
        // Every group says 内容 and 老师 as often; only the topic words differ.
        let a = word_counts(&texts(
            &[
                "内容很好，老师专业，代码清晰",
                "内容不错，老师认真，算法讲透",
            ],
            20,
        ));
        let b = word_counts(&texts(
            &[
                "内容很好，老师专业，孩子喜欢",
                "内容不错，老师认真，亲子阅读",
            ],
            20,
        ));
        let k = distinctive_keywords(&[a, b], 3);
        for group in &k {
            assert!(!group.iter().any(|w| w == "内容" || w == "老师"), "{k:?}");
        }
        assert!(k[0].contains(&"代码".to_string()), "{k:?}");
        assert!(k[1].contains(&"孩子".to_string()), "{k:?}");
    }
}
