"""Text about which model is shown and what it has: the sidebar's list, pages that don't apply."""

TEXT = {
    "models.needs_missing": {
        "en": "This page shows {what}, which {model} ({arch}) does not have; these pages apply to it:",
        "zh": "本页展示{what}，而 {model}（{arch}）没有这一部分；适用于它的页面：",
    },
    "models.need.encoder": {"en": "the encoder", "zh": "编码器"},
    "models.need.decoder": {"en": "the decoder", "zh": "解码器"},
    "models.need.cross": {"en": "encoder–decoder (cross) attention", "zh": "编码器–解码器（交叉）注意力"},
    "models.need.generates": {"en": "text the model writes token by token", "zh": "模型逐个词元写出的文本"},
    "models.need.translates": {"en": "our bilingual translation model's directions", "zh": "我们的双语翻译模型的翻译方向"},
    "models.need.logits": {"en": "the model's output layer (a language-model head)", "zh": "模型的输出层（语言模型头）"},
    "models.need.sinusoidal": {"en": "sinusoidal positional encoding (§3.5)", "zh": "正弦位置编码（§3.5）"},
    "models.need.ours": {"en": "a part only our own Transformer records", "zh": "只有我们自己的 Transformer 记录的部分"},
    "models.need.post-ln": {"en": "LayerNorm after each residual sum (post-LN)", "zh": "残差相加之后的 LayerNorm（后置 LN）"},
    "models.arch.encoder-decoder": {"en": "an encoder–decoder", "zh": "编码器–解码器模型"},
    "models.arch.encoder-only": {"en": "an encoder-only model", "zh": "仅编码器模型"},
    "models.arch.decoder-only": {"en": "a decoder-only model", "zh": "仅解码器模型"},
    "models.load_error": {
        "en": "The model “{name}” could not be loaded: {reason}",
        "zh": "无法加载模型“{name}”：{reason}",
    },
    "models.contract_error": {
        "en": "This view cannot be drawn for this model: {reason}",
        "zh": "无法为该模型绘制此视图：{reason}",
    },
    "models.hf_note": {
        "en": "{model} is {arch} from Hugging Face ({layers} layers × {heads} heads, d_model {d}). Its tokens are exactly as its own tokenizer makes them, special tokens included.",
        "zh": "{model} 是来自 Hugging Face 的{arch}（{layers} 层 × {heads} 个头，d_model {d}）。词元与它自己的分词器切分的完全一致，包括特殊词元。",
    },
    "models.generated_note": {
        "en": "{model} does not translate: it continued your text with: {text}",
        "zh": "{model} 不做翻译：它把你的文本续写为：{text}",
    },
}
