"""Edits a user makes to a real note between imports, each re-imported by sections and
compared with reading the whole note from the same database (see
test_reimport_sections for the random ones)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.store.test_reimport_sections import START, _copy, _import, _printed, _tables

TODO_NOTE = """# TODO

## 2023

### 5🈷️
- [X] 27 [Fine-tuning 教程](https://example.com/fine-tuning)
- 蒸馏 Distillation：用大模型教小模型
- [X] 28 LoRA 论文精读
- 剪枝 Pruning：去掉不重要的权重

### 4🈷️
- [X] ChatGLM-6B 模型微调
- [X] [试用 GitHub Copilot](https://github.com/features/copilot)
- [ ] [研究 GitHub REST API 文档](https://docs.github.com/zh/rest)
- [X] [研究 OpenAI API 开发文档](https://platform.openai.com/docs/introduction)
- [ ] [研究 ModelScope 文档](https://www.modelscope.cn/docs/)
- [X] 编写 YOLOv8 的推理服务
  * [X] Ultralytics Serving
- [X] 开发 Python 程序
  * [X] 没有源代码发布
  * [ ] 开发使用 pip 安装

### 3🈷️
- [X] 使用 Comet 让训练可视化
"""


def _same_as_whole(tmp_path: Path, before: str, after: str) -> int | None:
    """Import `before`, then `after` by sections and whole; both must store and report
    the same. Returns how many sections the re-import by sections read."""
    notes = tmp_path / "TODO.md"
    fast, whole = tmp_path / "fast.db", tmp_path / "whole.db"
    notes.write_text(before, encoding="utf-8")
    _import(fast, notes, START, by_sections=True)
    _copy(fast, whole)
    notes.write_text(after, encoding="utf-8")
    when = START + timedelta(days=1)
    quick = _import(fast, notes, when, by_sections=True)
    slow = _import(whole, notes, when, by_sections=False)
    assert _printed(quick) == _printed(slow)
    assert _tables(fast) == _tables(whole)
    return quick.files[0].sections_read


def test_an_item_after_a_blank_line_loosens_the_whole_list(tmp_path: Path) -> None:
    """A blank line before a new last item makes the whole list loose: Markdown then
    reads every item's text as a paragraph. The untouched to-do items above, not read
    again, must still be passed over for the reason the whole read gives."""
    after = TODO_NOTE.replace(
        "  * [ ] 开发使用 pip 安装\n", "  * [ ] 开发使用 pip 安装\n\n- 新术语：新加的答案\n"
    )
    _same_as_whole(tmp_path, TODO_NOTE, after)


def test_removing_the_blank_line_tightens_the_list_again(tmp_path: Path) -> None:
    loose = TODO_NOTE.replace(
        "  * [ ] 开发使用 pip 安装\n", "  * [ ] 开发使用 pip 安装\n\n- 新术语：新加的答案\n"
    )
    _same_as_whole(tmp_path, loose, loose.replace("\n\n- 新术语", "\n- 新术语"))
