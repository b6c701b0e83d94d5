//! The report: one self-contained HTML file with the overview, segments, recommendation
//! quality, the campaign model and targeting, and every experiment's read-out with its
//! verdict. Charts are inline SVG and styles inline, so it opens in a browser with no network.
//! It holds aggregates only: no learner id appears in it.

mod html;
mod svg;

use crate::campaigns::{CtrReport, TargetReport};
use crate::choice::Choice;
use crate::data::{Dataset, TableKind};
use crate::error::Error;
use crate::experiments::{AbOptions, Decision, Readout, verdict};
use crate::jobs::Progress;
use crate::lang::Lang;
use crate::look::{signed, yuan};
use crate::overview::Glance;
use crate::profile::feature_label;
use crate::recommendations::Evaluation;
use crate::segment::SegmentResult;
use html::{escape, shaded, table};
use std::fmt::Write;
use svg::Series;

/// What a report is made of; a part that is `None` is left out with a line saying so.
pub struct ReportParts<'a> {
    /// The dataset (its folder name, and the experiments to read out).
    pub dataset: &'a Dataset,
    /// Language of the text.
    pub lang: Lang,
    /// The overview.
    pub glance: Option<&'a Glance>,
    /// The segments.
    pub segments: Option<&'a SegmentResult>,
    /// Recommenders compared on held-out courses.
    pub recommendations: Option<&'a Evaluation>,
    /// The campaign model's evaluation.
    pub campaigns: Option<&'a CtrReport>,
    /// A target list.
    pub targets: Option<&'a TargetReport>,
    /// Parts that could not be made, and why.
    pub notes: Vec<crate::lang::Text>,
}

