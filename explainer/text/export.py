"""Text of the notebook export (explainer/export.py, ui/export.py)."""

TEXT = {
    "export.button": {"en": "Download this view as a notebook",
                      "zh": "把当前视图下载为笔记本"},
    "export.help": {
        "en": "A Jupyter notebook that rebuilds this page with the project's own functions, "
              "for the same model, sentence and selections.",
        "zh": "一个 Jupyter 笔记本：用本项目自己的函数，以相同的模型、句子和选择重建这个页面。",
    },
    "export.nb_title": {"en": "# Transformer, inside out: {page}",
                        "zh": "# Transformer 透视：{page}"},
    "export.nb_intro": {
        "en": "Exported from the app. Run it inside the project's folder: it loads the same "
              "model, traces the same sentence and redraws the page's figures with the "
              "project's own analysis and figure functions.",
        "zh": "从应用导出。请在项目文件夹中运行：它加载同一个模型，追踪同一个句子，"
              "并用项目自己的分析和绘图函数重新画出这个页面的图。",
    },
    "export.nb_generic": {
        "en": "The page “{page}” has no recipe of its own yet: this notebook shows the "
              "model's pipeline for the sentence instead.",
        "zh": "页面“{page}”还没有专门的导出方案：这个笔记本改为展示模型处理这个句子的流程图。",
    },
    "export.nb_selections": {"en": "The selections made on the page:",
                             "zh": "页面上所做的选择："},
}
