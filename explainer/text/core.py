"""Text for the app's frame: sidebar, notices shared by every page, the overview."""

TEXT = {
    "app.title": {"en": "Transformer, inside out", "zh": "Transformer 透视"},
    "app.tagline": {
        "en": "A real, trained translation model, walked through step by step with its own numbers.",
        "zh": "一个真正训练过的翻译模型，用它自己的数字一步一步走一遍。",
    },
    "app.tagline_other": {
        "en": "A real model, walked through step by step with its own numbers.",
        "zh": "一个真正的模型，用它自己的数字一步一步走一遍。",
    },
    "sidebar.sentence": {"en": "Sentence", "zh": "句子"},
    "sidebar.sentence_help": {
        "en": "English or Chinese. Press Enter to run it through the model.",
        "zh": "英文或中文。按回车键送入模型。",
    },
    "sidebar.examples": {"en": "Examples", "zh": "例句"},
    "sidebar.examples_pick": {"en": "Pick an example…", "zh": "选择一个例句…"},
    "sidebar.direction": {"en": "Translate into", "zh": "翻译成"},
    # URL-bound choices: the URL stores the label, so these read the same in both languages.
    "sidebar.direction_auto": {"en": "Auto · 自动", "zh": "Auto · 自动"},
    "sidebar.direction_en": {"en": "English · 英文", "zh": "English · 英文"},
    "sidebar.direction_zh": {"en": "Chinese · 中文", "zh": "Chinese · 中文"},
    "sidebar.model": {"en": "Model", "zh": "模型"},
    "sidebar.model_help": {
        "en": "trained: our translation model. untrained: the same network with random weights (seed 0), to compare. Other names: model folders in the models directory (EXPLAINER_MODELS_DIR) and models that installed packages ship, e.g. all-MiniLM-L6-v2 (a BERT).",
        "zh": "trained：我们的翻译模型。untrained：同一个网络，权重随机（种子 0），用于对比。其他名称：模型目录（EXPLAINER_MODELS_DIR）中的模型文件夹，以及已安装的软件包自带的模型，例如 all-MiniLM-L6-v2（一个 BERT）。",
    },
    "sidebar.direction_help": {
        "en": "Only our translation model (trained / untrained) has two directions; other models ignore this.",
        "zh": "只有我们的翻译模型（trained / untrained）有两个方向；其他模型忽略此项。",
    },
    "sidebar.language": {"en": "Interface language", "zh": "界面语言"},
    "sidebar.translation": {"en": "Translation", "zh": "译文"},
    "notice.empty": {
        "en": "Type a sentence in the sidebar to begin, e.g. “Smart John is singing” or “我爱你”.",
        "zh": "请在侧栏输入一个句子，例如 “Smart John is singing” 或 “我爱你”。",
    },
    "notice.untrained": {
        "en": "You are looking at the untrained model: its weights are random (seed {seed}), so "
        "its attention is noise and its translation is nonsense. Switch to the trained model to "
        "compare.",
        "zh": "当前是未训练的模型：权重是随机的（种子 {seed}），所以注意力是噪声，译文也没有意义。"
        "切换到已训练模型进行对比。",
    },
    "notice.unknown": {
        "en": "Not in the model's vocabulary (the model reads them as <unk>): {words}",
        "zh": "不在模型词表中（模型把它们读作 <unk>）：{words}",
    },
    "notice.truncated": {
        "en": "The input has {n_typed} tokens; the model reads at most {max_len}, so only the "
        "first {max_len} are used.",
        "zh": "输入有 {n_typed} 个词元；模型最多读取 {max_len} 个，因此只使用前 {max_len} 个。",
    },
    "notice.no_eos": {
        "en": "The model did not finish within {n} tokens (it never wrote its end token); the "
        "output is shown as it is.",
        "zh": "模型在 {n} 个词元内没有结束（没有写出结束词元）；输出按原样显示。",
    },
    "notice.input_error": {"en": "This input cannot be used: {reason}", "zh": "无法使用此输入：{reason}"},
    "notice.checkpoint": {
        "en": "The trained model could not be loaded: {reason}",
        "zh": "无法加载已训练的模型：{reason}",
    },
    "common.download_csv": {"en": "Download CSV", "zh": "下载 CSV"},
    "common.layer": {"en": "Layer", "zh": "层"},
    "common.head": {"en": "Head", "zh": "头"},
    "common.token": {"en": "Token", "zh": "词元"},
    "common.position": {"en": "Position", "zh": "位置"},
    "common.query": {"en": "Query (attends from)", "zh": "查询（从此处关注）"},
    "common.key": {"en": "Key (attended to)", "zh": "键（被关注）"},
    "common.weight": {"en": "Weight", "zh": "权重"},
    "common.source": {"en": "Source", "zh": "源语言"},
    "common.target": {"en": "Target", "zh": "目标语言"},
    "common.dimension": {"en": "Dimension", "zh": "维度"},
    "common.value": {"en": "Value", "zh": "数值"},
    "common.id": {"en": "Id", "zh": "编号"},
    "common.known": {"en": "Known", "zh": "已知"},
    "common.unknown": {"en": "Unknown", "zh": "未知"},
    "common.status": {"en": "Status", "zh": "状态"},
    "page.overview": {"en": "Overview", "zh": "总览"},
    "overview.intro.encoder-decoder": {
        "en": "Translation is a function y = f(x). The Transformer is that f: the encoder reads "
        "the whole sentence at once, the decoder writes the translation one token at a time.",
        "zh": "翻译就是一个函数 y = f(x)。Transformer 就是这个 f：编码器一次读入整个句子，"
        "解码器一次写出一个词元的译文。",
    },
    "overview.intro.encoder-only": {
        "en": "{model} is the encoder half of the Transformer (a BERT): it reads the whole "
        "sentence at once and gives every token a vector that takes all the others into "
        "account. It does not write anything.",
        "zh": "{model} 是 Transformer 的编码器那一半（一个 BERT）：它一次读入整个句子，给每个词元一个"
        "考虑了其他所有词元的向量。它不写出任何东西。",
    },
    "overview.intro.decoder-only": {
        "en": "{model} is the decoder half of the Transformer (a GPT): it reads your text and "
        "writes what comes next, one token at a time, each new token added to what it reads.",
        "zh": "{model} 是 Transformer 的解码器那一半（一个 GPT）：它读入你的文本，一次一个词元地写出"
        "接下来的内容，每写出一个新词元就把它加到读入的内容中。",
    },
    "overview.tokens.encoder-decoder": {"en": "Tokens the encoder reads",
                                        "zh": "编码器读入的词元"},
    "overview.tokens.encoder-only": {"en": "Tokens the model reads", "zh": "模型读入的词元"},
    "overview.tokens.decoder-only": {"en": "Tokens of your prompt", "zh": "提示中的词元"},
    "overview.output": {"en": "Tokens the decoder wrote", "zh": "解码器写出的词元"},
    "overview.heatmap.enc": {
        "en": "Encoder self-attention, layer {layer} (the last), head 1: how much each token "
        "(row) draws on every token (column). Each row sums to 1.",
        "zh": "编码器自注意力（第 {layer} 层，即最后一层，第 1 个头）：每个词元（行）从每个词元（列）"
        "获取多少信息。每一行之和为 1。",
    },
    "overview.heatmap.dec": {
        "en": "Masked self-attention, layer {layer} (the last), head 1: how much each token "
        "(row) draws on itself and the tokens before it (column); later tokens are masked "
        "(blank). Each row sums to 1.",
        "zh": "带掩码的自注意力（第 {layer} 层，即最后一层，第 1 个头）：每个词元（行）从它自己和它之前的"
        "词元（列）获取多少信息；之后的词元被屏蔽（空白）。每一行之和为 1。",
    },
}
