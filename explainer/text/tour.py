"""Text of the guided tour (app_pages/tour.py, ui/tour.py, explainer/tour.py)."""

TEXT = {
    "tour.title": {"en": "Guided tour", "zh": "导览"},
    "tour.intro": {
        "en": "The article's story, one idea per screen. Each step asks you to predict what the "
              "model will do with **your** sentence, then reveals the model's own numbers.",
        "zh": "按文章的顺序，一屏讲一个概念。每一步先请你预测模型会如何处理**你的**句子，"
              "再揭晓模型自己算出的数字。",
    },
    "tour.progress": {"en": "Step {i} of {n}: {title}", "zh": "第 {i} 步，共 {n} 步：{title}"},
    "tour.prev": {"en": "Previous", "zh": "上一步"},
    "tour.next": {"en": "Next", "zh": "下一步"},
    "tour.restart": {"en": "Start again with the article's sentence",
                     "zh": "用文章的例句重新开始"},
    "tour.word": {"en": "The word we follow", "zh": "我们跟踪的词"},
    "tour.open_page": {"en": "Open the full page: {title}", "zh": "打开完整页面：{title}"},
    "tour.predict": {"en": "Your prediction", "zh": "你的预测"},
    "tour.reveal": {"en": "Reveal the model's answer", "zh": "揭晓模型的答案"},
    "tour.right": {"en": "Right: the model's answer is **{answer}**.",
                   "zh": "答对了：模型的答案是 **{answer}**。"},
    "tour.wrong": {"en": "Not this time: you said **{guess}**, the model's answer is **{answer}**.",
                   "zh": "这次没猜中：你选了 **{guess}**，模型的答案是 **{answer}**。"},
    "tour.no_guess": {"en": "The model's answer is **{answer}**.",
                      "zh": "模型的答案是 **{answer}**。"},
    "tour.no_question": {"en": "This model cannot answer this step's question for this sentence.",
                         "zh": "对于这个句子，这个模型无法回答这一步的问题。"},
    "tour.empty": {"en": "No step of the tour applies to this model.",
                   "zh": "导览中没有适用于这个模型的步骤。"},
    "tour.row": {"en": "The article, step {row}", "zh": "文章第 {row} 步"},
    "tour.head": {"en": "head {head}", "zh": "第 {head} 头"},
    "tour.range": {"en": "{lo}–{hi} %", "zh": "{lo}–{hi} %"},
    "tour.where.embedding": {"en": "in the embedding", "zh": "在词嵌入中"},
    "tour.where.final": {"en": "after the last layer", "zh": "经过最后一层之后"},
    "tour.fig.attention": {"en": "attention", "zh": "注意力"},
    "tour.fig.steps": {"en": "steps", "zh": "步"},
    "tour.fig.cosine": {"en": "cosine similarity", "zh": "余弦相似度"},
    "tour.fig.visible": {"en": "1 = may attend", "zh": "1 = 可以关注"},
    "tour.fig.hidden": {"en": "0 = masked", "zh": "0 = 被遮住"},
    "tour.fig.prob": {"en": "probability", "zh": "概率"},
    "tour.fig.unit": {"en": "hidden unit", "zh": "隐藏单元"},
    # -- the steps ------------------------------------------------------------------------
    "tour.step.function.title": {"en": "Translation is a function y = f(x)",
                                 "zh": "翻译是一个函数 y = f(x)"},
    "tour.step.function.text": {
        "en": "The model is one big function f: the sentence goes in as tokens, passes through "
              "the encoder and decoder, and words come out. Training found f.",
        "zh": "模型就是一个大函数 f：句子先变成词元，经过编码器和解码器，再输出词。"
              "训练找到了这个 f。",
    },
    "tour.step.rnn.title": {"en": "RNN or attention?", "zh": "RNN 还是注意力？"},
    "tour.step.rnn.text": {
        "en": "An RNN passes information word by word, one step after another. Attention links "
              "every word to every other word at once.",
        "zh": "RNN 一个词接一个词地传递信息；注意力让每个词一次就连到其他所有词。",
    },
    "tour.step.vectors.title": {"en": "A word is a point in space", "zh": "词是空间中的一个点"},
    "tour.step.vectors.text": {
        "en": "A vector is a list of numbers, a point in a high-dimensional space, as a bank "
              "describes a customer with 8 or 9 features.",
        "zh": "向量是一串数字，是高维空间中的一个点，就像银行用 8 个或 9 个特征描述一位客户。",
    },
    "tour.step.embedding.title": {"en": "Step 1: embedding", "zh": "第 1 步：词嵌入"},
    "tour.step.embedding.text": {
        "en": "Each token becomes a vector looked up in a table the model learned.",
        "zh": "每个词元通过查表变成一个向量，这张表是模型学出来的。",
    },
    "tour.step.positional.title": {"en": "Step 2: positional encoding", "zh": "第 2 步：位置编码"},
    "tour.step.positional.text": {
        "en": "A second vector says where the word stands; sin/cos waves of different speeds "
              "make every position different.",
        "zh": "另一个向量说明词在句子中的位置；不同频率的 sin/cos 波让每个位置都不一样。",
    },
    "tour.step.attention.title": {"en": "Step 3: self-attention", "zh": "第 3 步：自注意力"},
    "tour.step.attention.text": {
        "en": "The word's query meets every key; softmax turns the scores into weights that "
              "sum to 1, and the word gathers the values by those weights.",
        "zh": "这个词的查询 Q 与每个键 K 相乘；softmax 把分数变成和为 1 的权重，"
              "再按权重把各个值 V 加起来。",
    },
    "tour.step.masks.title": {"en": "Masks and padding", "zh": "掩码与填充"},
    "tour.step.masks.text": {
        "en": "Some pairs are forbidden: padding, and, while writing, the words not written yet.",
        "zh": "有些位置不许关注：填充的位置，以及写作时还没写出来的词。",
    },
    "tour.step.space.title": {"en": "Words move through the layers",
                              "zh": "词在各层之间移动"},
    "tour.step.space.text": {
        "en": "After attention a word's vector carries its neighbours: it moves to a new place.",
        "zh": "经过注意力之后，一个词的向量带上了周围词的信息，移动到新的位置。",
    },
    "tour.step.heads.title": {"en": "Multi-head attention", "zh": "多头注意力"},
    "tour.step.heads.text": {
        "en": "Several heads attend in several spaces at once; each looks at the sentence its "
              "own way.",
        "zh": "多个头在多个空间里同时关注，每个头用自己的方式看这个句子。",
    },
    "tour.step.details.title": {"en": "Add & Norm, feed-forward", "zh": "残差归一化与前馈网络"},
    "tour.step.details.text": {
        "en": "After each sub-layer: add the input back, normalise; then a feed-forward layer "
              "whose activation switches many units off.",
        "zh": "每个子层之后：把输入加回来并归一化；然后是前馈层，它的激活函数会关掉许多单元。",
    },
    "tour.step.writing.title": {"en": "Writing the translation", "zh": "写出译文"},
    "tour.step.writing.text": {
        "en": "The decoder writes one token at a time, choosing from a probability over its "
              "whole vocabulary.",
        "zh": "解码器一次写一个词元，从整个词表上的概率分布中挑选。",
    },
    "tour.step.why.title": {"en": "Why this word?", "zh": "为什么是这个词？"},
    "tour.step.why.text": {
        "en": "Which source words made the model write what it wrote? Attention is one clue.",
        "zh": "是哪些源语言的词让模型写出了这个词？注意力是一条线索。",
    },
    "tour.step.interventions.title": {"en": "Switch heads off", "zh": "关掉注意力头"},
    "tour.step.interventions.text": {
        "en": "Turn a head off and see whether the translation changes: some heads matter more.",
        "zh": "关掉一个头，看看译文是否改变：有些头更重要。",
    },
    "tour.step.training.title": {"en": "How a model learns", "zh": "模型如何学习"},
    "tour.step.training.text": {
        "en": "Training starts from random matrices and changes them to make the cost −log p "
              "of the right word as small as possible.",
        "zh": "训练从随机矩阵开始，不断修改它们，让正确词的代价 −log p 尽可能小。",
    },
    "tour.step.bert.title": {"en": "BERT: fill in the blank", "zh": "BERT：完形填空"},
    "tour.step.bert.text": {
        "en": "BERT hides words and learns to guess them, reading the sentence in both "
              "directions at once.",
        "zh": "BERT 遮住一些词，再学着猜出它们，同时从两个方向读句子。",
    },
    "tour.step.hyper.title": {"en": "Hyper-parameters", "zh": "超参数"},
    "tour.step.hyper.text": {
        "en": "Heads, width, layers and learning rate are chosen before training; they set how "
              "many numbers training must find.",
        "zh": "头数、宽度、层数和学习率要在训练前选好；它们决定了训练要找多少个数。",
    },
    # -- the questions (tour.q.<kind>) and their answers (tour.a.<kind>) -----------------
    "tour.q.token_count": {"en": "Into how many tokens does the model cut your sentence?",
                           "zh": "模型把你的句子切成了多少个词元？"},
    "tour.a.token_count": {"en": "{n} tokens: {tokens}", "zh": "{n} 个词元：{tokens}"},
    "tour.q.rnn_hops": {
        "en": "How many steps does an RNN need to carry the first token to the last one "
              "(attention needs one)?",
        "zh": "RNN 需要多少步才能把第一个词元的信息带到最后一个（注意力只要一步）？"},
    "tour.a.rnn_hops": {"en": "{hops} steps for {n} tokens.", "zh": "{n} 个词元需要 {hops} 步。"},
    "tour.q.width": {"en": "How many numbers describe “{word}” in this model?",
                     "zh": "在这个模型里，用多少个数来描述“{word}”？"},
    "tour.a.width": {"en": "d_model = {d} numbers.", "zh": "d_model = {d} 个数。"},
    "tour.q.embed_neighbour": {
        "en": "In the embedding, which other token of your sentence is closest to “{word}”?",
        "zh": "在词嵌入中，句子里哪个词元离“{word}”最近？"},
    "tour.a.embed_neighbour": {"en": "Cosine similarity {value} {where}.",
                               "zh": "{where}余弦相似度为 {value}。"},
    "tour.q.final_neighbour": {
        "en": "After the last layer, which other token is closest to “{word}”?",
        "zh": "经过最后一层后，哪个词元离“{word}”最近？"},
    "tour.a.final_neighbour": {"en": "Cosine similarity {value} {where}.",
                               "zh": "{where}余弦相似度为 {value}。"},
    "tour.q.pe_fastest": {
        "en": "Of the positional dimensions {dims}, which changes fastest from one word to "
              "the next?",
        "zh": "在位置编码的维度 {dims} 中，哪一个从一个词到下一个词变化最快？"},
    "tour.a.pe_fastest": {"en": "Dimension {dim}: it changes by {speed} per word on average.",
                          "zh": "维度 {dim}：平均每个词变化 {speed}。"},
    "tour.q.attend_most": {
        "en": "In layer {layer}, head {head}, which token does “{word}” attend to most?",
        "zh": "在第 {layer} 层第 {head} 个头中，“{word}”最关注哪个词元？"},
    "tour.a.attend_most": {"en": "With weight {weight}.", "zh": "权重为 {weight}。"},
    "tour.q.head_self": {
        "en": "In layer {layer}, which head puts the most weight on “{word}” itself?",
        "zh": "在第 {layer} 层，哪个头给“{word}”自己的权重最大？"},
    "tour.a.head_self": {"en": "With weight {weight}.", "zh": "权重为 {weight}。"},
    "tour.q.head_sharpest": {
        "en": "In layer {layer}, which head is most focused for “{word}” (the largest single "
              "weight)?",
        "zh": "在第 {layer} 层，哪个头对“{word}”最集中（单个权重最大）？"},
    "tour.a.head_sharpest": {"en": "Its largest weight is {weight}.",
                             "zh": "它最大的权重是 {weight}。"},
    "tour.q.mask_count": {
        "en": "The decoder reads {n} tokens. How many (query, key) pairs does its causal mask "
              "forbid?",
        "zh": "解码器读入 {n} 个词元。它的因果掩码禁止了多少个（查询，键）对？"},
    "tour.a.mask_count": {"en": "{blocked} pairs: every key after its query.",
                          "zh": "{blocked} 对：每个查询之后的所有键。"},
    "tour.q.visible_keys": {
        "en": "How many of the {n} tokens may “{word}” attend to?",
        "zh": "在 {n} 个词元中，“{word}”可以关注多少个？"},
    "tour.a.visible_keys": {"en": "{seen} of {n}.", "zh": "{n} 个中的 {seen} 个。"},
    "tour.q.ffn_zero": {
        "en": "In layer 1's feed-forward ({act}), what share of the {units} hidden units are "
              "zero or below for “{word}”?",
        "zh": "在第 1 层的前馈网络（{act}）中，对“{word}”来说，{units} 个隐藏单元里有多少比例"
              "小于等于零？"},
    "tour.a.ffn_zero": {"en": "{share} % of them.", "zh": "其中的 {share} %。"},
    "tour.q.next_word": {"en": "Which token will the model write first?",
                         "zh": "模型写出的第一个词元是什么？"},
    "tour.a.next_word": {"en": "“{chosen}”, with probability {prob} %.",
                         "zh": "“{chosen}”，概率 {prob} %。"},
    "tour.q.first_prob": {
        "en": "How sure is the model of the first token it writes?",
        "zh": "模型对它写出的第一个词元有多确定？"},
    "tour.a.first_prob": {
        "en": "p(“{chosen}”) = {prob} %: if it is the right word, its cost is −log p = {cost}.",
        "zh": "p(“{chosen}”) = {prob} %：如果它是正确的词，代价为 −log p = {cost}。"},
    "tour.q.cross_look": {
        "en": "Writing “{written}”, which source token does the decoder read most "
              "(layer {layer}, heads averaged)?",
        "zh": "写出“{written}”时，解码器最关注哪个源语言词元（第 {layer} 层，各头平均）？"},
    "tour.a.cross_look": {"en": "With weight {weight}.", "zh": "权重为 {weight}。"},
    "tour.q.param_count": {
        "en": "d_model = {d}, {heads} heads of {d_head}. How many numbers do W_Q, W_K and W_V "
              "of one attention layer hold together?",
        "zh": "d_model = {d}，{heads} 个头，每个 {d_head} 维。一个注意力层的 W_Q、W_K、W_V "
              "一共有多少个数？"},
    "tour.a.param_count": {"en": "3 × {d} × {heads} × {d_head} = {n}.",
                           "zh": "3 × {d} × {heads} × {d_head} = {n}。"},
}
