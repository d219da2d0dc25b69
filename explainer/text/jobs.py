"""Text of the live training page (app_pages/train_live.py, ui/jobs.py)."""

TEXT = {
    "jobs.title": {"en": "Train a model yourself", "zh": "亲手训练一个模型"},
    "jobs.intro": {
        "en": "A fresh, small translation Transformer starts from **random weights W₀**: it "
              "translates nonsense. Training repeats one idea: translate a batch of sentence "
              "pairs, measure the **cost** (cross-entropy: how unlikely the model found the "
              "right words), change every shared matrix W a little against the gradient, "
              "repeat. Watch the cost fall, and the attention turn from noise into "
              "我→I, 爱→love, 你→you. The small model learns a small vocabulary (a few dozen "
              "words: try 我爱你 or Smart John is singing).",
        "zh": "一个全新的小型翻译 Transformer 从**随机权重 W₀** 开始：它的译文毫无意义。"
              "训练只重复一件事：翻译一批句对，计算**代价**（交叉熵：模型认为正确词有多不可能），"
              "沿梯度的反方向把每个共享矩阵 W 改一点点，再重复。看代价下降，看注意力从噪声变成"
              "我→I、爱→love、你→you 的对齐。这个小模型只学一小套词汇（几十个词：试试“我爱你”或"
              "“Smart John is singing”）。",
    },
    "jobs.start": {"en": "Train a small model from random weights",
                   "zh": "从随机权重训练一个小模型"},
    "jobs.cap": {
        "en": "Time cap: {seconds:.0f} s per run. At most {slots} run(s) at once; others wait "
              "in a queue. Training runs in a background process at low priority.",
        "zh": "时间上限：每次 {seconds:.0f} 秒。同时最多运行 {slots} 个，其余排队等待。"
              "训练在后台进程中以低优先级运行。",
    },
    "jobs.queue_full": {"en": "The queue is full. Try again when a run has finished.",
                        "zh": "队列已满。请等某次训练结束后再试。"},
    "jobs.watch_running": {"en": "Watch the run training now ({id})",
                           "zh": "观看正在进行的训练（{id}）"},
    "jobs.watch_queued": {"en": "Waiting run {id}: number {position} in the queue",
                          "zh": "排队中的训练 {id}：第 {position} 位"},
    "jobs.bad_id": {"en": "This link names no training run we know: {reason}",
                    "zh": "此链接中的训练编号无效：{reason}"},
    "jobs.expired": {
        "en": "This run has been cleaned up: finished runs are kept for {hours:.0f} h, and "
              "only the newest {keep}. Train a new one below.",
        "zh": "这次训练已被清理：已结束的训练只保留 {hours:.0f} 小时，且只保留最新的 {keep} 个。"
              "可以在下面重新训练一个。",
    },
    "jobs.id": {"en": "Run {id}: share this page's link and others can watch it.",
                "zh": "训练 {id}：分享本页链接，其他人即可一起观看。"},
    "jobs.queued": {
        "en": "Waiting: number {position} in the queue ({slots} run(s) train at once). It "
              "starts by itself when a slot frees.",
        "zh": "等待中：队列第 {position} 位（同时训练 {slots} 个）。有空位时会自动开始。",
    },
    "jobs.starting": {"en": "Starting the training process (loading PyTorch)…",
                      "zh": "正在启动训练进程（加载 PyTorch）……"},
    "jobs.stopping": {"en": "Stopping: the model learned so far is being saved…",
                      "zh": "正在停止：正在保存目前学到的模型……"},
    "jobs.watching": {"en": "You are watching this run; only the session that started it can "
                            "stop it.",
                      "zh": "你正在观看这次训练；只有启动它的会话可以停止它。"},
    "jobs.stop": {"en": "Stop training", "zh": "停止训练"},
    "jobs.stop_refused": {"en": "This run cannot be stopped from here: {reason}",
                          "zh": "无法在此停止这次训练：{reason}"},
    "jobs.progress": {
        "en": "Step {step} of {steps} · {elapsed:.0f} s of at most {cap:.0f} s · held-out "
              "exact match {match}",
        "zh": "第 {step} / {steps} 步 · 已用 {elapsed:.0f} 秒（上限 {cap:.0f} 秒）· "
              "未见句子完全正确率 {match}",
    },
    "jobs.curve_title": {"en": "The cost falls, the held-out score rises",
                         "zh": "代价下降，未见句子的得分上升"},
    "jobs.loss": {"en": "loss (cross-entropy)", "zh": "损失（交叉熵）"},
    "jobs.match": {"en": "held-out exact match", "zh": "未见句子完全正确率"},
    "jobs.step": {"en": "training step", "zh": "训练步数"},
    "jobs.no_snapshot": {"en": "The first snapshot of the model comes in a few seconds.",
                         "zh": "几秒后会出现模型的第一个快照。"},
    "jobs.snapshot_moved": {"en": "A newer snapshot is being written; it shows in a moment.",
                            "zh": "正在写入更新的快照，稍后显示。"},
    "jobs.translation": {"en": "{source} → {output}", "zh": "{source} → {output}"},
    "jobs.snapshot": {"en": "The model as it was at step {step}; refreshed every few seconds.",
                      "zh": "第 {step} 步时的模型；每隔几秒刷新。"},
    "jobs.cross_title": {"en": "Cross-attention, last layer ({layer}), mean over heads",
                         "zh": "交叉注意力，最后一层（第 {layer} 层），各头平均"},
    "jobs.first_look": {
        "en": "Writing its first token “{written}”, the model looks most at “{token}” "
              "({weight:.2f}).",
        "zh": "写第一个词“{written}”时，模型最关注“{token}”（{weight:.2f}）。",
    },
    "jobs.failed": {"en": "This training run failed; the app keeps working. {reason}",
                    "zh": "这次训练失败了，应用仍可正常使用。{reason}"},
    "jobs.stopped": {"en": "This run was stopped: {reason}", "zh": "这次训练已停止：{reason}"},
    "jobs.stopped_by_owner": {"en": "stopped by the person who started it",
                              "zh": "由启动者停止"},
    "jobs.done": {
        "en": "Finished: {steps} steps in {seconds:.0f} s, held-out exact match {match}.",
        "zh": "完成：{seconds:.0f} 秒内训练了 {steps} 步，未见句子完全正确率 {match}。",
    },
    "jobs.use": {"en": "Use my model on every page", "zh": "在所有页面使用我的模型"},
    "jobs.use_help": {
        "en": "Your model is “{name}” in the sidebar's model list (or ?model={name} in a "
              "link). It is kept for {hours:.0f} h and never replaces the shipped model.",
        "zh": "你的模型在侧栏模型列表中名为“{name}”（或在链接中写 ?model={name}）。"
              "它保留 {hours:.0f} 小时，不会替换自带的模型。",
    },
    "jobs.again": {"en": "Train another model", "zh": "再训练一个模型"},
}
