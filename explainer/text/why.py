"""Strings of confidence, "Why this word?" and "Switch heads off"."""

TEXT = {
    # --- confidence (sidebar, translation page) -------------------------------------------
    "conf.sidebar.translate": {"en": "The model's translation", "zh": "模型的译文"},
    "conf.sidebar.continue": {"en": "The model's continuation", "zh": "模型的续写"},
    "conf.legend": {
        "en": "Each token with the probability the model gave it: green ≥ 0.70, orange below, "
              "red below {threshold:.2f} (a guess).",
        "zh": "每个词元后是模型给它的概率：绿色 ≥ 0.70，橙色低于 0.70，红色低于 {threshold:.2f}"
              "（猜的）。",
    },
    "conf.more": {"en": "… and {n} more", "zh": "……另有 {n} 个"},
    "conf.lang.en": {"en": "English → English", "zh": "英文 → 英文"},
    "conf.lang.zh": {"en": "Chinese → Chinese", "zh": "中文 → 中文"},
    "conf.lang.None": {"en": "same language", "zh": "同一语言"},
    "conf.same_language": {
        "en": "{pair}: the model only learned to translate between English and Chinese. "
              "Asked for the language the sentence is already in, it still writes something, "
              "but that is not a translation. Choose the other direction or “auto”.",
        "zh": "{pair}：模型只学过英汉互译。要它译成句子本来的语言，它仍会写出些什么，但那不是"
              "翻译。请选另一个方向或“自动”。",
    },
    "conf.unknown": {
        "en": "The model has never seen these words and reads each as <unk>: {words}. "
              "Whatever it writes for them is a guess.",
        "zh": "模型从没见过这些词，都读作 <unk>：{words}。它为这些词写的内容是猜的。",
    },
    "conf.low": {
        "en": "The model is guessing: {n} token(s) written with probability below "
              "{threshold:.2f}; the least sure, “{token}” at step {step}, had only {prob:.3f}.",
        "zh": "模型在猜：有 {n} 个词元的概率低于 {threshold:.2f}；最没把握的是第 {step} 步的"
              "“{token}”，概率只有 {prob:.3f}。",
    },
    "conf.title": {"en": "How sure was the model?", "zh": "模型有多大把握？"},
    # --- "Why this word?" -----------------------------------------------------------------
    "why.title": {"en": "Why this word?", "zh": "为什么是这个词？"},
    "why.intro": {
        "en": "Attention weights say where a head read from, not why the model wrote a word. "
              "This page asks the model itself: how likely it finds any translation (yours "
              "too), which source words push it towards one word rather than another "
              "(gradients), how that compares with attention and attention rollout, and at "
              "which layer the answer appears (the logit lens).",
        "zh": "注意力权重只说明一个头从哪里读取信息，并不说明模型为什么写出某个词。本页直接问模型："
              "它认为任何译文（包括你的）有多大可能；哪些源词把它推向这个词而不是另一个（梯度）；"
              "这与注意力和注意力 rollout 相比如何；以及答案在第几层出现（logit lens）。",
    },
    "why.result.translate": {"en": "{source} → {output}", "zh": "{source} → {output}"},
    "why.result.continue": {"en": "{source} … {output}", "zh": "{source} …… {output}"},
    "why.cannot": {"en": "The model cannot do this here: {reason}",
                   "zh": "模型在这里做不到：{reason}"},
    "why.score.title": {"en": "Score any translation", "zh": "给任何译文打分"},
    "why.score.intro": {
        "en": "Type your own translation. The model reads it token by token (teacher forcing) "
              "and says how likely each token was after the ones before it. The total is the "
              "log-probability of the whole sentence (natural log; 0 = certain): the model's "
              "own greedy translation beside yours.",
        "zh": "输入你自己的译文。模型逐个词元读它（教师强制），给出每个词元在前面词元之后出现的"
              "概率。总分是整句的对数概率（自然对数；0 表示完全确定）。左边是模型自己的贪心译文，"
              "右边是你的。",
    },
    "why.score.mine": {"en": "Your translation", "zh": "你的译文"},
    "why.score.mine_help": {
        "en": "Any text; it is scored, never run as code. At most 500 characters.",
        "zh": "任何文字都可以；只用来打分，不会被当作代码。最多 500 个字符。",
    },
    "why.score.own": {"en": "The model's own translation", "zh": "模型自己的译文"},
    "why.score.yours": {"en": "Yours: {text}", "zh": "你的：{text}"},
    "why.score.empty": {
        "en": "Type a translation above to score it against the model's own.",
        "zh": "在上面输入一个译文，就能和模型自己的译文比较得分。",
    },
    "why.score.too_long": {
        "en": "Your translation has {n} characters; a translation to score may have at most "
              "{limit}. Shorten it.",
        "zh": "你的译文有 {n} 个字符；用来打分的译文最多 {limit} 个字符。请缩短。",
    },
    "why.score.token": {"en": "token", "zh": "词元"},
    "why.score.prob": {"en": "probability", "zh": "概率"},
    "why.score.rank": {"en": "rank", "zh": "排名"},
    "why.score.nll": {"en": "−log p", "zh": "−log p"},
    "why.score.total": {"en": "log P (total)", "zh": "log P（总和）"},
    "why.score.mean": {"en": "log P per token", "zh": "每个词元的 log P"},
    "why.score.verdict.better": {
        "en": "The model finds your translation **more** likely than its own, by {gap:.3f} "
              "(natural log): greedy decoding picks one word at a time and can miss the "
              "likelier sentence.",
        "zh": "模型认为你的译文比它自己的**更**可能，高出 {gap:.3f}（自然对数）：贪心解码一次只选"
              "一个词，可能错过整体更可能的句子。",
    },
    "why.score.verdict.same": {
        "en": "Your translation scores exactly as the model's own.",
        "zh": "你的译文得分与模型自己的完全相同。",
    },
    "why.score.verdict.worse": {
        "en": "The model finds your translation **less** likely than its own, by {gap:.3f} "
              "(natural log). That says what this model learned, not whether you are right.",
        "zh": "模型认为你的译文比它自己的**更不**可能，低 {gap:.3f}（自然对数）。这反映的是这个"
              "模型学到了什么，而不是你对不对。",
    },
    "why.contrast.title": {"en": "Why A rather than B?", "zh": "为什么是 A 而不是 B？"},
    "why.contrast.intro": {
        "en": "Pick a step of the model's translation and another word it considered there. "
              "The bars say which source tokens push towards the word it wrote (right) and "
              "which towards the other (left): integrated gradients of the difference of the "
              "two log-probabilities.",
        "zh": "选模型译文中的一步，以及模型在这一步考虑过的另一个词。条形图显示哪些源词元把模型推向"
              "它写的词（右），哪些推向另一个词（左）：对两个对数概率之差做积分梯度。",
    },
    "why.contrast.step": {"en": "Step", "zh": "步"},
    "why.contrast.other": {"en": "Instead of {a}, the word B", "zh": "代替 {a} 的词 B"},
    "why.contrast.no_other": {"en": "The model considered no other word at this step.",
                              "zh": "模型在这一步没有考虑别的词。"},
    "why.contrast.gap": {
        "en": "Step {step}: log p({a}) = {la:.3f}, log p({b}) = {lb:.3f}; the gap Δ = "
              "{gap:.3f} (the model prefers {a} by a factor e^Δ).",
        "zh": "第 {step} 步：log p({a}) = {la:.3f}，log p({b}) = {lb:.3f}；差 Δ = {gap:.3f}"
              "（模型对 {a} 的偏好是 {b} 的 e^Δ 倍）。",
    },
    "why.contrast.caption": {
        "en": "Right (red): pushes towards {a}; left (blue): towards {b}. The bars add up to "
              "the gap minus its value with every source word blanked out (completeness gap "
              "{completeness:.1%}).",
        "zh": "右（红）：推向 {a}；左（蓝）：推向 {b}。各条之和等于差值减去把所有源词抹去后的差值"
              "（完整性误差 {completeness:.1%}）。",
    },
    "why.attr.title": {"en": "Attribution beside attention", "zh": "归因与注意力并列"},
    "why.attr.intro": {
        "en": "Left: how much each source token changed each written token's log-probability "
              "(gradients, Captum). Middle: cross-attention of the chosen layer, heads "
              "averaged. Right: attention rollout (Abnar & Zuidema 2020), attention followed "
              "through every layer. When they disagree, the gradients are the measurement; "
              "attention is only where the heads read.",
        "zh": "左：每个源词元对每个输出词元的对数概率改变了多少（梯度，Captum）。中：所选层的"
              "交叉注意力（各头平均）。右：注意力 rollout（Abnar & Zuidema 2020），把注意力沿所有"
              "层追踪下去。三者不一致时，梯度才是测量结果；注意力只说明头从哪里读取。",
    },
    "why.attr.method": {"en": "Attribution method", "zh": "归因方法"},
    # The radio's options are URL-bound: the same label in both languages, or the chosen one
    # showed as unchosen after a language switch (as trn.mode_*).
    "why.attr.pick.ig": {"en": "Integrated gradients · 积分梯度",
                         "zh": "Integrated gradients · 积分梯度"},
    "why.attr.pick.grad-x-input": {"en": "Gradient × input · 梯度 × 输入",
                                   "zh": "Gradient × input · 梯度 × 输入"},
    "why.attr.method.ig": {"en": "Integrated gradients", "zh": "积分梯度"},
    "why.attr.method.grad-x-input": {"en": "Gradient × input", "zh": "梯度 × 输入"},
    "why.attr.value": {"en": "attribution (log p)", "zh": "归因（log p）"},
    "why.attr.running": {"en": "Taking gradients…", "zh": "正在计算梯度……"},
    "why.attr.completeness": {
        "en": "Integrated gradients, {steps} steps: each row adds up to log p(token) minus its "
              "value with a blank source, within a completeness gap of {gap:.1%}.",
        "zh": "积分梯度，{steps} 步：每行之和等于 log p(词元) 减去源句为空白时的值，完整性误差 "
              "{gap:.1%}。",
    },
    "why.attr.refined": {
        "en": "{n} of the rows (tokens the source barely moves, whose small difference needs a "
              "finer integral) were integrated again with up to {most} steps.",
        "zh": "其中 {n} 行（源句几乎不影响的词元，差值很小，需要更细的积分）用最多 {most} 步重新积分。",
    },
    "why.attr.truncated": {
        "en": "Gradients are taken on the first {n} source tokens only.",
        "zh": "梯度只对前 {n} 个源词元计算。",
    },
    "why.attr.no_match": {
        "en": "This view's rows do not line up with the attribution's for this input.",
        "zh": "对这个输入，这个视图的行与归因的行对不上。",
    },
    "why.attr.attention": {"en": "Attention, layer {layer} (mean of heads)",
                           "zh": "注意力，第 {layer} 层（各头平均）"},
    "why.attr.rollout": {"en": "Attention rollout", "zh": "注意力 rollout"},
    "why.attr.caption": {
        "en": "Attribution: red pushes the written token up, blue pushes it down (colour "
              "scale symmetric about 0). Attention and rollout: weights in [0, 1], each row "
              "sums to 1.",
        "zh": "归因：红色提高输出词元的概率，蓝色降低（色标以 0 为中心对称）。注意力与 rollout："
              "权重在 [0, 1] 之间，每行之和为 1。",
    },
    "why.words": {"en": "Chinese words, not characters", "zh": "按中文词而不是字"},
    "why.words_help": {
        "en": "Group Chinese characters into words (jieba); a word's columns are added up, so "
              "every row keeps its sum. Hover a column for its pinyin.",
        "zh": "用 jieba 把汉字合成词；一个词的各列相加，所以每行之和不变。鼠标移到列上可看拼音。",
    },
    "why.specials": {"en": "Show special tokens", "zh": "显示特殊词元"},
    "why.specials_why": {
        "en": "Special tokens (<eos>, </s>, <2zh>, [CLS]) carry no word, yet heads often put "
              "much of their weight on them: a place to park attention when a head has nothing "
              "to look for. Hide them to see how the rest is shared among the words.",
        "zh": "特殊词元（<eos>、</s>、<2zh>、[CLS]）不代表任何词，但头常把大量权重放在它们上面："
              "头无处可看时就把注意力“停”在那里。隐藏它们，可以看清其余权重如何分给各个词。",
    },
    "why.agree.title": {"en": "Do they agree?", "zh": "它们一致吗？"},
    "why.agree.attention": {"en": "attribution vs attention", "zh": "归因 vs 注意力"},
    "why.agree.rollout": {"en": "attribution vs rollout", "zh": "归因 vs rollout"},
    "why.agree.caption": {
        "en": "Per written token, Spearman's rank correlation between the size of the "
              "attribution and the weight of each source token (1: same order, 0: unrelated, "
              "−1: reversed; no bar: a row without a ranking).",
        "zh": "对每个输出词元，归因大小与各源词元权重之间的 Spearman 等级相关（1：顺序相同，0："
              "无关，−1：相反；没有条：该行无法排序）。",
    },
    "why.enc.title": {"en": "Encoder rollout: where each source vector comes from",
                      "zh": "编码器 rollout：每个源向量来自哪里"},
    "why.enc.row": {"en": "encoder output", "zh": "编码器输出"},
    "why.enc.caption": {
        "en": "Attention rollout across the encoder's layers (Abnar & Zuidema 2020): heads "
              "averaged, the identity added for the residual connection, rows renormalised, "
              "layers multiplied. Row i: how much of encoder output i can be traced to each "
              "source token. Each row sums to 1.",
        "zh": "沿编码器各层的注意力 rollout（Abnar & Zuidema 2020）：各头平均，加上单位矩阵代表残差"
              "连接，每行重新归一化，再把各层相乘。第 i 行：编码器第 i 个输出可以追溯到各源词元的"
              "比例。每行之和为 1。",
    },
    "why.lens.title": {"en": "Logit lens: where the answer appears",
                       "zh": "Logit lens：答案在哪一层出现"},
    "why.lens.intro": {
        "en": "Each decoder layer's output, read through the model's own output layer exactly "
              "as the last layer is: the word that layer would already predict (in the cell) "
              "and its probability (colour). Hover for the probability of the final answer.",
        "zh": "把每个解码器层的输出，按最后一层的方式送进模型自己的输出层：格子里是这一层已经会"
              "预测的词，颜色是它的概率。鼠标悬停可看最终答案在这一层的概率。",
    },
    "why.lens.embedding": {"en": "embedding", "zh": "嵌入"},
    "why.lens.layer": {"en": "layer {n}", "zh": "第 {n} 层"},
    "why.lens.position": {"en": "input → final answer", "zh": "输入 → 最终答案"},
    "why.lens.answer": {"en": "P(final answer)", "zh": "P（最终答案）"},
    "why.lens.from": {"en": "{token} from {layer}", "zh": "{token} 从{layer}起"},
    "why.lens.sep": {"en": "; ", "zh": "；"},
    "why.lens.summary": {"en": "The answer is the top word (and stays so): {items}.",
                         "zh": "答案成为首选（并保持）：{items}。"},
    "why.lens.caption": {
        "en": "The bottom row reads the embeddings before any layer; the top row is the "
              "model's real prediction.",
        "zh": "最下一行读的是未经任何层的嵌入；最上一行就是模型真正的预测。",
    },
    # --- "Switch heads off" ----------------------------------------------------------------
    "int.title": {"en": "Switch heads off", "zh": "关掉注意力头"},
    "int.intro": {
        "en": "An attention map shows where a head looked; switching the head off shows "
              "whether the translation needed it. Pick heads (or drop a source word), and the "
              "model runs again without them: its new output, how the probability of each "
              "word of the old output moved, and how attention changed.",
        "zh": "注意力图显示一个头看了哪里；关掉这个头才能看出译文是否需要它。选几个头（或删去一个"
              "源词），模型会在没有它们的情况下重新运行：新的输出、原输出中每个词的概率如何变化，"
              "以及注意力怎样改变。",
    },
    "int.heads": {"en": "Heads to switch off", "zh": "要关掉的头"},
    "int.heads_help": {
        "en": "enc: encoder self-attention; dec: decoder self-attention; cross: the decoder "
              "reading the source. L = layer, H = head, counted from 1.",
        "zh": "enc：编码器自注意力；dec：解码器自注意力；cross：解码器读取源句。L = 层，H = 头，"
              "从 1 开始数。",
    },
    "int.heads_none": {"en": "No head switched off", "zh": "没有关掉任何头"},
    "int.mode": {"en": "Switch off by", "zh": "关闭方式"},
    "int.mode.zero": {"en": "zero · 置零", "zh": "zero · 置零"},
    "int.mode.mean": {"en": "mean · 取均值", "zh": "mean · 取均值"},
    "int.mode_help.zero": {
        "en": "Zero: the head's output z (before W_O) is 0 at every position.",
        "zh": "置零：该头的输出 z（乘 W_O 之前）在每个位置都为 0。",
    },
    "int.mode_help.mean": {
        "en": "Mean: the head's output z at every position is replaced by its mean over the "
              "sentence, so it still adds its usual offset but no longer depends on the word.",
        "zh": "取均值：该头在每个位置的输出 z 都换成它在整句上的平均值，仍加上通常的偏移，但不再"
              "随词变化。",
    },
    "int.last_layer": {"en": "All heads of the last layer", "zh": "最后一层的全部头"},
    "int.clear": {"en": "Clear", "zh": "清除"},
    "int.drop.translate": {"en": "Drop source tokens", "zh": "删去源词元"},
    "int.drop.continue": {"en": "Drop prompt tokens", "zh": "删去提示词元"},
    "int.drop_none": {"en": "None dropped", "zh": "没有删去"},
    "int.result.title": {"en": "What changed", "zh": "改变了什么"},
    "int.nothing": {
        "en": "Pick one or more heads above, or a source token to drop, to re-run the model "
              "without them.",
        "zh": "在上面选一个或几个头，或者选一个要删去的源词元，就能在没有它们的情况下重新运行模型。",
    },
    "int.before": {"en": "Every head on: {text}", "zh": "所有头都开着：{text}"},
    "int.after": {"en": "With the change: {text}", "zh": "改变之后：{text}"},
    "int.changed": {"en": "The output changed.", "zh": "输出变了。"},
    "int.same": {
        "en": "The same output; the probabilities below say how much less (or more) sure the "
              "model is of it.",
        "zh": "输出相同；下面的概率说明模型对它的把握少了（或多了）多少。",
    },
    "int.total": {
        "en": "log P of the original output: {before:.3f} with every head on, {after:.3f} with "
              "the change (Δ = {delta:+.3f}).",
        "zh": "原输出的 log P：所有头开着时 {before:.3f}，改变之后 {after:.3f}（Δ = {delta:+.3f}）。",
    },
    "int.on": {"en": "every head on", "zh": "所有头开着"},
    "int.off": {"en": "with the change", "zh": "改变之后"},
    "int.change_caption": {
        "en": "Each word of the original output, read again by the changed model (teacher "
              "forcing): its probability before and after.",
        "zh": "把原输出的每个词交给改变后的模型重新读（教师强制）：改变前后的概率。",
    },
    "int.attn_before": {"en": "Before, layer {layer} (mean of heads)",
                        "zh": "改变前，第 {layer} 层（各头平均）"},
    "int.attn_after": {"en": "After, layer {layer} (mean of heads)",
                       "zh": "改变后，第 {layer} 层（各头平均）"},
    "int.attn_caption": {
        "en": "A head switched off still computes its weights; what changes is what it passes "
              "on, so attention changes in the layers above it (and rows follow the new "
              "output).",
        "zh": "被关掉的头仍然计算权重；改变的是它向后传递的内容，所以变化出现在它上面的各层"
              "（行对应新的输出）。",
    },
    "int.imp.title": {"en": "Head importance", "zh": "头的重要性"},
    "int.imp.intro": {
        "en": "For the model's own translation of the sentence: how much its log-probability "
              "drops when each head alone is switched off. Every cell is a real re-run.",
        "zh": "对模型自己的译文：每次只关掉一个头，整句对数概率下降多少。每个格子都是一次真实的"
              "重新运行。",
    },
    "int.imp.running": {"en": "Re-running once per head…", "zh": "正在为每个头重新运行……"},
    "int.imp.value": {"en": "drop in log P", "zh": "log P 的下降"},
    "int.imp.cli": {"en": "--ablate", "zh": "--ablate"},
    "int.imp.top": {"en": "The most important heads", "zh": "最重要的头"},
    "int.imp.caption": {
        "en": "log P of the translation with every head on: {base:.3f}. Red: the translation "
              "becomes less likely without the head; blue: more likely. Switched off by: "
              "{mode}. Framed: the heads chosen above.",
        "zh": "所有头开着时译文的 log P：{base:.3f}。红色：没有这个头译文变得更不可能；蓝色："
              "更可能。关闭方式：{mode}。加框的是上面选中的头。",
    },
    "int.stage": {"en": "Attention", "zh": "注意力"},
    "int.stage.enc": {"en": "encoder self-attention · 编码器自注意力", "zh": "encoder self-attention · 编码器自注意力"},
    "int.stage.dec": {"en": "decoder self-attention · 解码器自注意力", "zh": "decoder self-attention · 解码器自注意力"},
    "int.stage.cross": {"en": "cross-attention · 交叉注意力", "zh": "cross-attention · 交叉注意力"},
    # --- the beam-search tree (translation page) --------------------------------------------
    "beam.status.best": {"en": "on the best hypothesis", "zh": "在最佳假设上"},
    "beam.status.kept": {"en": "kept, extended at the next step", "zh": "保留，下一步被扩展"},
    "beam.status.pruned": {"en": "pruned: no continuation stayed in the beam",
                           "zh": "剪掉：没有一个延续留在束中"},
    "beam.status.finished": {"en": "finished (<eos>)", "zh": "已结束（<eos>）"},
    "beam.status.end": {"en": "alive when the search stopped", "zh": "搜索停止时仍在束中"},
    "beam.step_title": {"en": "One step of the search", "zh": "搜索中的一步"},
    "beam.node": {"en": "Node (click one in the tree)", "zh": "节点（可在树上点击）"},
    "beam.node_help": {
        "en": "Step: the prefix it extends → the token it adds.",
        "zh": "步：它延续的前缀 → 它加上的词元。",
    },
    "beam.col.prefix": {"en": "prefix", "zh": "前缀"},
    "beam.col.token": {"en": "token", "zh": "词元"},
    "beam.col.prob": {"en": "p(token | prefix)", "zh": "p(词元 | 前缀)"},
    "beam.col.log_prob": {"en": "log P", "zh": "log P"},
    "beam.col.lp": {"en": "lp", "zh": "lp"},
    "beam.col.score": {"en": "log P / lp", "zh": "log P / lp"},
    "beam.col.status": {"en": "what became of it", "zh": "结果"},
    "beam.step_caption": {
        "en": "Every candidate kept at step {step}. Grey crosses in the tree were pruned: none "
              "of their continuations was among the best at the next step. Length penalty at "
              "this step lp = ((5 + {step}) / 6)^{alpha} = {lp}; a finished sentence is ranked "
              "by log P / lp.",
        "zh": "第 {step} 步保留的全部候选。树上的灰色叉号被剪掉了：它们的延续在下一步都不在最佳之列。"
              "这一步的长度惩罚 lp = ((5 + {step}) / 6)^{alpha} = {lp}；结束的句子按 log P / lp "
              "排序。",
    },
    "beam.dist_caption": {
        "en": "The model's ten most likely next tokens at step {step} after “{prefix}”; "
              "orange: {token}, the token this node adds.",
        "zh": "在“{prefix}”之后第 {step} 步，模型最可能的十个下一个词元；橙色：{token}，即这个"
              "节点加上的词元。",
    },
}
