//! The input data contract: the five tables, their canonical columns, what each column holds,
//! and the header aliases (English and Chinese) the loader recognises.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One of the five tables of a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TableKind {
    /// `users.csv`: one row per learner.
    Users,
    /// `courses.csv`: one row per course.
    Courses,
    /// `events.csv`: learner behaviour on courses.
    Events,
    /// `impressions.csv`: campaign exposures and clicks.
    Impressions,
    /// `experiments.csv`: A/B test assignments and outcomes.
    Experiments,
}

impl TableKind {
    /// All tables, in load order (users and courses first, for the orphan checks).
    pub const ALL: [TableKind; 5] = [
        TableKind::Users,
        TableKind::Courses,
        TableKind::Events,
        TableKind::Impressions,
        TableKind::Experiments,
    ];

    /// The file stem the loader looks for in a dataset folder.
    pub fn stem(self) -> &'static str {
        match self {
            TableKind::Users => "users",
            TableKind::Courses => "courses",
            TableKind::Events => "events",
            TableKind::Impressions => "impressions",
            TableKind::Experiments => "experiments",
        }
    }

    /// Parses a table name such as `users` (as used in `--file users=...`).
    pub fn from_name(name: &str) -> Option<TableKind> {
        TableKind::ALL
            .into_iter()
            .find(|t| t.stem().eq_ignore_ascii_case(name.trim()))
    }

    /// The canonical columns of this table.
    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            TableKind::Users => USERS,
            TableKind::Courses => COURSES,
            TableKind::Events => EVENTS,
            TableKind::Impressions => IMPRESSIONS,
            TableKind::Experiments => EXPERIMENTS,
        }
    }

    /// The column whose values must be unique, if any.
    pub fn unique_key(self) -> Option<&'static str> {
        match self {
            TableKind::Users => Some("user_id"),
            TableKind::Courses => Some("course_id"),
            _ => None,
        }
    }

    /// Whether unknown columns are kept as extra attributes (text) rather than ignored.
    pub fn keeps_extra_columns(self) -> bool {
        matches!(self, TableKind::Users | TableKind::Courses)
    }
}

impl fmt::Display for TableKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.stem())
    }
}

/// What a column holds, which decides how each cell is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// An identifier: any non-empty text.
    Id,
    /// Free text; empty means missing.
    Text,
    /// A number that must not be negative.
    NonNegative,
    /// Any finite number.
    Number,
    /// Age in years, 0..=120.
    Age,
    /// A rating from 1 to 5.
    Rating,
    /// 0 or 1.
    Binary,
    /// ISO 8601 date or datetime, or Unix seconds.
    Timestamp,
    /// One of the known event names.
    Event,
}

/// One canonical column of a table.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    /// Canonical name.
    pub name: &'static str,
    /// What it holds.
    pub kind: ColumnKind,
    /// Whether the column must be present and every row must have a value.
    pub required: bool,
}

impl ColumnSpec {
    /// Whether the column's values repeat across the rows of `table` (a learner's id on each
    /// of their events, an event name, a channel, a city), so they are stored once each with a
    /// four-byte code per row. So are the comments on events: nearly every event has none,
    /// and a code is four bytes a row where a string is sixteen even when empty (0.4 GB of
    /// 31.8M events). Titles and tags, and the id naming each row of its own table, are
    /// stored as text.
    pub fn is_coded(&self, table: TableKind) -> bool {
        match self.kind {
            ColumnKind::Id => table.unique_key() != Some(self.name),
            ColumnKind::Event => true,
            ColumnKind::Text => !matches!(self.name, "title" | "tags"),
            _ => false,
        }
    }
}

