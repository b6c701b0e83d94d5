//! The window, driven through its accessibility tree with egui_kittest (no display or GPU):
//! it starts on the sample data, every tab opens, the Data tab shows row counts, the language
//! switch changes labels, and a load job shows progress and can be cancelled.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use persona_lab::app::tasks::Task;
use persona_lab::app::{PersonaApp, Tab, sample_dir};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn app_on(dir: PathBuf) -> Harness<'static, PersonaApp> {
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| PersonaApp::new(cc, Some(dir)))
}

fn settle(h: &mut Harness<'static, PersonaApp>) {
    wait_until(h, "the job", |a| a.tasks.is_idle());
}

#[test]
fn starts_on_the_sample_data_with_row_counts() {
    let mut h = app_on(sample_dir());
    settle(&mut h);
    let loaded = h.state().loaded.clone().expect("sample data loads");
    let users = loaded
        .dataset
        .table(persona_lab::data::TableKind::Users)
        .unwrap();
    assert!(users.report.accepted > 1000);
    // The files table shows the counts (rows read and accepted).
    let label = users.report.rows_read.to_string();
    assert!(
        h.query_all_by_label(&label).count() >= 2,
        "row count {label} not shown"
    );
    assert!(h.query_by_label("users.csv").is_some());
}

#[test]
fn every_tab_opens_and_the_language_switch_changes_labels() {
    let mut h = app_on(sample_dir());
    settle(&mut h);
    for (tab, zh) in Tab::ALL.iter().zip([
        "数据",
        "业务概览",
        "用户画像",
        "用户分群",
        "课程推荐",
        "营销投放",
        "A/B 实验",
    ]) {
        h.get_by_label(zh).click();
        h.step();
        h.step();
        assert_eq!(h.state().settings.tab, *tab);
    }
    h.get_by_label("数据").click();
    h.step();
    assert!(h.query_by_label("Data").is_none());
    h.get_by_label("🌐 English").click();
    h.step();
    h.step();
    assert!(h.query_by_label("Data").is_some());
    assert!(h.query_by_label("Rows read").is_some());
    assert!(h.query_by_label("数据").is_none());
}

#[test]
fn a_load_job_shows_progress_and_can_be_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::with_capacity(80 << 20);
    text.push_str("user_id,course_id,event,ts,amount,rating,watch_sec,text\n");
    for i in 0..1_500_000u32 {
        text.push_str(&format!(
            "u{},c{},view,2025-01-02 10:00:00,,,{},\n",
            i % 5000,
            i % 150,
            i % 600
        ));
    }
    std::fs::write(dir.path().join("events.csv"), text).unwrap();
    let mut h = app_on(dir.path().to_path_buf());
    let start = Instant::now();
    while h
        .state()
        .tasks
        .get(Task::Load)
        .is_some_and(|j| j.progress.fraction() == 0.0)
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no progress reported"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        h.state().tasks.is_running(Task::Load),
        "the load finished before it could be cancelled"
    );
    h.step();
    h.get_by_label("取消").click();
    settle(&mut h);
    assert!(h.state().loaded.is_none());
    assert!(matches!(&h.state().status, Some(Ok(m)) if m.zh == "已取消。"));
}

#[test]
fn the_experiments_tab_reads_out_the_sample_tests() {
    let mut h = app_on(sample_dir());
    settle(&mut h);
    h.get_by_label("A/B 实验").click();
    wait_until(&mut h, "a read-out", |a| {
        a.experiments_tab.readout.is_some()
    });
    let readout = h
        .state()
        .experiments_tab
        .readout
        .clone()
        .expect("a read-out");
    assert_eq!(readout.experiment, "aa_check");
    assert!(h.query_all_by_label("control_b").count() >= 1);
    assert!(h.query_by_label_contains("流量分配正常").is_some());
    assert!(h.query_by_label("样本量计算器").is_some());
}

