//! Every interface string, in English and Chinese, in one table.

pub use crate::lang::Lang;

macro_rules! strings {
    ($($key:ident => $en:literal, $zh:literal;)*) => {
        /// A translatable interface string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum T { $($key),* }

        impl T {
            /// The string in `lang`.
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((T::$key, Lang::En) => $en, (T::$key, Lang::Zh) => $zh,)*
                }
            }

            /// Every string, for completeness tests.
            pub const ALL: &'static [T] = &[$(T::$key),*];
        }
    };
}

strings! {
    AppTitle => "Persona Lab", "Persona Lab 用户画像实验室";
    TabData => "Data", "数据";
    TabProfiles => "Profiles", "用户画像";
    TabSegments => "Segments", "用户分群";
    TabRecommendations => "Recommendations", "课程推荐";
    TabCampaigns => "Campaigns", "营销投放";
    TabExperiments => "Experiments", "A/B 实验";
    OpenFolder => "Open folder…", "打开文件夹…";
    OpenFiles => "Open files…", "打开文件…";
    OpenSample => "Sample data", "示例数据";
    Recent => "Recent", "最近打开";
    NoRecent => "Nothing opened yet", "暂无记录";
    Cancel => "Cancel", "取消";
    Loading => "Loading", "正在加载";
    Cancelled => "Cancelled.", "已取消。";
    Exporting => "Writing", "正在导出";
    Dataset => "Dataset", "数据集";
    NoData => "No dataset loaded. Open a folder of CSV or Parquet files, or drop files here.",
              "尚未加载数据。请打开包含 CSV 或 Parquet 文件的文件夹，或将文件拖放到此处。";
    DropHint => "Drop CSV or Parquet files or a folder to open them",
                "松开鼠标以打开这些 CSV / Parquet 文件或文件夹";
    Files => "Files", "文件";
    File => "File", "文件";
    Table => "Table", "数据表";
    RowsRead => "Rows read", "读取行数";
    Accepted => "Accepted", "接受";
    Rejected => "Rejected", "拒绝";
    Orphans => "Orphans", "孤立记录";
    Encoding => "Encoding", "编码";
    EncodingTip => "Detected from a byte-order mark or the file's first 4 MB; the percentage says how sure (share of valid UTF-8 sequences, or of common GB2312 characters for GBK). A row whose bytes are invalid in this encoding is rejected on its own as bad_encoding.", "由字节序标记或文件前 4 MB 判断；百分比表示把握程度（UTF-8 有效序列的比例，GBK 则为常用 GB2312 字符的比例）。字节在该编码下无效的行单独拒收，原因为 bad_encoding。";
    PiiColumns => "Personal data (left out)", "个人敏感信息（已排除）";
    RowsReadTip => "Data rows in the file (the header is not counted).",
                   "文件中的数据行数（不含表头）。";
    AcceptedTip => "Rows that passed every check and are used in analyses.",
                   "通过全部检查、参与分析的行。";
    RejectedTip => "Rows left out, each with its line number and reason. Accepted + rejected = rows read.",
                   "被排除的行，每行都有行号和原因。接受 + 拒绝 = 读取行数。";
    OrphansTip => "Kept rows whose learner or course is not in users.csv / courses.csv.",
                  "已保留、但其学员或课程不在 users.csv / courses.csv 中的行。";
    PiiTip => "Columns holding names, phone numbers, e-mail, ID numbers or addresses. They are never loaded or used as features.",
              "包含姓名、手机号、邮箱、身份证号或地址的列。这些列不会被加载，也不会用作特征。";
    Validation => "Validation report", "校验报告";
    Reasons => "Reasons", "原因";
    Line => "Line", "行号";
    Column => "Column", "列";
    Reason => "Reason", "原因";
    Row => "Row as read", "原始内容";
    ExportRejects => "Export rejected rows…", "导出被拒绝的行…";
    Exported => "Exported", "已导出";
    NoRejects => "Every row was accepted.", "所有行均已接受。";
    Columns => "Columns", "列概览";
    Type => "Type", "类型";
    Missing => "Missing", "缺失";
    Distinct => "Distinct", "不同值";
    Min => "Min", "最小值";
    Max => "Max", "最大值";
    Histogram => "Distribution", "分布";
    MappedFrom => "Read from", "来源列";
    MissingTip => "Share of rows with no value.", "无值行所占比例。";
    DistinctTip => "Number of different values.", "不同取值的个数。";
    MappingTitle => "Column mapping", "列映射";
    MappingIntro => "A required column was not found. Choose which header holds it, or type =VALUE for a constant.",
                    "未找到必需的列。请选择对应的表头，或输入 =值 作为常量。";
    MappingApply => "Load with this mapping", "按此映射加载";
    MappingSave => "Remember for this folder", "为此文件夹保存映射";
    DayOrigin => "Integer dates are days after", "整数日期表示此日期之后的天数";
    Error => "Error", "错误";
    Language => "Language", "语言";
    Experiment => "Experiment", "实验";
    Control => "Control", "对照组";
    Alpha => "α", "显著性水平 α";
    AlphaTip => "Significance level: the false-positive rate you accept. CIs are (1 − α).", "显著性水平：可接受的误报率。置信区间为 (1 − α)。";
    Cuped => "CUPED", "CUPED 方差缩减";
    CupedTip => "Adjust revenue by each user's pre-experiment revenue (pre_revenue) to cut variance.", "用每位用户实验前的收入（pre_revenue）调整收入，以降低方差。";
    ExportCsv => "Export read-out (CSV)…", "导出结果（CSV）…";
    ExportPng => "Save main plot (PNG)…", "保存主图（PNG）…";
    NoExperiments => "This dataset has no experiments.csv.", "此数据集没有 experiments.csv。";
    SrmOk => "Traffic split as planned", "流量分配正常";
    SrmBad => "Sample-ratio mismatch: the split differs from the plan. Do not trust this read-out until the assignment is fixed.", "样本比例不匹配：实际分流与计划不符。修复分流前请勿采信本结果。";
    SrmTip => "Chi-square test of assignment counts against the planned split; p < 0.001 is flagged.", "按计划分流比例对各组人数做卡方检验；p < 0.001 时报警。";
    Variant => "Variant", "分组";
    SegmentCol => "Segment", "分群";
    Users => "Users", "用户数";
    Conversions => "Conversions", "转化数";
    Rate => "Rate", "转化率";
    RateTip => "Conversions / users, with its (1 − α) Wald interval.", "转化数 / 用户数，及其 (1 − α) Wald 区间。";
    Lift => "Lift", "提升";
    LiftTip => "Rate minus the control's rate (percentage points), with the unpooled Wald CI.", "与对照组转化率之差（百分点），及非合并 Wald 置信区间。";
    RelLift => "Rel. lift", "相对提升";
    RelLiftTip => "Rate / control rate − 1, with a delta-method CI.", "转化率 / 对照组转化率 − 1，及 delta 方法置信区间。";
    PValue => "p", "p 值";
    PValueTip => "Two-sided pooled two-proportion z-test against the control.", "与对照组的双侧合并两比例 z 检验。";
    Holm => "p (Holm)", "p（Holm 校正）";
    HolmTip => "p-value adjusted for comparing several variants with the control (Holm).", "多个分组同时与对照比较时的 Holm 校正 p 值。";
    Beat => "P(beat control)", "胜过对照概率";
    BeatTip => "Bayesian chance that this variant's true rate is above the control's, with uniform Beta(1, 1) priors.", "在均匀 Beta(1,1) 先验下，该分组真实转化率高于对照组的贝叶斯概率。";
    RevenuePerUser => "Revenue / user", "人均收入";
    RevenueP => "Revenue p", "收入 p 值";
    RevenuePTip => "Welch t-test of revenue per user against the control.", "人均收入与对照组的 Welch t 检验。";
    AlwaysValidP => "Always-valid p", "随时有效 p 值";
    AlwaysValidTip => "mSPRT p-value that stays valid however often you look at the results.", "mSPRT p 值：无论查看多少次结果都保持有效。";
    RatesPlot => "Conversion rate with CI", "转化率及置信区间";
    PosteriorPlot => "Posterior of each rate", "各组转化率的后验分布";
    LiftPlot => "Cumulative lift over time: fixed CI (band) and always-valid bounds (dashed)", "累计提升随时间变化：固定置信区间（阴影）与随时有效边界（虚线）";
    RevenuePlot => "Revenue difference vs control", "与对照组的收入差";
    VarianceReduction => "variance removed", "方差缩减";
    Power => "Power calculator", "样本量计算器";
    Baseline => "Baseline rate", "基线转化率";
    Mde => "Relative MDE", "最小可检测相对提升";
    PowerLevel => "Power", "统计功效";
    UsersNeeded => "users per variant needed", "每组所需用户数";
    MdeReachable => "With the users in this test, the smallest detectable lift is", "按本实验的用户数，可检测的最小相对提升为";
    Computing => "Computing", "正在计算";
    SortingLearners => "Sorting learners", "正在排序学员";
    MatchingValues => "Matching values to learners", "正在匹配学员价值";
    Search => "Search learner or segment…", "搜索学员或分群…";
    Learners => "learners", "位学员";
    SampledFrom => "compared on a seeded sample of the {n} learners", "在 {n} 位学员中按固定种子抽样比较";
    SampledFromTip => "Above 50,000 learners, models are compared on a seeded sample of 50,000 of them: enough to tell the models apart (models within a few thousandths of NDCG may swap places), and the comparison stays minutes, not hours. The model serving the lists is trained on every learner.", "学员超过 50,000 位时，在按固定种子抽取的 50,000 位学员上比较模型：足以区分模型优劣（NDCG 相差千分之几的模型可能互换名次），比较只需几分钟而非几小时。提供推荐名单的模型仍在全部学员上训练。";
    Learner => "Learner", "学员";
    RfmSegmentCol => "RFM segment", "RFM 分层";
    RfmCol => "R·F·M", "R·F·M";
    RfmTip => "Recency, frequency and monetary scores 1–5 by quintile (5 = most recent, most frequent, highest spend).", "最近消费、消费频次、消费金额的五分位得分（5 = 最近、最频繁、金额最高）。";
    Monetary => "Spend", "消费金额";
    Inactive => "Days inactive", "未活跃天数";
    TopInterest => "Top interest", "主要兴趣";
    Sentiment => "Sentiment", "评论情感";
    SentimentTip => "Mean sentiment of the learner's comments, −1 (negative) to +1 (positive), from a bilingual lexicon.", "学员评论的平均情感，−1（负面）到 +1（正面），基于中英文情感词典。";
    PersonaCard => "Persona card", "画像卡片";
    SelectLearner => "Select a learner to see their card.", "选择一位学员查看画像卡片。";
    ValueTier => "Value", "价值分层";
    SegmentMembership => "Segment", "所属分群";
    RevenueAndValue => "Revenue + 90-day value", "收入 + 90天价值";
    RevenueAndValueTip => "Rank by P(purchase) × (what the learner would pay now + their expected value over the next 90 days from the lifetime-value model): a buyer likely to keep buying ranks above a one-off buyer of the same course.", "按 购买概率 ×（本次预计支付 + 价值模型给出的未来90天预计价值）排序：可能持续购买的学员排在只买一次的学员之前。";
    UpliftHeading => "Who changes because of the treatment (uplift)", "谁因实验处理而改变（增益模型）";
    UpliftTip => "For every learner, how much the treatment changes their chance to convert: one logistic regression per arm on the learners' profiles from before the experiment. Response models find who will buy; uplift finds who buys *because of* the offer (and who is put off).", "对每位学员估计处理使其转化概率改变多少：用实验开始前的学员画像，每组各拟合一个逻辑回归。响应模型找出会购买的人；增益模型找出*因为*优惠才购买的人（以及被优惠劝退的人）。";
    EstimateUplift => "Estimate uplift", "估计增益";
    Treatment => "Treatment", "处理组";
    QiniCoefficient => "Qini coefficient", "Qini 系数";
    QiniTip => "Checked on 30% of the experiment users held out from fitting: 1 means the ranking puts every treated converter first and every control converter last, 0 is no better than random. Computed as scikit-uplift does.", "在未参与拟合的 30% 实验用户上检验：1 表示排序把所有处理组转化者排最前、对照组转化者排最后，0 表示与随机无异。计算方式与 scikit-uplift 相同。";
    QiniPlot => "Qini curve: extra conversions as more learners are targeted", "Qini 曲线：随定向人数增加的额外转化";
    TargetedUsers => "Users targeted (held out)", "定向人数（留出样本）";
    ExtraConversions => "Extra conversions", "额外转化";
    ThisModel => "Uplift ranking", "增益排序";
    EffectBySegment => "Effect by segment: observed (with 95% interval) and predicted", "各分群效果：实际（含 95% 区间）与预测";
    EffectBySegmentTip => "Bars: the observed difference in conversion between treatment and control among the segment's experiment users, with its 95% interval. Dots: the mean predicted uplift of all the segment's learners.", "误差线：该分群实验用户中处理组与对照组的转化率差及 95% 区间。圆点：该分群全部学员的平均预测增益。";
    ObservedEffect => "Observed", "实际";
    PredictedEffect => "Predicted", "预测";
    TargetByUplift => "Target by uplift", "按增益定向";
    TargetByUpliftTip => "Contact the learners whose chance to convert the treatment raises most. Compare with contacting those most likely to convert with it (response), who may have bought anyway. Numbers are the model's expected extra conversions.", "联系处理能使其转化概率提升最多的学员。对比联系“有处理时最可能转化”的学员（响应定向），他们可能本来就会购买。数字为模型预计的额外转化。";
    ByUplift => "By uplift", "按增益";
    ByResponse => "By response", "按响应";
    RandomPick => "Random", "随机";
    NoUpliftYet => "Estimate the uplift of an experiment in the Experiments tab first.", "请先在“A/B 实验”页估计某个实验的增益。";
    Uplift => "Uplift", "增益";
    ExportList => "Export list…", "导出名单…";
    VerdictTip => "The decision reads the always-valid p-value when the experiment has times (it stays valid however often you look), else the Holm-adjusted p-value; α is the significance level above.", "实验数据带时间时按随时有效 p 判断（无论查看多少次都有效），否则按 Holm 校正后的 p；α 为上方的显著性水平。";
    Sheet => "Sheet", "工作表";
    SheetTip => "The sheet read from every spreadsheet table (.xlsx, .xls, .ods) of the folder; its first row is the header.", "从文件夹中每个电子表格（.xlsx、.xls、.ods）读取的工作表；其第一行为表头。";
    PBest => "P(best)", "最优概率";
    PBestTip => "The chance this variant has the highest conversion rate of all, control included (Beta posteriors with a uniform prior, by numerical integration).", "该版本在所有版本（含对照组）中转化率最高的概率（均匀先验下的 Beta 后验，数值积分）。";
    BanditShare => "Bandit share", "自适应流量";
    BanditShareTip => "The traffic share Thompson sampling would give this variant now: each variant keeps 1%, the rest follows P(best). A bandit sends more users to what is winning while the test runs.", "汤普森采样此刻会分给该版本的流量：每个版本至少 1%，其余按最优概率分配。自适应分流在实验进行中把更多用户导向领先版本。";
    BanditReplay => "Replay: equal split against Thompson sampling", "回放：平均分流与汤普森采样对比";
    BanditReplayTip => "The experiment's users arrive again in 20 batches and convert at each variant's observed rate; Thompson sampling reallocates after every batch (mean of 20 runs). Regret: conversions lost against always showing the best variant.", "实验用户分 20 批重新到来，按各版本实际转化率转化；汤普森采样每批之后重新分流（20 次模拟的平均）。遗憾：与始终展示最佳版本相比少得的转化。";
    Regret => "Regret", "遗憾";
    RegretTip => "Conversions lost against showing every user the best variant.", "与让所有用户都看到最佳版本相比损失的转化数。";
    EqualSplit => "Equal split", "平均分流";
    ThompsonSampling => "Thompson sampling", "汤普森采样";
    AlwaysBest => "Always the best", "始终最佳版本";
    ThompsonShares => "Traffic share by batch (Thompson sampling)", "各批次流量占比（汤普森采样）";
    Batch => "Batch", "批次";
    LearnerValue => "Learner value", "学员价值";
    PAlive => "Still active", "仍活跃概率";
    PAliveTip => "The chance this buyer is still buying from you (BG/NBD model on their purchase days: someone who used to buy every month and has not bought for half a year has probably left). Learners without a purchase have no estimate.", "该购课学员仍会继续购买的概率（基于购买日的 BG/NBD 模型：过去每月都买、却半年没买的人很可能已流失）。没有购买记录的学员无法估计。";
    Value90 => "Value, next 90 days", "未来90天价值";
    Value90Tip => "Expected spend in the next 90 days, discounted 1% a month: expected purchases (BG/NBD) × expected spend per purchase (Gamma-Gamma, the learner's own average shrunk towards everyone's). Definitions as the Python library lifetimes.", "未来90天的预计消费，按每月1%折现：预计购买次数（BG/NBD）× 每次预计消费（Gamma-Gamma，个人均值向全体均值收缩）。定义与 Python 库 lifetimes 相同。";
    NoPurchaseYet => "No purchase yet: no value estimate", "尚未购买：暂无价值估计";
    ValueModel => "Value model", "价值模型";
    ValueModelTip => "BG/NBD for purchases and Gamma-Gamma for spend, fitted on every buyer's purchase days (a day with several purchases counts once). Time unit: weeks.", "购买用 BG/NBD、消费用 Gamma-Gamma，在全部购课学员的购买日上拟合（同一天多次购买算一次）。时间单位：周。";
    PAliveMap => "Still active, by repeat purchase days and last purchase", "仍活跃概率：按重复购买天数与最近一次购买";
    PAliveMapTip => "Each cell: the chance a buyer with that history is still active, for a buyer who first bought as long ago as the median buyer. Recent and frequent buyers (right, top) are likely active; frequent buyers who stopped long ago (left, top) have likely left.", "每格：具有该购买历史的学员仍活跃的概率（首购时间取全体中位数）。最近且频繁购买（右上）多半仍活跃；过去常买却早已不买（左上）多半已流失。";
    HeatScale => "Pale: unlikely still active · deep blue: likely. Hover a cell for its percentage.", "浅色：多半已流失 · 深蓝：多半仍活跃。鼠标悬停查看百分比。";
    WeeksFirstToLast => "Weeks from first to last purchase", "首购到最近一次购买（周）";
    RepeatPurchaseDays => "Repeat purchase days", "重复购买天数";
    HoldoutCheck => "Check on later data: repeat purchase days per buyer", "用之后的数据检验：每位学员的重复购买天数";
    HoldoutCheckTip => "The model is fitted on purchases up to the last 90 days and predicts those 90 days; bars compare predicted and actual purchase days per buyer, by purchase days before.", "模型用最近90天之前的购买拟合，预测这90天；柱形对比各组每位学员的预测与实际购买天数（按之前的重复购买天数分组）。";
    MeanPAlive => "Still active (mean)", "平均仍活跃概率";
    MeanValue90 => "Value 90 d (mean)", "平均90天价值";
    SegmentMembershipTip => "How likely this learner belongs to each segment: a Gaussian mixture fitted on the profiles (the top principal components), one component per segment. Segments under 5% are not listed.", "该学员属于各分群的概率：在画像（前几个主成分）上拟合的高斯混合模型，每个分群一个成分。低于 5% 的分群不列出。";
    ChurnRisk => "Churn risk: inactive for over 60 days", "流失风险：超过 60 天未活跃";
    Active => "Active", "活跃";
    Keywords => "Keywords", "关键词";
    Interests => "Interests", "兴趣";
    Method => "Method", "方法";
    KAuto => "auto k", "自动选择 k";
    KAutoTip => "Choose k from 2…10 on five random subsamples of 1,500 learners: among the k whose silhouette is within 5% of the best, the smallest that is stable (the subsamples agree, mean ARI ≥ 0.9).", "在 k = 2…10 中、基于 5 个各 1500 名学员的随机子样本选择：轮廓系数与最优相差 5% 以内的 k 中，取最小且稳定的（各子样本分群一致，平均 ARI ≥ 0.9）。";
    Stability => "Stability (subsamples agree)", "稳定性（子样本一致度）";
    ChosenK => "Chosen k", "选定的 k";
    Run => "Run", "运行";
    SegmentMap => "Learners on the first two principal components, coloured by segment", "学员在前两个主成分上的分布（按分群着色）";
    SegmentSizes => "Segment sizes", "分群规模";
    Distinctive => "What sets the selected segment apart (z-score vs. all learners)", "所选分群的显著特征（相对全体学员的 z 分数）";
    ChooseK => "Choosing k: silhouette (higher is better, scaled to its best), stability and inertia (elbow)", "选择 k：轮廓系数（越高越好，按最优值归一）、稳定性与簇内平方和（肘部法）";
    Dendrogram => "Dendrogram (Ward, top merges)", "层次聚类树（Ward，顶部合并）";
    ExportMembers => "Export members…", "导出成员…";
    ExportSummaries => "Export summaries…", "导出分群概要…";
    PseudonymiseIds => "Pseudonymise ids", "学员 ID 匿名化";
    Silhouette => "Silhouette", "轮廓系数";
    SilhouetteTip => "How much closer learners are to their own segment than to the next one: −1…1, higher is better.", "学员与本分群的接近程度相对于最近的其他分群：−1…1，越高越好。";
    Inertia => "Inertia", "簇内平方和";
    RevenueShare => "Revenue share", "收入占比";
    Share => "Share", "占比";
    NoLearners => "Profiles need users.csv or events.csv.", "构建画像需要 users.csv 或 events.csv。";
    Model => "Model", "模型";
    Train => "Train", "训练";
    EventWeights => "Event weights", "行为权重";
    EventWeightsTip => "How strongly each kind of event says a learner is interested in a course; a learner–course pair keeps its strongest event, and a rating counts as its value. Retrain to apply.", "各类行为代表学员对课程兴趣的强度；同一学员与课程取最强的行为，评分按其分值计。重新训练后生效。";
    CompareModels => "Compare all models", "对比全部模型";
    CompareNext => "Compare next-course models", "对比下一门课模型";
    CompareNextTip => "Holds out each learner's latest course, fits popularity, EASE and the next-course models (Markov, GRU, Caser, fusion) on the rest and checks where each ranks it. The networks train in the background (about a minute on the sample).", "留出每位学员最近的一门课，用其余数据训练热门、EASE 和下一门课模型（马尔可夫、GRU、Caser、融合），看各模型把它排在第几。神经网络在后台训练（示例数据约一分钟）。";
    HeldOutRandom => "held out: 20% of each learner's courses at random", "留出：每位学员随机 20% 的课程";
    HeldOutLatest => "held out: each learner's latest course", "留出：每位学员最近的一门课";
    WhatIf => "What if they now take", "如果接下来学了";
    WhatIfTip => "Adds the course to the end of the learner's sequence and runs the next-course model on it again, without retraining.", "把这门课加到学员学习序列的末尾，再用下一门课模型重新计算，无需重新训练。";
    WhatIfAdd => "Add", "加入";
    WhatIfClear => "Clear", "清空";
    NextCourses => "Next courses", "接下来推荐";
    WhatIfNeedsSequence => "Choose a next-course model (Markov, GRU, Caser or fusion) and train it to try what-ifs.", "选择下一门课模型（马尔可夫、GRU、Caser 或融合）并训练后，可试算“如果接下来学了”。";
    LearningPaths => "Learning paths", "学习路径";
    LearningPathsTip => "The most common steps from one course straight to the next among the courses learners enrolled in, bought or completed. Line width: learners who made the step.", "学员报名、购买或学完的课程中，最常见的“从一门课直接到下一门课”的路径。线宽：走过这一步的学员数。";
    AllCategories => "All categories", "全部类别";
    Sequence => "Sequence", "学习序列";
    CompareTip => "Holds out 20% of the courses of each learner with 5 or more, trains every model on the rest and checks its top 10 against the held-out courses.", "对有 5 门及以上课程的学员留出 20% 的课程，用其余数据训练每个模型，再用前 10 推荐与留出课程比对。";
    Tune => "Tune settings", "自动调参";
    TuneTip => "Before training, try a grid of settings on a validation split (20% of the training data) and keep the best by NDCG@10.", "训练前在验证集（训练数据的 20%）上尝试一组参数，按 NDCG@10 选最优。";
    GroupBy => "Groups", "分组依据";
    GroupByTip => "How learners are grouped for \"popular in group\" and for new learners: the current segments, or an attribute of users.csv.", "“群体热门”和新学员推荐的分组方式：当前的用户分群，或 users.csv 中的某个属性。";
    SegmentsGroups => "Segments", "用户分群";
    Precision => "Precision@10", "精确率@10";
    PrecisionTip => "Share of the 10 recommended courses the learner actually took in the held-out data.", "推荐的 10 门课程中，学员在留出数据里确实学习的比例。";
    Recall => "Recall@10", "召回率@10";
    RecallTip => "Share of the learner's held-out courses found in the top 10.", "学员留出的课程中出现在前 10 推荐里的比例。";
    Ndcg => "NDCG@10", "NDCG@10";
    NdcgTip => "Rewards hits near the top of the list (log2 discount), 1 = all held-out courses ranked first.", "命中越靠前得分越高（log2 折扣），1 表示留出课程全部排在最前。";
    Map => "MAP@10", "MAP@10";
    MapTip => "Mean average precision: precision at each hit, averaged.", "平均准确率均值：每次命中时的精确率的平均。";
    HitRate => "Hit rate", "命中率";
    HitRateTip => "Share of learners with at least one held-out course in their top 10.", "前 10 推荐中至少命中一门留出课程的学员比例。";
    Coverage => "Coverage", "覆盖率";
    CoverageTip => "Share of the catalogue that appears in someone's top 10: low coverage means everyone sees the same courses.", "出现在任意学员前 10 推荐中的课程占目录的比例：覆盖率低说明大家看到的都是同样的课程。";
    FitSeconds => "Fit (s)", "训练耗时（秒）";
    RecsFor => "Recommended for", "推荐给";
    Course => "Course", "课程";
    Category => "Category", "类别";
    Price => "Price", "价格";
    Score => "Score", "得分";
    WhyRecommended => "Why", "推荐理由";
    History => "Took", "已学课程";
    NewLearner => "New learner (no history)", "新学员（无学习记录）";
    NewLearnerTip => "What a learner with no events gets: popular in their group, else popular overall.", "没有任何行为的学员会看到：所在分组的热门课程，否则为全站热门。";
    NewCourse => "New course (no learners yet)", "新课程（尚无学员）";
    NewCourseTip => "Pretend this course has no history: the learners it would reach through content similarity to what they took.", "假设这门课程没有任何学员：通过与学员已学课程的内容相似度，它能触达的学员。";
    ExportRecs => "Export top 10 for all learners…", "导出全部学员的前 10 推荐…";
    TrainedIn => "trained in", "训练耗时";
    ChosenSettings => "Settings", "参数";
    Predict => "Predict", "预测目标";
    PredictClicks => "Clicks", "点击";
    PredictPurchases => "Purchases", "购买转化";
    UseFm => "Factorization machine", "因子分解机";
    LogisticRegression => "Logistic regression", "逻辑回归";
    UseFmTip => "Also fit a factorization machine (Rendle 2010), which learns pairwise crosses itself; the model with the better test AUC becomes the default.", "同时训练因子分解机（Rendle 2010），自动学习特征两两交叉；测试 AUC 更高的模型作为默认模型。";
    TrainModels => "Train", "训练";
    TrainRows => "Training impressions", "训练曝光数";
    TestRows => "Test impressions", "测试曝光数";
    TestRowsTip => "The latest 20% of the time range is held out: the models are judged on impressions they never saw, as a campaign would be.", "按时间留出最后 20% 的曝光：模型在从未见过的曝光上评估，与真实投放一致。";
    BaseRate => "Base rate", "基准率";
    BaseRateTip => "Share of test impressions that were clicked (or bought): what a model that knows nothing predicts.", "测试曝光中被点击（或购买）的比例：一个毫无信息的模型的预测值。";
    Auc => "AUC", "AUC";
    AucTip => "Chance that a random clicked impression scores above a random unclicked one: 0.5 is guessing, 1 is perfect.", "随机一个被点击的曝光得分高于随机一个未点击曝光的概率：0.5 为随机猜测，1 为完美。";
    LogLoss => "Log loss", "对数损失";
    LogLossTip => "Average surprise of the predicted probabilities (lower is better); punishes confident mistakes.", "预测概率的平均“意外程度”（越低越好）；对自信的错误惩罚更重。";
    RegularisationC => "C (inverse L2)", "C（L2 正则倒数）";
    RocPlot => "ROC curve", "ROC 曲线";
    RocTip => "True-positive rate against false-positive rate as the score threshold falls; the diagonal is guessing.", "随阈值降低的真正例率与假正例率；对角线为随机猜测。";
    CalibrationPlot => "Calibration (10 equal-size bins)", "校准曲线（10 个等量分组）";
    CalibrationTip => "Mean predicted probability against the observed rate per bin: on the diagonal, a predicted 10% really means 10%.", "每组的平均预测概率与实际比例：落在对角线上说明预测 10% 就真的是 10%。";
    GainsPlot => "Cumulative gains by decile", "按十分位的累积增益";
    GainsTip => "Share of all clicks found by contacting the top x% of impressions by score; the diagonal is random order.", "按得分联系前 x% 的曝光可覆盖的点击占比；对角线为随机顺序。";
    Predicted => "Predicted", "预测";
    Observed => "Observed", "实际";
    RandomOrder => "Random", "随机";
    Weights => "Weights that matter most (logistic regression)", "影响最大的特征权重（逻辑回归）";
    Targeting => "Targeting", "人群定向";
    Budget => "Budget (learners)", "预算（人数）";
    RankBy => "Rank by", "排序依据";
    ExpectedPurchases => "Expected purchases", "预期购买数";
    ExpectedRevenue => "Expected revenue", "预期收入";
    Placement => "Placement", "投放位置";
    BuildList => "Build list", "生成名单";
    ThisList => "This list", "本名单";
    Backtest => "Backtest", "回测";
    MethodKmeans => "K-Means", "K均值聚类";
    MethodWard => "Hierarchical (Ward)", "层次聚类（Ward）";
    BacktestFrom => "rank as of", "按此日之前的数据排名：";
    BacktestTip => "Ranks learners on what was known at the start of the test period (the models were trained on earlier impressions) and counts who actually enrolled in or bought the course afterwards, for this list, random learners and the most active learners.", "用测试期开始前已知的数据为学员排名（模型只用更早的曝光训练），再统计之后真正报名或购买该课程的人数：本名单、随机学员与最活跃学员各多少。";
    RealisedAfter => "Realised from", "实际结果，自";
    RealisedPurchases => "Realised purchases (backtest)", "实际购买数（回测）";
    RealisedRevenue => "Realised revenue (backtest)", "实际收入（回测）";
    RandomLearners => "Random learners", "随机学员";
    ActiveLearners => "Most active learners", "最活跃学员";
    TargetingTip => "Learners who have not bought the course, ranked by predicted click × purchase probability (or × predicted spend). Compared with the same number of random learners and of the most active learners.", "未购买该课程的学员，按预测点击率 × 购买概率（或 × 预测消费）排序；与同等人数的随机学员和最活跃学员对比。";
    Eligible => "eligible learners", "位符合条件的学员";
    PClick => "P(click)", "点击概率";
    PPurchase => "P(purchase)", "购买概率";
    SpendR2 => "Spend model R²", "消费模型 R²";
    SpendR2Tip => "Linear regression of the amount paid per purchase on learner and course features, checked on held-out purchases.", "以学员和课程特征对每次购买金额做线性回归，在留出的购买记录上检验。";
    Loaded => "Loaded", "已加载";
    Seconds => "s", "秒";
    Shortcuts => "Ctrl+O open folder · Ctrl+1…7 tabs · Ctrl+L language · Ctrl+P projector · Ctrl+plus / Ctrl+minus zoom · Ctrl+0 actual size",
                 "Ctrl+O 打开文件夹 · Ctrl+1…7 切换标签 · Ctrl+L 切换语言 · Ctrl+P 投影模式 · Ctrl+加号 / Ctrl+减号 缩放 · Ctrl+0 原始大小";
    AudienceMade => "Audience made", "已创建人群";
    ChooseAudienceFirst => "Choose or make an audience first (Profiles: filter, Segments: selected segment, Campaigns: target list).", "请先选择或创建人群（用户画像：筛选；用户分群：选中的分群；营销投放：目标名单）。";
    ProfilesNotReady => "Learner profiles are still being built; try again in a moment.", "学员画像仍在计算中，请稍后再试。";
    NoTargetList => "Build a target list first.", "请先生成目标名单。";
    TargetsFor => "Targets for", "目标名单";
    Picked => "Picked learners", "圈选学员";
    Audience => "Audience", "人群";
    Everyone => "Everyone", "全部学员";
    AudienceTip => "The working audience: Profiles lists only its learners, Recommendations exports for it, Campaigns targets within it, and Experiments plans a test on it.", "当前人群：用户画像只列出其中学员，课程推荐为其导出推荐，营销投放在其中挑选目标，A/B 实验在其上规划实验。";
    ExportAudience => "Export audience…", "导出人群…";
    RemoveAudience => "Remove", "删除";
    FilterLearners => "Filter", "筛选";
    FilterTip => "Conditions on learner fields joined by `and` (or 且): e.g. p_alive < 0.3 and interest:编程 > 0.4, or occupation = 学生. Numbers take < <= > >= = !=; text fields (occupation, city, rfm_segment, segment) take = and !=. The Fields menu lists every field.", "以 and（或“且”）连接的学员字段条件，例如 p_alive < 0.3 and interest:编程 > 0.4，或 occupation = 学生。数值字段可用 < <= > >= = !=；文本字段（职业、城市、rfm_segment、segment）可用 = 和 !=。“字段”菜单列出全部字段。";
    Fields => "Fields", "字段";
    AudienceName => "audience name", "人群名称";
    MakeAudience => "Make audience", "创建人群";
    SegmentAsAudience => "Audience from segment", "以分群创建人群";
    Lasso => "Lasso", "套索圈选";
    LassoTip => "Draw around learners on the segment map to make them an audience (every learner inside counts, not only the dots drawn).", "在分群图上圈出学员，将其创建为人群（圈内所有学员都计入，不只是图上画出的点）。";
    ListAsAudience => "Make audience from list", "以名单创建人群";
    Within => "within", "限定人群";
    ExportRecsTip => "Every learner's top 10 with reasons, or only the working audience's learners when one is chosen (👥 at the top).", "每位学员的前 10 门推荐及理由；若在顶部（👥）选择了人群，则只导出该人群的学员。";
    PlanOn => "Plan an experiment on", "在人群上规划实验";
    PlanExperiment => "Plan an experiment", "规划实验";
    TreatmentShare => "Treatment share", "实验组比例";
    Seed => "Seed", "随机种子";
    Plan => "Plan", "生成分组";
    InControl => "in control", "人在对照组";
    InTreatment => "in treatment", "人在实验组";
    BoughtInLast => "bought in the last", "近";
    Days => "days", "天内购买";
    Detects => "detects a relative lift of", "可检测的最小相对提升";
    Conversion => "conversion", "转化率";
    DetectsTip => "Smallest relative change in conversion this split finds with 80% power at α = 0.05 (two-sided), from the audience's own share of buyers in the last 30 days.", "以该人群近 30 天的购买比例为基线，在 α = 0.05（双侧）、80% 功效下，这一分组能检测到的最小相对变化。";
    BaseRateUnknown => "The audience's base rate is unknown (no dated purchases), so the test cannot be sized.", "无法得到该人群的基线转化率（没有带时间的购买记录），无法估算样本量。";
    ExportAssignment => "Export assignment…", "导出分组名单…";
    AssignmentNext => "Send the campaign to the treatment learners, add converted (0/1) per learner, and put the rows in experiments.csv: the read-out opens on this experiment.", "向实验组学员投放后，为每位学员补充 converted（0/1），并把这些行放入 experiments.csv：分析结果将自动打开此实验。";
    Projector => "Projector", "投影模式";
    RenameSegment => "Rename", "重命名";
    RenameSegmentTip => "Give the selected segment your own name (both languages); it stays on re-runs, which keep segment numbers. Rename with an empty name to get the generated one back.", "为所选分群命名（中英文界面通用）；重新分群时编号不变，名称保留。留空再点重命名即恢复自动名称。";
    OpenProject => "Open project…", "打开项目…";
    SaveProject => "Save project…", "保存项目…";
    ProjectTip => "A project (.plab) keeps the dataset folder and its column mapping, every tab's settings, the audiences and the next experiment's plan. Results are recomputed from the data when it opens.", "项目文件（.plab）保存数据文件夹及列映射、各标签页的设置、人群和待规划实验的设置。打开时从数据重新计算结果。";
    Report => "Report…", "生成报告…";
    ReportTip => "One HTML file with what has been computed: overview, segments, recommendation quality, campaign model and target list, and every experiment with its verdict. Opens in any browser with no network; holds no learner ids.", "把已计算的结果写成一个 HTML 文件：业务概览、分群、推荐质量、投放模型与目标名单，以及每个实验的结论。无需联网即可在浏览器中打开，不含学员 ID。";
    ProjectorTip => "Projector mode: larger text for workshops (Ctrl+P).", "投影模式：放大文字，适合培训演示（Ctrl+P）。";
    TabOverview => "Overview", "业务概览";
    AllCourses => "All courses", "全部课程";
    ByCategory => "By category", "按类别";
    ByCourse => "By course", "按课程";
    BySegment => "By segment", "按分群";
    Funnel => "Funnel", "转化漏斗";
    FunnelTip => "Learners who got at least as far as each stage: a learner's furthest event (view, click, enroll, purchase, complete) counts for it and every stage before it. In brackets: the share of the previous stage.", "至少到达各环节的学员数：学员走到的最远一步（浏览、点击、报名、购买、完课）计入该环节及之前所有环节。括号内为相对上一环节的转化率。";
    SegmentFirst => "Segment the learners first (Segments tab).", "请先在“用户分群”中完成分群。";
    GoToSegments => "Go to Segments", "前往用户分群";
    ShareOfViewers => "% of learners at the first stage", "占首个环节学员的比例";
    StepRateTip => "Share of the previous stage's learners who got this far.", "上一环节学员中到达此环节的比例。";
    SegmentComparison => "Segments side by side", "分群对比";
    SegmentComparisonTip => "Each cell: how far the segment's mean lies from all learners', in standard deviations (orange above, blue below). The features that differ most between segments are listed.", "每格表示该分群均值与全体学员均值相差多少个标准差（橙色偏高，蓝色偏低）。只列出各分群差异最大的特征。";
    StageView => "View", "浏览";
    StageClick => "Click", "点击";
    StageEnroll => "Enroll", "报名";
    StagePurchase => "Purchase", "购买";
    StageComplete => "Complete", "完课";
    KpiLearners => "Learners", "学员";
    KpiLearnersTip => "Learners in users.csv or with events.", "users.csv 中或有行为记录的学员。";
    KpiActive => "Active (last 30 days)", "活跃学员（近 30 天）";
    KpiActiveTip => "Learners with any event in the last 30 days of the data.", "在数据最后 30 天内有任何行为的学员。";
    Buyers => "Buyers", "付费学员";
    BuyersTip => "Learners with at least one purchase.", "至少购买过一次的学员。";
    Orders => "Orders", "订单";
    OrdersTip => "Purchase events.", "购买事件数。";
    Revenue => "Revenue", "收入";
    RevenueTip => "Money paid on purchase events; refunds are shown apart, not subtracted.", "购买事件的实付金额；退款单列，不扣减。";
    DataCovers => "Data covers", "数据范围";
    Refunds => "Refunds", "退款";
    RevenueByMonth => "Revenue by month (¥)", "月度收入（元）";
    LearnersByMonth => "Active learners by month: new and returning", "月度活跃学员：新学员与回访学员";
    Returning => "Returning", "回访学员";
    NewLearners => "New", "新学员";
    TopCourses => "Best-selling courses", "畅销课程";
    TopCategories => "Categories", "课程类别";
    ShareOfRevenue => "Share of revenue", "收入占比";
    CohortRetention => "Cohort retention", "同期群留存";
    CohortTip => "Learners who joined in a month (sign-up date, else first event) and the share of them active in each month after (+0 is the joining month).", "按加入月份（注册日期，缺失时取首次行为）分组的学员，在其后每个月仍活跃的比例（+0 为加入当月）。";
    NoEvents => "No events with times.", "没有带时间的行为记录。";
    MonthsSinceJoining => "Months since joining →", "加入后月数 →";
}

