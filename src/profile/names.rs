//! Readable names for the features the engine computes (`log_active_days`,
//! `occupation=学生×category=考试`, `context:placement=搜索结果`), in both languages: one
//! table for every plot, legend and label. Files and JSON keep the internal names.

use crate::lang::Text;

/// Names of single features and attributes: internal name, Chinese, English.
const NAMES: &[(&str, &str, &str)] = &[
    ("paid_vs_list", "实付/标价", "Paid vs list price"),
    (
        "log_mean_list_price",
        "平均标价（对数）",
        "Mean list price (log)",
    ),
    ("cheap_share", "低价课占比", "Share of cheap courses"),
    ("recency_days", "距上次活跃天数", "Days since last active"),
    (
        "log_frequency",
        "购课次数（对数）",
        "Enrolments and purchases (log)",
    ),
    ("log_monetary", "消费金额（对数）", "Money paid (log)"),
    ("log_active_days", "活跃天数（对数）", "Active days (log)"),
    (
        "events_per_active_day",
        "日均行为数",
        "Events per active day",
    ),
    ("log_watch_hours", "观看时长（对数）", "Watch hours (log)"),
    ("completion_rate", "完课率", "Completion rate"),
    ("age", "年龄", "Age"),
    ("days_since_signup", "注册天数", "Days since sign-up"),
    ("gender", "性别", "Gender"),
    ("city", "城市", "City"),
    ("education", "学历", "Education"),
    ("occupation", "职业", "Occupation"),
    ("channel", "渠道", "Channel"),
    ("device", "设备", "Device"),
    ("age_band", "年龄段", "Age band"),
    ("interest", "兴趣", "Interest"),
    ("category", "课程类别", "Course category"),
    ("level", "课程难度", "Course level"),
    ("price", "价格档", "Price band"),
    ("price_sensitivity", "价格敏感度", "Price sensitivity"),
    ("placement", "投放位置", "Placement"),
    ("hour", "时段", "Hour"),
    ("weekday", "星期", "Weekday"),
    ("evening(19-23h)", "晚间（19–23 点）", "Evening (19–23 h)"),
    ("log1p(price)", "价格（对数）", "Price (log)"),
    (
        "log1p(days_since_last_event)",
        "距上次行为天数（对数）",
        "Days since last event (log)",
    ),
    ("no_history", "无历史行为", "No history"),
    (
        "active_last_14_days",
        "近 14 天活跃",
        "Active in the last 14 days",
    ),
    (
        "log1p(days_since_signup)",
        "注册天数（对数）",
        "Days since sign-up (log)",
    ),
    (
        "log1p(enrolments_and_purchases)",
        "购课次数（对数）",
        "Enrolments and purchases (log)",
    ),
    ("log1p(money_paid)", "消费金额（对数）", "Money paid (log)"),
    (
        "log1p(active_days)",
        "活跃天数（对数）",
        "Active days (log)",
    ),
    (
        "log1p(watch_hours)",
        "观看时长（对数）",
        "Watch hours (log)",
    ),
    ("owns_course", "已拥有该课", "Owns the course"),
    (
        "share_of_past_activity_in_category",
        "该类别历史活跃占比",
        "Share of past activity in the category",
    ),
    (
        "viewed_or_clicked_before",
        "之前看过或点过",
        "Viewed or clicked before",
    ),
    (
        "log1p(mean_list_price)",
        "平均标价（对数）",
        "Mean list price (log)",
    ),
];

/// Where a campaign feature comes from, as written before `:`.
const SOURCES: &[(&str, &str, &str)] = &[
    ("learner", "学员", "Learner"),
    ("course", "课程", "Course"),
    ("context", "场景", "Context"),
    ("pair", "学员×课程", "Learner × course"),
];

fn lookup(table: &[(&str, &'static str, &'static str)], key: &str) -> Option<Text> {
    table
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, zh, en)| Text::new(zh, en))
}

/// One part of a name: `key=value` (the value kept as it is), `interest:X`, or a bare name.
fn part(name: &str) -> Text {
    if let Some((key, value)) = name.split_once('=') {
        let key = lookup(NAMES, key).unwrap_or_else(|| Text::same(key));
        return Text::pair(
            format!("{}＝{value}", key.zh),
            format!("{} = {value}", key.en),
        );
    }
    if let Some(cat) = name.strip_prefix("interest:") {
        return Text::pair(format!("兴趣：{cat}"), format!("Interest: {cat}"));
    }
    lookup(NAMES, name).unwrap_or_else(|| Text::same(name))
}

/// The readable name of feature `name` in both languages; names it does not know are kept as
/// they are.
pub fn feature_label(name: &str) -> Text {
    let (source, rest) = match name.split_once(':') {
        Some((s, rest)) if lookup(SOURCES, s).is_some() => (lookup(SOURCES, s), rest),
        _ => (None, name),
    };
    let parts: Vec<Text> = rest.split('×').map(part).collect();
    let zh = parts
        .iter()
        .map(|p| p.zh.as_ref())
        .collect::<Vec<_>>()
        .join(" × ");
    let en = parts
        .iter()
        .map(|p| p.en.as_ref())
        .collect::<Vec<_>>()
        .join(" × ");
    match source {
        // Crosses and contexts say what they are by their parts.
        Some(s) if parts.len() == 1 && s.en != "Context" => {
            Text::pair(format!("{}：{zh}", s.zh), format!("{}: {en}", s.en))
        }
        _ => Text::pair(zh, en),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_names_read_as_words() {
        let t = feature_label("log_active_days");
        assert_eq!(
            (t.zh.as_ref(), t.en.as_ref()),
            ("活跃天数（对数）", "Active days (log)")
        );
        let t = feature_label("occupation=学生×category=考试");
        assert_eq!(t.zh, "职业＝学生 × 课程类别＝考试");
        assert_eq!(t.en, "Occupation = 学生 × Course category = 考试");
        assert_eq!(feature_label("interest:编程").en, "Interest: 编程");
        assert_eq!(
            feature_label("context:placement=搜索结果").zh,
            "投放位置＝搜索结果"
        );
        assert_eq!(
            feature_label("learner:active_last_14_days").en,
            "Learner: Active in the last 14 days"
        );
        assert_eq!(
            feature_label("course:log1p(price)").zh,
            "课程：价格（对数）"
        );
        assert_eq!(feature_label("something_new").en, "something_new");
    }
}
