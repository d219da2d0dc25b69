"""Text for the page "Hyper-parameters" (TEACHING.md row 13): a grid trained with the same
budget and seed, and an automatic search with Optuna."""

TEXT = {
    "lab.title": {"en": "Hyper-parameters: choices before training",
                  "zh": "超参数：训练之前的选择"},
    "lab.intro": {
        "en": "Training finds the matrices W, but some numbers must be chosen **before** it "
        "starts: how many heads, how wide each vector is (the paper's 512), how many layers, "
        "how large the learning rate is. Below, small Transformers were trained on one small "
        "task (sentences of one to three clauses from our grammar, e.g. *Tom helps her and "
        "we are singing*), each with **the same seed and the same {steps} steps**; only one "
        "choice differs from the base model at a time. Every curve and number is from those "
        "runs (`python -m training.lab`).",
        "zh": "训练负责找出矩阵 W，但有些数字必须在训练**之前**就定好：用几个头、每个向量多宽"
        "（论文里是 512）、几层、学习率多大。下面在同一个小任务上训练了一批小 Transformer（由我们的"
        "语法生成的一到三个分句的句子，例如 *Tom helps her and we are singing*），每个模型都用"
        "**同一个随机种子、同样的 {steps} 步**；每次只和基准模型相差一个选择。所有曲线和数字都来自"
        "这些真实的训练（`python -m training.lab`）。",
    },
    "lab.article": {
        "en": "The article: “the number of heads, the dimension 512 and the learning rate are "
        "hyper-parameters that must be set before training … AutoML searches for them "
        "(Bayesian optimisation, reinforcement learning).”",
        "zh": "文章说：“多头的个数、维度 512、学习率这些都是超参数，需要在训练之前设定……AutoML "
        "会去搜索它们（贝叶斯优化、强化学习）。”",
    },
    "lab.missing": {
        "en": "The lab's results could not be read: {reason}",
        "zh": "无法读取超参数实验的结果：{reason}",
    },
    "lab.curves": {"en": "Curves side by side", "zh": "曲线并排比较"},
    "lab.knob": {"en": "Choice to compare", "zh": "要比较的选择"},
    "lab.knob.heads": {"en": "heads · 头数", "zh": "heads · 头数"},
    "lab.knob.width": {"en": "width d_model · 宽度 d_model", "zh": "width d_model · 宽度 d_model"},
    "lab.knob.layers": {"en": "layers · 层数", "zh": "layers · 层数"},
    "lab.knob.lr": {"en": "learning rate · 学习率", "zh": "learning rate · 学习率"},
    "lab.knob.warmup": {"en": "warm-up · 预热步数", "zh": "warm-up · 预热步数"},
    "lab.knob.smoothing": {"en": "label smoothing · 标签平滑", "zh": "label smoothing · 标签平滑"},
    "lab.value.heads": {"en": "{v} heads", "zh": "{v} 个头"},
    "lab.value.width": {"en": "d_model {v}", "zh": "d_model {v}"},
    "lab.value.layers": {"en": "{v} layers", "zh": "{v} 层"},
    "lab.value.lr": {"en": "rate × {v}", "zh": "学习率 × {v}"},
    "lab.value.warmup": {"en": "warm-up {v}", "zh": "预热 {v} 步"},
    "lab.value.smoothing": {"en": "ε_ls {v}", "zh": "ε_ls {v}"},
    "lab.base_mark": {"en": " (base)", "zh": "（基准）"},
    "lab.step": {"en": "step", "zh": "步数"},
    "lab.loss": {"en": "training loss", "zh": "训练损失"},
    "lab.exact": {"en": "held-out exact match", "zh": "留出集完全匹配率"},
    "lab.params": {"en": "parameters", "zh": "参数量"},
    "lab.seconds": {"en": "CPU seconds", "zh": "CPU 秒"},
    "lab.curves_title": {"en": "Loss and held-out exact match: {knob}",
                         "zh": "损失与留出集完全匹配率：{knob}"},
    "lab.bars_title": {"en": "Exact match after {steps} steps", "zh": "{steps} 步之后的完全匹配率"},
    "lab.curves_text": {
        "en": "Left: the training loss (cross-entropy with label smoothing, so it never reaches "
        "0). Right: the share of held-out sentences translated exactly, both directions "
        "together. Held-out sentences hold subject–verb–object combinations never seen in "
        "training.",
        "zh": "左：训练损失（带标签平滑的交叉熵，所以不会降到 0）。右：留出集句子被完全译对的比例"
        "（两个方向合计）。留出集的句子含有训练中从未出现过的主语–动词–宾语组合。",
    },
    "lab.questions": {"en": "The article's questions, answered with our numbers",
                      "zh": "用我们的数字回答文章的问题"},
    "lab.q.heads": {"en": "Does one head do worse than eight?", "zh": "一个头比八个头差吗？"},
    "lab.a.heads.many": {
        "en": "Here, yes: {n_many} heads reached **{many} %** exact match, one head "
        "**{one} %** ({diff:+} points), with the same number of parameters (the heads split "
        "d_model, §3.2.2).",
        "zh": "在这里是的：{n_many} 个头的完全匹配率是 **{many}%**，一个头是 **{one}%**（相差 "
        "{diff:+} 个百分点），参数量相同（多个头只是把 d_model 分开，§3.2.2）。",
    },
    "lab.a.heads.one": {
        "en": "Not here: one head reached **{one} %** exact match, {n_many} heads **{many} %** "
        "({diff:+} points), with the same number of parameters. On a task this small, one "
        "wide head is enough; the paper found more heads helped on real translation, and "
        "the article calls the reason empirical.",
        "zh": "在这里不是：一个头的完全匹配率是 **{one}%**，{n_many} 个头是 **{many}%**（相差 "
        "{diff:+} 个百分点），参数量相同。在这么小的任务上，一个宽的头就够了；论文在真实翻译上发现"
        "多头更好，文章也说原因是经验性的。",
    },
    "lab.a.heads.same": {
        "en": "About the same: one head **{one} %**, {n_many} heads **{many} %** exact match "
        "({diff:+} points), with the same number of parameters.",
        "zh": "差不多：一个头 **{one}%**，{n_many} 个头 **{many}%**（相差 {diff:+} 个百分点），"
        "参数量相同。",
    },
    "lab.q.lr": {"en": "What does a too-large learning rate do?", "zh": "学习率太大会怎样？"},
    "lab.a.lr": {
        "en": "With the rate × {factor}, the loss ended at **{loss_big}** (base: {loss_base}) "
        "and exact match at **{exact_big} %** (base: {exact_base} %); its worst loss after the "
        "start was {peak_big}. Too large a step jumps over the valley instead of walking down "
        "into it.",
        "zh": "学习率 × {factor} 时，损失最后是 **{loss_big}**（基准：{loss_base}），完全匹配率"
        " **{exact_big}%**（基准：{exact_base}%）；开始之后最高的损失是 {peak_big}。步子太大会跳过"
        "山谷，而不是走下去。",
    },
    "lab.a.lr_small.better": {
        "en": "A smaller rate (× {small_factor}) did better here, **{exact_small} %**: for a "
        "model this small, §5.3's formula already peaks on the large side (the shipped model "
        "halves it too).",
        "zh": "更小的学习率（× {small_factor}）在这里反而更好，**{exact_small}%**：对这么小的模型，"
        "§5.3 的公式给出的峰值已经偏大（随附模型也把它减半了）。",
    },
    "lab.a.lr_small.worse": {
        "en": "Too small (× {small_factor}) is slow instead: **{exact_small} %** after the same "
        "steps.",
        "zh": "太小（× {small_factor}）则太慢：同样的步数后只有 **{exact_small}%**。",
    },
    "lab.a.lr_diverged": {
        "en": "The rate × {factor} made the loss blow up (not a number): training stopped.",
        "zh": "学习率 × {factor} 让损失爆炸（变成非数）：训练停止了。",
    },
    "lab.q.width": {"en": "What does width buy?", "zh": "宽度能带来什么？"},
    "lab.a.width_row": {
        "en": "d_model {d_model}: {params:,} parameters, **{exact} %** exact match, "
        "{seconds:.0f} CPU seconds",
        "zh": "d_model {d_model}：{params:,} 个参数，完全匹配率 **{exact}%**，{seconds:.0f} 秒 CPU 时间",
    },
    "lab.a.width_text": {
        "en": "Wider vectors hold more, but every step costs more and, for the same number of "
        "steps, a wide model may not have finished learning (§5.3's rate also shrinks as "
        "d_model^-0.5). CPU seconds: the run's steps at the cost per step measured after the "
        "grid, one configuration right after another.",
        "zh": "更宽的向量能装下更多信息，但每一步更贵；在步数相同的情况下，宽模型可能还没学完（§5.3 "
        "的学习率也随 d_model^-0.5 变小）。CPU 秒：按网格训练后逐个测得的每步 CPU 时间乘以步数。",
    },
    "lab.table": {"en": "Every configuration", "zh": "所有配置"},
    "lab.col.name": {"en": "configuration", "zh": "配置"},
    "lab.col.exact": {"en": "exact match", "zh": "完全匹配率"},
    "lab.col.params": {"en": "parameters", "zh": "参数量"},
    "lab.col.seconds": {"en": "CPU seconds", "zh": "CPU 秒"},
    "lab.col.final_loss": {"en": "final loss", "zh": "最终损失"},
    "lab.col.d_model": {"en": "d_model", "zh": "d_model"},
    "lab.col.heads": {"en": "heads", "zh": "头数"},
    "lab.col.layers": {"en": "layers", "zh": "层数"},
    "lab.col.lr_factor": {"en": "rate ×", "zh": "学习率 ×"},
    "lab.col.warmup": {"en": "warm-up", "zh": "预热"},
    "lab.col.label_smoothing": {"en": "ε_ls", "zh": "ε_ls"},
    "lab.table_text": {
        "en": "One seed per configuration: differences of a few points can be noise.",
        "zh": "每个配置只用了一个随机种子：几个百分点的差别可能只是噪声。",
    },
    # The search.
    "lab.search": {"en": "An automatic search (AutoML with Optuna)",
                   "zh": "自动搜索（用 Optuna 做 AutoML）"},
    "lab.search_text": {
        "en": "Instead of a grid, Optuna's TPE sampler (Bayesian optimisation) proposes each "
        "next configuration from the scores so far, and a median pruner stops a trial early "
        "when its held-out score is below the median of earlier trials at the same step. "
        "Each trial trains only seconds, too short for whole sentences to come out exactly "
        "right, so the score is the **held-out token accuracy**: the share of next words "
        "predicted right when the reference is fed in. This study ran **{total}** trials ({complete} finished, {pruned} stopped early, "
        "{failed} failed), each capped at a few seconds of training.",
        "zh": "不用网格，Optuna 的 TPE 采样器（贝叶斯优化）根据已有的分数提出下一组配置；中位数剪枝"
        "器在某次试验的留出集分数低于之前试验同一步的中位数时提前停止它。每次试验只训练几秒钟，太短，"
        "整句还译不完全对，所以分数用**留出集词元准确率**：把参考译文喂进去时，下一个词预测对的比例。"
        "这个研究一共跑了 "
        "**{total}** 次试验（{complete} 次完成，{pruned} 次被提前停止，{failed} 次失败），每次只训练"
        "几秒钟。",
    },
    "lab.search_cmd": {
        "en": "Run it yourself (several terminals or machines add trials to the same study):",
        "zh": "自己运行（多个终端或多台机器可以往同一个研究里添加试验）：",
    },
    "lab.study_missing": {"en": "The shipped study could not be read: {reason}",
                          "zh": "无法读取随附的搜索研究：{reason}"},
    "lab.tab.history": {"en": "Optimisation history", "zh": "优化历史"},
    "lab.tab.importances": {"en": "Parameter importances", "zh": "参数重要性"},
    "lab.tab.parallel": {"en": "Parallel coordinates", "zh": "平行坐标"},
    "lab.tab.slice": {"en": "Slice", "zh": "切片图"},
    "lab.study.history.title": {"en": "Optimisation history", "zh": "优化历史"},
    "lab.study.history.x": {"en": "trial", "zh": "试验编号"},
    "lab.study.history.y": {"en": "held-out token accuracy", "zh": "留出集词元准确率"},
    "lab.study.history.best": {"en": "best so far", "zh": "目前最好"},
    "lab.study.history.value": {"en": "trial's score", "zh": "试验分数"},
    "lab.study.importances.title": {"en": "Which choice mattered most (fANOVA)",
                                    "zh": "哪个选择最重要（fANOVA）"},
    "lab.study.importances.x": {"en": "importance", "zh": "重要性"},
    "lab.study.importances.y": {"en": "hyper-parameter", "zh": "超参数"},
    "lab.study.parallel.title": {"en": "Every finished trial, one line each",
                                 "zh": "每次完成的试验一条线"},
    "lab.study.slice.title": {"en": "Score against each choice", "zh": "分数与每个选择的关系"},
    "lab.study.slice.x": {"en": "trial", "zh": "试验编号"},
    "lab.study.slice.y": {"en": "token accuracy", "zh": "词元准确率"},
    "lab.token_acc": {"en": "token accuracy", "zh": "词元准确率"},
    "lab.fig_text.history": {
        "en": "Each dot is one trial; the line is the best score found so far. Pruned trials "
        "are not drawn (they have no final score).",
        "zh": "每个点是一次试验；线是目前找到的最好分数。被剪枝的试验没有最终分数，不画出。",
    },
    "lab.fig_text.importances": {
        "en": "How much of the variation in score each choice explains (computed when the "
        "study was exported).",
        "zh": "每个选择能解释多少分数的变化（在导出研究时计算）。",
    },
    "lab.fig_text.parallel": {
        "en": "Follow a line from left to right: one trial's choices and, at the end, its score.",
        "zh": "从左到右沿着一条线看：一次试验的各个选择，最后是它的分数。",
    },
    "lab.fig_text.slice": {
        "en": "One panel per choice: where the good scores lie along it. Darker dots are later "
        "trials.",
        "zh": "每个选择一个面板：好分数出现在哪里。颜色越深是越晚的试验。",
    },
    "lab.param.d_model": {"en": "width d_model", "zh": "宽度 d_model"},
    "lab.param.heads": {"en": "heads", "zh": "头数"},
    "lab.param.layers": {"en": "layers", "zh": "层数"},
    "lab.param.lr_factor": {"en": "learning-rate factor", "zh": "学习率倍数"},
    "lab.param.warmup": {"en": "warm-up steps", "zh": "预热步数"},
    "lab.param.label_smoothing": {"en": "label smoothing", "zh": "标签平滑"},
    "lab.best": {"en": "The search's best against the shipped model's choices",
                 "zh": "搜索找到的最好配置与随附模型的选择对比"},
    "lab.best_text": {
        "en": "The best trial (number {number}) reached **{value} %** held-out token accuracy "
        "(exact match {exact} %) on the lab task after {seconds:.0f} s of training. The shipped translation model was trained on the full corpus for much "
        "longer, so its choices answer a bigger question; the table sets them side by side.",
        "zh": "最好的试验（第 {number} 次）训练 {seconds:.0f} 秒后在实验任务上达到 **{value}%** 的留出集"
        "词元准确率（完全匹配率 {exact}%）。随附的"
        "翻译模型在完整语料上训练了长得多的时间，它的选择回答的是更大的问题；下表把两者并排列出。",
    },
    "lab.col.param": {"en": "hyper-parameter", "zh": "超参数"},
    "lab.col.best": {"en": "best trial", "zh": "最好的试验"},
    "lab.col.shipped": {"en": "shipped model", "zh": "随附模型"},
    "lab.no_best": {"en": "No trial of the study has finished yet.",
                    "zh": "这个研究还没有完成的试验。"},
    "lab.more.title": {"en": "Train one more", "zh": "再训练一个"},
    "lab.more.intro": {
        "en": "Pick a configuration: the tiny model (2 + 2 layers, d_model 64) with your changes "
        "trains from random weights in the background, in the same queue as *Train a model "
        "yourself*, where you watch its loss and exact match. One job per session at a time.",
        "zh": "选一个配置：在小模型（2 + 2 层，d_model 64）上做你的改动，从随机权重开始在后台训练，"
        "和“自己训练一个模型”用同一个队列，在那里看它的损失和完全匹配率。每个会话同时只能有一个任务。",
    },
    "lab.more.start": {"en": "Train this configuration", "zh": "训练这个配置"},
    "lab.more.bad": {"en": "This configuration cannot be trained: {reason}",
                     "zh": "这个配置无法训练：{reason}"},
}
