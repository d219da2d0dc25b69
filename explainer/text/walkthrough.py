"""Text for the walkthrough pages: vectors, embedding, positional encoding, self-attention step by
step, multi-head attention, the vector space (the article's three steps, TEACHING.md rows 3–9)."""

TEXT = {
    # Shared by the walkthrough pages.
    "walk.pc_explained": {"en": "PC{n} ({share:.0%} of the spread)",
                          "zh": "主成分 {n}（保留 {share:.0%} 的离散度）"},
    "walk.pca_note": {
        "en": "PCA squeezes many dimensions into {k} while keeping as much of the spread as "
        "possible (here {share:.0%}). Nearby points are similar vectors.",
        "zh": "PCA 把很多维压缩成 {k} 维，同时尽量保留数据的离散程度（这里保留了 {share:.0%}）。"
        "靠得近的点就是相似的向量。",
    },
    "walk.cut": {
        "en": "Long input: the figure shows the first {shown} of {total} tokens; the CSV has all.",
        "zh": "输入较长：图中只显示前 {shown} 个词元（共 {total} 个）；CSV 中包含全部。",
    },
    "walk.pooled": {
        "en": "Long input: each cell averages a block of {block} positions (rows still sum to 1).",
        "zh": "输入较长：每个格子合并了 {block} 个位置（每行之和仍为 1）。",
    },
    # Options of URL-bound pickers read the same in both languages: the URL stores the label,
    # so a link (or a language switch) keeps the view.
    "walk.dims2": {"en": "2-D", "zh": "2-D"},
    "walk.dims3": {"en": "3-D", "zh": "3-D"},
    "walk.view": {"en": "View", "zh": "视图"},
    "walk.stage": {"en": "Attention block", "zh": "注意力模块"},
    "walk.stage_enc": {"en": "Encoder self · 编码器自注意力", "zh": "Encoder self · 编码器自注意力"},
    "walk.stage_dec": {"en": "Decoder self (masked) · 解码器自注意力（掩码）",
                       "zh": "Decoder self (masked) · 解码器自注意力（掩码）"},
    "walk.stage_cross": {"en": "Cross (decoder → encoder) · 交叉注意力",
                         "zh": "Cross (decoder → encoder) · 交叉注意力"},
    "walk.diff_ok": {
        "en": "This equals the model's own output: max |difference| = {diff:.1e} "
        "(below {tol:.0e}).",
        "zh": "这与模型自己的输出一致：最大 |差值| = {diff:.1e}（小于 {tol:.0e}）。",
    },
    "walk.diff_bad": {
        "en": "The hand computation differs from the model's output by {diff:.1e} "
        "(more than {tol:.0e}).",
        "zh": "手算结果与模型输出相差 {diff:.1e}（超过 {tol:.0e}）。",
    },
    "walk.special": {"en": "Special", "zh": "特殊词元"},
    "walk.hide_specials": {"en": "Hide special tokens", "zh": "隐藏特殊词元"},
    "walk.hide_specials_help": {
        "en": "Tokens such as [CLS], [SEP], <s> or <eos> are added by the tokenizer, not typed. "
        "Many heads put most of their weight on them: when a head finds nothing to do for a "
        "token, attending to such a token acts as a “no-op” sink. Hiding them shows how the "
        "rest of the weight is spread over the words.",
        "zh": "[CLS]、[SEP]、<s>、<eos> 这类词元是分词器加上的，不是你输入的。很多头把大部分权重"
        "放在它们身上：当一个头对某个词元“无事可做”时，关注这类词元就相当于“空操作”的汇聚点。"
        "隐藏它们，可以看清其余权重在各个词上如何分配。",
    },
    "walk.hidden_note": {
        "en": "Hidden: {tokens}. Rows no longer sum to 1: the missing share went to them.",
        "zh": "已隐藏：{tokens}。每行之和不再是 1：缺少的那部分权重给了它们。",
    },
    # Page: vectors (the credit example).
    "walk.vec.title": {"en": "Vectors: a person as a point", "zh": "向量：把一个人看成一个点"},
    "walk.vec.intro": {
        "en": "A vector is a list of numbers, and also a point in a space with one axis per "
        "number. A bank describes each person by 8 features: each person is a point in an "
        "8-dimensional space.",
        "zh": "向量是一组数字，也是空间中的一个点：每个数字对应一根坐标轴。银行用 8 个特征描述"
        "每个人：每个人就是 8 维空间中的一个点。",
    },
    "walk.vec.people": {"en": "People", "zh": "人数"},
    "walk.vec.seed": {"en": "Random seed", "zh": "随机种子"},
    "walk.vec.table": {
        "en": "The first people, as vectors (generated data; each row is one point).",
        "zh": "前几个人的向量（生成的数据；每一行是一个点）。",
    },
    "walk.vec.space8": {"en": "8 features", "zh": "8 个特征"},
    "walk.vec.space9": {"en": "9 features: + annual salary", "zh": "9 个特征：加上“年薪”"},
    "walk.vec.good": {"en": "good credit", "zh": "信用好"},
    "walk.vec.bad": {"en": "bad credit", "zh": "信用差"},
    "walk.vec.person": {"en": "person {i}", "zh": "第 {i} 人"},
    "walk.vec.accuracy": {
        "en": "A straight line (logistic regression) separates good from bad credit for "
        "**{acc:.0%}** of people (5-fold cross-validation, all {k} features).",
        "zh": "一条直线（逻辑回归）能正确分开 **{acc:.0%}** 的人（5 折交叉验证，使用全部 {k} 个"
        "特征）。",
    },
    "walk.vec.takeaway": {
        "en": "One more feature moved every point into a new, 9-dimensional space where good "
        "and bad credit separate better. The Transformer does this to words: each step below "
        "(embedding, position, attention) gives a word's vector more information.",
        "zh": "只多了一个特征，每个点就进入了一个新的 9 维空间，在那里信用好和信用差分得更开。"
        "Transformer 对词做的正是这件事：后面的每一步（编码、定位、注意力）都让词向量带上更多"
        "信息。",
    },
    "walk.feat.age": {"en": "age", "zh": "年龄"},
    "walk.feat.years_employed": {"en": "years employed", "zh": "工作年限"},
    "walk.feat.credit_history_years": {"en": "credit history (years)", "zh": "信用记录（年）"},
    "walk.feat.open_loans": {"en": "open loans", "zh": "未还贷款数"},
    "walk.feat.debt_ratio": {"en": "debt ratio", "zh": "负债率"},
    "walk.feat.late_payments": {"en": "late payments", "zh": "逾期次数"},
    "walk.feat.savings_k": {"en": "savings (k)", "zh": "存款（千）"},
    "walk.feat.home_owner": {"en": "owns home", "zh": "有房"},
    "walk.feat.annual_salary_k": {"en": "annual salary (k)", "zh": "年薪（千）"},
    "walk.feat.good": {"en": "good credit", "zh": "信用好"},
    # Page: embedding.
    "walk.emb.title": {"en": "Step 1 · Embedding", "zh": "第一步 · 编码（Embedding）"},
    "walk.emb.intro": {
        "en": "Each token is looked up in one shared table, {model}'s embedding matrix: one row "
        "of d_model = {d} numbers per vocabulary entry ({v} entries). The token becomes a point "
        "in a {d}-dimensional space.",
        "zh": "每个词元在同一张表（{model} 的嵌入矩阵）里查出一行：词表中每个条目（共 {v} 个）"
        "对应 d_model = {d} 个数字。这样词元就成了 {d} 维空间中的一个点。",
    },
    "walk.emb.scaled": {
        "en": "This model multiplies the row by √d_model, as the paper does (§3.4).",
        "zh": "这个模型像论文一样把这一行乘以 √d_model（§3.4）。",
    },
    "walk.emb.unscaled": {
        "en": "This model uses the row as it is (the paper multiplies it by √d_model, §3.4; "
        "this model does not).",
        "zh": "这个模型直接使用这一行（论文会乘以 √d_model，§3.4；这个模型不乘）。",
    },
    "walk.emb.embed_norm": {
        "en": "This model (a BERT) adds its position row (and a token-type row) to the "
        "embedding and then normalises the sum with a LayerNorm: what layer 1 reads is "
        "LayerNorm(embedding + position + token type), not the plain sum.",
        "zh": "这个模型（一个 BERT）把位置行（以及词元类型行）加到编码上，再用 LayerNorm "
        "归一化：第 1 层读入的是 LayerNorm(编码 + 位置 + 词元类型)，而不是简单的和。",
    },
    "walk.emb.decoder_only": {
        "en": "A decoder-only model reads one sequence: your prompt (the first {n_prompt} "
        "tokens), then what it wrote itself, {n} tokens in all.",
        "zh": "仅解码器模型只读一个序列：你的提示（前 {n_prompt} 个词元），然后是它自己写出的"
        "内容，共 {n} 个词元。",
    },
    "walk.emb.near_words": {"en": "nearest words", "zh": "最近的词"},
    "walk.emb.map_sample": {
        "en": "The map draws {shown} of the {v} entries (a fixed sample, plus the labelled "
        "neighbours); the PCA and the CSV use all of them.",
        "zh": "图中画出了 {v} 个条目中的 {shown} 个（固定的抽样，加上标出的近邻）；PCA 和 CSV "
        "使用全部条目。",
    },
    "walk.emb.tokens": {"en": "The sentence's tokens", "zh": "句子的词元"},
    "walk.emb.unknown_note": {
        "en": "Highlighted tokens are not in the vocabulary: the model reads them as <unk> and "
        "gives them all the same vector.",
        "zh": "高亮的词元不在词表中：模型把它们读作 <unk>，它们的向量都一样。",
    },
    "walk.emb.strips": {"en": "Each token's vector", "zh": "每个词元的向量"},
    "walk.emb.strips_text": {
        "en": "One row per token, one cell per dimension: red is positive, blue negative. "
        "A repeated word has the same row twice: embedding knows nothing of position yet.",
        "zh": "每行一个词元，每格一个维度：红色为正，蓝色为负。重复出现的词两行完全相同："
        "编码还不知道位置。",
    },
    "walk.emb.numbers": {
        "en": "**The same vectors as numbers**: the first {k} of the {d} dimensions of each row "
        "(the cells above, left to right).",
        "zh": "**同样的向量，用数字表示**：每行 {d} 个维度中的前 {k} 个（就是上图从左到右的格子）。",
    },
    "walk.emb.numbers_all": {"en": "Show all {d} numbers", "zh": "显示全部 {d} 个数字"},
    "walk.emb.numbers_all_title": {
        "en": "**The same vectors as numbers**: all {d} dimensions (scroll sideways).",
        "zh": "**同样的向量，用数字表示**：全部 {d} 个维度（可以横向滚动）。",
    },
    "walk.emb.map": {"en": "Where the tokens sit in the vocabulary", "zh": "词元在词表中的位置"},
    "walk.emb.map_text": {
        "en": "Grey: the vocabulary's {v} entries, each a {d}-dimensional vector, projected to "
        "2-D. Red: your sentence; darker grey labels: the words nearest to its tokens. After "
        "training, words used alike end up close together.",
        "zh": "灰点：词表中的 {v} 个条目，每个都是 {d} 维向量，投影到二维。红点：你的句子；"
        "深灰色标签：与句中词元最接近的词。训练之后，用法相近的词会靠在一起。",
    },
    "walk.emb.vocab": {"en": "vocabulary", "zh": "词表"},
    "walk.emb.sentence": {"en": "sentence", "zh": "句子"},
    "walk.emb.neighbours": {"en": "Nearest neighbours", "zh": "最近邻"},
    "walk.emb.neighbours_text": {
        "en": "The vocabulary entries whose vectors point most nearly the same way as "
        "“{token}” (cosine similarity: 1 = same direction, 0 = unrelated).",
        "zh": "与“{token}”的向量方向最接近的词表条目（余弦相似度：1 = 方向相同，0 = 无关）。",
    },
    "walk.emb.unk_neighbours": {
        "en": "“{token}” is unknown, so these are the neighbours of the unknown-word token.",
        "zh": "“{token}”是未知词，所以这里显示的是未知词元的近邻。",
    },
    "walk.emb.cosine": {"en": "cosine similarity", "zh": "余弦相似度"},
    # Page: positional encoding.
    "walk.pe.title": {"en": "Step 2 · Positional encoding", "zh": "第二步 · 定位（位置编码）"},
    "walk.pe.intro": {
        "en": "Attention itself ignores word order. So each position gets a vector of its own, "
        "added to the token's vector: now the vector also says “I am word number 2 of this "
        "sentence”.",
        "zh": "注意力本身不看词序。所以每个位置都有一个自己的向量，加到词元的向量上：这样向量"
        "还会说明“我是这句话的第 2 个词”。",
    },
    "walk.pe.sinusoidal": {
        "en": "In this model that vector is computed, not learned: sine and cosine waves of "
        "different speeds (§3.5).",
        "zh": "在这个模型中，这个向量是算出来的，不是学出来的：由快慢不同的正弦、余弦波组成"
        "（§3.5）。",
    },
    "walk.pe.halves_note": {
        "en": "{model} lays the same waves out differently from the paper: all sines in the "
        "first half of the dimensions, all cosines in the second half.",
        "zh": "{model} 对同样的波排列方式与论文不同：前一半维度全是正弦，后一半全是余弦。",
    },
    "walk.pe.learned": {
        "en": "In {model} these vectors are learned: a trained table with one row per position "
        "(up to {n}), looked up like the words' embeddings. No formula: what you see below are "
        "the rows as training left them.",
        "zh": "在 {model} 中，这些向量是学出来的：一张训练得到的表，每个位置一行（最多 {n} 个），"
        "像词的编码一样查表。没有公式：下面看到的就是训练后留下的各行。",
    },
    "walk.pe.no_table": {
        "en": "{model} adds no position vectors to its tokens (its positions are “{kind}”, "
        "applied inside attention), so there is nothing to draw on this page.",
        "zh": "{model} 不在词元上加位置向量（它的位置方式是“{kind}”，在注意力内部起作用），"
        "所以本页没有可画的内容。",
    },
    "walk.pe.matrix_learned": {
        "en": "One row per position of your sentence ({n} tokens), one column per dimension, "
        "exactly as the model stores them. Learned rows need not look like waves, but "
        "neighbouring positions often end up alike.",
        "zh": "你的句子（{n} 个词元）每个位置一行，每个维度一列，与模型中存储的完全一样。学到的"
        "行不一定像波，但相邻位置往往会变得相似。",
    },
    "walk.pe.formula_note": {
        "en": "pos = position, i = pair of dimensions, d_model = {d}. Nothing here is learned.",
        "zh": "pos = 位置，i = 第几对维度，d_model = {d}。这里没有任何需要学习的参数。",
    },
    "walk.pe.matrix": {"en": "The PE matrix", "zh": "位置编码矩阵"},
    "walk.pe.matrix_learned_title": {"en": "The learned position rows", "zh": "学到的位置行"},
    "walk.pe.matrix_text": {
        "en": "One row per position, one column per dimension. Left columns swing fast, right "
        "columns slowly, like the hands of a clock: together they give every position its own "
        "pattern. The dashed line marks the end of your sentence.",
        "zh": "每行一个位置，每列一个维度。左边的列变化快，右边的列变化慢，就像钟表的指针："
        "组合起来，每个位置都有独一无二的图案。虚线标出你的句子在哪里结束。",
    },
    "walk.pe.matrix_text_halves": {
        "en": "One row per position, one column per dimension: sines in the left half, cosines "
        "in the right. Within each half, left columns swing fast and right ones slowly, like "
        "the hands of a clock: together they give every position its own pattern. The dashed "
        "line marks the end of your sentence.",
        "zh": "每行一个位置，每列一个维度：左半边是正弦，右半边是余弦。每一半里，左边的列变化"
        "快，右边的列变化慢，就像钟表的指针：组合起来，每个位置都有独一无二的图案。虚线标出"
        "你的句子在哪里结束。",
    },
    "walk.pe.matrix_check": {
        "en": "Computed from the formula; equals the model's own encoding of your sentence "
        "(max |difference| = {diff:.1e}).",
        "zh": "按公式计算；与模型对你句子的位置编码一致（最大 |差值| = {diff:.1e}）。",
    },
    "walk.pe.end": {"en": "end of sentence", "zh": "句子结束"},
    "walk.pe.waves": {"en": "The waves", "zh": "波形"},
    "walk.pe.dims": {"en": "Dimensions", "zh": "维度"},
    "walk.pe.waves_text": {
        "en": "Each dimension is a wave over positions. Dimension {dim} is a {kind} wave that "
        "repeats every {length:.1f} positions. Red dots: your sentence's tokens.",
        "zh": "每个维度都是一条随位置变化的波。第 {dim} 维是 {kind} 波，每 {length:.1f} 个位置"
        "重复一次。红点：你句子中的词元。",
    },
    "walk.pe.waves_learned": {
        "en": "The chosen dimensions of the learned rows, position by position. Red dots: your "
        "sentence's tokens.",
        "zh": "学到的各行在所选维度上的值，逐个位置画出。红点：你句子中的词元。",
    },
    "walk.pe.sum": {"en": "Embedding + position = input", "zh": "编码 + 位置 = 输入"},
    "walk.pe.sum_text": {
        "en": "The vector the first layer reads for “{token}” at position {pos}: its embedding "
        "plus the vector of position {pos}.",
        "zh": "第一层为位置 {pos} 上的“{token}”读入的向量：它的编码加上位置 {pos} 的向量。",
    },
    "walk.pe.row_embed": {"en": "embedding ×√d", "zh": "编码 ×√d"},
    "walk.pe.row_embed_plain": {"en": "embedding", "zh": "编码"},
    "walk.pe.row_pe": {"en": "+ PE", "zh": "+ 位置编码"},
    "walk.pe.row_pos": {"en": "+ position", "zh": "+ 位置"},
    "walk.pe.row_input": {"en": "= input", "zh": "= 输入"},
    "walk.pe.row_sum": {"en": "= sum", "zh": "= 和"},
    "walk.pe.row_normed": {"en": "input (after LayerNorm)", "zh": "输入（LayerNorm 之后）"},
    "walk.pe.sum_normed": {
        "en": "This model also adds a token-type row and normalises the sum (LayerNorm), so the "
        "input is not the plain sum: no equality to check here.",
        "zh": "这个模型还会加上词元类型行并对和做归一化（LayerNorm），所以输入不是简单的和："
        "这里没有等式可核对。",
    },
    "walk.pe.sum_check": {
        "en": "Checked on the model: max |embedding + position − input| = {diff:.1e}.",
        "zh": "在模型上核对：最大 |编码 + 位置 − 输入| = {diff:.1e}。",
    },
    "walk.pe.before_after": {"en": "Before and after adding positions",
                             "zh": "加上位置向量前后"},
    "walk.pe.before": {"en": "embedding", "zh": "编码"},
    "walk.pe.after": {"en": "embedding + position", "zh": "编码 + 位置"},
    "walk.pe.ba_text": {
        "en": "Hollow: the tokens' embeddings. Filled: the same tokens after adding their "
        "position's vector. Both sets share one PCA, so the axes are the same.",
        "zh": "空心：词元的编码。实心：加上位置向量之后的同一批词元。两组点共用一次 PCA，"
        "所以坐标轴相同。",
    },
    "walk.pe.ba_text_copies": {
        "en": "Hollow: the tokens' embeddings. Filled: the same tokens after adding their "
        "position's vector. The horizontal axis runs from the first “{token}” to the second, "
        "the vertical one is the main direction of the rest: the red line between the two "
        "copies is their real distance.",
        "zh": "空心：词元的编码。实心：加上位置向量之后的同一批词元。横轴从第一个“{token}”指向第二个，"
        "纵轴是其余差异的主方向：两个副本之间的红线就是它们真实的距离。",
    },
    "walk.pe.axis_copies": {
        "en": "along {token}@{a} → {token}@{b} ({share:.0%} of the spread)",
        "zh": "沿 {token}@{a} → {token}@{b} 方向（{share:.0%} 的离散度）",
    },
    "walk.pe.axis_rest": {
        "en": "main direction of the rest ({share:.0%} of the spread)",
        "zh": "其余差异的主方向（{share:.0%} 的离散度）",
    },
    "walk.pe.gap": {"en": "distance {d:.2f}", "zh": "距离 {d:.2f}"},
    "walk.pe.repeat": {
        "en": "“{token}” appears at positions {a} and {b}. Before positions are added the two "
        "copies are the same point (distance {before:.3f}); after, they are {after:.2f} apart: "
        "the model can tell them apart.",
        "zh": "“{token}”出现在位置 {a} 和 {b}。加位置向量前，两个副本是同一个点（距离 "
        "{before:.3f}）；加上之后相距 {after:.2f}：模型能区分它们了。",
    },
    "walk.pe.repeat_demo": {
        "en": "Your sentence has no repeated word, so here is “{sentence}”:",
        "zh": "你的句子里没有重复的词，所以这里用“{sentence}”演示：",
    },
    "walk.pe.similarity": {"en": "Which positions look alike", "zh": "哪些位置彼此相似"},
    "walk.pe.similarity_text": {
        "en": "The dot product of the codes of two positions. It is largest on the diagonal "
        "({top:.0f} = d_model/2) and depends only on how far apart the positions are: "
        "neighbours look alike, distant positions do not.",
        "zh": "两个位置编码的点积。对角线上最大（{top:.0f} = d_model/2），而且只取决于两个位置"
        "相距多远：相邻的位置相似，相距远的位置不相似。",
    },
    "walk.pe.similarity_learned": {
        "en": "The cosine similarity of the learned vectors of two positions (their directions: "
        "the rows differ in length). Nothing forces a pattern here; whatever structure you "
        "see, training put there.",
        "zh": "两个位置所学向量的余弦相似度（比较方向：各行长度不同）。这里没有任何强制的规律；"
        "你看到的结构都是训练留下的。",
    },
    # Page: self-attention, step by step.
    "walk.sa.title": {"en": "Step 3 · Self-attention, step by step",
                      "zh": "第三步 · 自注意力，一步一步算"},
    "walk.sa.intro": {
        "en": "One head, one query token, with the model's own numbers: the token's vector times "
        "three shared matrices gives q, k, v; q·k measures similarity; softmax turns the scores "
        "into weights that sum to 1; the weighted sum of the v's is the attention value z.",
        "zh": "一个头、一个查询词元，用模型自己的数字：词元向量分别乘以三个共享矩阵得到 q、k、v；"
        "q·k 衡量相似度；softmax 把分数变成和为 1 的权重；各个 v 的加权和就是注意力值 z。",
    },
    "walk.sa.s1": {"en": "① The input vector x", "zh": "① 输入向量 x"},
    "walk.sa.s1_text": {
        "en": "“{token}” (position {pos}) as it enters layer {layer}: {source}.",
        "zh": "位置 {pos} 上的“{token}”进入第 {layer} 层时的向量：{source}。",
    },
    "walk.sa.src_input": {"en": "embedding + position", "zh": "编码 + 位置"},
    "walk.sa.src_input_normed": {"en": "LayerNorm(embedding + position + token type)",
                                 "zh": "LayerNorm(编码 + 位置 + 词元类型)"},
    "walk.sa.pre_ln": {
        "en": "{model} is a pre-LN model: before attention, the block normalises x with its own "
        "LayerNorm (γ, β from the model, ε = {eps:g}), and W_Q, W_K, W_V multiply that x̂. "
        "We recompute the LayerNorm here too.",
        "zh": "{model} 是前置 LN（pre-LN）模型：在注意力之前，模块先用它自己的 LayerNorm（γ、β "
        "取自模型，ε = {eps:g}）把 x 归一化，W_Q、W_K、W_V 乘的是这个 x̂。这里也重新计算了这个 "
        "LayerNorm。",
    },
    "walk.sa.tolerance": {
        "en": "The model computes in float32 and we recompute in float64, so the two never agree "
        "to the last digit: we call them equal when they differ by less than {tol:.0e}.",
        "zh": "模型用 float32 计算，我们用 float64 重算，所以两者不会完全一致：差值小于 "
        "{tol:.0e} 时我们就认为相等。",
    },
    "walk.sa.src_prev": {"en": "the output of layer {prev}", "zh": "第 {prev} 层的输出"},
    "walk.sa.src_cross": {
        "en": "queries come from the decoder (after its self-attention), keys and values from "
        "the encoder's last layer",
        "zh": "查询来自解码器（经过其自注意力之后），键和值来自编码器的最后一层",
    },
    "walk.sa.s2": {"en": "② Three shared matrices W_Q, W_K, W_V",
                   "zh": "② 三个共享矩阵 W_Q、W_K、W_V"},
    "walk.sa.s2_text": {
        "en": "The same three matrices serve every token of every sentence: they are what "
        "training learned. Each maps d_model = {d} numbers to d_k = {e}.",
        "zh": "所有句子的所有词元都用这同样三个矩阵：它们正是训练学到的东西。每个矩阵把 "
        "d_model = {d} 个数映射成 d_k = {e} 个数。",
    },
    "walk.sa.s3": {"en": "③ Query, keys, values", "zh": "③ 查询、键、值"},
    "walk.sa.s3_text": {
        "en": "q belongs to “{token}” only; every token j (“{first}”, …) gets its own k_j and "
        "v_j from the same W_K, W_V.",
        "zh": "q 只属于“{token}”；每个词元 j（“{first}”……）都用同样的 W_K、W_V 得到自己的 k_j "
        "和 v_j。",
    },
    "walk.sa.q_table": {"en": "q (query of “{token}”)", "zh": "q（“{token}”的查询）"},
    "walk.sa.k_table": {"en": "k_j (one row per key token)", "zh": "k_j（每个键词元一行）"},
    "walk.sa.v_table": {"en": "v_j (one row per key token)", "zh": "v_j（每个键词元一行）"},
    "walk.sa.s4": {"en": "④ Scores: q·k_j, divided by √d_k", "zh": "④ 分数：q·k_j，再除以 √d_k"},
    "walk.sa.s4_text": {
        "en": "A dot product is large when two vectors point the same way. Dividing by "
        "√d_k = {sqrt:.2f} keeps the scores in a range where softmax still distinguishes them "
        "(§3.2.1).",
        "zh": "两个向量方向越一致，点积越大。除以 √d_k = {sqrt:.2f}，让分数保持在 softmax 仍能"
        "区分的范围内（§3.2.1）。",
    },
    "walk.sa.dot": {"en": "q·k_j", "zh": "q·k_j"},
    "walk.sa.scaled": {"en": "q·k_j / √d_k", "zh": "q·k_j / √d_k"},
    "walk.sa.masked": {"en": "masked", "zh": "被掩码"},
    "walk.sa.tex_where_masked": {"en": "where masked", "zh": "被掩码处"},
    "walk.sa.s5": {"en": "⑤ The mask", "zh": "⑤ 掩码"},
    "walk.sa.mask_none": {
        "en": "No key is masked here: every token may look at every token of the sentence.",
        "zh": "这里没有被掩码的键：每个词元都可以关注句子中的所有词元。",
    },
    "walk.sa.mask_some": {
        "en": "{n} of {total} keys are masked (score set to −∞, or to a huge negative number, "
        "so the weight is exactly 0): {why}",
        "zh": "{total} 个键中有 {n} 个被掩码（分数设为 −∞ 或一个极大的负数，所以权重正好为 0）："
        "{why}",
    },
    "walk.sa.mask_future": {
        "en": "the decoder may not look at tokens it has not written yet (§3.2.3).",
        "zh": "解码器不能看还没写出来的词元（§3.2.3）。",
    },
    "walk.sa.mask_pad": {"en": "padding is not a word.", "zh": "填充不是词。"},
    "walk.sa.s6": {"en": "⑥ Softmax: weights that sum to 1", "zh": "⑥ Softmax：和为 1 的权重"},
    "walk.sa.s6_text": {
        "en": "Softmax makes every score positive and scales them to sum to 1: the share of "
        "attention “{token}” gives each token.",
        "zh": "Softmax 把每个分数变成正数，并让它们加起来等于 1：这就是“{token}”分给每个词元"
        "的注意力份额。",
    },
    "walk.sa.sum_text": {"en": "Σ w_j = {total:.4f}", "zh": "Σ w_j = {total:.4f}"},
    "walk.sa.s7": {"en": "⑦ The weighted sum z = Σ w_j v_j", "zh": "⑦ 加权和 z = Σ w_j v_j"},
    "walk.sa.s7_text": {
        "en": "Each row is one token's value scaled by its weight; adding the rows gives z, the "
        "new vector for “{token}” from this head. It now carries information from the tokens it "
        "attended to.",
        "zh": "每一行是一个词元的值乘以它的权重；把这些行加起来得到 z，即这个头为“{token}”算出"
        "的新向量。它现在带上了它所关注的词元的信息。",
    },
    "walk.sa.wv_row": {"en": "w·v  {token}", "zh": "w·v  {token}"},
    "walk.sa.z_row": {"en": "z = Σ", "zh": "z = Σ"},
    "walk.sa.checks": {"en": "Every step against the model", "zh": "每一步与模型核对"},
    "walk.sa.step": {"en": "step", "zh": "步骤"},
    "walk.sa.difference": {"en": "max |difference|", "zh": "最大 |差值|"},
    # Page: multi-head attention.
    "walk.mh.title": {"en": "Multi-head attention", "zh": "多头注意力"},
    "walk.mh.intro": {
        "en": "Not one attention but {h} per layer, each with its own W_Q, W_K, W_V: {h} "
        "different spaces in which words compare. Why several? The paper's answer is "
        "empirical: it works better (§3.2.2).",
        "zh": "每层不是一个注意力，而是 {h} 个，每个都有自己的 W_Q、W_K、W_V：词在 {h} 个不同的"
        "空间里相互比较。为什么要多个？论文的回答是经验性的：效果更好（§3.2.2）。",
    },
    "walk.mh.grid": {"en": "Every layer and head at a glance", "zh": "所有层、所有头一览"},
    "walk.mh.grid_text": {
        "en": "Rows: layers; columns: heads. Each small square is one head's attention: row = "
        "the token that looks, column = the token looked at. Same colour scale everywhere "
        "(0 to 1), so heads compare.",
        "zh": "行：层；列：头。每个小方块是一个头的注意力：行 = 发出关注的词元，列 = 被关注的"
        "词元。所有方块用同一色标（0 到 1），便于比较。",
    },
    "walk.mh.layer_n": {"en": "Layer {n}", "zh": "第 {n} 层"},
    "walk.mh.head_n": {"en": "Head {n}", "zh": "头 {n}"},
    "walk.mh.detail": {"en": "One head up close", "zh": "近看一个头"},
    "walk.mh.detail_title": {"en": "Layer {layer}, head {head}", "zh": "第 {layer} 层，头 {head}"},
    "walk.mh.average": {"en": "Average over the {h} heads", "zh": "{h} 个头的平均"},
    "walk.mh.detail_text": {
        "en": "Hover a cell for the exact weight. Masked cells are left blank.",
        "zh": "把鼠标移到格子上可看精确权重。被掩码的格子留空。",
    },
    "walk.mh.summary": {"en": "What each head does", "zh": "每个头在做什么"},
    "walk.mh.summary_text": {
        "en": "Colour: how spread a head's attention is (0 = all on one token, 1 = even over all). "
        "Label: where it puts at least half its attention on average, or “broad”.",
        "zh": "颜色：一个头的注意力有多分散（0 = 全部集中在一个词元上，1 = 平均分配）。"
        "标签：它平均至少一半注意力放在哪里，否则为“分散”。",
    },
    "walk.mh.spread": {"en": "spread", "zh": "分散度"},
    "walk.mh.summary_table": {"en": "The numbers: entropy and where each head looks",
                              "zh": "具体数字：每个头的熵和关注位置"},
    "walk.mh.entropy": {"en": "entropy (bits)", "zh": "熵（比特）"},
    "walk.mh.cat.self": {"en": "self", "zh": "自身"},
    "walk.mh.cat.previous": {"en": "previous", "zh": "前一个"},
    "walk.mh.cat.next": {"en": "next", "zh": "后一个"},
    "walk.mh.cat.first": {"en": "first", "zh": "第一个"},
    "walk.mh.cat.last": {"en": "last", "zh": "最后一个"},
    "walk.mh.cat.broad": {"en": "broad", "zh": "分散"},
    "walk.mh.looks_at": {"en": "looks at", "zh": "主要关注"},
    "walk.mh.mix": {"en": "Concatenate the heads, mix with W_O", "zh": "拼接各个头，再用 W_O 混合"},
    "walk.mh.mix_text": {
        "en": "For “{token}”: the {h} heads' outputs z (each {e} numbers) are put side by side "
        "into one vector of {d}, then multiplied by W_O, which mixes what the heads found into "
        "one new vector.",
        "zh": "对“{token}”：{h} 个头的输出 z（每个 {e} 个数）并排拼成一个 {d} 维向量，再乘以 "
        "W_O，把各个头找到的信息混合成一个新向量。",
    },
    "walk.mh.concat": {"en": "Concat(z₁…z_h)", "zh": "拼接(z₁…z_h)"},
    "walk.mh.output": {"en": "output", "zh": "输出"},
    "walk.mh.share": {"en": "How much each head adds", "zh": "每个头贡献多少"},
    "walk.mh.share_value": {"en": "length of z_h · W_O[h]", "zh": "z_h · W_O[h] 的长度"},
    "walk.mh.qk": {"en": "Queries and keys of one head", "zh": "一个头的查询和键"},
    "walk.mh.qk_text": {
        "en": "Layer {layer}, head {head}: circles are queries, diamonds keys, in one shared "
        "PCA. A dotted line joins each query to the key it weights most. Attention compares "
        "directions (dot products), so closeness here is a hint, not the whole story.",
        "zh": "第 {layer} 层，头 {head}：圆点是查询，菱形是键，共用一次 PCA。虚线把每个查询连到"
        "它权重最大的键。注意力比较的是方向（点积），所以这里的远近只是提示，并非全部。",
    },
    "walk.mh.query": {"en": "query", "zh": "查询"},
    "walk.mh.key": {"en": "key", "zh": "键"},
    # Page: the vector space.
    "walk.vs.title": {"en": "The vector space", "zh": "向量空间"},
    "walk.vs.intro": {
        "en": "Follow each token's vector through the pipeline: embedding, + position, then "
        "every layer. All stages share one PCA, so movement is real: attention pulls a token "
        "towards the tokens it reads from.",
        "zh": "跟踪每个词元的向量走过整个流程：编码、加上位置，然后经过每一层。所有阶段共用一次 "
        "PCA，所以看到的移动是真实的：注意力把词元拉向它读取信息的那些词元。",
    },
    "walk.vs.side": {"en": "Which side", "zh": "哪一侧"},
    "walk.vs.hidden": {
        "en": "Hidden: {tokens}. The PCA is fitted on the other tokens only.",
        "zh": "已隐藏：{tokens}。PCA 只用其余词元拟合。",
    },
    "walk.vs.pre_ln": {
        "en": "In a pre-LN model (GPT-2) the stream itself is never normalised, so vectors "
        "tend to grow layer by layer; the paths stretch accordingly.",
        "zh": "在前置 LN（pre-LN）模型（GPT-2）中，残差流本身从不归一化，向量往往逐层变长；"
        "路径也随之拉长。",
    },
    "walk.vs.side_enc": {"en": "Encoder · 编码器", "zh": "Encoder · 编码器"},
    "walk.vs.side_dec": {"en": "Decoder · 解码器", "zh": "Decoder · 解码器"},
    "walk.vs.substeps": {"en": "Show each sub-layer", "zh": "显示每个子层"},
    "walk.vs.paths": {"en": "Each token's path", "zh": "每个词元的路径"},
    "walk.vs.paths_text": {
        "en": "A line per token: hollow square = its embedding, big labelled dot = after the last "
        "layer, small dots = the steps between. Hover a point to see the stage.",
        "zh": "每个词元一条线：空心方块 = 它的编码，带标签的大圆点 = 最后一层之后，小圆点 = 中间"
        "各步。把鼠标移到点上可看所在阶段。",
    },
    "walk.vs.intake": {"en": "What moves “{token}” at each attention step",
                       "zh": "每一步注意力把“{token}”往哪里推"},
    "walk.vs.intake_share": {"en": "share of the move", "zh": "在这次移动中所占的份额"},
    "walk.vs.intake_text": {
        "en": "Attention moves “{token}” by a weighted sum of one message per word: weight × "
        "(that word's value vector) × W_O. A bar is one layer; each coloured piece is the share "
        "of the move that word brought (the length of its message; the hatched piece came from "
        "“{token}” itself). Each word keeps its colour on the whole page.",
        "zh": "注意力把“{token}”移动的量，是每个词一条“消息”的加权和：权重 ×（这个词的值向量）× W_O。"
        "每根条代表一层；每一段彩色是这个词带来的那部分移动（它的消息的长度；带斜线的一段来自“{token}”"
        "自己）。同一个词在整页中颜色都相同。",
    },
    "walk.vs.intake_line": {
        "en": "Layer {layer}: besides itself ({own:.0%}), “{token}” took most from “{word}” "
        "({share:.0%}).",
        "zh": "第 {layer} 层：除了它自己（{own:.0%}），“{token}”从“{word}”那里得到的最多（{share:.0%}）。",
    },
    "walk.vs.similar": {"en": "Who does “{token}” resemble?", "zh": "“{token}”像谁？"},
    "walk.vs.similar_text": {
        "en": "Cosine similarity between “{token}” and the other tokens at every stage (full "
        "{d} dimensions, no projection). Lines rising after an attention step: that token's "
        "information has been mixed in.",
        "zh": "在每个阶段，“{token}”与其他词元的余弦相似度（完整的 {d} 维，没有投影）。在注意力"
        "之后上升的线：说明那个词元的信息被混合进来了。",
    },
    "walk.stage.embed": {"en": "embedding", "zh": "编码"},
    "walk.stage.pe": {"en": "+ position", "zh": "+ 位置"},
    "walk.stage.attn": {"en": "L{n} attention", "zh": "第{n}层 注意力"},
    "walk.stage.cross": {"en": "L{n} cross-attn", "zh": "第{n}层 交叉注意力"},
    "walk.stage.ffn": {"en": "L{n} feed-forward", "zh": "第{n}层 前馈"},
}