/// A rejected row's reason in the interface language. The engine's message is English; in
/// Chinese the reason code, column and the offending value are put into a Chinese sentence.
pub fn reason_text(lang: Lang, row: &crate::data::RejectedRow) -> String {
    if lang == Lang::En {
        return row.message.clone();
    }
    let what = match row.reason.as_str() {
        "missing_value" => "为空",
        "wrong_type" => "不是数字",
        "unknown_event" => "不是已知的事件类型",
        "bad_timestamp" => "不是有效的日期或时间",
        "negative" => "为负数",
        "out_of_range" => "超出允许范围",
        "not_binary" => "不是 0 或 1",
        "duplicate_id" => "重复出现",
        "field_count" => "字段数与表头不一致",
        "bad_encoding" => "含有无法识别的编码",
        _ => return row.message.clone(),
    };
    let value = row
        .message
        .split('`')
        .nth(1)
        .map(|v| format!("「{v}」"))
        .unwrap_or_default();
    match &row.column {
        Some(c) => format!("{c} {value}{what}"),
        None => format!("{what}（{}）", row.message),
    }
}

/// Shorthand used throughout the UI code.
/// `key` in both languages (for text kept and shown later, e.g. the status line).
pub fn both(key: T) -> crate::lang::Text {
    crate::lang::Text::new(key.get(Lang::Zh), key.get(Lang::En))
}

