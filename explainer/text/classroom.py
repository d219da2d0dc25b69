"""Text of the classroom: a teacher's class, students who follow it (ui/classroom.py)."""

TEXT = {
    "class.heading": {"en": "Classroom", "zh": "课堂"},
    "class.start": {"en": "Start a class", "zh": "开始上课"},
    "class.start_help": {
        "en": "Students who open the class link see what you show: the page, sentence, model, language and selections, within a second.",
        "zh": "打开课堂链接的学生会在一秒内看到你展示的内容：页面、句子、模型、语言和各项选择。",
    },
    "class.code_is": {"en": "Class code: **{code}**", "zh": "课堂代码：**{code}**"},
    "class.link": {"en": "Students open this link:", "zh": "学生打开这个链接："},
    "class.teaching": {
        "en": "Students follow what you show. Keep this tab open: only this tab can lead the class. The code expires after {hours} h without a change.",
        "zh": "学生会跟随你展示的内容。请保持此标签页打开：只有它能带领这堂课。{hours} 小时内没有任何变化，代码就会失效。",
    },
    "class.end": {"en": "End the class", "zh": "下课"},
    "class.follow": {"en": "Follow the teacher", "zh": "跟随老师"},
    "class.follow_help": {
        "en": "Turn off to explore on your own; turn on again to return to what the teacher shows.",
        "zh": "关闭后可以自己探索；再次打开即回到老师正在展示的内容。",
    },
    "class.following": {
        "en": "You follow class **{code}**: the teacher chooses the page, sentence and selections.",
        "zh": "你正在跟随课堂 **{code}**：页面、句子和各项选择由老师决定。",
    },
    "class.waiting": {
        "en": "You joined class **{code}**; the teacher has not shown anything yet.",
        "zh": "你已加入课堂 **{code}**；老师还没有开始展示。",
    },
    "class.stepped_out": {
        "en": "You are exploring on your own (class **{code}**). Turn “Follow the teacher” on to go back.",
        "zh": "你正在自己探索（课堂 **{code}**）。打开“跟随老师”即可回到课堂。",
    },
    "class.leave": {"en": "Leave the class", "zh": "离开课堂"},
    "class.unknown": {
        "en": "There is no class with the code {code}. It may have ended, or expired after {hours} h without a change. Ask your teacher for the current link; meanwhile the app works on its own.",
        "zh": "没有代码为 {code} 的课堂。它可能已经结束，或在 {hours} 小时内没有变化而失效。请向老师要新的链接；在此期间，你可以自己使用本应用。",
    },
    "class.invalid": {
        "en": "This link's class code is not valid: a code has 6 letters and digits, such as K7M2QX. Ask your teacher for the link; meanwhile the app works on its own.",
        "zh": "此链接中的课堂代码无效：代码由 6 个字母和数字组成，例如 K7M2QX。请向老师要链接；在此期间，你可以自己使用本应用。",
    },
    "class.teacher_lost": {
        "en": "Your class {code} has ended or expired; students no longer follow you. Start a new class to continue.",
        "zh": "你的课堂 {code} 已结束或失效，学生不再跟随你。请开始新的课堂继续。",
    },
    "class.store_down": {
        "en": "The class service cannot be reached right now ({reason}). The app works on its own meanwhile.",
        "zh": "暂时无法连接课堂服务（{reason}）。在此期间，你可以自己使用本应用。",
    },
}
