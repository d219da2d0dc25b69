"""Text for the page "BERT: fill in the blank" (TEACHING.md row 12): cover words, watch a
masked-language model guess them with its attention, and what pre-training bought."""

TEXT = {
    "bert.title": {"en": "BERT: fill in the blank", "zh": "BERT：完形填空"},
    "bert.intro": {
        "en": "BERT learns without any translation: some words of x are covered with **[MASK]** "
        "and the model learns to guess them from the words around them. Cover words of the "
        "sidebar's sentence below and watch **{model}** fill the blanks, with the attention it "
        "used to guess.",
        "zh": "BERT 的训练不需要任何翻译：把 x 里的一些词盖住（换成 **[MASK]**），让模型根据周围的"
        "词去猜被盖住的词。在下面盖住侧边栏句子里的词，看 **{model}** 怎样填空，以及它猜的时候用到"
        "的注意力。",
    },
    "bert.article": {
        "en": "The article: “除了Transformer以外，另一个技术Bert也是……其核心是一个简化的Transformer，"
        "Bert不去做从A翻译到B，它随机遮住X里面的一些单词或句子让算法优化对遮住部分的预测。……如果通过"
        "Bert进行预训练，相当于给矩阵加入了先验知识。” In English: “Its core is a simplified "
        "Transformer. BERT does not translate from A to B: it randomly covers some words or "
        "sentences of X and has the algorithm learn to predict the covered parts. … Pre-training "
        "with BERT is like giving the matrices prior knowledge.”",
        "zh": "文章说：“除了Transformer以外，另一个技术Bert也是……其核心是一个简化的Transformer，"
        "Bert不去做从A翻译到B，它随机遮住X里面的一些单词或句子让算法优化对遮住部分的预测。……如果通过"
        "Bert进行预训练，相当于给矩阵加入了先验知识，提高了正式训练时初始矩阵的准确度。”",
    },
    "bert.model_fallback": {
        "en": "The sidebar's model **{model}** was not trained to fill blanks, so this page uses "
        "**{fill}**, our masked-language model (a Hugging Face BERT folder with a masked-LM head "
        "also works: choose it in the sidebar).",
        "zh": "侧边栏的模型 **{model}** 没有学过填空，所以本页使用我们的掩码语言模型 **{fill}**"
        "（带掩码语言模型头的 Hugging Face BERT 文件夹也可以：在侧边栏选择它）。",
    },
    "bert.no_fill_model": {
        "en": "No model here can fill blanks: the sidebar's model **{model}** was not trained "
        "to, and {fill} is not in the models folder. Choose a Hugging Face BERT with a "
        "masked-LM head in the sidebar.",
        "zh": "这里没有能填空的模型：侧边栏的模型 **{model}** 没有学过填空，模型文件夹里也没有 "
        "{fill}。请在侧边栏选择一个带掩码语言模型头的 Hugging Face BERT。",
    },
    "bert.not_listed": {"en": "it is not in the models folder", "zh": "它不在模型文件夹里"},
    "bert.fill_unavailable": {
        "en": "The masked-language model {model} could not be loaded: {reason}",
        "zh": "无法加载掩码语言模型 {model}：{reason}",
    },
    # The picker's label and help.
    "bert.pick": {"en": "Words to cover", "zh": "要盖住的词"},
    "bert.pick_help": {
        "en": "Click words to cover them with [MASK]; click again to uncover. Or type a "
        "sentence with [MASK] in it in the sidebar.",
        "zh": "点击词语把它换成 [MASK]，再点一次取消。也可以在侧边栏直接输入带 [MASK] 的句子。",
    },
    "bert.pick_ask": {
        "en": "Pick a word above to cover it: the model will guess what belongs in the blank.",
        "zh": "在上面选一个词把它盖住：模型会猜空格里应该是什么。",
    },
    "bert.no_words": {
        "en": "This sentence has no word to cover: type a sentence in the sidebar.",
        "zh": "这个句子里没有可以盖住的词：请在侧边栏输入一个句子。",
    },
    "bert.typed_masks": {
        "en": "The sentence already has {n} blank(s) typed as [MASK]; cover more words if you "
        "like.",
        "zh": "句子里已经有 {n} 个直接输入的 [MASK] 空格；还可以再盖住别的词。",
    },
    "bert.reads": {"en": "The model reads: {sentence}", "zh": "模型读到的是：{sentence}"},
    "bert.reads_long": {"en": "What the model reads ({n} tokens)",
                        "zh": "模型读到的内容（{n} 个词元）"},
    "bert.only_masks": {
        "en": "Every word is covered: leave some words for the model to read.",
        "zh": "所有的词都被盖住了：请留一些词给模型读。",
    },
    "bert.warn_most": {
        "en": "{n} of {m} words are covered: with most of the sentence hidden the model has "
        "little to go on.",
        "zh": "{m} 个词里盖住了 {n} 个：句子大部分被盖住，模型能依据的信息很少。",
    },
    "bert.moved": {
        "en": "The covered sentence was read with blanks at {found}, not at {wanted}: the "
        "tokenizer split it differently.",
        "zh": "盖住后的句子读出的空格在 {found}，而不是 {wanted}：分词器切分的方式不同。",
    },
    # The guesses.
    "bert.guesses": {"en": "The model's guesses", "zh": "模型的猜测"},
    "bert.top": {"en": "Guesses per blank", "zh": "每个空格显示的猜测数"},
    "bert.guesses_text": {
        "en": "Each bar is a probability: the softmax of the model's scores over its whole "
        "vocabulary ({vocab} tokens) at the blank's position. Special tokens are left out of "
        "the ranking. Orange marks the covered word itself when it is among the guesses.",
        "zh": "每一条是一个概率：模型在空格位置对整个词表（{vocab} 个词元）的打分经过 softmax 得到。"
        "特殊词元不参与排名。被盖住的原词如果在猜测之中，用橙色标出。",
    },
    "bert.blank_title": {"en": "Blank at {pos}: {word} covered", "zh": "位置 {pos} 的空格：盖住了 {word}"},
    "bert.blank_typed": {"en": "Blank at {pos} (typed)", "zh": "位置 {pos} 的空格（直接输入）"},
    "bert.rank": {
        "en": "The covered word {word}: rank {rank}, probability {prob:.1%}.",
        "zh": "被盖住的原词 {word}：排第 {rank}，概率 {prob:.1%}。",
    },
    "bert.rank_none": {
        "en": "The covered word {word} is not in the model's vocabulary: it can never be guessed.",
        "zh": "被盖住的原词 {word} 不在模型的词表里：模型不可能猜到它。",
    },
    "bert.more_blanks": {
        "en": "Showing the first {shown} of {total} blanks (the table has them all).",
        "zh": "只显示前 {shown} 个空格（共 {total} 个；表格里有全部）。",
    },
    "bert.col.position": {"en": "position", "zh": "位置"},
    "bert.col.rank": {"en": "rank", "zh": "排名"},
    "bert.col.token": {"en": "token", "zh": "词元"},
    "bert.col.prob": {"en": "probability", "zh": "概率"},
    # Where each blank looked.
    "bert.grid": {
        "en": "Where the blank looked, in every layer and head",
        "zh": "空格在每一层、每个头里看向哪里",
    },
    "bert.which_blank": {"en": "Blank", "zh": "空格"},
    "bert.grid_title": {"en": "Attention of the blank at {pos}", "zh": "位置 {pos} 的空格的注意力"},
    "bert.grid_text": {
        "en": "Each row is one head of one layer: the row of that head's attention pattern that "
        "belongs to the blank (read from the trace, not recomputed). It says how much of what "
        "the blank gathers comes from each word; each row sums to 1. The outlined column is the "
        "blank itself. Words the blank looks at hard are the clues the model used to guess.",
        "zh": "每一行是某一层的某个头：这个头的注意力矩阵中属于空格的那一行（直接取自模型的运行记录，"
        "不是重新计算的）。它表示空格收集的信息中有多少来自每个词；每行之和为 1。加框的一列是空格"
        "自己。空格特别关注的词，就是模型猜词时用的线索。",
    },
    "bert.layer_n": {"en": "Layer {n}", "zh": "第 {n} 层"},
    "bert.head_n": {"en": "Head {n}", "zh": "头 {n}"},
    "bert.weight": {"en": "weight", "zh": "权重"},
    "bert.key": {"en": "looked at (key)", "zh": "被看的词（键）"},
    # One head up close, beside the translation model.
    "bert.closeup": {
        "en": "One head up close, beside the translation model",
        "zh": "近看一个头，并与翻译模型对比",
    },
    "bert.closeup_mlm": {
        "en": "{model}: the blank at {pos}, layer {layer}, head {head}",
        "zh": "{model}：位置 {pos} 的空格，第 {layer} 层，头 {head}",
    },
    "bert.closeup_tr": {
        "en": "Translation model: {word} at {pos}, layer {layer}, head {head}",
        "zh": "翻译模型：位置 {pos} 的 {word}，第 {layer} 层，头 {head}",
    },
    "bert.two_objectives": {
        "en": "Same words, two training objectives, two attention patterns: {model} learned to "
        "guess covered words, the translation model ({translation}) learned to translate. Left, "
        "the blank's row in {model}; right, the same word, uncovered, in the translation model's "
        "encoder, same layer and head.",
        "zh": "同样的词，两种训练目标，两种注意力模式：{model} 学的是猜被盖住的词，翻译模型"
        "（{translation}）学的是翻译。左边是 {model} 中空格的那一行；右边是同一个词（没有盖住）"
        "在翻译模型编码器里的那一行，层和头都相同。",
    },
    "bert.tr_clamped": {
        "en": "The translation model has {layers} layers × {heads} heads: it shows layer {layer}, "
        "head {head}.",
        "zh": "翻译模型只有 {layers} 层 × {heads} 个头：这里显示第 {layer} 层、头 {head}。",
    },
    "bert.tr_no_word": {
        "en": "This blank was typed as [MASK]: the translation model has no word there to "
        "compare. Cover a word instead to compare the two models.",
        "zh": "这个空格是直接输入的 [MASK]：翻译模型在这里没有对应的词。改为盖住一个词，就可以比较"
        "两个模型。",
    },
    "bert.tr_not_found": {
        "en": "The translation model splits {word} differently: it has no token to compare.",
        "zh": "翻译模型对 {word} 的切分不同：没有可以比较的词元。",
    },
    "bert.tr_unavailable": {
        "en": "The translation model could not be traced: {reason}",
        "zh": "无法运行翻译模型：{reason}",
    },
    # What pre-training buys.
    "bert.pre": {"en": "What pre-training buys", "zh": "预训练带来了什么"},
    "bert.pre_text": {
        "en": "The translation model was trained twice, with the same seed and the same budget "
        "of {budget} steps: once from random W0, once with its encoder and embeddings taken from "
        "the masked-language model. The curves are exact match on held-out sentences (both "
        "directions, averaged); the star marks the first step at which a run reached "
        "{target:.0%}.",
        "zh": "翻译模型训练了两次，随机种子和训练预算（{budget} 步）都相同：一次从随机的 W0 开始，"
        "一次的编码器和词向量取自掩码语言模型。曲线是留出句子上的完全匹配率（两个方向的平均）；"
        "星号标出每次训练第一次达到 {target:.0%} 的步数。",
    },
    "bert.run.pretrained": {"en": "encoder from the MLM", "zh": "编码器来自 MLM"},
    "bert.run.random": {"en": "random W0", "zh": "随机 W0"},
    "bert.legend_reached": {"en": "{name}: {target:.0%} at step {step}",
                            "zh": "{name}：第 {step} 步达到 {target:.0%}"},
    "bert.legend_not": {"en": "{name}: {target:.0%} not within budget",
                        "zh": "{name}：预算内未达到 {target:.0%}"},
    "bert.mark": {"en": "step {step}", "zh": "第 {step} 步"},
    "bert.target": {"en": "target {target:.0%}", "zh": "目标 {target:.0%}"},
    "bert.step": {"en": "training step", "zh": "训练步数"},
    "bert.exact": {"en": "exact match (held out)", "zh": "完全匹配率（留出集）"},
    "bert.col.run": {"en": "run", "zh": "训练"},
    "bert.verdict.pre_first": {
        "en": "Starting from the MLM's matrices, the translation model reached {target:.0%} at "
        "step {pre_step}, {steps} steps before the run from random W0 (step {rand_step}).",
        "zh": "从 MLM 的矩阵出发，翻译模型在第 {pre_step} 步达到 {target:.0%}，比从随机 W0 出发的"
        "那次（第 {rand_step} 步）早 {steps} 步。",
    },
    "bert.verdict.rand_first": {
        "en": "This time the run from random W0 reached {target:.0%} first (step {rand_step}), "
        "{steps} steps before the run from the MLM's matrices (step {pre_step}).",
        "zh": "这一次从随机 W0 出发的训练先达到 {target:.0%}（第 {rand_step} 步），比从 MLM 矩阵出发"
        "的那次（第 {pre_step} 步）早 {steps} 步。",
    },
    "bert.verdict.tie": {
        "en": "Both runs reached {target:.0%} at the same step ({pre_step}).",
        "zh": "两次训练在同一步（第 {pre_step} 步）达到 {target:.0%}。",
    },
    "bert.verdict.only_pre": {
        "en": "Only the run from the MLM's matrices reached {target:.0%} within the {budget} "
        "steps (at step {pre_step}); the run from random W0 ended at {rand_end:.1%}.",
        "zh": "在 {budget} 步之内，只有从 MLM 矩阵出发的训练达到了 {target:.0%}（第 {pre_step} 步）；"
        "从随机 W0 出发的训练最后是 {rand_end:.1%}。",
    },
    "bert.verdict.only_rand": {
        "en": "Only the run from random W0 reached {target:.0%} within the {budget} steps (at "
        "step {rand_step}); the run from the MLM's matrices ended at {pre_end:.1%}.",
        "zh": "在 {budget} 步之内，只有从随机 W0 出发的训练达到了 {target:.0%}（第 {rand_step} 步）；"
        "从 MLM 矩阵出发的训练最后是 {pre_end:.1%}。",
    },
    "bert.verdict.neither": {
        "en": "Neither run reached {target:.0%} within the {budget} steps: they ended at "
        "{pre_end:.1%} (from the MLM's matrices) and {rand_end:.1%} (from random W0).",
        "zh": "在 {budget} 步之内，两次训练都没有达到 {target:.0%}：最后分别是 {pre_end:.1%}"
        "（从 MLM 矩阵出发）和 {rand_end:.1%}（从随机 W0 出发）。",
    },
    "bert.verdict.gap": {
        "en": "The curves were furthest apart at step {step}: {pre:.1%} from the MLM's matrices "
        "against {rand:.1%} from random W0 ({points:.1f} points).",
        "zh": "两条曲线在第 {step} 步相差最大：从 MLM 矩阵出发为 {pre:.1%}，从随机 W0 出发为 "
        "{rand:.1%}（相差 {points:.1f} 个百分点）。",
    },
    "bert.one_seed": {
        "en": "One seed and one budget: a single measurement on this machine, not a law.",
        "zh": "只有一个随机种子、一种预算：这是在本机上的一次测量，不是定律。",
    },
    "bert.pre_missing": {
        "en": "No pre-training comparison was recorded with {model} ({reason}).",
        "zh": "{model} 没有记录预训练对比（{reason}）。",
    },
}