fn wait_until(
    h: &mut Harness<'static, PersonaApp>,
    what: &str,
    done: impl Fn(&PersonaApp) -> bool,
) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "waited too long for {what}"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.step();
    h.step();
}

/// Steps the window until a widget whose label contains `text` is shown.
fn wait_for_label(h: &mut Harness<'static, PersonaApp>, text: &str) {
    let start = Instant::now();
    while h.query_by_label_contains(text).is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "waited too long for {text}"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn the_profiles_tab_searches_and_shows_a_persona_card() {
    let mut h = app_on(sample_dir());
    settle(&mut h);
    h.get_by_label("用户画像").click();
    wait_until(&mut h, "profiles", |a| a.profiles.is_some());
    h.state_mut().profiles_tab.query = "u000001".into();
    // The table's rows are filtered and sorted by a job.
    wait_for_label(&mut h, "1 / 3000");
    h.get_by_label("u000001").click();
    h.step();
    h.step();
    assert_eq!(h.state().profiles_tab.selected, Some(0));
    assert!(h.query_by_label_contains("画像卡片 · u000001").is_some());
    // The learner's value arrives from its own job: chance of being active, value in 90 days.
    wait_until(&mut h, "value", |a| a.value.result.is_some());
    assert!(h.query_by_label_contains("仍活跃概率 93%").is_some());
    assert!(h.query_by_label_contains("未来90天价值 ¥119").is_some());
}

#[test]
fn the_segments_tab_segments_the_sample_into_its_personas() {
    let mut h = app_on(sample_dir());
    settle(&mut h);
    h.get_by_label("用户分群").click();
    wait_until(&mut h, "segments", |a| {
        a.segments.is_some() && a.tasks.is_idle()
    });
    let result = h.state().segments.clone().unwrap();
    // Six personas and the learners who never came back after signing up.
    assert_eq!(result.seg.k, 7);
    assert!(h.query_all_by_label_contains("编程学员").count() >= 1);
    assert!(h.query_all_by_label_contains("未激活学员").count() >= 1);
    // Choose k by hand and re-run as a job.
    h.state_mut().segments_tab.auto_k = false;
    h.state_mut().segments_tab.k = 4;
    h.step();
    h.get_by_label_contains("运行").click();
    wait_until(&mut h, "re-run", |a| {
        a.segments.as_ref().is_some_and(|s| s.seg.k == 4) && a.tasks.is_idle()
    });
}

#[test]
fn the_recommendations_tab_trains_compares_and_explains() {
    let mut h = app_on(sample_dir());
    settle(&mut h);
    h.get_by_label("课程推荐").click();
    wait_until(&mut h, "recommendations", |a| {
        a.recs.is_some() && a.tasks.is_idle()
    });
    // Every model was compared, and the best on NDCG is not popularity.
    let eval = h
        .state()
        .recommendations_tab
        .evaluation
        .clone()
        .expect("comparison ran");
    assert_eq!(eval.models.len(), 7);
    let best = eval
        .models
        .iter()
        .max_by(|a, b| a.metrics.ndcg.total_cmp(&b.metrics.ndcg))
        .unwrap();
    assert_ne!(best.name, "pop");
    assert!(h.query_all_by_label("全站热门").count() >= 1);
    // The learners a new course would reach are found by a job of their own.
    wait_until(&mut h, "reach of a new course", |a| {
        a.recommendations_tab.reach().is_some_and(|r| r.len() == 10)
    });
    // A learner's list shows reasons; the cold-start panels are filled.
    assert!(h.query_all_by_label_contains("因为你学习了《").count() >= 1);
    assert!(h.query_all_by_label_contains("学员都在学").count() >= 10);
    assert!(h.query_all_by_label_contains("与《").count() >= 1);
    // Search for a learner and retrain another model as a job.
    h.state_mut().recommendations_tab.search = "u000002".into();
    h.step();
    h.step();
    h.get_by_label("u000002").click();
    h.step();
    assert_eq!(h.state().recommendations_tab.selected, Some(1));
    h.state_mut().recommendations_tab.kind = persona_lab::recommendations::ModelKind::ITEMKNN;
    h.step();
    h.get_by_label("▶ 训练").click();
    wait_until(&mut h, "retrain", |a| {
        a.recs
            .as_ref()
            .is_some_and(|r| r.model.kind() == persona_lab::recommendations::ModelKind::ITEMKNN)
            && a.tasks.is_idle()
    });
    assert!(h.query_by_label_contains("推荐给 u000002").is_some());
    // A next-course model: trained as a job, it offers the what-if box and learning paths.
    h.state_mut().recommendations_tab.kind = persona_lab::recommendations::ModelKind::MARKOV;
    h.step();
    h.get_by_label("▶ 训练").click();
    wait_until(&mut h, "markov", |a| {
        a.recs
            .as_ref()
            .is_some_and(|r| r.model.kind() == persona_lab::recommendations::ModelKind::MARKOV)
            && a.tasks.is_idle()
    });
    assert!(h.query_by_label_contains("如果接下来学了").is_some());
    assert!(h.query_by_label_contains("学习路径").is_some());
    let trained = h.state().recs.clone().unwrap();
    let course = trained.interactions.owned[1][0];
    let next = trained
        .next_after(1, &[course], 10)
        .expect("markov reads the order");
    assert_eq!(next.len(), 10);
    assert!(next.iter().all(|r| r.item != course));
}

#[test]
fn the_campaigns_tab_trains_plots_and_targets() {
    let mut h = app_on(sample_dir());
    settle(&mut h);
    h.get_by_label("营销投放").click();
    wait_until(&mut h, "campaign models and the first list", |a| {
        a.ctr.is_some() && a.campaigns_tab.list.is_some() && a.tasks.is_idle()
    });
    let report = h.state().ctr.clone().unwrap().report.clone();
    assert!(report.auc.unwrap() > 0.65);
    assert!(h.query_by_label("ROC 曲线").is_some());
    // Weights read as words: 职业＝学生 × 课程类别＝考试, not occupation=学生×category=考试.
    assert!(h.query_all_by_label_contains("职业＝").count() >= 3);
    let list = h.state().campaigns_tab.list.clone().unwrap();
    assert_eq!(list.rows.len(), 500);
    assert!(list.expected_conversions > list.random_conversions);
    // A smaller budget for another course, built as a job.
    h.state_mut().campaigns_tab.budget = 40;
    h.state_mut().campaigns_tab.course = 5;
    h.step();
    h.get_by_label("▶ 生成名单").click();
    wait_until(&mut h, "the new list", |a| {
        a.campaigns_tab
            .list
            .as_ref()
            .is_some_and(|l| l.rows.len() == 40)
            && a.tasks.is_idle()
    });
}

#[test]
fn an_experiments_uplift_feeds_targeting_by_uplift() {
    let mut h = app_on(sample_dir());
    settle(&mut h);
    h.state_mut().submit(persona_lab::app::Command::RunUplift(
        persona_lab::campaigns::UpliftConfig::new("coupon_offer"),
    ));
    wait_until(&mut h, "the uplift job", |a| {
        a.uplift.is_some() && a.tasks.is_idle()
    });
    let view = h.state().uplift.clone().unwrap();
    assert_eq!(view.result.treatment, "coupon");
    assert_eq!(view.result.learners.len(), 3000);
    // Without k-means segments yet, effects are by RFM segment, named in both languages.
    assert_eq!(view.group_names.len(), view.groups.len());
    assert!(view.groups.iter().any(|g| g.effect.is_some()));
    h.get_by_label("营销投放").click();
    wait_until(&mut h, "campaign models", |a| {
        a.ctr.is_some() && a.tasks.is_idle()
    });
    assert!(h.query_by_label_contains("按增益定向").is_some());
    assert!(h.query_all_by_label_contains("按增益").count() >= 2);
}

#[test]
fn a_bad_folder_shows_its_error_and_keeps_the_dataset_open() {
    let mut h = app_on(sample_dir());
    settle(&mut h);
    let before = h.state().loaded.clone().expect("sample data loads");
    // A dataset whose mapping points outside it, and one whose users file repeats a column.
    let outside = tempfile::tempdir().unwrap();
    for name in ["users.csv", "courses.csv", "events.csv"] {
        std::fs::copy(sample_dir().join(name), outside.path().join(name)).unwrap();
    }
    std::fs::write(
        outside.path().join("mapping.json"),
        r#"{"files": {"users": "/etc/passwd"}}"#,
    )
    .unwrap();
    let duplicate = tempfile::tempdir().unwrap();
    std::fs::write(
        duplicate.path().join("users.csv"),
        "user_id,city,City\nu1,a,b\n",
    )
    .unwrap();
    // The message is kept in both languages: the status line shows the chosen one, also
    // after a switch.
    for (dir, zh, en) in [
        (
            outside.path(),
            "不在数据集文件夹",
            "not inside the dataset folder",
        ),
        (duplicate.path(), "都是 `city`", "both `city`"),
    ] {
        h.state_mut()
            .start_load(dir.to_path_buf(), persona_lab::data::Mapping::default());
        settle(&mut h);
        let status = h.state().status.clone();
        assert!(
            matches!(&status, Some(Err(m)) if m.zh.contains(zh) && m.en.contains(en)),
            "{status:?}"
        );
        let now = h.state().loaded.clone().expect("a dataset stays open");
        assert!(
            std::sync::Arc::ptr_eq(&before, &now),
            "the previous dataset is kept"
        );
    }
    // A folder whose every learner row is rejected opens (its report shows why), and the
    // profiles job fails with that reason instead of taking the window down.
    let rejected = tempfile::tempdir().unwrap();
    std::fs::write(
        rejected.path().join("users.csv"),
        "user_id,age\nu1,999\nu2,999\n",
    )
    .unwrap();
    h.state_mut().start_load(
        rejected.path().to_path_buf(),
        persona_lab::data::Mapping::default(),
    );
    settle(&mut h);
    h.get_by_label("用户画像").click();
    wait_until(&mut h, "profiles job", |a| {
        a.tasks.is_idle() && a.status.is_some()
    });
    let status = h.state().status.clone();
    assert!(
        matches!(&status, Some(Err(m)) if m.zh.contains("都被拒绝")),
        "{status:?}"
    );
    assert!(h.state().profiles.is_none());
}

#[test]
fn an_export_runs_as_its_own_task_beside_other_work() {
    let mut h = app_on(sample_dir());
    settle(&mut h);
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("export.csv");
    // Segments and an export at once: neither waits for nor cancels the other.
    h.state_mut().settings.tab = Tab::Segments;
    h.step();
    h.step();
    h.state_mut().submit(persona_lab::app::Command::Export {
        path: path.clone(),
        write: persona_lab::app::Writer(Box::new(|p| std::fs::write(p, "a,b\n1,2\n"))),
    });
    h.step();
    h.step();
    wait_until(&mut h, "segments and the export", |a| {
        a.tasks.is_idle() && a.segments.is_some()
    });
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n1,2\n");
    assert!(matches!(&h.state().status, Some(Ok(m)) if m.en == format!("✔ {}", path.display())));
    // An export never replaces a file of the open dataset.
    let users = sample_dir().join("users.csv");
    let before = std::fs::read(&users).unwrap();
    h.state_mut().submit(persona_lab::app::Command::Export {
        path: users.clone(),
        write: persona_lab::app::Writer(Box::new(|p| std::fs::write(p, "x"))),
    });
    h.step();
    h.step();
    wait_until(&mut h, "the refused export", |a| a.tasks.is_idle());
    assert_eq!(std::fs::read(&users).unwrap(), before);
    assert!(matches!(h.state().status, Some(Err(_))));
}

#[test]
fn each_tab_remembers_its_settings_between_runs() {
    let mut h = app_on(sample_dir());
    settle(&mut h);
    {
        let a = h.state_mut();
        a.segments_tab.auto_k = false;
        a.segments_tab.k = 4;
        a.recommendations_tab.kind = persona_lab::recommendations::ModelKind::ALS;
        a.recommendations_tab.params.als.factors = 16;
        a.campaigns_tab.budget = 40;
        a.campaigns_tab.with_fm = false;
    }
    // As eframe stores them: JSON.
    let stored = serde_json::to_string(&h.state().remembered()).unwrap();
    let settings: persona_lab::app::Settings = serde_json::from_str(&stored).unwrap();
    let mut fresh = app_on(sample_dir());
    settle(&mut fresh);
    fresh.state_mut().restore(settings);
    let a = fresh.state();
    assert!(!a.segments_tab.auto_k);
    assert_eq!(a.segments_tab.k, 4);
    assert_eq!(
        a.recommendations_tab.kind,
        persona_lab::recommendations::ModelKind::ALS
    );
    assert_eq!(a.recommendations_tab.params.als.factors, 16);
    assert_eq!(
        (a.campaigns_tab.budget, a.campaigns_tab.with_fm),
        (40, false)
    );
    // Settings saved before the tabs had any still load, with the tabs' defaults.
    let old: persona_lab::app::Settings =
        serde_json::from_str(r#"{"lang":"En","tab":"Data","recent":[]}"#).unwrap();
    assert_eq!(old.tabs, persona_lab::app::TabSettings::default());
}

/// The story a trainer tells, without the command line: overview → segment → audience →
/// recommendations for it → target list within it → planned experiment → results back →
/// read-out of the planned experiment.
#[test]
fn the_whole_story_runs_in_the_window() {
    use persona_lab::app::Command;
    let mut h = app_on(sample_dir());
    settle(&mut h);
    // Overview: the business at a glance.
    h.get_by_label("业务概览").click();
    wait_until(&mut h, "the overview", |a| {
        a.overview.is_some() && a.tasks.is_idle()
    });
    assert!(h.query_by_label("3,000").is_some(), "learners shown");
    assert!(h.query_by_label("转化漏斗").is_some());
    assert!(h.query_by_label("同期群留存").is_some());
    // Segment, then make the selected segment the working audience.
    h.get_by_label("用户分群").click();
    wait_until(&mut h, "segments", |a| {
        a.segments.is_some() && a.tasks.is_idle()
    });
    h.state_mut().segments_tab.selected = Some(0);
    h.step();
    h.get_by_label_contains("以分群创建人群 #1")
        .click_accesskit();
    h.step();
    h.step();
    let audience = h.state().working_audience().cloned().expect("an audience");
    let size = h.state().segments.as_ref().unwrap().seg.sizes[0];
    assert_eq!(audience.len(), size);
    // Profiles list only its learners.
    h.get_by_label("用户画像").click();
    wait_for_label(&mut h, &format!("{size} / 3000"));
    // Recommendations serve a learner of the audience.
    h.get_by_label("课程推荐").click();
    wait_until(&mut h, "recommendations", |a| {
        a.recs.is_some() && a.tasks.is_idle()
    });
    let recs = h.state().recs.clone().unwrap();
    let u = h.state().recommendations_tab.selected.expect("a learner");
    assert!(audience.contains(&recs.interactions.users[u]));
    // The target list stays within the audience, and becomes the audience of the test.
    h.get_by_label("营销投放").click();
    wait_until(&mut h, "campaign models and a list", |a| {
        a.ctr.is_some() && a.campaigns_tab.list.is_some() && a.tasks.is_idle()
    });
    h.state_mut().campaigns_tab.budget = 200;
    h.step();
    h.get_by_label("▶ 生成名单").click();
    wait_until(&mut h, "the list within the audience", |a| {
        a.campaigns_tab
            .list
            .as_ref()
            .is_some_and(|l| l.audience.is_some() && l.rows.len() == 200)
            && a.tasks.is_idle()
    });
    let list = h.state().campaigns_tab.list.clone().unwrap();
    assert!(list.rows.iter().all(|r| audience.contains(&r.user_id)));
    h.get_by_label_contains("以名单创建人群").click_accesskit();
    h.step();
    h.step();
    let targets = h.state().working_audience().cloned().unwrap();
    assert_eq!(targets.len(), list.rows.len());
    // Plan the experiment on the list.
    h.get_by_label("A/B 实验").click();
    wait_until(&mut h, "a read-out", |a| {
        a.experiments_tab.readout.is_some()
    });
    h.state_mut().experiments_tab.plan_settings.experiment = "story_push".into();
    h.step();
    h.get_by_label_contains("生成分组").click_accesskit();
    wait_until(&mut h, "the plan", |a| {
        a.plan.is_some() && a.tasks.is_idle()
    });
    let plan = h.state().plan.clone().unwrap();
    assert_eq!(plan.control + plan.treatment, targets.len());
    assert!(plan.base_rate.is_some());
    // The results come back in experiments.csv: the read-out opens on the planned test.
    let dir = tempfile::tempdir().unwrap();
    for f in ["users.csv", "courses.csv", "events.csv", "impressions.csv"] {
        std::fs::copy(sample_dir().join(f), dir.path().join(f)).unwrap();
    }
    let mut experiments = std::fs::read_to_string(sample_dir().join("experiments.csv")).unwrap();
    let header = experiments.lines().next().unwrap().to_string();
    let columns: Vec<&str> = header.split(',').collect();
    for (i, (user, arm)) in plan.assignment.iter().enumerate() {
        let converted = if *arm == "treatment" {
            i % 3 == 0
        } else {
            i % 5 == 0
        };
        let row: Vec<String> = columns
            .iter()
            .map(|c| match *c {
                "experiment" => "story_push".to_string(),
                "variant" => arm.to_string(),
                "user_id" => user.clone(),
                "converted" => u8::from(converted).to_string(),
                _ => String::new(),
            })
            .collect();
        experiments.push_str(&row.join(","));
        experiments.push('\n');
    }
    std::fs::write(dir.path().join("experiments.csv"), experiments).unwrap();
    h.state_mut().submit(Command::Load(
        dir.path().to_path_buf(),
        persona_lab::data::Mapping::default(),
    ));
    wait_until(&mut h, "the planned read-out", |a| {
        a.experiments_tab
            .readout
            .as_ref()
            .is_some_and(|r| r.experiment == "story_push")
            && a.tasks.is_idle()
    });
    let r = h.state().experiments_tab.readout.clone().unwrap();
    assert_eq!(r.control, "control");
    assert_eq!(
        r.variants.iter().map(|v| v.users).sum::<u64>() as usize,
        targets.len()
    );
    // And the report: one HTML file with the planned experiment's verdict in it.
    let report = tempfile::tempdir().unwrap();
    let path = report.path().join("report.html");
    h.state_mut().submit(Command::WriteReport(path.clone()));
    h.step();
    h.step();
    wait_until(&mut h, "the report", |a| a.tasks.is_idle());
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains("<h3>story_push</h3><div class=\"verdict"));
    assert!(html.contains("同期群留存"));
    assert!(!html.contains("u000"), "no learner id in the report");
}

/// A project keeps the dataset, settings and audiences; opening it (as `--data FILE.plab`)
/// brings them back.
#[test]
fn a_project_saves_and_reopens_the_work() {
    use persona_lab::app::{AudienceFrom, Command};
    let mut h = app_on(sample_dir());
    settle(&mut h);
    h.get_by_label("用户画像").click();
    wait_until(&mut h, "profiles", |a| {
        a.profiles.is_some() && a.tasks.is_idle()
    });
    h.state_mut().submit(Command::MakeAudience {
        name: "students".into(),
        from: AudienceFrom::Filter("occupation = 学生".into()),
    });
    h.state_mut().segments_tab.k = 5;
    h.state_mut().segments_tab.auto_k = false;
    h.get_by_label("用户分群").click();
    wait_until(&mut h, "segments", |a| {
        a.segments.is_some() && a.tasks.is_idle()
    });
    h.state_mut()
        .submit(Command::RenameSegment(1, "宝妈宝爸".into()));
    h.step();
    h.step();
    let segments = h.state().segments.clone().unwrap();
    h.get_by_label("营销投放").click();
    wait_until(&mut h, "campaign models", |a| {
        a.ctr.is_some() && a.campaigns_tab.list.is_some() && a.tasks.is_idle()
    });
    let ctr = h.state().ctr.clone().unwrap();
    h.get_by_label("课程推荐").click();
    wait_until(&mut h, "recommendations", |a| {
        a.recs.is_some() && a.tasks.is_idle()
    });
    let comparison = h.state().recommendations_tab.evaluation.clone().unwrap();
    let recs = h.state().recs.clone().unwrap();
    let members = h.state().working_audience().unwrap().len();
    assert!(members > 100);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("workshop.plab");
    h.state_mut().submit(Command::SaveProjectTo(path.clone()));
    h.step();
    wait_until(&mut h, "the project written by its job", |a| {
        a.tasks.is_idle()
    });
    assert!(path.is_file(), "{:?}", h.state().status);
    let mut again = app_on(path.clone());
    wait_until(&mut again, "the project's dataset", |a| {
        a.loaded.is_some() && a.tasks.is_idle()
    });
    // The segments come back with the profiles, named as they were, without clustering again
    // (the Segments tab, which would run them, is never opened).
    again.get_by_label("用户画像").click();
    wait_until(&mut again, "profiles", |a| {
        a.profiles.is_some() && a.tasks.is_idle()
    });
    let a = again.state();
    // The campaign models too (the Campaigns tab, which would train them, is never opened):
    // the same models and evaluation, and, with the histories rebuilt from the data, the
    // same target list.
    let models = a
        .ctr
        .as_ref()
        .expect("campaign models restored from the project");
    let json = |m: &persona_lab::campaigns::CtrModels| serde_json::to_value(m).unwrap();
    assert_eq!(json(&models.models), json(&ctr.models));
    assert_eq!(models.report.auc, ctr.report.auc);
    let ask = persona_lab::campaigns::ListRequest::new("c0012", 200);
    let list = |m: &persona_lab::campaigns::CtrModels| {
        persona_lab::campaigns::target(m, &ask)
            .unwrap()
            .rows
            .into_iter()
            .map(|r| (r.user_id, r.p_convert))
            .collect::<Vec<_>>()
    };
    assert_eq!(list(&models.models), list(&ctr.models));
    // The recommender is fitted again with its saved settings, and the comparison of models
    // is the saved one (its fit times would differ had it run again).
    again.get_by_label("课程推荐").click();
    wait_until(&mut again, "recommendations", |a| {
        a.recs.is_some() && a.tasks.is_idle()
    });
    let a = again.state();
    let json = |e: &persona_lab::recommendations::Evaluation| serde_json::to_value(e).unwrap();
    assert_eq!(
        json(a.recommendations_tab.evaluation.as_ref().unwrap()),
        json(&comparison)
    );
    let restored = a.recs.as_ref().unwrap();
    assert_eq!(restored.params, recs.params);
    assert_eq!(restored.model.kind(), recs.model.kind());
    let top = |t: &persona_lab::recommendations::Trained| {
        let mut scores = vec![0.0f32; t.interactions.catalog.len()];
        t.model.score(&t.interactions.matrix, 0, &mut scores);
        scores
    };
    assert_eq!(top(restored), top(&recs));
    let restored = a
        .segments
        .as_ref()
        .expect("segments restored from the project");
    assert_eq!(restored.seg.labels, segments.seg.labels);
    assert_eq!(restored.seg.centroids, segments.seg.centroids);
    assert_eq!(restored.summaries[1].label.zh, "宝妈宝爸");
    assert_eq!(
        restored.membership.as_ref().map(|m| &m.probabilities),
        segments.membership.as_ref().map(|m| &m.probabilities)
    );
    assert_eq!(a.audiences.len(), 1);
    assert_eq!(a.working_audience().unwrap().name, "students");
    assert_eq!(a.working_audience().unwrap().len(), members);
    assert_eq!((a.segments_tab.k, a.segments_tab.auto_k), (5, false));
    assert_eq!(a.settings.recent_projects.first(), Some(&path));
    assert_eq!(
        a.loaded
            .as_ref()
            .unwrap()
            .dataset
            .dir
            .canonicalize()
            .unwrap(),
        sample_dir().canonicalize().unwrap()
    );
    // Saved results of other data are not shown: the segments are made afresh instead.
    let mut project: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    project["results"]["data"] = "other data".into();
    std::fs::write(&path, project.to_string()).unwrap();
    let mut stale = app_on(path.clone());
    wait_until(&mut stale, "the project's dataset", |a| {
        a.loaded.is_some() && a.tasks.is_idle()
    });
    stale.get_by_label("用户画像").click();
    wait_until(&mut stale, "profiles", |a| {
        a.profiles.is_some() && a.tasks.is_idle()
    });
    assert!(stale.state().segments.is_none());
    assert_eq!(stale.state().segment_names.get(&1).unwrap(), "宝妈宝爸");
}

/// A segment renamed by the marketer keeps its name on a re-run and everywhere it shows.
#[test]
fn a_renamed_segment_keeps_its_name_across_runs() {
    use persona_lab::app::Command;
    let mut h = app_on(sample_dir());
    settle(&mut h);
    h.get_by_label("用户分群").click();
    wait_until(&mut h, "segments", |a| {
        a.segments.is_some() && a.tasks.is_idle()
    });
    let other = h.state().segments.as_ref().unwrap().summaries[1]
        .label
        .zh
        .to_string();
    h.state_mut()
        .submit(Command::RenameSegment(0, "宝妈宝爸".into()));
    // A name another segment already has is numbered, so names stay unique.
    h.state_mut()
        .submit(Command::RenameSegment(2, other.clone()));
    h.step();
    h.step();
    let s = h.state().segments.clone().unwrap();
    assert_eq!(s.summaries[0].label.en, "宝妈宝爸");
    assert_eq!(s.summaries[2].label.zh, format!("{other} #3"));
    assert!(h.query_all_by_label_contains("宝妈宝爸").count() >= 1);
    h.get_by_label_contains("运行").click();
    wait_until(&mut h, "the re-run", |a| {
        a.tasks.is_idle() && a.segments.as_ref().is_some_and(|r| !Arc::ptr_eq(r, &s))
    });
    assert_eq!(
        h.state().segments.as_ref().unwrap().summaries[0].label.zh,
        "宝妈宝爸"
    );
}

/// The overview is counted only once its tab is opened, and a report asked for before that
/// still carries it.
#[test]
fn the_overview_waits_for_its_tab_and_a_report_counts_it_when_needed() {
    let mut h = app_on(sample_dir());
    settle(&mut h);
    assert!(h.state().overview.is_none(), "not counted at load");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    h.state_mut()
        .submit(persona_lab::app::Command::WriteReport(path.clone()));
    h.step();
    h.step();
    wait_until(&mut h, "the report", |a| a.tasks.is_idle());
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains("同期群留存") && html.contains("转化漏斗"));
    h.get_by_label("业务概览").click();
    wait_until(&mut h, "the overview", |a| {
        a.overview.is_some() && a.tasks.is_idle()
    });
}
