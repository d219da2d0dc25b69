"""Text for the page "RNN vs attention" (TEACHING.md row 2): serial against parallel, measured."""

TEXT = {
    "rnn.title": {"en": "RNN vs attention", "zh": "RNN 与注意力"},
    "rnn.intro": {
        "en": "Before the Transformer, translation read a sentence **one word at a time**: a "
        "recurrent network (here a GRU) folds each word into one hidden vector, and word n "
        "must wait for word n − 1. Self-attention compares every word with every other "
        "**at once**. Below, a real GRU encoder–decoder ({gru_params:,} parameters) and a "
        "Transformer of about the same size ({tf_params:,}) trained on the same task with the "
        "same budget, and both measured on this machine.",
        "zh": "在 Transformer 之前，翻译是**一个词一个词**地读句子：循环神经网络（这里是 GRU）把每个"
        "词折进同一个隐藏向量，第 n 个词必须等第 n − 1 个词处理完。自注意力则让每个词**同时**和所有"
        "词比较。下面是一个真实的 GRU 编码器–解码器（{gru_params:,} 个参数）和一个大小差不多的 "
        "Transformer（{tf_params:,} 个参数），用同一个任务、同样的训练预算训练，并在这台机器上测量。",
    },
    "rnn.article": {
        "en": "The article: “An RNN passes information word by word … it is slow, because it "
        "must go in order, and it forgets what was far back in a long sentence. The "
        "Transformer computes every word against every other word at the same time.”",
        "zh": "文章说：“RNN 一个词一个词地传递信息……因为必须按顺序，所以很慢；句子一长，前面的信息"
        "就忘了。Transformer 则同时计算每个词和所有其他词的关系。”",
    },
    "rnn.missing": {"en": "The GRU could not be loaded: {reason}",
                    "zh": "无法加载 GRU：{reason}"},
    "rnn.results_missing": {"en": "The measured results could not be read: {reason}",
                            "zh": "无法读取测量结果：{reason}"},
    "rnn.unknown": {
        "en": "The GRU's small vocabulary does not know: {words} (read as <unk>).",
        "zh": "GRU 的小词表里没有这些词：{words}（按 <unk> 读入）。",
    },
    # The path.
    "rnn.path": {"en": "From the first word to the last: n steps against 1",
                 "zh": "从第一个词到最后一个词：n 步对 1 步"},
    "rnn.path_text": {
        "en": "In the GRU the first word reaches the last only through **{rnn}** hand-overs, "
        "each squeezing the whole sentence so far into one vector of {d} numbers. In "
        "self-attention the last word's query reads the first word's key directly: "
        "**{attention}** step, whatever the length.",
        "zh": "在 GRU 里，第一个词要经过 **{rnn}** 次传递才能到达最后一个词，每次都把到目前为止的"
        "整句话压进一个 {d} 维的向量。在自注意力里，最后一个词的 query 直接读取第一个词的 key："
        "无论句子多长，只要 **{attention}** 步。",
    },
    "rnn.path_cut": {"en": "The first {n} of {total} tokens are drawn.",
                     "zh": "只画出 {total} 个词元中的前 {n} 个。"},
    "rnn.row_rnn": {"en": "GRU", "zh": "GRU"},
    "rnn.row_attention": {"en": "attention", "zh": "注意力"},
    "rnn.hops": {"en": "steps", "zh": "步"},
    # Speed.
    "rnn.speed": {"en": "Time to encode a sentence as it grows",
                  "zh": "句子变长时编码所需的时间"},
    "rnn.speed_text": {
        "en": "Measured live on this server ({device}, {threads} CPU thread(s) for the app): the "
        "median of {repeats} runs per length, one sentence at a time. The GRU takes **one step "
        "per token** ({n} steps at {n} tokens), each waiting for the previous one; the "
        "Transformer's encoder takes **one step per layer** ({layers}), all tokens at once. At "
        "{n} tokens the GRU took **{gru_ms:.2f} ms**, self-attention **{attention_ms:.2f} ms**.",
        "zh": "在这台服务器上现场测量（{device}，应用使用 {threads} 个 CPU 线程）：每个长度跑 "
        "{repeats} 次取中位数，一次一个句子。GRU **每个词元走一步**（{n} 个词元就是 {n} 步），每一步"
        "都要等上一步；Transformer 的编码器**每层只走一步**（共 {layers} 层），所有词元同时计算。在 "
        "{n} 个词元时，GRU 用了 **{gru_ms:.2f} 毫秒**，自注意力用了 **{attention_ms:.2f} 毫秒**。",
    },
    "rnn.speed_slower": {
        "en": "Here the GRU was {ratio}× slower than self-attention.",
        "zh": "在这里 GRU 比自注意力慢 {ratio} 倍。",
    },
    "rnn.speed_faster": {
        "en": "Here the GRU was not slower (attention took {inverse}× the GRU's time): with few "
        "CPU threads nothing runs in parallel anyway, and self-attention does n² comparisons "
        "where the GRU does n steps. The serial chain becomes the bottleneck where many "
        "cores could work at once, as on a GPU.",
        "zh": "在这里 GRU 并不更慢（自注意力用了 GRU 的 {inverse} 倍时间）：CPU 线程很少时本来就"
        "无法并行，而自注意力要做 n² 次比较，GRU 只走 n 步。只有在很多核心等着并行计算的地方（比如 "
        "GPU），串行链条才真正拖慢速度。",
    },
    "rnn.speed_note": {
        "en": "Self-attention's work grows with n² (every pair), but it runs in parallel; a "
        "CPU has few cores, a GPU thousands, so the gap grows there.",
        "zh": "自注意力的计算量随 n² 增长（每一对词），但可以并行；CPU 核心少，GPU 有上千个核心，"
        "所以在 GPU 上差距更大。",
    },
    "rnn.no_gpu": {"en": "No GPU on this server: CPU only.", "zh": "这台服务器没有 GPU：只测 CPU。"},
    "rnn.tokens": {"en": "tokens", "zh": "词元数"},
    "rnn.ms": {"en": "milliseconds (log scale)", "zh": "毫秒（对数刻度）"},
    "rnn.line.gru": {"en": "GRU (serial) · {device}", "zh": "GRU（串行）· {device}"},
    "rnn.line.attention": {"en": "self-attention (parallel) · {device}",
                           "zh": "自注意力（并行）· {device}"},
    "rnn.col.tokens": {"en": "tokens", "zh": "词元数"},
    "rnn.col.gru_ms": {"en": "GRU ms", "zh": "GRU 毫秒"},
    "rnn.col.attention_ms": {"en": "attention ms", "zh": "注意力 毫秒"},
    "rnn.col.ratio": {"en": "GRU ÷ attention", "zh": "GRU ÷ 注意力"},
    "rnn.col.inverse": {"en": "attention ÷ GRU", "zh": "注意力 ÷ GRU"},
    "rnn.col.device": {"en": "device", "zh": "设备"},
    # Length.
    "rnn.length": {"en": "Exact match as sentences grow", "zh": "句子变长时的完全匹配率"},
    "rnn.length_text": {
        "en": "Held-out sentences of 1 to {longest} clauses (e.g. *Tom helps her and we are "
        "singing* has two); both models trained on 1 to {trained} clauses only. One clause: "
        "GRU **{gru_1} %**, Transformer **{tf_1} %**. {trained} clauses: GRU **{gru_in} %**, "
        "Transformer **{tf_in} %**. {longest} clauses, longer than anything seen in training: "
        "GRU **{gru_out} %**, Transformer **{tf_out} %**.",
        "zh": "留出集句子有 1 到 {longest} 个分句（例如 *Tom helps her and we are singing* 有两个）；"
        "两个模型都只在 1 到 {trained} 个分句上训练过。一个分句：GRU **{gru_1}%**，Transformer "
        "**{tf_1}%**。{trained} 个分句：GRU **{gru_in}%**，Transformer **{tf_in}%**。{longest} 个"
        "分句（比训练中见过的都长）：GRU **{gru_out}%**，Transformer **{tf_out}%**。",
    },
    "rnn.length_note": {
        "en": "Neither model has seen sentences this long: beyond the training lengths both "
        "fall, the Transformer too (its positions past the training lengths are new to it). "
        "One seed each.",
        "zh": "两个模型都没见过这么长的句子：超出训练长度后两者都会下降，Transformer 也一样（训练"
        "长度之后的位置对它来说是新的）。每个模型只用了一个随机种子。",
    },
    "rnn.clauses": {"en": "clauses per sentence", "zh": "每句的分句数"},
    "rnn.exact": {"en": "held-out exact match", "zh": "留出集完全匹配率"},
    "rnn.beyond": {"en": "longer than training", "zh": "超出训练长度"},
    "rnn.model.gru": {"en": "GRU", "zh": "GRU"},
    "rnn.model.gru-attention": {"en": "GRU + additive attention", "zh": "GRU + 加性注意力"},
    "rnn.model.transformer": {"en": "Transformer", "zh": "Transformer"},
    # Trajectories.
    "rnn.paths": {"en": "The same sentence inside each model", "zh": "同一个句子在两个模型里"},
    "rnn.paths_text": {
        "en": "Left: the GRU's **one** hidden vector after each word (PCA to 2-D): a single "
        "path, word by word, where everything so far must fit. Right: the Transformer "
        "(the shipped model) keeps **one vector per word**; each layer moves all of them "
        "at once.",
        "zh": "左：GRU 读完每个词后的**那一个**隐藏向量（PCA 降到二维）：只有一条路径，一个词一个"
        "词，之前的一切都得装进这一个向量。右：Transformer（随附模型）为**每个词保留一个向量**；"
        "每一层同时移动它们全部。",
    },
    "rnn.gru_path_title": {"en": "GRU: hidden state after each word",
                           "zh": "GRU：每读一个词后的隐藏状态"},
    "rnn.tf_path_title": {"en": "Transformer: every word through the layers",
                          "zh": "Transformer：每个词穿过各层"},
    "rnn.after": {"en": "after", "zh": "读完"},
    "rnn.stage.embed": {"en": "embedding", "zh": "词嵌入"},
    "rnn.stage.pe": {"en": "+ positions", "zh": "+ 位置编码"},
    "rnn.stage.layer": {"en": "after layer {n}", "zh": "第 {n} 层之后"},
    "rnn.tf_unavailable": {"en": "The Transformer's trace is not available: {reason}",
                           "zh": "无法得到 Transformer 的追踪：{reason}"},
}