fn t(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

fn pct(v: f64) -> String {
    format!("{:.1}%", 100.0 * v)
}

const STYLE: &str = "body{font-family:-apple-system,'Segoe UI','Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;color:#222}
h1{font-size:26px}h2{border-bottom:2px solid #4E79A7;padding-bottom:4px;margin-top:36px}h3{margin-top:22px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{padding:3px 10px;text-align:left;border-bottom:1px solid #e4e4e4}th{background:#f3f5f8}
.kpis{display:flex;gap:12px;flex-wrap:wrap}.kpi{border:1px solid #d8dde5;border-radius:6px;padding:8px 14px;min-width:130px}.kpi b{display:block;font-size:22px}
.cell{display:inline-block;min-width:40px;padding:2px 4px;text-align:center}.muted{color:#777}
.verdict{padding:8px 12px;border-radius:6px;margin:8px 0;font-weight:600}.ship{background:#e3f3e5}.dont_ship{background:#fbe4e4}.keep_running{background:#fff4dc}.fix_the_split{background:#fbe4e4}
svg{max-width:100%;height:auto;display:block;margin:6px 0}";

/// The report as one HTML document.
pub fn render(parts: &ReportParts, readouts: &[Readout]) -> String {
    let lang = parts.lang;
    let mut h = String::new();
    let name = parts
        .dataset
        .dir
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body><h1>{}</h1><p class=\"muted\">{}</p>",
        if lang == Lang::Zh { "zh-CN" } else { "en" },
        escape(&format!("Persona Lab · {name}")),
        escape(&format!("Persona Lab · {name}")),
        escape(&t(
            lang,
            "学员画像、分群、推荐、投放与实验报告。只含汇总数据，不含学员 ID。",
            "Learner profiles, segments, recommendations, campaigns and experiments. Aggregates only: no learner id appears here."
        )),
    );
    for note in &parts.notes {
        let _ = write!(h, "<p class=\"muted\">⚠ {}</p>", escape(note.get(lang)));
    }
    overview(&mut h, lang, parts.glance);
    segments(&mut h, lang, parts.segments);
    recommendations(&mut h, lang, parts.recommendations);
    let title = |id: &str| {
        parts
            .glance
            .and_then(|g| g.summary.courses.iter().find(|c| c.course_id == id))
            .map_or_else(|| id.to_string(), |c| c.title.clone())
    };
    campaigns(
        &mut h,
        lang,
        parts.campaigns,
        parts.targets.map(|t| (t, title(&t.course))),
    );
    experiments(&mut h, lang, readouts);
    h.push_str("</body></html>\n");
    h
}

fn missing(h: &mut String, lang: Lang, zh: &str, en: &str) {
    let _ = write!(h, "<p class=\"muted\">{}</p>", escape(&t(lang, zh, en)));
}

fn overview(h: &mut String, lang: Lang, g: Option<&Glance>) {
    let _ = write!(h, "<h2>{}</h2>", t(lang, "业务概览", "Overview"));
    let Some(g) = g else {
        return missing(h, lang, "没有概览。", "No overview.");
    };
    let s = &g.summary;
    h.push_str("<div class=\"kpis\">");
    for (label, value) in [
        (t(lang, "学员", "Learners"), s.learners.to_string()),
        (
            t(lang, "近 30 天活跃", "Active, last 30 days"),
            s.active_learners.to_string(),
        ),
        (t(lang, "付费学员", "Buyers"), s.buyers.to_string()),
        (t(lang, "订单", "Orders"), s.orders.to_string()),
        (t(lang, "收入", "Revenue"), yuan(s.revenue)),
    ] {
        let _ = write!(
            h,
            "<div class=\"kpi\">{}<b>{}</b></div>",
            escape(&label),
            escape(&value)
        );
    }
    h.push_str("</div>");
    let _ = write!(
        h,
        "<p class=\"muted\">{} {} – {}</p>",
        t(lang, "数据范围", "Data covers"),
        escape(s.first_day.as_deref().unwrap_or("—")),
        escape(s.last_day.as_deref().unwrap_or("—"))
    );
    let months: Vec<String> = s.months.iter().map(|m| m.month.clone()).collect();
    h.push_str(&svg::bars(
        &t(lang, "月度收入（元）", "Revenue by month (¥)"),
        &months,
        &[Series {
            name: &t(lang, "收入", "Revenue"),
            values: s.months.iter().map(|m| m.revenue).collect(),
        }],
        false,
        &yuan,
    ));
    h.push_str(&svg::bars(
        &t(
            lang,
            "月度活跃学员：回访与新学员",
            "Active learners by month: returning and new",
        ),
        &months,
        &[
            Series {
                name: &t(lang, "回访学员", "Returning"),
                values: s.months.iter().map(|m| m.returning as f64).collect(),
            },
            Series {
                name: &t(lang, "新学员", "New"),
                values: s.months.iter().map(|m| m.new as f64).collect(),
            },
        ],
        true,
        &|v| format!("{v:.0}"),
    ));
    let _ = write!(
        h,
        "<h3>{}</h3>",
        t(lang, "畅销课程", "Best-selling courses")
    );
    let rows: Vec<Vec<String>> = s
        .courses
        .iter()
        .take(10)
        .map(|c| {
            vec![
                escape(&c.title),
                escape(&c.category),
                c.buyers.to_string(),
                escape(&yuan(c.revenue)),
            ]
        })
        .collect();
    h.push_str(&table(
        &[
            &t(lang, "课程", "Course"),
            &t(lang, "类别", "Category"),
            &t(lang, "付费学员", "Buyers"),
            &t(lang, "收入", "Revenue"),
        ],
        &rows,
    ));
    let _ = write!(h, "<h3>{}</h3>", t(lang, "转化漏斗", "Funnel"));
    let _ = write!(
        h,
        "<p class=\"muted\">{}</p>",
        escape(&t(
            lang,
            "至少到达各环节的学员数；括号内为相对上一环节的转化率。",
            "Learners who got at least as far as each stage; in brackets, the share of the previous stage."
        ))
    );
    let stages = [
        t(lang, "浏览", "View"),
        t(lang, "点击", "Click"),
        t(lang, "报名", "Enroll"),
        t(lang, "购买", "Purchase"),
        t(lang, "完课", "Complete"),
    ];
    let rows: Vec<Vec<String>> = g
        .funnel
        .groups
        .iter()
        .take(12)
        .map(|f| {
            let mut row = vec![escape(&f.name)];
            row.extend((0..5).map(|k| f.stage_text(k)));
            row
        })
        .collect();
    let mut header = vec![t(lang, "分组", "Group")];
    header.extend(stages.iter().cloned());
    h.push_str(&table(
        &header.iter().map(String::as_str).collect::<Vec<_>>(),
        &rows,
    ));
    let _ = write!(h, "<h3>{}</h3>", t(lang, "同期群留存", "Cohort retention"));
    let width = g
        .cohorts
        .iter()
        .map(|c| c.retention.len())
        .max()
        .unwrap_or(0);
    let rows: Vec<Vec<String>> = g
        .cohorts
        .iter()
        .map(|c| {
            let mut row = vec![format!("{} ({})", escape(&c.month), c.size)];
            row.extend(
                c.retention
                    .iter()
                    .map(|r| shaded(&format!("{:.0}%", 100.0 * r), crate::look::sequential(*r))),
            );
            row
        })
        .collect();
    let mut header = vec![t(lang, "加入月份（人数）", "Joined (learners)")];
    header.extend((0..width).map(|k| format!("+{k}")));
    h.push_str(&table(
        &header.iter().map(String::as_str).collect::<Vec<_>>(),
        &rows,
    ));
}

fn segments(h: &mut String, lang: Lang, s: Option<&SegmentResult>) {
    let _ = write!(h, "<h2>{}</h2>", t(lang, "用户分群", "Segments"));
    let Some(r) = s else {
        return missing(h, lang, "尚未分群。", "Not segmented.");
    };
    let rows: Vec<Vec<String>> = r
        .summaries
        .iter()
        .map(|m| {
            let traits: Vec<String> = m
                .distinctions
                .iter()
                .take(3)
                .map(|d| format!("{} {:+.1}σ", feature_label(&d.feature).get(lang), d.z))
                .collect();
            vec![
                format!("#{}", m.id + 1),
                escape(m.label.get(lang)),
                m.size.to_string(),
                pct(m.share),
                if m.suppressed {
                    "—".into()
                } else {
                    pct(m.revenue_share)
                },
                escape(&traits.join(" · ")),
            ]
        })
        .collect();
    h.push_str(&table(
        &[
            "#",
            &t(lang, "分群", "Segment"),
            &t(lang, "人数", "Learners"),
            &t(lang, "占比", "Share"),
            &t(lang, "收入占比", "Share of revenue"),
            &t(lang, "最突出的特征", "What sets it apart"),
        ],
        &rows,
    ));
    let c = &r.comparison;
    let _ = write!(
        h,
        "<h3>{}</h3><p class=\"muted\">{}</p>",
        t(lang, "分群对比", "Segments side by side"),
        escape(&t(
            lang,
            "各分群均值与全体学员均值相差的标准差数（橙色偏高，蓝色偏低）。",
            "How far each segment's mean lies from all learners', in standard deviations (orange above, blue below)."
        ))
    );
    let rows: Vec<Vec<String>> = c
        .features
        .iter()
        .zip(&c.z)
        .map(|(f, zs)| {
            let mut row = vec![escape(feature_label(f).get(lang))];
            row.extend(zs.iter().map(|z| match z {
                Some(z) => shaded(&signed(*z), crate::look::diverging(*z)),
                None => "—".into(),
            }));
            row
        })
        .collect();
    let mut header = vec![t(lang, "特征", "Feature")];
    header.extend(r.summaries.iter().map(|m| format!("#{}", m.id + 1)));
    h.push_str(&table(
        &header.iter().map(String::as_str).collect::<Vec<_>>(),
        &rows,
    ));
}

fn recommendations(h: &mut String, lang: Lang, e: Option<&Evaluation>) {
    let _ = write!(
        h,
        "<h2>{}</h2>",
        t(lang, "推荐质量", "Recommendation quality")
    );
    let Some(e) = e else {
        return missing(h, lang, "尚未比较推荐模型。", "Recommenders not compared.");
    };
    let _ = write!(
        h,
        "<p class=\"muted\">{}</p>",
        escape(&match (lang, e.sampled_from) {
            (Lang::Zh, None) => format!(
                "在 {} 位学员留出的课程上评估，截断 k = {}。",
                e.users_evaluated, e.k
            ),
            (Lang::Zh, Some(all)) => format!(
                "在 {} 位学员（从 {} 位中按固定种子抽样）留出的课程上评估，截断 k = {}。",
                e.users_evaluated,
                crate::look::thousands(all as i64),
                e.k
            ),
            (Lang::En, None) => format!(
                "Evaluated on held-out courses of {} learners, cutoff k = {}.",
                e.users_evaluated, e.k
            ),
            (Lang::En, Some(all)) => format!(
                "Evaluated on held-out courses of {} learners (a seeded sample of the {}), \
                 cutoff k = {}.",
                e.users_evaluated,
                crate::look::thousands(all as i64),
                e.k
            ),
        })
    );
    let label = |name: &str| {
        crate::recommendations::ModelKind::parse(name).map_or_else(
            || name.to_string(),
            |k| k.spec().label.get(lang).to_string(),
        )
    };
    let names: Vec<String> = e.models.iter().map(|m| label(&m.name)).collect();
    h.push_str(&svg::bars(
        &format!("NDCG@{}", e.k),
        &names,
        &[Series {
            name: "NDCG",
            values: e.models.iter().map(|m| m.metrics.ndcg).collect(),
        }],
        false,
        &|v| format!("{v:.3}"),
    ));
    let rows: Vec<Vec<String>> = e
        .models
        .iter()
        .map(|m| {
            vec![
                escape(&label(&m.name)),
                format!("{:.4}", m.metrics.precision),
                format!("{:.4}", m.metrics.recall),
                format!("{:.4}", m.metrics.ndcg),
                pct(m.metrics.coverage),
            ]
        })
        .collect();
    h.push_str(&table(
        &[
            &t(lang, "模型", "Model"),
            "Precision",
            "Recall",
            "NDCG",
            &t(lang, "覆盖率", "Coverage"),
        ],
        &rows,
    ));
}

fn campaigns(
    h: &mut String,
    lang: Lang,
    c: Option<&CtrReport>,
    targets: Option<(&TargetReport, String)>,
) {
    let _ = write!(
        h,
        "<h2>{}</h2>",
        t(lang, "投放模型与目标名单", "Campaign model and targeting")
    );
    let Some(c) = c else {
        return missing(h, lang, "尚未训练投放模型。", "No campaign model trained.");
    };
    let rows: Vec<Vec<String>> = c
        .models
        .iter()
        .map(|m| {
            vec![
                escape(crate::campaigns::model_label(&m.name).get(lang)),
                m.auc.map_or("—".into(), |a| format!("{a:.3}")),
                format!("{:.4}", m.logloss),
            ]
        })
        .collect();
    let _ = write!(
        h,
        "<p>{}</p>",
        escape(&match lang {
            Lang::Zh => format!(
                "训练 {} 行，测试 {} 行，测试集正例率 {}。",
                c.rows_train,
                c.rows_test,
                pct(c.base_rate)
            ),
            Lang::En => format!(
                "{} training rows, {} test rows, positive rate {} in the test rows.",
                c.rows_train,
                c.rows_test,
                pct(c.base_rate)
            ),
        })
    );
    if let Some(sample) = &c.subsample {
        let _ = write!(h, "<p>{}</p>", escape(sample.note().get(lang)));
    }
    h.push_str(&table(
        &[&t(lang, "模型", "Model"), "AUC", "Log loss"],
        &rows,
    ));
    h.push_str(&svg::unit_curves(
        &t(lang, "ROC 曲线", "ROC curve"),
        [
            &t(lang, "误报率", "False positive rate"),
            &t(lang, "召回率", "True positive rate"),
        ],
        &[(
            crate::campaigns::model_label(&c.model).get(lang),
            c.roc.clone(),
        )],
    ));
    let Some((l, title)) = targets else {
        return;
    };
    let _ = write!(
        h,
        "<h3>{}</h3><p>{}</p>",
        t(lang, "目标名单", "Target list"),
        escape(&match lang {
            Lang::Zh => format!(
                "课程《{title}》（{}）：从 {} 位符合条件的学员中选出 {} 位{}。预计转化 {:.1}（随机选 {:.1}，最活跃 {:.1}）；预计收入 {}（随机 {}）。",
                l.course,
                l.eligible,
                l.rows.len(),
                l.audience
                    .as_ref()
                    .map_or(String::new(), |a| format!("（限定人群「{a}」）")),
                l.expected_conversions,
                l.random_conversions,
                l.active_conversions,
                yuan(l.expected_revenue),
                yuan(l.random_revenue)
            ),
            Lang::En => format!(
                "Course «{title}» ({}): {} of {} eligible learners{}. Expected conversions {:.1} (random {:.1}, most active {:.1}); expected revenue {} (random {}).",
                l.course,
                l.rows.len(),
                l.eligible,
                l.audience
                    .as_ref()
                    .map_or(String::new(), |a| format!(" within audience «{a}»")),
                l.expected_conversions,
                l.random_conversions,
                l.active_conversions,
                yuan(l.expected_revenue),
                yuan(l.random_revenue)
            ),
        })
    );
}

fn experiments(h: &mut String, lang: Lang, readouts: &[Readout]) {
    let _ = write!(h, "<h2>{}</h2>", t(lang, "A/B 实验", "Experiments"));
    if readouts.is_empty() {
        return missing(h, lang, "没有实验数据。", "No experiments.");
    }
    for r in readouts {
        let v = verdict(r);
        let (decision, zh, en) = match v.decision {
            Decision::Ship => ("ship", "上线", "Ship"),
            Decision::DontShip => ("dont_ship", "不上线", "Don't ship"),
            Decision::KeepRunning => ("keep_running", "继续运行", "Keep running"),
            Decision::FixTheSplit => ("fix_the_split", "先修复分流", "Fix the split"),
        };
        let label = t(lang, zh, en);
        let _ = write!(
            h,
            "<h3>{}</h3><div class=\"verdict {decision}\" title=\"{label}\">{}</div>",
            escape(&r.experiment),
            escape(v.reason.get(lang))
        );
        let rows: Vec<Vec<String>> = r
            .variants
            .iter()
            .map(|x| {
                vec![
                    escape(&x.name),
                    x.users.to_string(),
                    x.conversions.to_string(),
                    x.rate.map_or("—".into(), pct),
                    match (x.abs_lift, x.abs_ci) {
                        (Some(l), Some([a, b])) => format!(
                            "{:+.2} pp [{:+.2}, {:+.2}]",
                            100.0 * l,
                            100.0 * a,
                            100.0 * b
                        ),
                        _ => "—".into(),
                    },
                    x.p_value.map_or("—".into(), |p| format!("{p:.4}")),
                    x.p_best.map_or("—".into(), pct),
                ]
            })
            .collect();
        h.push_str(&table(
            &[
                &t(lang, "组", "Variant"),
                &t(lang, "人数", "Users"),
                &t(lang, "转化", "Conversions"),
                &t(lang, "转化率", "Rate"),
                &t(lang, "绝对提升（95% CI）", "Absolute lift (95% CI)"),
                "p",
                &t(lang, "最优概率", "P(best)"),
            ],
            &rows,
        ));
        let rates: Vec<(String, f64, [f64; 2])> = r
            .variants
            .iter()
            .filter_map(|x| Some((x.name.clone(), x.rate?, x.rate_ci?)))
            .collect();
        h.push_str(&svg::intervals(
            &format!(
                "{} · {}",
                r.experiment,
                t(lang, "转化率与 95% 置信区间", "conversion rate with 95% CI")
            ),
            &rates,
        ));
    }
}

/// A note on a part of the report that could not be made: the part, and why.
pub fn noted(what: &crate::lang::Text, why: &crate::lang::Text) -> crate::lang::Text {
    crate::lang::Text::pair(
        format!("{}：{}", what.zh, why.zh),
        format!("{}: {}", what.en, why.en),
    )
}

/// Reads out every experiment of `ds` (the first variant as control, α = 0.05); an
/// experiment that cannot be read out (e.g. a single variant) is left out with a note saying
/// why, so one broken test does not stop the report.
pub fn read_out_all(ds: &Dataset) -> (Vec<Readout>, Vec<crate::lang::Text>) {
    let Some(df) = ds.frame(TableKind::Experiments) else {
        return (Vec::new(), Vec::new());
    };
    let mut readouts = Vec::new();
    let mut notes = Vec::new();
    for name in crate::experiments::experiment_names(df) {
        let options = AbOptions {
            experiment: Some(name.clone()),
            ..AbOptions::default()
        };
        match crate::experiments::readout(df, &options) {
            Ok(r) => readouts.push(r),
            Err(e) => notes.push(noted(&crate::lang::Text::same(name), &e.text())),
        }
    }
    (readouts, notes)
}

/// Computes every part of the report on `ds` (overview, k-means segments with k by
/// silhouette, recommenders compared, campaign model and a list for the best-selling course,
/// every experiment) and renders it. What the `report` command runs.
pub fn build_report(ds: &Dataset, lang: Lang, progress: &Progress) -> Result<String, Error> {
    progress.set_stage(crate::lang::Text::new("概览", "overview"));
    let glance = crate::overview::glance(
        ds,
        &crate::overview::FunnelBy::Category,
        &progress.part(0.0, 0.1),
    )?;
    progress.set_stage(crate::lang::Text::new(
        "画像与分群",
        "profiles and segments",
    ));
    let profiles = crate::profile::build_profiles(ds, &progress.part(0.1, 0.1))?;
    let mut notes = Vec::new();
    let mut note = |what: crate::lang::Text, e: Error| -> Result<(), Error> {
        match e.kind() {
            crate::error::ErrorKind::Cancelled => Err(e),
            _ => {
                notes.push(noted(&what, &e.text()));
                Ok(())
            }
        }
    };
    let segmented = match crate::segment::segment_learners(
        &profiles,
        &crate::segment::SegmentConfig::default(),
        &progress.part(0.2, 0.2),
    ) {
        Ok(s) => Some(s),
        Err(e) => {
            note(crate::lang::Text::new("分群", "segments"), e.into())?;
            None
        }
    };
    progress.set_stage(crate::lang::Text::new(
        "推荐模型比较",
        "comparing recommenders",
    ));
    let recs = match crate::recommendations::train_and_compare(
        ds,
        &crate::recommendations::RecsSettings {
            kind: crate::recommendations::ModelKind::EASE,
            params: crate::recommendations::Params::default(),
            groups: crate::recommendations::GroupSource::Attribute(
                crate::recommendations::interactions::DEFAULT_GROUP_ATTRIBUTE.to_string(),
            ),
            tune: false,
            compare: Some(crate::recommendations::Family::Taste),
            seed: crate::recommendations::run::SEED,
            cache: None,
            compare_learners: crate::recommendations::run::COMPARE_LEARNERS,
            shared: Default::default(),
        },
        &progress.part(0.4, 0.3),
    ) {
        Ok(r) => r.evaluation.map(|(_, e)| e),
        Err(e) => {
            note(crate::lang::Text::new("推荐", "recommendations"), e)?;
            None
        }
    };
    progress.set_stage(crate::lang::Text::new("投放模型", "campaign model"));
    let ctr = match ds.table(TableKind::Impressions) {
        Some(_) => match crate::campaigns::train(
            ds,
            &crate::campaigns::CtrConfig::default(),
            &progress.part(0.7, 0.25),
        ) {
            Ok(c) => Some(c),
            Err(e) => {
                note(crate::lang::Text::new("投放", "campaigns"), e)?;
                None
            }
        },
        None => None,
    };
    let top_course = glance.summary.courses.first().map(|c| c.course_id.clone());
    let targets = match (&ctr, &top_course) {
        (Some((models, _)), Some(course)) => {
            match crate::campaigns::target(models, &crate::campaigns::ListRequest::new(course, 500))
            {
                Ok(t) => Some(t),
                Err(e) => {
                    note(crate::lang::Text::new("目标名单", "targeting"), e)?;
                    None
                }
            }
        }
        _ => None,
    };
    let (readouts, unread) = read_out_all(ds);
    notes.extend(unread);
    progress.set(1.0);
    let parts = ReportParts {
        dataset: ds,
        lang,
        glance: Some(&glance),
        segments: segmented.as_ref(),
        recommendations: recs.as_ref(),
        campaigns: ctr.as_ref().map(|(_, r)| r),
        targets: targets.as_ref(),
        notes,
    };
    Ok(render(&parts, &readouts))
}