const fn req(name: &'static str, kind: ColumnKind) -> ColumnSpec {
    ColumnSpec {
        name,
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: ColumnKind) -> ColumnSpec {
    ColumnSpec {
        name,
        kind,
        required: false,
    }
}

use ColumnKind::*;

const USERS: &[ColumnSpec] = &[
    req("user_id", Id),
    opt("signup_date", Timestamp),
    opt("gender", Text),
    opt("age", Age),
    opt("city", Text),
    opt("education", Text),
    opt("occupation", Text),
    opt("channel", Text),
    opt("device", Text),
];

const COURSES: &[ColumnSpec] = &[
    req("course_id", Id),
    opt("title", Text),
    opt("category", Text),
    opt("tags", Text),
    opt("price", NonNegative),
    opt("instructor", Text),
    opt("level", Text),
    opt("duration_min", NonNegative),
    opt("published_at", Timestamp),
];

const EVENTS: &[ColumnSpec] = &[
    req("user_id", Id),
    req("course_id", Id),
    req("event", Event),
    req("ts", Timestamp),
    opt("amount", NonNegative),
    opt("rating", Rating),
    opt("watch_sec", NonNegative),
    opt("text", Text),
];

const IMPRESSIONS: &[ColumnSpec] = &[
    req("user_id", Id),
    req("course_id", Id),
    req("ts", Timestamp),
    req("clicked", Binary),
    opt("converted", Binary),
    opt("channel", Text),
    opt("placement", Text),
    opt("campaign", Text),
];

const EXPERIMENTS: &[ColumnSpec] = &[
    req("experiment", Id),
    req("variant", Id),
    req("user_id", Id),
    req("converted", Binary),
    opt("revenue", Number),
    opt("pre_revenue", Number),
    opt("ts", Timestamp),
];

/// The event names of the contract.
pub const EVENT_NAMES: [&str; 9] = [
    "view", "click", "enroll", "purchase", "complete", "rate", "comment", "share", "refund",
];

/// Maps an event cell to its canonical name: the English name in any case, or its Chinese
/// equivalent. Anything else is unknown and gets reported, never guessed.
pub fn canonical_event(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if let Some(name) = EVENT_NAMES.iter().find(|e| e.eq_ignore_ascii_case(v)) {
        return Some(name);
    }
    let name = match v {
        "浏览" | "查看" => "view",
        "点击" => "click",
        "报名" | "加入学习" => "enroll",
        "购买" | "支付" => "purchase",
        "完成" | "完课" => "complete",
        "评分" => "rate",
        "评论" => "comment",
        "分享" => "share",
        "退款" => "refund",
        _ => return None,
    };
    Some(name)
}

/// Normalises a header cell for comparison: trimmed, BOM removed, lower case, spaces and
/// hyphens as underscores.
pub fn normalise_header(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace([' ', '-'], "_")
}

/// Header aliases for each canonical column, already normalised. Shared by all tables.
pub fn aliases(canonical: &str) -> &'static [&'static str] {
    match canonical {
        "user_id" => &[
            "uid",
            "userid",
            "user",
            "learner_id",
            "learner",
            "student_id",
            "member_id",
            "用户id",
            "用户编号",
            "学员id",
            "学员编号",
            "会员id",
        ],
        "course_id" => &[
            "cid",
            "courseid",
            "course",
            "item_id",
            "product_id",
            "课程id",
            "课程编号",
            "商品id",
        ],
        "event" => &[
            "event_type",
            "action",
            "behavior",
            "behaviour",
            "行为",
            "事件",
            "行为类型",
        ],
        "ts" => &[
            "timestamp",
            "time",
            "datetime",
            "event_time",
            "created_at",
            "时间",
            "时间戳",
            "发生时间",
            "日期",
        ],
        "amount" => &[
            "paid",
            "pay_amount",
            "price_paid",
            "金额",
            "支付金额",
            "实付金额",
        ],
        "rating" => &["score", "stars", "评分", "打分"],
        "watch_sec" => &["watch_seconds", "watch_time", "观看时长", "观看秒数"],
        "text" => &["comment", "review", "content", "评论", "评价", "内容"],
        "signup_date" => &[
            "register_date",
            "registered_at",
            "signup",
            "注册时间",
            "注册日期",
        ],
        "gender" => &["sex", "性别"],
        "age" => &["年龄"],
        "city" => &["城市", "所在城市"],
        "education" => &["degree", "highest_education", "学历"],
        "occupation" => &["job", "profession", "职业"],
        "channel" => &["source", "渠道", "来源"],
        "device" => &["platform", "设备", "终端"],
        "title" => &["course_name", "course_title", "课程名称", "课程名", "标题"],
        "category" => &["类别", "分类", "类目"],
        "tags" => &["tag", "标签"],
        "price" => &["list_price", "价格", "定价", "售价"],
        "instructor" => &["teacher", "lecturer", "讲师", "老师"],
        "level" => &["difficulty", "难度", "级别"],
        "duration_min" => &["duration", "length_min", "时长", "课程时长"],
        "published_at" => &["publish_date", "release_date", "上架时间", "发布时间"],
        "clicked" => &["click", "is_click", "是否点击"],
        "converted" => &["conversion", "is_converted", "是否转化", "转化"],
        "placement" => &["position", "slot", "位置", "广告位"],
        "campaign" => &["campaign_id", "活动", "活动名称"],
        "experiment" => &["experiment_name", "exp", "test", "实验", "实验名称"],
        "variant" => &["group", "arm", "bucket", "分组", "组别"],
        "revenue" => &["收入", "营收"],
        "pre_revenue" => &["revenue_pre", "实验前收入"],
        _ => &[],
    }
}

