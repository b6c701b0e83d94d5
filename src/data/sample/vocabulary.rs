//! The words of the sample: categories and topics, formats, cities, channels, and the
//! vocabulary reviews are built from.

use super::*;

/// Course categories with their topics; a title is a topic plus a format.
pub(super) const CATEGORIES: &[(&str, &[&str])] = &[
    (
        "编程",
        &[
            "Python数据分析",
            "Java后端开发",
            "前端React",
            "Go语言",
            "机器学习",
            "SQL数据库",
            "算法与数据结构",
            "Rust系统编程",
        ],
    ),
    (
        "职场",
        &[
            "高效沟通",
            "PPT设计",
            "Excel数据处理",
            "项目管理",
            "职场写作",
            "领导力",
            "求职面试",
            "时间管理",
        ],
    ),
    (
        "考试",
        &[
            "考研英语",
            "公务员考试",
            "教师资格证",
            "CPA会计",
            "法考",
            "考研数学",
            "雅思备考",
            "PMP认证",
        ],
    ),
    (
        "外语",
        &[
            "英语口语",
            "日语入门",
            "商务英语",
            "韩语零基础",
            "法语发音",
            "英语语法",
            "英文写作",
            "西班牙语",
        ],
    ),
    (
        "理财",
        &[
            "基金定投",
            "股票入门",
            "家庭理财",
            "保险规划",
            "财务自由",
            "个人税务",
            "债券投资",
            "记账习惯",
        ],
    ),
    (
        "亲子",
        &[
            "儿童阅读",
            "亲子沟通",
            "幼儿英语",
            "小学数学思维",
            "青春期教育",
            "家庭教育",
            "儿童编程",
            "绘本共读",
        ],
    ),
    (
        "兴趣",
        &[
            "摄影技巧",
            "手机摄影",
            "吉他弹唱",
            "国画入门",
            "烘焙甜点",
            "瑜伽健身",
            "书法练习",
            "咖啡品鉴",
        ],
    ),
];

pub(super) const FORMATS: &[&str] = &["实战", "精讲", "训练营", "30天速成", "私房课"];
pub(super) const LEVELS: &[&str] = &["入门", "进阶", "高级"];
pub(super) const PRICES: &[f64] = &[
    0.0, 9.9, 19.9, 49.0, 99.0, 199.0, 299.0, 499.0, 999.0, 1999.0,
];
pub(super) const INSTRUCTORS: &[&str] = &[
    "王磊", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄涛", "周婷", "吴昊", "徐晨", "孙悦",
];
pub(super) const CITIES: &[&str] = &[
    "北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆", "长沙", "郑州",
];
pub(super) const CHANNELS: &[&str] = &["抖音", "微信", "小红书", "B站", "搜索", "朋友推荐"];
pub(super) const DEVICES: &[&str] = &["Android", "iOS", "PC"];
pub(super) const PLACEMENTS: &[&str] = &["课程详情页", "首页推荐", "搜索结果", "消息推送"];

/// What learners praise in a review.
pub(super) const PRAISE: &[&str] = &[
    "老师讲解清晰",
    "案例贴近工作",
    "内容很系统",
    "节奏刚刚好",
    "练习题设计得用心",
    "答疑很及时",
    "干货满满",
    "学完马上能用上",
    "思路讲得很透",
    "课件做得很精美",
    "比线下班还划算",
    "讲得深入浅出",
];
/// What learners complain about.
pub(super) const COMPLAINTS: &[&str] = &[
    "声音有点小",
    "更新太慢了",
    "例子有些过时",
    "讲得太快跟不上",
    "内容偏基础",
    "价格有点高",
    "字幕错误挺多",
    "答疑没人回",
    "中间广告太多",
    "视频经常卡顿",
    "有点照本宣科",
    "作业批改太慢",
];
/// Complaints phrased with a negation (the words alone sound positive).
pub(super) const NEGATED: &[&str] = &[
    "讲得不太清楚",
    "没什么干货",
    "不值这个价",
    "并不实用",
    "算不上系统",
    "没有想象中好",
    "不怎么推荐",
    "一点都不专业",
];
/// Closings of a happy review.
pub(super) const HAPPY_END: &[&str] = &[
    "，推荐！",
    "，五星好评",
    "，收获很大",
    "，已经推荐给同事",
    "。",
    "，值得反复看",
];
/// Closings of an unhappy review.
pub(super) const UNHAPPY_END: &[&str] = &[
    "，很失望",
    "，不推荐",
    "，申请退款了",
    "，浪费时间",
    "。",
    "，差评",
];
/// Neutral reviews.
pub(super) const NEUTRAL: &[&str] = &[
    "还行吧",
    "中规中矩",
    "和介绍的差不多",
    "一般般，看需求",
    "有好有坏",
    "凑合能用",
    "还没学完，先打个分",
];
/// English reviews, for learners who write in English.
pub(super) const ENGLISH: &[(&str, u32)] = &[
    ("Great course, very practical", 5),
    ("Clear explanations and useful exercises", 4),
    ("It is okay, nothing special", 3),
    ("Too basic, waste of money", 2),
    ("Not worth the price at all", 1),
];

/// A review for a rating: praise and complaints from a wide vocabulary, negations, mixed
/// and neutral texts, a few in English; the words never decide the sentiment alone.
pub(super) fn review(rating: u32, rng: &mut ChaCha8Rng) -> String {
    let any = |rng: &mut ChaCha8Rng, list: &[&str]| list[rng.gen_range(0..list.len())].to_string();
    if rng.gen_bool(0.05) {
        let near: Vec<&str> = ENGLISH
            .iter()
            .filter(|(_, r)| r.abs_diff(rating) <= 1)
            .map(|(t, _)| *t)
            .collect();
        return any(rng, &near);
    }
    match rating {
        5 => format!(
            "{}，{}{}",
            any(rng, PRAISE),
            any(rng, PRAISE),
            any(rng, HAPPY_END)
        ),
        4 => match rng.gen_bool(0.35) {
            true => format!("{}，就是{}", any(rng, PRAISE), any(rng, COMPLAINTS)),
            false => format!("{}{}", any(rng, PRAISE), any(rng, HAPPY_END)),
        },
        3 => match rng.gen_range(0..3) {
            0 => format!("{}，但是{}", any(rng, PRAISE), any(rng, COMPLAINTS)),
            1 => format!("{}，不过{}", any(rng, COMPLAINTS), any(rng, PRAISE)),
            _ => any(rng, NEUTRAL),
        },
        2 => match rng.gen_bool(0.5) {
            true => format!(
                "{}，{}{}",
                any(rng, NEGATED),
                any(rng, COMPLAINTS),
                any(rng, UNHAPPY_END)
            ),
            false => format!("{}{}", any(rng, COMPLAINTS), any(rng, UNHAPPY_END)),
        },
        _ => format!(
            "{}，{}{}",
            any(rng, COMPLAINTS),
            any(rng, NEGATED),
            any(rng, UNHAPPY_END)
        ),
    }
}
