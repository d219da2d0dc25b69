"""Text of the Training page (app_pages/training.py): the training film and the cost."""

TEXT = {
    "film.title": {"en": "How a model learns", "zh": "模型是怎样学会的"},
    "film.intro": {
        "en": "A Transformer starts as **random matrices W₀**: it translates nonsense. Training "
              "repeats one idea: translate a batch of sentence pairs, compute the **cost** (how "
              "unlikely the model found the right words), change every shared matrix W a little "
              "against the gradient, repeat until the cost is smallest. This film recorded a "
              "small model ({layers} + {layers} layers, d_model {d_model}, {vocab} words) at "
              "{n} moments of its training, from step 0 to step {last}. Move the slider: the "
              "same sentence, the same formulas, only W changes.",
        "zh": "Transformer 一开始只是**随机矩阵 W₀**：它的译文毫无意义。训练只重复一件事：翻译一批"
              "句对，计算**代价**（模型认为正确的词有多不可能），沿梯度的反方向把每个共享矩阵 W "
              "改一点点，再重复，直到代价最小。这部“影片”记录了一个小模型（{layers} + {layers} "
              "层，d_model {d_model}，{vocab} 个词）训练中的 {n} 个时刻，从第 0 步到第 {last} "
              "步。拖动滑块：同一个句子、同样的公式，变的只有 W。",
    },
    "film.missing": {
        "en": "The training film is not in this installation. Record it with "
              "`python -m training.film` (about two minutes).",
        "zh": "本安装中没有训练影片。用 `python -m training.film` 录制（约两分钟）。",
    },
    "film.step": {"en": "Training step", "zh": "训练步数"},
    "film.step_help": {
        "en": "The recorded snapshots, roughly log-spaced: most change happens early.",
        "zh": "记录下来的快照，步数大致按对数间隔：大部分变化发生在前期。",
    },
    "film.play": {"en": "Play the film", "zh": "播放影片"},
    "film.pause": {"en": "Pause", "zh": "暂停"},
    "film.play_help": {"en": "Steps forward one snapshot every second, then stops at the end.",
                       "zh": "每秒前进一个快照，到最后一步停止。"},
    "film.unknown": {
        "en": "The film's model knows only a small vocabulary; not in it: {words}. Try "
              "我爱你 or Smart John is singing.",
        "zh": "影片中的模型只认识一小套词汇；不认识：{words}。试试“我爱你”或"
              "“Smart John is singing”。",
    },
    "film.translation": {"en": "At step {step} the model translates **{source}** as **{output}**",
                         "zh": "第 {step} 步时，模型把 **{source}** 译为 **{output}**"},
    "film.final_translation": {"en": "At the end (step {step}): {output}",
                               "zh": "训练结束时（第 {step} 步）：{output}"},
    "film.metrics_loss": {"en": "Training loss", "zh": "训练损失"},
    "film.metrics_match": {"en": "Held-out exact match", "zh": "留出集完全匹配"},
    "film.metrics_sharp": {"en": "Cross-attention focus", "zh": "交叉注意力集中度"},
    "film.sharp_help": {
        "en": "The mean over written tokens of the largest cross-attention weight (last decoder "
              "layer, heads averaged): 1/(source length) is no focus at all, 1 is one source "
              "word per written word.",
        "zh": "各输出词最大交叉注意力权重的平均（最后一层解码器，各头平均）：1/(源句长度) 表示"
              "毫无焦点，1 表示每个输出词只看一个源词。",
    },
    "film.match_help": {
        "en": "Sentences whose (subject, verb, object) combination never appeared in training, "
              "translated exactly right, both directions averaged.",
        "zh": "（主语、动词、宾语）组合从未在训练中出现过的句子，完全译对的比例，两个方向平均。",
    },
    "film.loss_title": {"en": "The cost falls", "zh": "代价下降"},
    "film.loss_caption": {
        "en": "Loss per target token (label-smoothed cross-entropy, averaged over 20 steps) and "
              "held-out exact match; the red line is the step shown. The step axis is "
              "logarithmic, like the snapshots.",
        "zh": "每个目标词的损失（标签平滑交叉熵，20 步平均）与留出集完全匹配率；红线是当前显示的"
              "步数。步数轴是对数刻度，和快照一样。",
    },
    "film.step_axis": {"en": "step", "zh": "步数"},
    "film.loss_axis": {"en": "loss", "zh": "损失"},
    "film.match_axis": {"en": "exact match", "zh": "完全匹配"},
    "film.cross_title": {"en": "Cross-attention: where each written word looks",
                         "zh": "交叉注意力：每个输出词看向哪里"},
    "film.cross_caption": {
        "en": "Last decoder layer, {which}. At W₀ the weights are spread almost evenly (noise); "
              "trained, each written word looks at the source word it translates.",
        "zh": "最后一层解码器，{which}。在 W₀ 时权重几乎均匀分布（噪声）；训练后，每个输出词看向"
              "它所翻译的源词。",
    },
    "film.heads_mean": {"en": "heads averaged", "zh": "各头平均"},
    "film.head_n": {"en": "head {n}", "zh": "第 {n} 个头"},
    "film.head_pick": {"en": "Head", "zh": "头"},
    "film.mean_option": {"en": "mean · 平均", "zh": "mean · 平均"},
    "film.self_title": {"en": "Encoder self-attention, one head",
                        "zh": "编码器自注意力（一个头）"},
    "film.self_caption": {"en": "Encoder layer {layer}, head {head}: how the source words read "
                                "each other.",
                          "zh": "编码器第 {layer} 层、第 {head} 个头：源句的词如何互相读取。"},
    "film.written": {"en": "written", "zh": "输出"},
    "film.source": {"en": "source", "zh": "源句"},
    "film.query": {"en": "query", "zh": "查询"},
    "film.key": {"en": "key", "zh": "键"},
    "film.weight": {"en": "weight", "zh": "权重"},
    "film.emb_title": {"en": "The sentence's words in embedding space",
                       "zh": "句中词语在嵌入空间中的位置"},
    "film.emb_caption": {
        "en": "Each word's row of the embedding matrix E, projected on two axes fitted once by "
              "PCA on the final step's whole vocabulary, and kept for every step: what moves is "
              "the embedding, not the axes. At W₀ the words sit near the middle at random; "
              "training spreads them out.",
        "zh": "每个词在嵌入矩阵 E 中的那一行，投影到两条坐标轴上；坐标轴只在最后一步的整个词表上用 "
              "PCA 拟合一次，每一步都用同一组：移动的是嵌入，而不是坐标轴。在 W₀ 时词语随机地挤在"
              "中间；训练把它们分开。",
    },
    "film.emb_source": {"en": "source words", "zh": "源句的词"},
    "film.emb_target": {"en": "translation words", "zh": "译文的词"},
    "film.grad_title": {"en": "Gradient norm per layer", "zh": "每层的梯度范数"},
    "film.grad_caption": {
        "en": "‖∇L‖ of each layer's matrices at logged step {step}: how hard the cost pulls on "
              "them. Large while the model is wrong, small once the cost is low. The axis is "
              "logarithmic and the same for every step.",
        "zh": "第 {step} 步（记录点）时每层矩阵的 ‖∇L‖：代价对它们的拉力有多大。模型错时大，"
              "代价低时小。纵轴是对数刻度，每一步都相同。",
    },
    "film.layer_axis": {"en": "layer", "zh": "层"},
    "film.see_pages": {
        "en": "Every page can show any snapshot: pick **trained@{step}** as the model in the "
              "sidebar.",
        "zh": "每个页面都可以显示任意快照：在侧边栏中选择模型 **trained@{step}**。",
    },
    # -- the cost ---------------------------------------------------------------------------
    "cost.title": {"en": "The cost, made concrete", "zh": "代价，具体地算一遍"},
    "cost.intro": {
        "en": "For the sentence on screen and a translation (the model's own, or one you type), "
              "the model gives each right word a probability p. The cost of that word is −log p: "
              "0 when the model is sure and right, large when it found the right word unlikely. "
              "Training adds label smoothing (§5.4): the target is not 100 % on the right word "
              "but {keep:.0%} on it, plus {eps} spread over all {vocab} words.",
        "zh": "对屏幕上的句子和一个译文（模型自己的，或你输入的），模型给每个正确的词一个概率 p。"
              "这个词的代价是 −log p：模型确定且正确时为 0，认为正确词不太可能时就很大。训练还用了"
              "标签平滑（§5.4）：目标不是 100% 在正确的词上，而是 {keep:.0%} 在它上，再把 {eps} "
              "平均分给全部 {vocab} 个词。",
    },
    "cost.only_ours": {
        "en": "The cost and the training step are computed for our own translation models "
              "(trained, untrained, trained@STEP); {model} is shown with the shipped model.",
        "zh": "代价和训练一步只对我们自己的翻译模型（trained、untrained、trained@STEP）计算；"
              "{model} 改用随附的训练好的模型显示。",
    },
    "cost.model": {"en": "Model: **{model}**", "zh": "模型：**{model}**"},
    "cost.reference": {"en": "Right translation (what the cost is measured against)",
                       "zh": "正确译文（代价以它为准）"},
    "cost.reference_help": {
        "en": "Starts as the model's own translation. Type another to see what it costs and "
              "what one training step on it changes.",
        "zh": "初始为模型自己的译文。输入另一个译文，看它的代价，以及用它训练一步会改变什么。",
    },
    "cost.token": {"en": "target token", "zh": "目标词"},
    "cost.p_right": {"en": "p(right word)", "zh": "p(正确词)"},
    "cost.neg_log": {"en": "−log p", "zh": "−log p"},
    "cost.smoothed": {"en": "smoothed loss", "zh": "平滑后的损失"},
    "cost.per_token_title": {"en": "The cost of each word", "zh": "每个词的代价"},
    "cost.total": {
        "en": "The sentence's loss: mean −log p = **{nll:.3f}**; with label smoothing (what "
              "training minimises) = **{loss:.3f}**, over {n} target tokens.",
        "zh": "这句话的损失：−log p 的平均 = **{nll:.3f}**；加上标签平滑（训练所最小化的）= "
              "**{loss:.3f}**，共 {n} 个目标词。",
    },
    "cost.pick_token": {"en": "Token whose target to show", "zh": "显示哪个目标词的目标分布"},
    "cost.target_title": {"en": "One-hot target, label smoothing and the model",
                          "zh": "独热目标、标签平滑与模型"},
    "cost.target_caption": {
        "en": "The right word and the model's {k} next most likely words. One-hot puts 1 on the "
              "right word; label smoothing keeps {keep:.0%} there and spreads {eps} evenly over "
              "the whole vocabulary ({each:.5f} per word), so the model is never pushed to be "
              "infinitely sure.",
        "zh": "正确的词和模型认为最可能的另外 {k} 个词。独热目标把 1 放在正确词上；标签平滑在那里"
              "留 {keep:.0%}，把 {eps} 平均分给整个词表（每个词 {each:.5f}），所以模型从不被推向"
              "无限确定。",
    },
    "cost.one_hot": {"en": "one-hot", "zh": "独热"},
    "cost.smooth": {"en": "label smoothing", "zh": "标签平滑"},
    "cost.model_probs": {"en": "model", "zh": "模型"},
    "cost.prob": {"en": "probability", "zh": "概率"},
    "cost.step_title": {"en": "One step of gradient descent, live", "zh": "梯度下降的一步（现场计算）"},
    "cost.step_intro": {
        "en": "Change every matrix by W ← W − η ∇L, using this one sentence pair only. It runs "
              "on a copy: the model everyone else uses is not changed.",
        "zh": "只用这一个句对，把每个矩阵改为 W ← W − η ∇L。它在一个副本上运行："
              "其他人使用的模型不会被改变。",
    },
    "cost.lr": {"en": "Learning rate η", "zh": "学习率 η"},
    "cost.run_step": {"en": "Take one step", "zh": "走一步"},
    "cost.before_after": {"en": "Loss before → after", "zh": "之前 → 之后的损失"},
    "cost.new_translation": {"en": "Translation before: {before}  \nTranslation after: {after}",
                             "zh": "之前的译文：{before}  \n之后的译文：{after}"},
    "cost.change_title": {"en": "Which matrices changed most (‖ΔW‖)",
                          "zh": "哪些矩阵变化最大（‖ΔW‖）"},
    "cost.change_caption": {
        "en": "The {n} parameters that moved most, by the Frobenius norm of their change. "
              "Every matrix the sentence passed through changed a little.",
        "zh": "变化最大的 {n} 个参数，按变化量的 Frobenius 范数排序。句子经过的每个矩阵都变了"
              "一点点。",
    },
    "cost.change_axis": {"en": "‖ΔW‖", "zh": "‖ΔW‖"},
    "cost.input_error": {"en": "This translation cannot be scored: {reason}",
                         "zh": "无法为这个译文打分：{reason}"},
    "cost.step_hint": {"en": "Press the button to take the step.",
                       "zh": "按下按钮执行这一步。"},
}
