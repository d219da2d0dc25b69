"""Text for the output side: the overview's Figure 1, translation step by step, masks and
padding, Add & Norm and the feed-forward layer."""

TEXT = {
    # --- Figure 1 stage names (pipe.*) ---
    "pipe.src_tokens": {"en": "Inputs", "zh": "输入"},
    "pipe.enc_embed": {"en": "Input Embedding", "zh": "输入嵌入"},
    "pipe.enc_pos": {"en": "+ Positional Encoding", "zh": "+ 位置编码"},
    "pipe.enc_attn": {"en": "Multi-Head Attention", "zh": "多头注意力"},
    "pipe.enc_norm1": {"en": "Add & Norm", "zh": "残差相加与归一化"},
    "pipe.enc_ffn": {"en": "Feed Forward", "zh": "前馈网络"},
    "pipe.enc_norm2": {"en": "Add & Norm", "zh": "残差相加与归一化"},
    "pipe.tgt_tokens": {"en": "Outputs (shifted right)", "zh": "输出（右移一位）"},
    "pipe.dec_embed": {"en": "Output Embedding", "zh": "输出嵌入"},
    "pipe.dec_pos": {"en": "+ Positional Encoding", "zh": "+ 位置编码"},
    "pipe.dec_attn": {"en": "Masked Multi-Head Attention", "zh": "掩码多头注意力"},
    "pipe.dec_norm1": {"en": "Add & Norm", "zh": "残差相加与归一化"},
    "pipe.cross": {"en": "Encoder–Decoder Attention", "zh": "编码器–解码器注意力"},
    "pipe.dec_norm2": {"en": "Add & Norm", "zh": "残差相加与归一化"},
    "pipe.dec_ffn": {"en": "Feed Forward", "zh": "前馈网络"},
    "pipe.dec_norm3": {"en": "Add & Norm", "zh": "残差相加与归一化"},
    "pipe.linear": {"en": "Linear", "zh": "线性层"},
    "pipe.softmax": {"en": "Softmax", "zh": "Softmax"},
    "pipe.output": {"en": "Output Probabilities", "zh": "输出概率"},
    "pipe.encoder": {"en": "Encoder", "zh": "编码器"},
    "pipe.decoder": {"en": "Decoder", "zh": "解码器"},
    # --- Overview (ov.*) ---
    "ov.translation": {"en": "Translation", "zh": "翻译结果"},
    "ov.figure": {"en": "The whole pipeline (the paper's Figure 1)", "zh": "完整流程（论文图 1）"},
    "ov.figure_caption": {
        "en": "Read from the bottom up. Each box shows the shape of what it hands on for this "
        "sentence: {n_src} tokens × {d_model} numbers in the encoder, {n_tgt} × {d_model} in the "
        "decoder, {n_heads} heads × rows × columns for attention, and one score per vocabulary "
        "token ({vocab}) at the top. The boxes in the grey frame repeat {n_layers} times.",
        "zh": "从下往上读。每个方框显示它为这个句子输出的形状：编码器中是 {n_src} 个词元 × {d_model} "
        "个数，解码器中是 {n_tgt} × {d_model}，注意力是 {n_heads} 个头 × 行 × 列，最上面是词表中每个"
        "词元（{vocab} 个）一个分数。灰框中的方块重复 {n_layers} 次。",
    },
    "ov.links": {"en": "Look closer", "zh": "深入查看"},
    "ov.links_caption": {
        "en": "Each stage, with its shape for this sentence, opens the page that explains it.",
        "zh": "每个环节（附本句的形状）都链接到讲解它的页面。",
    },
    "ov.not_yet": {"en": "{name} · {shape} (page coming)", "zh": "{name} · {shape}（页面待添加）"},
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
    "ov.hyper_caption": {
        "en": "Same architecture, smaller numbers: a model small enough to run live in a "
        "classroom. The paper's vocabulary had about 37,000 sub-word tokens (§5.1); its parameter "
        "count here is computed from its shape (the paper reports 65 million).",
        "zh": "同样的结构，更小的数字：小到可以在课堂上实时运行。论文的词表约有 37000 个子词（§5.1）；"
        "这里的参数量是根据形状算出来的（论文报告为 6500 万）。",
    },
    "ov.padded": {"en": "The article's 512 × 512 input matrix", "zh": "文章中的 512 × 512 输入矩阵"},
    "ov.padded_caption": {
        "en": "The article: “every sentence becomes a 512 × 512 matrix; where it is too short, "
        "the rest is filled with 0”. 512 rows (max_len, one per token) × 512 numbers per token "
        "(d_model). Ours is {rows} × {cols}. Drawn to scale: the sentence fills {used} rows; "
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
    "trn.title": {"en": "Translation, step by step", "zh": "逐步翻译"},
    "trn.intro": {
        "en": "The decoder writes one token at a time (§3.1: auto-regressive). At each step it "
        "reads the whole source through cross-attention and everything it has written so far, "
        "and turns its last vector into one probability per vocabulary token.",
        "zh": "解码器一次写出一个词元（§3.1：自回归）。每一步它都通过交叉注意力读取整个源句，"
        "并读取自己已经写出的全部内容，再把最后一个向量变成词表中每个词元的概率。",
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
    "trn.result": {"en": "{source}  →  {output}", "zh": "{source}  →  {output}"},
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
        "en": "The decoder's own mask, {n} × {n}: row {step} is this step. It may attend to "
        "positions 1–{step} (1) but not to later ones (0), which it has not written yet.",
        "zh": "解码器自己的掩码，{n} × {n}：第 {step} 行就是这一步。它可以关注第 1–{step} 个位置（1），"
        "不能关注之后的位置（0），因为那些还没有写出来。",
    },
    "trn.cross": {"en": "Cross-attention: where each written token looked in the source",
                  "zh": "交叉注意力：每个写出的词元在源句中看向哪里"},
    "trn.cross_caption": {
        "en": "Rows: the token written at each step; columns: the source tokens. A trained "
        "model lines them up: I → 我, love → 爱, you → 你. The framed row is the current step.",
        "zh": "行：每一步写出的词元；列：源句的词元。训练好的模型会把它们对齐：I → 我，love → 爱，"
        "you → 你。框出的行是当前步骤。",
    },
    "trn.cross_head": {"en": "Layer {layer}, head {head}", "zh": "第 {layer} 层，第 {head} 个头"},
    "trn.cross_mean": {"en": "Layer {layer}, mean over heads", "zh": "第 {layer} 层，所有头的平均"},
    "trn.written": {"en": "written token", "zh": "写出的词元"},
    "trn.source": {"en": "source token", "zh": "源词元"},
    "trn.alignment": {"en": "Most attended source token (mean over heads)",
                      "zh": "最受关注的源词元（所有头的平均）"},
    "trn.weight": {"en": "weight", "zh": "权重"},
    "trn.steps": {"en": "All steps", "zh": "全部步骤"},
    "trn.input": {"en": "decoder input", "zh": "解码器输入"},
    "trn.output": {"en": "written", "zh": "写出"},
    "trn.rank": {"en": "rank", "zh": "排名"},
    "trn.formula_caption": {
        "en": "The last vector h of each position times the shared embedding matrix (§3.4) gives "
        "one score per token; softmax turns the scores into probabilities.",
        "zh": "每个位置的最后一个向量 h 乘以共享的嵌入矩阵（§3.4），得到每个词元一个分数；"
        "softmax 把分数变成概率。",
    },
    "trn.greedy_below": {
        "en": "The steps below follow greedy decoding; beam search explores several at once.",
        "zh": "下面的步骤按贪心解码进行；束搜索同时探索多条路径。",
    },
    # --- Beam search (beam.*) ---
    "beam.title": {"en": "Beam search", "zh": "束搜索"},
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
        "en": "{n} tokens + {pads} × <pad> = {total} rows of {d_model} numbers (embedding × "
        "√d_model + positional encoding). In this model the pad rows are not zeros: <pad> has a "
        "vector and every position a PE. What the article's zeros are for is done by the mask.",
        "zh": "{n} 个词元 + {pads} 个 <pad> = {total} 行，每行 {d_model} 个数（嵌入 × √d_model + "
        "位置编码）。在这个模型中填充行并不是 0：<pad> 有自己的向量，每个位置也有位置编码。"
        "文章中那些 0 的作用由掩码来完成。",
    },
    "masks.padding_mask": {"en": "The padding mask", "zh": "填充掩码"},
    "masks.padding_caption": {
        "en": "1 = a real token, 0 = <pad>. Every query (row) gets this row: no one may attend to "
        "a pad. Scores there become −∞, and softmax turns −∞ into exactly 0.",
        "zh": "1 = 真实词元，0 = <pad>。每个查询（行）都用这一行：谁都不能关注填充。"
        "那里的分数变成 −∞，softmax 把 −∞ 变成正好 0。",
    },
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
        "en": "While training, the decoder sees the whole target sentence at once. Position i must "
        "not peek at the words after it, the words it is supposed to predict (§3.2.3). So its "
        "self-attention is masked: row i may see columns 1…i only.",
        "zh": "训练时，解码器一次看到整个目标句。位置 i 不能偷看它后面的词，也就是它要预测的词"
        "（§3.2.3）。所以它的自注意力带有掩码：第 i 行只能看第 1…i 列。",
    },
    "masks.causal_caption": {
        "en": "The mask the decoder applied, {n} × {n}: lower triangle 1, upper triangle 0.",
        "zh": "解码器实际使用的掩码，{n} × {n}：下三角为 1，上三角为 0。",
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
    "addnorm.intro": {
        "en": "Every sub-layer (attention, feed-forward) is wrapped the same way (§3.1): add its "
        "output to its input (the residual connection), then normalise each token's vector "
        "(LayerNorm). The article calls LayerNorm and activation saturation “technical details”; "
        "here they are, with the model's numbers.",
        "zh": "每个子层（注意力、前馈网络）都以同样的方式包裹（§3.1）：把输出加到输入上（残差连接），"
        "再把每个词元的向量归一化（LayerNorm）。文章把 LayerNorm 和激活函数饱和区称为“技术细节”；"
        "这里用模型自己的数字来看看它们。",
    },
    "addnorm.side": {"en": "Side", "zh": "部分"},
    "addnorm.sublayer": {"en": "Sub-layer", "zh": "子层"},
    "addnorm.sub_attn": {"en": "Self-attention · 自注意力", "zh": "Self-attention · 自注意力"},  # URL-bound
    "addnorm.sub_cross": {"en": "Cross-attention · 交叉注意力", "zh": "Cross-attention · 交叉注意力"},
    "addnorm.sub_ffn": {"en": "Feed-forward · 前馈网络", "zh": "Feed-forward · 前馈网络"},
    "addnorm.side_enc": {"en": "Encoder · 编码器", "zh": "Encoder · 编码器"},  # URL-bound
    "addnorm.side_dec": {"en": "Decoder · 解码器", "zh": "Decoder · 解码器"},
    "addnorm.ln_formula": {
        "en": "LayerNorm works on each token separately: subtract the mean μ of its numbers, "
        "divide by their standard deviation σ, then scale by γ and shift by β (both learned).",
        "zh": "LayerNorm 对每个词元单独处理：减去它的数的均值 μ，除以标准差 σ，再乘以 γ、加上 β"
        "（两者都是学出来的）。",
    },
    "addnorm.stats": {"en": "Per token: mean and spread before and after LayerNorm",
                      "zh": "每个词元：LayerNorm 前后的均值和离散程度"},
    "addnorm.stats_caption": {
        "en": "Before: x + Sublayer(x), sizes differ from token to token. (s − μ)/σ: every token "
        "has mean 0 and standard deviation 1. After: the model's output, scaled by γ and shifted "
        "by β.",
        "zh": "之前：x + Sublayer(x)，每个词元的大小各不相同。(s − μ)/σ：每个词元均值为 0、标准差为 1。"
        "之后：模型的输出，再乘以 γ、加上 β。",
    },
    "addnorm.before": {"en": "before LayerNorm (x + Sublayer(x))",
                       "zh": "LayerNorm 之前（x + Sublayer(x)）"},
    "addnorm.normalised": {"en": "(s − μ) / σ", "zh": "(s − μ) / σ"},
    "addnorm.after": {"en": "after LayerNorm (model)", "zh": "LayerNorm 之后（模型）"},
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
    "addnorm.no_ffn_weights": {
        "en": "The feed-forward output itself is not available for this model (its W₂ is not "
        "exposed), so only the result after LayerNorm is shown.",
        "zh": "此模型的前馈网络输出本身无法获取（没有提供 W₂），因此只显示 LayerNorm 之后的结果。",
    },
    "addnorm.ffn": {"en": "Feed-forward: hidden activations after ReLU",
                    "zh": "前馈网络：ReLU 之后的隐藏层激活"},
    "addnorm.ffn_intro": {
        "en": "Each token alone goes through {d_ff} hidden units (§3.3). ReLU sets every negative "
        "value to exactly 0: those units are switched off for that token.",
        "zh": "每个词元单独经过 {d_ff} 个隐藏单元（§3.3）。ReLU 把所有负值变成正好 0："
        "这些单元对该词元来说被关闭了。",
    },
    "addnorm.hidden_unit": {"en": "hidden unit", "zh": "隐藏单元"},
    "addnorm.activation": {"en": "activation", "zh": "激活值"},
    "addnorm.zeros": {"en": "Share of hidden units at exactly 0",
                      "zh": "正好为 0 的隐藏单元比例"},
    "addnorm.zero_share": {"en": "share of zeros", "zh": "0 的比例"},
    "addnorm.all_tokens": {"en": "all tokens", "zh": "所有词元"},
    "addnorm.zeros_caption": {
        "en": "{overall:.1%} of the {size} numbers in this {rows} × {d_ff} matrix are 0.",
        "zh": "这个 {rows} × {d_ff} 矩阵的 {size} 个数中，有 {overall:.1%} 为 0。",
    },
    "addnorm.stream": {"en": "The residual stream's size through the layers",
                       "zh": "残差流在各层中的大小"},
    "addnorm.stream_caption": {
        "en": "Length ‖x‖ of each token's vector. Adding a sub-layer's output makes it longer "
        "(diamonds); LayerNorm brings it back (dots). That is why the paper's post-LN "
        "Transformer stays stable through many layers.",
        "zh": "每个词元向量的长度 ‖x‖。加上子层的输出会让它变长（菱形）；LayerNorm 又把它拉回来（圆点）。"
        "这就是论文中的 post-LN Transformer 能在多层之间保持稳定的原因。",
    },
    "addnorm.checkpoint": {"en": "checkpoint", "zh": "检查点"},
    "addnorm.cp_input": {"en": "input (embedding + PE)", "zh": "输入（嵌入 + 位置编码）"},
    "addnorm.cp_sum": {"en": "L{layer} {sub}: x + sublayer", "zh": "第 {layer} 层 {sub}：x + 子层"},
    "addnorm.cp_norm": {"en": "L{layer} {sub}: after LN", "zh": "第 {layer} 层 {sub}：LN 之后"},
    "addnorm.sum_label": {"en": "before LayerNorm", "zh": "LayerNorm 之前"},
    "addnorm.norm_label": {"en": "after LayerNorm", "zh": "LayerNorm 之后"},
}
