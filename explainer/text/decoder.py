"""Text for the output side: the overview's Figure 1, translation step by step, masks and
padding, Add & Norm and the feed-forward layer."""

TEXT = {
    # --- Figure 1 stage names (pipe.*) ---
    "pipe.src_tokens": {"en": "Inputs", "zh": "输入"},
    "pipe.tgt_tokens": {"en": "Outputs (shifted right)", "zh": "输出（右移一位）"},
    "pipe.text_tokens": {"en": "Inputs (the text so far)", "zh": "输入（目前为止的文本）"},
    "pipe.input_embed": {"en": "Input Embedding", "zh": "输入嵌入"},
    "pipe.output_embed": {"en": "Output Embedding", "zh": "输出嵌入"},
    "pipe.pos_sinusoidal": {"en": "+ Positional Encoding", "zh": "+ 位置编码"},
    "pipe.pos_learned": {"en": "+ Learned Positions", "zh": "+ 学习得到的位置嵌入"},
    "pipe.attn": {"en": "Multi-Head Attention", "zh": "多头注意力"},
    "pipe.masked_attn": {"en": "Masked Multi-Head Attention", "zh": "掩码多头注意力"},
    "pipe.cross": {"en": "Encoder–Decoder Attention", "zh": "编码器–解码器注意力"},
    "pipe.ffn": {"en": "Feed Forward", "zh": "前馈网络"},
    "pipe.add_norm": {"en": "Add & Norm", "zh": "残差相加与归一化"},
    "pipe.ln": {"en": "LayerNorm", "zh": "LayerNorm 归一化"},
    "pipe.add": {"en": "Add (residual)", "zh": "残差相加"},
    "pipe.final_ln": {"en": "Final LayerNorm", "zh": "最终 LayerNorm"},
    "pipe.linear": {"en": "Linear", "zh": "线性层"},
    "pipe.softmax": {"en": "Softmax", "zh": "Softmax"},
    "pipe.output": {"en": "Output Probabilities", "zh": "输出概率"},
    "pipe.output_vectors": {"en": "Output: one vector per token", "zh": "输出：每个词元一个向量"},
    "pipe.encoder": {"en": "Encoder", "zh": "编码器"},
    "pipe.decoder": {"en": "Decoder", "zh": "解码器"},
    # --- Overview (ov.*) ---
    "ov.translation": {"en": "Translation", "zh": "翻译结果"},
    "ov.generation": {"en": "What the model wrote next", "zh": "模型接着写出的内容"},
    "ov.reading": {"en": "What the model does with the sentence", "zh": "模型如何处理这个句子"},
    "ov.reading_text": {
        "en": "{model} writes nothing: it turns each of the {n} tokens into a vector of "
        "{d_model} numbers that takes the whole sentence into account.",
        "zh": "{model} 不写出任何文本：它把 {n} 个词元中的每一个都变成一个由 {d_model} 个数组成、"
        "考虑了整个句子的向量。",
    },
    "ov.figure": {"en": "The whole pipeline (the paper's Figure 1, for this model)",
                  "zh": "完整流程（论文图 1，按本模型绘制）"},
    "ov.figure_caption.encoder-decoder": {
        "en": "Read from the bottom up. Each box shows the shape of what it hands on for this "
        "sentence: {n_src} tokens × {d_model} numbers in the encoder, {n_tgt} × {d_model} in the "
        "decoder, {n_heads} heads × rows × columns for attention, {d_ff} hidden units in the "
        "feed-forward, and one score per vocabulary token ({vocab}) at the top. The boxes in a "
        "grey frame repeat {n_layers} times.",
        "zh": "从下往上读。每个方框显示它为这个句子输出的形状：编码器中是 {n_src} 个词元 × {d_model} "
        "个数，解码器中是 {n_tgt} × {d_model}，注意力是 {n_heads} 个头 × 行 × 列，前馈网络有 {d_ff} "
        "个隐藏单元，最上面是词表中每个词元（{vocab} 个）一个分数。灰框中的方块重复 {n_layers} 次。",
    },
    "ov.figure_caption.encoder-only": {
        "en": "Read from the bottom up. This model is an encoder only (the left half of the "
        "paper's figure). Each box shows the shape of what it hands on for this sentence: "
        "{n_src} tokens × {d_model} numbers, {n_heads} heads × rows × columns for attention, "
        "{d_ff} hidden units in the feed-forward. The boxes in the grey frame repeat {n_layers} "
        "times.",
        "zh": "从下往上读。这个模型只有编码器（论文图中的左半部分）。每个方框显示它为这个句子输出的形状："
        "{n_src} 个词元 × {d_model} 个数，注意力是 {n_heads} 个头 × 行 × 列，前馈网络有 {d_ff} "
        "个隐藏单元。灰框中的方块重复 {n_layers} 次。",
    },
    "ov.figure_caption.decoder-only": {
        "en": "Read from the bottom up. This model is a decoder only (the right half of the "
        "paper's figure, without cross-attention): it reads the text so far and writes the next "
        "token. Each box shows the shape of what it hands on: {n_tgt} tokens × {d_model} "
        "numbers, {n_heads} heads × rows × columns for attention, {d_ff} hidden units in the "
        "feed-forward. The boxes in the grey frame repeat {n_layers} times.",
        "zh": "从下往上读。这个模型只有解码器（论文图中的右半部分，没有交叉注意力）：它读取目前为止的文本，"
        "写出下一个词元。每个方框显示它输出的形状：{n_tgt} 个词元 × {d_model} 个数，注意力是 "
        "{n_heads} 个头 × 行 × 列，前馈网络有 {d_ff} 个隐藏单元。灰框中的方块重复 {n_layers} 次。",
    },
    "ov.figure_logits": {
        "en": "At the top, one score per vocabulary token ({vocab}).",
        "zh": "最上面是词表中每个词元（{vocab} 个）一个分数。",
    },
    "ov.norm_post": {
        "en": "LayerNorm after each residual sum, as in the paper (§3.1): LayerNorm(x + "
        "Sublayer(x)).",
        "zh": "每次残差相加之后做 LayerNorm，与论文相同（§3.1）：LayerNorm(x + Sublayer(x))。",
    },
    "ov.norm_pre": {
        "en": "LayerNorm before each sub-layer (pre-LN, as GPT-2): x + Sublayer(LayerNorm(x)), "
        "and once more after the last layer.",
        "zh": "在每个子层之前做 LayerNorm（前置 LN，与 GPT-2 相同）：x + Sublayer(LayerNorm(x))，"
        "最后一层之后再做一次。",
    },
    "ov.links": {"en": "Look closer", "zh": "深入查看"},
    "ov.links_caption": {
        "en": "Each stage, with its shape for this sentence, opens the page that explains it.",
        "zh": "每个环节（附本句的形状）都链接到讲解它的页面。",
    },
    "ov.compare": {
        "en": "Compare with the paper's base model (d_model 512, 8 heads, 6 layers)",
        "zh": "与论文的 base 模型对比（d_model 512、8 个头、6 层）",
    },
    "ov.paper": {"en": "paper", "zh": "论文"},
    "ov.ours": {"en": "This app's model", "zh": "本应用的模型"},
    "ov.paper_model": {"en": "Paper's base model", "zh": "论文 base 模型"},
    "ov.stage": {"en": "Stage", "zh": "环节"},
    "ov.setting": {"en": "Setting", "zh": "设置"},
    "ov.vocab": {"en": "Vocabulary size", "zh": "词表大小"},
    "ov.params": {"en": "Parameters", "zh": "参数量"},
    "ov.shapes": {"en": "Shapes for this sentence", "zh": "本句在各环节的形状"},
    "ov.hyper": {"en": "Hyper-parameters", "zh": "超参数"},
    "ov.hyper_ours": {
        "en": "Same architecture, smaller numbers: a model small enough to run live in a "
        "classroom.",
        "zh": "同样的结构，更小的数字：小到可以在课堂上实时运行。",
    },
    "ov.hyper_caption": {
        "en": "The paper's vocabulary had about {paper_vocab:,} sub-word tokens (byte-pair "
        "encoding, shared by source and target, §5.1); this model's has {vocab:,}. Parameter "
        "counts are computed from the shapes of the paper's layout (the paper reports 65 million "
        "for its base model).",
        "zh": "论文的词表约有 {paper_vocab:,} 个子词（字节对编码，源语言和目标语言共用，§5.1）；"
        "本模型的词表有 {vocab:,} 个。参数量是按论文结构的形状算出来的（论文报告 base 模型为 6500 万）。",
    },
    "ov.special": {"en": "Special", "zh": "特殊"},
    "ov.padded": {"en": "The article's 512 × 512 input matrix", "zh": "文章中的 512 × 512 输入矩阵"},
    "ov.padded_caption": {
        "en": "The article: “every sentence becomes a 512 × 512 matrix; where it is too short, "
        "the rest is filled with 0”. 512 rows (max_len, one per token) × 512 numbers per token "
        "(d_model). This model's is {rows} × {cols}. Drawn to scale: the sentence fills {used} rows; "
        "everything else is padding. The Masks page shows the padded matrix itself.",
        "zh": "文章说：“每个句子都会是一个 512×512 的矩阵，如果长度不够就用 0 来代替”。"
        "512 行（max_len，每个词元一行）× 每个词元 512 个数（d_model）。本模型是 {rows} × {cols}。"
        "按比例绘制：句子只占 {used} 行，其余都是填充。“掩码与填充”页展示了填充后的矩阵本身。",
    },
    "ov.rows": {"en": "rows (positions)", "zh": "行（位置）"},
    "ov.cols": {"en": "columns (d_model)", "zh": "列（d_model）"},
    "ov.used": {"en": "sentence rows", "zh": "行句子"},
    "ov.pad_rows": {"en": "rows of padding", "zh": "行填充"},
    # --- Translation, step by step (trn.*) ---
    "trn.title.translate": {"en": "Translation, step by step", "zh": "逐步翻译"},
    "trn.title.continue": {"en": "Writing, step by step", "zh": "逐步生成"},
    "trn.intro.translate": {
        "en": "The decoder writes one token at a time (§3.1: auto-regressive). At each step it "
        "reads the whole source through cross-attention and everything it has written so far, "
        "and turns its last vector into one probability per vocabulary token.",
        "zh": "解码器一次写出一个词元（§3.1：自回归）。每一步它都通过交叉注意力读取整个源句，"
        "并读取自己已经写出的全部内容，再把最后一个向量变成词表中每个词元的概率。",
    },
    "trn.intro.continue": {
        "en": "A decoder-only model has no source to translate: your text is its prompt, and it "
        "writes what comes next, one token at a time (auto-regressive). At each step it reads "
        "the prompt and everything it has written so far through masked self-attention (there "
        "is no cross-attention), and turns the last position's vector into one probability per "
        "vocabulary token.",
        "zh": "仅解码器模型没有要翻译的源句：你的文本就是它的提示，它一次一个词元地写出接下来的内容"
        "（自回归）。每一步它都通过带掩码的自注意力读取提示和自己已经写出的全部内容（没有交叉注意力），"
        "再把最后一个位置的向量变成词表中每个词元的概率。",
    },
    "trn.mode": {"en": "How to pick the next token", "zh": "如何选择下一个词元"},
    "trn.mode_greedy": {"en": "Greedy · 贪心", "zh": "Greedy · 贪心"},  # URL-bound: same in both
    "trn.mode_sample": {"en": "Sampling · 采样", "zh": "Sampling · 采样"},
    "trn.mode_beam": {"en": "Beam search · 束搜索", "zh": "Beam search · 束搜索"},
    "trn.temperature": {"en": "Temperature T", "zh": "温度 T"},
    "trn.temperature_help": {
        "en": "Divides the scores before softmax: below 1 sharpens, above 1 flattens.",
        "zh": "在 softmax 之前把分数除以 T：小于 1 更尖锐，大于 1 更平坦。",
    },
    "trn.top_k": {"en": "Top-k (0 = whole vocabulary)", "zh": "Top-k（0 = 整个词表）"},
    "trn.seed": {"en": "Random seed", "zh": "随机种子"},
    "trn.seed_help": {
        "en": "The same seed draws the same tokens again.",
        "zh": "相同的种子会再次抽到相同的词元。",
    },
    "trn.sample_formula": {
        "en": "Sampling: keep the k largest scores, divide by T, softmax, then draw at random.",
        "zh": "采样：保留最大的 k 个分数，除以 T，做 softmax，然后随机抽取。",
    },
    "trn.result.translate": {"en": "{source}  →  {output}", "zh": "{source}  →  {output}"},
    "trn.result.continue": {"en": "{source}  →  …{output}", "zh": "{source}  →  …{output}"},
    "trn.step": {"en": "Step", "zh": "步骤"},
    "trn.one_step": {
        "en": "The decoder wrote a single token, so there is one step.",
        "zh": "解码器只写了一个词元，因此只有一步。",
    },
    "trn.input_so_far": {"en": "Decoder input so far", "zh": "目前为止的解码器输入"},
    "trn.chosen": {
        "en": "Step {step}: the decoder writes **{token}** (probability {prob:.3f}, rank {rank}).",
        "zh": "第 {step} 步：解码器写出 **{token}**（概率 {prob:.3f}，排名第 {rank}）。",
    },
    "trn.next": {"en": "Next-token probabilities", "zh": "下一个词元的概率"},
    "trn.bars": {"en": "Tokens shown", "zh": "显示的词元数"},
    "trn.prob": {"en": "probability", "zh": "概率"},
    "trn.drawn": {"en": "sampled from (T, top-k)", "zh": "采样分布（T、top-k）"},
    "trn.sum": {
        "en": "Softmax over all {vocab} tokens of the vocabulary: they sum to {total:.6f}. The "
        "bars shown hold {shown:.1%}; the other {rest_n} tokens share {rest:.1%}.",
        "zh": "对词表中全部 {vocab} 个词元做 softmax：总和为 {total:.6f}。图中的词元占 {shown:.1%}；"
        "其余 {rest_n} 个词元共占 {rest:.1%}。",
    },
    "trn.mask": {"en": "What this step may see (causal mask)", "zh": "这一步能看到什么（因果掩码）"},
    "trn.mask_caption": {
        "en": "The decoder's own mask, {n} × {n}: row {row} wrote step {step}'s token. It may "
        "attend to positions 1–{row} (1) but not to later ones (0), which are not written yet.",
        "zh": "解码器自己的掩码，{n} × {n}：第 {row} 行写出了第 {step} 步的词元。它可以关注第 1–{row} "
        "个位置（1），不能关注之后的位置（0），因为那些还没有写出来。",
    },
    "trn.mask_window": {
        "en": "Showing positions {first}–{last} of {total}.",
        "zh": "显示 {total} 个位置中的第 {first}–{last} 个。",
    },
    "trn.cross.translate": {"en": "Cross-attention: where each written token looked in the source",
                            "zh": "交叉注意力：每个写出的词元在源句中看向哪里"},
    "trn.cross.continue": {
        "en": "Self-attention: where each written token looked in the text so far",
        "zh": "自注意力：每个写出的词元在目前为止的文本中看向哪里",
    },
    "trn.cross_caption.translate": {
        "en": "Rows: the token written at each step; columns: the source tokens. The framed row "
        "is the current step. A well-trained translator often lines words up with their "
        "translation; the line below says what these weights show for your sentence.",
        "zh": "行：每一步写出的词元；列：源句的词元。框出的行是当前步骤。训练良好的翻译模型常常把词和它的"
        "译文对齐；下面一行说明这些权重对你的句子实际显示了什么。",
    },
    "trn.cross_caption.continue": {
        "en": "Rows: the token written at each step, from the position that wrote it; columns: "
        "the prompt and what was written before. Blank cells are masked (not written yet). "
        "Models often put much of their attention on the first token, a “sink” that changes "
        "little.",
        "zh": "行：每一步写出的词元（来自写出它的那个位置）；列：提示和之前写出的内容。空白格子被掩码"
        "屏蔽（还没有写出）。模型常常把大量注意力放在第一个词元上，这是一个几乎不改变结果的“汇点”。",
    },
    "trn.earlier": {"en": "earlier token", "zh": "之前的词元"},
    "trn.aligned": {
        "en": "**What this view shows for your sentence** (layer {layer}, mean over heads): each "
        "written token looks most at {pairs}.",
        "zh": "**这个视图对你的句子显示的是**（第 {layer} 层，所有头的平均）：每个写出的词元最关注的是 "
        "{pairs}。",
    },
    "trn.aligned_sep": {"en": ", ", "zh": "，"},
    "trn.aligned_more": {"en": " … and {n} more steps in the table below",
                         "zh": " … 其余 {n} 步见下表"},
    "trn.layer_default": {
        "en": "Starts at the last layer, where a trained translator lines each word up with its "
        "translation most clearly; earlier layers look more broadly.",
        "zh": "默认显示最后一层：训练好的翻译模型在这一层把每个词和它的译文对得最清楚；前面的层看得更分散。",
    },
    "trn.most_attended": {
        "en": "Step {step} (“{written}”) gives its largest weight here to “{token}” (position "
        "{position}, {weight:.0%}).",
        "zh": "第 {step} 步（“{written}”）在这里给出的最大权重落在“{token}”上（位置 {position}，"
        "{weight:.0%}）。",
    },
    "trn.cross_head": {"en": "Layer {layer}, head {head}", "zh": "第 {layer} 层，第 {head} 个头"},
    "trn.cross_mean": {"en": "Layer {layer}, mean over heads", "zh": "第 {layer} 层，所有头的平均"},
    "trn.written": {"en": "written token", "zh": "写出的词元"},
    "trn.source": {"en": "source token", "zh": "源词元"},
    "trn.alignment": {"en": "Most attended token per step (layer {layer}, mean over heads)",
                      "zh": "每一步最受关注的词元（第 {layer} 层，所有头的平均）"},
    "trn.weight": {"en": "weight", "zh": "权重"},
    "trn.steps": {"en": "All steps", "zh": "全部步骤"},
    "trn.input": {"en": "decoder input", "zh": "解码器输入"},
    "trn.output": {"en": "written", "zh": "写出"},
    "trn.rank": {"en": "rank", "zh": "排名"},
    "trn.formula_caption.post": {
        "en": "The last layer's vector h of each position times the output matrix (shared with "
        "the embedding, §3.4) gives one score per token; softmax turns the scores into "
        "probabilities.",
        "zh": "每个位置最后一层的向量 h 乘以输出矩阵（与嵌入矩阵共享，§3.4），得到每个词元一个分数；"
        "softmax 把分数变成概率。",
    },
    "trn.formula_caption.pre": {
        "en": "The last layer's vector h of each position goes through a final LayerNorm; times "
        "the output matrix (shared with the embedding) it gives one score per token; softmax "
        "turns the scores into probabilities.",
        "zh": "每个位置最后一层的向量 h 先经过最终的 LayerNorm，再乘以输出矩阵（与嵌入矩阵共享），"
        "得到每个词元一个分数；softmax 把分数变成概率。",
    },
    "trn.greedy_below": {
        "en": "The steps below follow greedy decoding; beam search explores several at once.",
        "zh": "下面的步骤按贪心解码进行；束搜索同时探索多条路径。",
    },
    # --- Beam search (beam.*) ---
    "beam.title": {"en": "Beam search", "zh": "束搜索"},
    "beam.only_ours": {
        "en": "Beam search is shown for our own translation model (trained / untrained) only; "
        "{model} is shown step by step below.",
        "zh": "束搜索只针对我们自己的翻译模型（trained / untrained）展示；{model} 的逐步过程见下方。",
    },
    "beam.intro": {
        "en": "The paper decodes with beam search: keep the {k} most likely partial "
        "translations at each step, extend each by every token, keep the best {k} again (§6.1: "
        "beam 4, length penalty α = 0.6). Beam size 1 is greedy decoding.",
        "zh": "论文用束搜索解码：每一步保留最可能的 {k} 个部分译文，把每个都用所有词元延长一次，"
        "再保留最好的 {k} 个（§6.1：束宽 4，长度惩罚 α = 0.6）。束宽为 1 就是贪心解码。",
    },
    "beam.size": {"en": "Beam size", "zh": "束宽"},
    "beam.alpha": {"en": "Length penalty α", "zh": "长度惩罚 α"},
    "beam.tree": {
        "en": "Every kept candidate, step by step; the best hypothesis in orange, sentences "
        "ended with <eos> as squares.",
        "zh": "每一步保留的候选；最佳假设为橙色，以 <eos> 结束的句子画成方块。",
    },
    "beam.best": {"en": "Best: {text}", "zh": "最佳：{text}"},
    "beam.greedy": {"en": "Greedy: {text}", "zh": "贪心：{text}"},
    "beam.rank": {"en": "rank", "zh": "排名"},
    "beam.translation": {"en": "translation", "zh": "译文"},
    "beam.tokens": {"en": "tokens", "zh": "词元数"},
    "beam.log_prob": {"en": "log P", "zh": "log P"},
    "beam.score": {"en": "score = log P / lp", "zh": "得分 = log P / lp"},
    "beam.finished": {"en": "ended with <eos>", "zh": "以 <eos> 结束"},
    "beam.yes": {"en": "yes", "zh": "是"},
    "beam.no": {"en": "no (step limit)", "zh": "否（达到步数上限）"},
    # --- Masks and padding (masks.*) ---
    "masks.title": {"en": "Masks and padding", "zh": "掩码与填充"},
    "masks.intro": {
        "en": "The article: “sentences have different lengths, so every sentence becomes a "
        "512 × 512 matrix; where it is too short, the rest is filled with 0.” Padding makes "
        "every input the same size; a mask makes sure the padding changes nothing.",
        "zh": "文章说：“由于样本每个句子长短不同，所以每个句子都会是一个 512×512 的矩阵，如果长度不够"
        "就用 0 来代替。”填充让每个输入大小相同；掩码保证填充不改变任何结果。",
    },
    "masks.pad_to": {"en": "Pad the sentence to", "zh": "把句子填充到"},
    "masks.padded": {"en": "The padded input matrix", "zh": "填充后的输入矩阵"},
    "masks.padded_caption": {
        "en": "{n} tokens + {pads} × {pad} = {total} rows of {d_model} numbers (what the first "
        "layer reads: token embedding + position). The pad rows are not zeros: the pad token "
        "has a vector and every position its own. What the article's zeros are for is done by "
        "the mask.",
        "zh": "{n} 个词元 + {pads} 个 {pad} = {total} 行，每行 {d_model} 个数（第一层读入的内容："
        "词元嵌入 + 位置）。填充行并不是 0：填充词元有自己的向量，每个位置也有自己的向量。"
        "文章中那些 0 的作用由掩码来完成。",
    },
    "masks.no_padding": {
        "en": "{model} has no encoder and reads no padding (a GPT-2 has no pad token): the "
        "padding demo is for models with an encoder, such as our translation model. Below are "
        "the masks {model} used.",
        "zh": "{model} 没有编码器，也不读入填充（GPT-2 没有填充词元）：填充演示适用于有编码器的模型，"
        "例如我们的翻译模型。下面是 {model} 实际使用的掩码。",
    },
    "masks.no_pad_support": {
        "en": "{model} cannot be asked to pad its input here; the padding demo is for our "
        "translation model. Below are the masks {model} used.",
        "zh": "这里无法让 {model} 填充输入；填充演示适用于我们的翻译模型。下面是 {model} 实际使用的掩码。",
    },
    "masks.finite_minus": {
        "en": "This model (from Hugging Face) adds the most negative number its float type "
        "holds instead of −∞: after softmax the weight is 0 all the same.",
        "zh": "这个模型（来自 Hugging Face）加的不是 −∞，而是它的浮点类型能表示的最小负数："
        "softmax 之后权重同样是 0。",
    },
    "masks.effect_encoder": {
        "en": "Padding to {total} changed the real tokens' output vectors by at most {enc:.1e} "
        "(float rounding).",
        "zh": "填充到 {total} 后，真实词元的输出向量最多变化 {enc:.1e}（浮点舍入）。",
    },
    "masks.used": {"en": "The masks this model used", "zh": "这个模型使用的掩码"},
    "masks.used_intro": {
        "en": "Read from the trace: what {model} let each query (row) see for the sentence as "
        "typed, one mask per kind of attention it has (1 = may attend, 0 = masked).",
        "zh": "从追踪中读出：对输入的这个句子，{model} 让每个查询（行）能看到什么；它有几种注意力就有几个"
        "掩码（1 = 可以关注，0 = 被屏蔽）。",
    },
    "masks.kind_none": {
        "en": "No mask: each of the {q} queries may attend to all {k} keys.",
        "zh": "没有掩码：{q} 个查询中的每一个都可以关注全部 {k} 个键。",
    },
    "masks.kind_causal": {
        "en": "Causal: query i sees keys 1…i only; the future (upper triangle) is masked.",
        "zh": "因果掩码：查询 i 只能看到键 1…i；未来的位置（上三角）被屏蔽。",
    },
    "masks.kind_padding": {
        "en": "Padding: the padded key columns are masked for every query.",
        "zh": "填充掩码：每个查询都看不到填充的键所在的列。",
    },
    "masks.kind_causal_padding": {
        "en": "Causal and padding: the future and the padded keys are masked.",
        "zh": "因果掩码加填充掩码：未来的位置和填充的键都被屏蔽。",
    },
    "masks.kind_other": {
        "en": "A mask of its own shape: the 0 cells are masked.",
        "zh": "一个特别形状的掩码：值为 0 的格子被屏蔽。",
    },
    "masks.padding_mask": {"en": "The padding mask", "zh": "填充掩码"},
    "masks.padding_caption": {
        "en": "1 = a real token, 0 = padding. Every query (row) gets this row: no one may "
        "attend to a pad. Scores there become −∞, and softmax turns −∞ into exactly 0.",
        "zh": "1 = 真实词元，0 = 填充。每个查询（行）都用这一行：谁都不能关注填充。"
        "那里的分数变成 −∞，softmax 把 −∞ 变成正好 0。",
    },
    # Words inside formulas (st.latex \text{…}).
    "masks.tex_allowed": {"en": "allowed", "zh": "允许关注"},
    "masks.tex_masked": {"en": "masked", "zh": "被屏蔽"},
    "masks.formula": {
        "en": "Masked attention: add M (0 where allowed, −∞ where masked) before softmax.",
        "zh": "带掩码的注意力：在 softmax 之前加上 M（允许处为 0，屏蔽处为 −∞）。",
    },
    "masks.scores": {"en": "Scores q·k/√d_k after the mask (layer {layer}, head {head})",
                     "zh": "加掩码后的分数 q·k/√d_k（第 {layer} 层，第 {head} 个头）"},
    "masks.weights": {"en": "Attention weights after softmax (layer {layer}, head {head})",
                      "zh": "softmax 之后的注意力权重（第 {layer} 层，第 {head} 个头）"},
    "masks.weights_caption": {
        "en": "The pad columns are exactly 0 (drawn as 0 here, not as gaps, because the zero is "
        "the point). Showing the first {shown} of {total} positions.",
        "zh": "填充列正好是 0（这里画成 0 而不是空白，因为 0 正是要点）。显示 {total} 个位置中的前 "
        "{shown} 个。",
    },
    "masks.window": {
        "en": "Showing the first {shown} of {total} positions.",
        "zh": "显示 {total} 个位置中的前 {shown} 个。",
    },
    "masks.pad_table": {"en": "Attention given to padding, every block",
                        "zh": "每个模块给填充的注意力"},
    "masks.block": {"en": "block", "zh": "模块"},
    "masks.enc": {"en": "encoder self-attention", "zh": "编码器自注意力"},
    "masks.cross": {"en": "encoder–decoder attention", "zh": "编码器–解码器注意力"},
    "masks.dec": {"en": "decoder self-attention (masked)", "zh": "解码器自注意力（带掩码）"},
    "masks.largest": {"en": "largest weight on a pad", "zh": "给填充的最大权重"},
    "masks.total": {"en": "total weight on pads", "zh": "给填充的总权重"},
    "masks.effect": {
        "en": "Padding to {total} changed the real tokens' encoder output by at most {enc:.1e} "
        "and the decoder's scores by at most {logits:.1e} (float rounding). Same translation: "
        "{same}.",
        "zh": "填充到 {total} 后，真实词元的编码器输出最多变化 {enc:.1e}，解码器分数最多变化 "
        "{logits:.1e}（浮点舍入）。译文相同：{same}。",
    },
    "masks.yes": {"en": "yes", "zh": "是"},
    "masks.no": {"en": "no", "zh": "否"},
    "masks.causal": {"en": "The decoder's causal mask", "zh": "解码器的因果掩码"},
    "masks.causal_intro": {
        "en": "While training, the decoder sees the whole text at once. Position i must not peek "
        "at the tokens after it, the tokens it is supposed to predict (§3.2.3). So its "
        "self-attention is masked: row i may see columns 1…i only.",
        "zh": "训练时，解码器一次看到整段文本。位置 i 不能偷看它后面的词元，也就是它要预测的词元"
        "（§3.2.3）。所以它的自注意力带有掩码：第 i 行只能看第 1…i 列。",
    },
    "masks.causal_pattern": {
        "en": "Decoder self-attention (layer {layer}, head {head}); masked cells are blank.",
        "zh": "解码器自注意力（第 {layer} 层，第 {head} 个头）；被屏蔽的格子为空白。",
    },
    "masks.visible": {"en": "1 = may attend", "zh": "1 = 可以关注"},
    "masks.hidden": {"en": "0 = masked", "zh": "0 = 被屏蔽"},
    "masks.query": {"en": "query", "zh": "查询"},
    "masks.key": {"en": "key", "zh": "键"},
    "masks.score": {"en": "score", "zh": "分数"},
    "masks.pad_label": {"en": "padding", "zh": "填充"},
    "masks.mask_row": {"en": "padding mask", "zh": "填充掩码"},
    # --- Add & Norm and feed-forward (addnorm.*) ---
    "addnorm.title": {"en": "Add & Norm, and the feed-forward layer",
                      "zh": "残差相加与归一化，以及前馈网络"},
    "addnorm.intro.post": {
        "en": "Every sub-layer (attention, feed-forward) is wrapped the same way (§3.1): add its "
        "output to its input (the residual connection), then normalise each token's vector "
        "(LayerNorm). The article calls LayerNorm and activation saturation “technical details”; "
        "here they are, with the model's numbers.",
        "zh": "每个子层（注意力、前馈网络）都以同样的方式包裹（§3.1）：把输出加到输入上（残差连接），"
        "再把每个词元的向量归一化（LayerNorm）。文章把 LayerNorm 和激活函数饱和区称为“技术细节”；"
        "这里用模型自己的数字来看看它们。",
    },
    "addnorm.intro.pre": {
        "en": "This model places LayerNorm before each sub-layer (pre-LN, as GPT-2), not after the "
        "sum as the paper does (§3.1): each sub-layer reads a normalised copy of the residual "
        "stream, and its output is added to the stream unnormalised. The stream itself is only "
        "normalised once, after the last layer. Here it is, with the model's numbers.",
        "zh": "这个模型把 LayerNorm 放在每个子层之前（前置 LN，与 GPT-2 相同），而不是像论文那样放在相加"
        "之后（§3.1）：每个子层读入残差流的一个归一化副本，它的输出不经归一化直接加回残差流。残差流本身"
        "只在最后一层之后归一化一次。这里用模型自己的数字来看看。",
    },
    "addnorm.side": {"en": "Side", "zh": "部分"},
    "addnorm.sublayer": {"en": "Sub-layer", "zh": "子层"},
    "addnorm.sub_attn": {"en": "Self-attention · 自注意力", "zh": "Self-attention · 自注意力"},  # URL-bound
    "addnorm.sub_cross": {"en": "Cross-attention · 交叉注意力", "zh": "Cross-attention · 交叉注意力"},
    "addnorm.sub_ffn": {"en": "Feed-forward · 前馈网络", "zh": "Feed-forward · 前馈网络"},
    "addnorm.short_attn": {"en": "self-attention", "zh": "自注意力"},
    "addnorm.short_cross": {"en": "cross-attention", "zh": "交叉注意力"},
    "addnorm.short_ffn": {"en": "feed-forward", "zh": "前馈网络"},
    "addnorm.side_enc": {"en": "Encoder · 编码器", "zh": "Encoder · 编码器"},  # URL-bound
    "addnorm.side_dec": {"en": "Decoder · 解码器", "zh": "Decoder · 解码器"},
    "addnorm.ln_formula": {
        "en": "LayerNorm works on each token separately: subtract the mean μ of its numbers, "
        "divide by their standard deviation σ, then scale by γ and shift by β (both learned).",
        "zh": "LayerNorm 对每个词元单独处理：减去它的数的均值 μ，除以标准差 σ，再乘以 γ、加上 β"
        "（两者都是学出来的）。",
    },
    "addnorm.stats.post": {"en": "Per token: mean and spread before and after LayerNorm",
                           "zh": "每个词元：LayerNorm 前后的均值和离散程度"},
    "addnorm.stats.pre": {"en": "Per token: the stream x and the LayerNorm(x) the sub-layer reads",
                          "zh": "每个词元：残差流 x 与子层读入的 LayerNorm(x)"},
    "addnorm.stats_caption.post": {
        "en": "Before: x + Sublayer(x), sizes differ from token to token. (s − μ)/σ: every token "
        "has mean 0 and standard deviation 1. After: the model's output, scaled by γ and shifted "
        "by β.",
        "zh": "之前：x + Sublayer(x)，每个词元的大小各不相同。(s − μ)/σ：每个词元均值为 0、标准差为 1。"
        "之后：模型的输出，再乘以 γ、加上 β。",
    },
    "addnorm.stats_caption.pre": {
        "en": "x: the residual stream before this sub-layer, sizes differ from token to token. "
        "(x − μ)/σ: every token has mean 0 and standard deviation 1. LayerNorm(x): scaled by γ "
        "and shifted by β (the model's own), what the sub-layer reads. The stream itself stays "
        "as it is: the sub-layer's output is added to x.",
        "zh": "x：这个子层之前的残差流，每个词元的大小各不相同。(x − μ)/σ：每个词元均值为 0、标准差为 1。"
        "LayerNorm(x)：再乘以 γ、加上 β（模型自己的），这就是子层读入的内容。残差流本身保持不变："
        "子层的输出加到 x 上。",
    },
    "addnorm.before.post": {"en": "before LayerNorm (x + Sublayer(x))",
                            "zh": "层归一化之前（x + 子层(x)）"},
    "addnorm.before.pre": {"en": "stream x (before LayerNorm)", "zh": "残差流 x（层归一化之前）"},
    "addnorm.normalised": {"en": "(s − μ) / σ", "zh": "(s − μ) / σ"},
    "addnorm.after.post": {"en": "after LayerNorm (model)", "zh": "层归一化之后（模型）"},
    "addnorm.after.pre": {"en": "LayerNorm(x), read by the sub-layer",
                          "zh": "层归一化(x)，子层读入的内容"},
    "addnorm.check_sum_post": {
        "en": "Check: x + Sublayer(x), added here, equals the sum the model handed to LayerNorm "
        "(max |difference| {diff:.1e}).",
        "zh": "核对：这里相加得到的 x + Sublayer(x) 与模型交给 LayerNorm 的和一致（最大 |差值| "
        "{diff:.1e}）。",
    },
    "addnorm.check_sum_pre": {
        "en": "Check: x + Sublayer(LayerNorm(x)), added here, equals the model's next residual "
        "stream (max |difference| {diff:.1e}).",
        "zh": "核对：这里相加得到的 x + Sublayer(LayerNorm(x)) 与模型的下一个残差流一致（最大 |差值| "
        "{diff:.1e}）。",
    },
    "addnorm.check_norm": {
        "en": "Check: LayerNorm of that sum, computed here with the model's γ and β, equals the "
        "model's output (max |difference| {diff:.1e}).",
        "zh": "核对：用模型的 γ 和 β 在这里对这个和做 LayerNorm，结果与模型的输出一致（最大 |差值| "
        "{diff:.1e}）。",
    },
    "addnorm.check_ffn_out": {
        "en": "Check: hidden · W₂ + b₂, computed here with the model's weights, equals the "
        "feed-forward output the model computed (max |difference| {diff:.1e}).",
        "zh": "核对：用模型的权重在这里计算的 hidden · W₂ + b₂ 与模型算出的前馈网络输出一致（最大 "
        "|差值| {diff:.1e}）。",
    },
    "addnorm.check_ffn_hidden": {
        "en": "Check: the activation of (input · W₁ + b₁), computed here, equals the model's "
        "hidden units (max |difference| {diff:.1e}).",
        "zh": "核对：在这里计算的 (输入 · W₁ + b₁) 的激活值与模型的隐藏单元一致（最大 |差值| {diff:.1e}）。",
    },
    "addnorm.check_bad": {
        "en": "That is more than float rounding: the recomputation does not match.",
        "zh": "这超出了浮点舍入误差：重新计算的结果不一致。",
    },
    "addnorm.check_unknown": {
        "en": "The hidden units are not recomputed here: the activation “{act}” is not one this "
        "app knows.",
        "zh": "这里没有重新计算隐藏单元：本应用不认识激活函数“{act}”。",
    },
    "addnorm.mean": {"en": "mean", "zh": "均值"},
    "addnorm.std": {"en": "standard deviation", "zh": "标准差"},
    "addnorm.mean_before": {"en": "mean before", "zh": "之前的均值"},
    "addnorm.std_before": {"en": "std before", "zh": "之前的标准差"},
    "addnorm.mean_after": {"en": "mean after", "zh": "之后的均值"},
    "addnorm.std_after": {"en": "std after", "zh": "之后的标准差"},
    "addnorm.hist": {"en": "Every number of the matrix, before and after",
                     "zh": "矩阵中的每个数，之前与之后"},
    "addnorm.value": {"en": "value", "zh": "数值"},
    "addnorm.count": {"en": "count", "zh": "个数"},
    "addnorm.ffn.relu": {"en": "Feed-forward: hidden activations after ReLU",
                         "zh": "前馈网络：ReLU 之后的隐藏层激活"},
    "addnorm.ffn.gelu": {"en": "Feed-forward: hidden activations after GELU",
                         "zh": "前馈网络：GELU 之后的隐藏层激活"},
    "addnorm.ffn.silu": {"en": "Feed-forward: hidden activations after SiLU",
                         "zh": "前馈网络：SiLU 之后的隐藏层激活"},
    "addnorm.ffn.other": {"en": "Feed-forward: hidden activations after {act}",
                          "zh": "前馈网络：{act} 之后的隐藏层激活"},
    "addnorm.ffn_intro.relu": {
        "en": "Each token alone goes through {d_ff} hidden units (§3.3). ReLU sets every negative "
        "value to exactly 0: those units are switched off for that token.",
        "zh": "每个词元单独经过 {d_ff} 个隐藏单元（§3.3）。ReLU 把所有负值变成正好 0："
        "这些单元对该词元来说被关闭了。",
    },
    "addnorm.ffn_intro.gelu": {
        "en": "Each token alone goes through {d_ff} hidden units. This model uses GELU (its "
        "configuration calls it “{act}”) instead of the paper's ReLU: a smooth curve that lets small negative values through "
        "(down to about −0.17) instead of cutting them to exactly 0. Negative values are pink.",
        "zh": "每个词元单独经过 {d_ff} 个隐藏单元。这个模型用 GELU（配置中称为“{act}”）代替论文中的 ReLU：一条平滑的"
        "曲线，让较小的负值通过（最低约 −0.17），而不是把它们截成正好 0。负值显示为粉色。",
    },
    "addnorm.ffn_intro.silu": {
        "en": "Each token alone goes through {d_ff} hidden units. This model uses SiLU (its "
        "configuration calls it “{act}”) instead of the paper's ReLU: a smooth curve that lets small negative values through "
        "(down to about −0.28). Negative values are pink.",
        "zh": "每个词元单独经过 {d_ff} 个隐藏单元。这个模型用 SiLU（配置中称为“{act}”）代替论文中的 ReLU：一条平滑的"
        "曲线，让较小的负值通过（最低约 −0.28）。负值显示为粉色。",
    },
    "addnorm.ffn_intro.other": {
        "en": "Each token alone goes through {d_ff} hidden units, with the activation {act}.",
        "zh": "每个词元单独经过 {d_ff} 个隐藏单元，激活函数为 {act}。",
    },
    "addnorm.ffn_reads_ln": {
        "en": "In this pre-LN model, x here is LayerNorm of the residual stream, and FFN(x) is "
        "added to the stream.",
        "zh": "在这个前置 LN 模型中，这里的 x 是残差流的 LayerNorm，FFN(x) 再加回残差流。",
    },
    "addnorm.hidden_unit": {"en": "hidden unit", "zh": "隐藏单元"},
    "addnorm.activation": {"en": "activation", "zh": "激活值"},
    "addnorm.zeros.relu": {"en": "Share of hidden units at exactly 0",
                           "zh": "正好为 0 的隐藏单元比例"},
    "addnorm.zeros.other": {"en": "Share of hidden units at or below 0",
                            "zh": "小于或等于 0 的隐藏单元比例"},
    "addnorm.zero_share.relu": {"en": "share of zeros", "zh": "0 的比例"},
    "addnorm.zero_share.other": {"en": "share ≤ 0", "zh": "≤ 0 的比例"},
    "addnorm.all_tokens": {"en": "all tokens", "zh": "所有词元"},
    "addnorm.zeros_caption.relu": {
        "en": "{overall:.1%} of the {size} numbers in this {rows} × {d_ff} matrix are 0.",
        "zh": "这个 {rows} × {d_ff} 矩阵的 {size} 个数中，有 {overall:.1%} 为 0。",
    },
    "addnorm.zeros_caption.other": {
        "en": "{overall:.1%} of the {size} numbers in this {rows} × {d_ff} matrix are at or below "
        "0: their pre-activation was negative, so the unit is (nearly) switched off.",
        "zh": "这个 {rows} × {d_ff} 矩阵的 {size} 个数中，有 {overall:.1%} 小于或等于 0：它们激活前的值"
        "为负，因此这个单元（几乎）被关闭了。",
    },
    "addnorm.stream": {"en": "The residual stream's size through the layers",
                       "zh": "残差流在各层中的大小"},
    "addnorm.stream_caption.post": {
        "en": "Length ‖x‖ of each token's vector. Adding a sub-layer's output makes it longer "
        "(diamonds); LayerNorm brings it back (dots). That is why the paper's post-LN "
        "Transformer stays stable through many layers.",
        "zh": "每个词元向量的长度 ‖x‖。加上子层的输出会让它变长（菱形）；LayerNorm 又把它拉回来（圆点）。"
        "这就是论文中的 post-LN Transformer 能在多层之间保持稳定的原因。",
    },
    "addnorm.stream_caption.pre": {
        "en": "Length ‖x‖ of each token's residual stream after every sum. In a pre-LN model "
        "nothing normalises the stream between layers, so it can keep growing; each sub-layer "
        "reads a normalised copy, which keeps training stable, and one final LayerNorm comes "
        "after the last layer.",
        "zh": "每次相加之后，每个词元残差流的长度 ‖x‖。在前置 LN 模型中，层与层之间没有东西对残差流做"
        "归一化，所以它可以不断变长；每个子层读入的是归一化的副本，这让训练保持稳定，最后一层之后还有一次"
        "最终的 LayerNorm。",
    },
    "addnorm.lines_shown": {
        "en": "Lines for the first {shown} of {total} tokens; the CSV has all of them.",
        "zh": "只画出 {total} 个词元中前 {shown} 个的折线；CSV 文件包含全部词元。",
    },
    "addnorm.checkpoint": {"en": "checkpoint", "zh": "检查点"},
    "addnorm.cp_input": {"en": "input (layer 1 reads)", "zh": "输入（第 1 层读入）"},
    "addnorm.cp_sum.post": {"en": "L{layer} {sub}: x + sublayer",
                            "zh": "第 {layer} 层 {sub}：x + 子层"},
    "addnorm.cp_norm.post": {"en": "L{layer} {sub}: after LN", "zh": "第 {layer} 层 {sub}：归一化之后"},
    "addnorm.cp_sum.pre": {"en": "L{layer} {sub}: x + sublayer",
                           "zh": "第 {layer} 层 {sub}：x + 子层"},
    "addnorm.sum_label.post": {"en": "before LayerNorm", "zh": "层归一化之前"},
    "addnorm.sum_label.pre": {"en": "residual stream (x + sublayer)",
                              "zh": "残差流（x + 子层）"},
    "addnorm.norm_label": {"en": "after LayerNorm", "zh": "层归一化之后"},
}
