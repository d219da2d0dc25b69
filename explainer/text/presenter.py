"""Text of presenter mode (ui/presenter.py)."""

TEXT = {
    "present.toggle": {"en": "Presenter mode", "zh": "演示模式"},
    "present.help": {
        "en": "Large type and figures for a projector; the sidebar starts collapsed. "
              "Link: add ?present=1.",
        "zh": "为投影仪放大文字和图表；侧边栏默认收起。链接：加上 ?present=1。",
    },
}