pub fn tr(lang: Lang, key: T) -> &'static str {
    key.get(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_in_chinese() {
        let row = crate::data::RejectedRow {
            line: 4,
            column: Some("amount".into()),
            reason: "negative".into(),
            message: "amount `-5` is negative".into(),
            raw: String::new(),
        };
        assert_eq!(reason_text(Lang::Zh, &row), "amount 「-5」为负数");
        assert_eq!(reason_text(Lang::En, &row), "amount `-5` is negative");
    }

    /// Chinese strings that are rightly the same as the English: names and abbreviations a
    /// Chinese marketer reads as they are.
    const SAME_IN_BOTH: &[&str] = &["R·F·M", "NDCG@10", "MAP@10", "AUC"];

    fn has_cjk(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_chinese_string_is_translated() {
        for key in T::ALL {
            let (en, zh) = (key.get(Lang::En), key.get(Lang::Zh));
            assert!(!en.is_empty() && !zh.is_empty(), "{key:?} is empty");
            if SAME_IN_BOTH.contains(&zh) {
                continue;
            }
            assert!(
                has_cjk(zh) && zh != en,
                "{key:?}: the Chinese text `{zh}` is not Chinese"
            );
        }
    }

    /// Text a user reads that bypasses the table: a literal with Latin letters handed
    /// straight to a label, button, heading or tooltip in any window file.
    #[test]
    fn no_interface_text_bypasses_the_table() {
        const ALLOWED: &[&str] = &["\"Persona Lab\"", "\"Ctrl+O\"", "\"k\""];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
        let calls = [
            ".label(\"",
            ".button(\"",
            ".heading(\"",
            ".strong(\"",
            ".small(\"",
            ".on_hover_text(\"",
            ".selectable_label(\"",
            ".checkbox(",
            ".monospace(\"",
            ".weak(\"",
            "RichText::new(\"",
            ".text(\"",
            ".name(\"",
        ];
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let source = std::fs::read_to_string(&path).unwrap();
            for (n, line) in source.lines().enumerate() {
                // Debug formatting shows internal names (`Kmeans`), never readable ones.
                if line.contains("format!(\"{:?}\"") {
                    found.push(format!("{}:{}: debug formatting", path.display(), n + 1));
                }
                for call in calls {
                    let Some(at) = line.find(call) else { continue };
                    let rest = &line[at + call.len() - 1..];
                    let Some(literal) = rest.strip_prefix('"').and_then(|r| r.split('"').next())
                    else {
                        continue;
                    };
                    let quoted = format!("\"{literal}\"");
                    if literal.chars().any(|c| c.is_ascii_alphabetic())
                        && !ALLOWED.contains(&quoted.as_str())
                    {
                        found.push(format!("{}:{}: {quoted}", path.display(), n + 1));
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "untranslated interface text:\n{}",
            found.join("\n")
        );
    }
}