/// Whether a header holds a canonical column, by its name or an alias.
pub fn header_matches(header: &str, canonical: &str) -> bool {
    let h = normalise_header(header);
    h == canonical || aliases(canonical).contains(&h.as_str())
}

/// Guesses which table a file holds from its header: the most specific table whose required
/// columns are all present.
pub fn guess_table(header: &[String]) -> Option<TableKind> {
    [
        TableKind::Experiments,
        TableKind::Impressions,
        TableKind::Events,
        TableKind::Courses,
        TableKind::Users,
    ]
    .into_iter()
    .find(|t| {
        t.columns()
            .iter()
            .filter(|c| c.required)
            .all(|c| header.iter().any(|h| header_matches(h, c.name)))
    })
}

/// Header names (normalised) that mark a column as personal data.
const PII_HEADERS: &[&str] = &[
    "name",
    "full_name",
    "real_name",
    "first_name",
    "last_name",
    "username",
    "nickname",
    "phone",
    "mobile",
    "tel",
    "telephone",
    "phone_number",
    "cellphone",
    "email",
    "e_mail",
    "mail",
    "id_card",
    "idcard",
    "id_number",
    "identity_card",
    "ssn",
    "passport",
    "address",
    "addr",
    "home_address",
    "wechat",
    "wechat_id",
    "weixin",
    "qq",
    "ip",
    "ip_address",
    "姓名",
    "名字",
    "真实姓名",
    "昵称",
    "手机",
    "手机号",
    "手机号码",
    "电话",
    "联系电话",
    "邮箱",
    "电子邮件",
    "电子邮箱",
    "身份证",
    "身份证号",
    "身份证号码",
    "地址",
    "住址",
    "家庭住址",
    "微信",
    "微信号",
    "qq号",
];

/// Whether a header names personal data (by its name alone).
pub fn is_pii_header(header: &str) -> bool {
    let h = normalise_header(header);
    PII_HEADERS.contains(&h.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_map_from_chinese_and_any_case() {
        assert_eq!(canonical_event("Purchase"), Some("purchase"));
        assert_eq!(canonical_event("购买"), Some("purchase"));
        assert_eq!(canonical_event("buy"), None);
    }

    #[test]
    fn tables_are_guessed_from_headers() {
        let h = |s: &str| s.split(',').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            guess_table(&h("用户ID,课程ID,行为,时间")),
            Some(TableKind::Events)
        );
        assert_eq!(
            guess_table(&h("uid,course_id,ts,clicked")),
            Some(TableKind::Impressions)
        );
        assert_eq!(guess_table(&h("course_id,title")), Some(TableKind::Courses));
        assert_eq!(guess_table(&h("user_id,city")), Some(TableKind::Users));
        assert_eq!(guess_table(&h("a,b")), None);
    }

    #[test]
    fn pii_is_detected_by_header_and_value() {
        assert!(is_pii_header("手机号"));
        assert!(is_pii_header(" E-Mail "));
        assert!(!is_pii_header("city"));
    }
}
