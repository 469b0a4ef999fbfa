"""The Textual-free pieces behind the screens: answer links, editor command, dates."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.binding import Binding

from llmcards.config import Settings
from llmcards.tui.answer import prepare_answer, shown_target
from llmcards.tui.app import create_app
from llmcards.tui.editor import editor_command
from llmcards.tui.format import when_due
from llmcards.tui.screens.study import StudyScreen
from tests.tui.conftest import NOW_DT, ROOT, settle


def test_images_become_link_lines_and_links_are_collected_in_order() -> None:
    back = (
        "见下图\n\n![image.png](https://p1-juejin.byteimg.com/tos/abc.image?)\n\n"
        "- 参考 https://hrl.boyuai.com/chapter/1 和 [论文](https://arxiv.org/abs/1706.03762)\n"
        "```\n![not an image](in-code)\n```"
    )
    prepared = prepare_answer(back)
    assert (
        "[↗ p1-juejin.byteimg.com/tos/abc.image?](https://p1-juejin.byteimg.com/tos/abc.image?)"
        in prepared.markdown
    )
    assert "![not an image](in-code)" in prepared.markdown  # code is left alone
    assert prepared.links == (
        "https://p1-juejin.byteimg.com/tos/abc.image?",
        "https://hrl.boyuai.com/chapter/1",
        "https://arxiv.org/abs/1706.03762",
    )


def test_an_image_beside_the_notes_links_to_its_file(tmp_path) -> None:
    (tmp_path / "picture").mkdir()
    (tmp_path / "picture" / "生成式 AI.png").write_bytes(b"png")
    back = '![图](picture/生成式%20AI.png "图")\n\n见 ![缺](picture/missing.png) 图'
    prepared = prepare_answer(back, tmp_path)
    target = (tmp_path / "picture" / "生成式 AI.png").as_uri()
    assert "[↗ picture/生成式%20AI.png](picture/生成式%20AI.png)" in prepared.markdown
    assert "(picture/missing.png)" in prepared.markdown  # not there: shown, but nothing to open
    assert prepared.links == (target,)
    # When nothing can open it, the file is shown (and copied) as its path, not a URL.
    assert shown_target(target) == str(tmp_path / "picture" / "生成式 AI.png")
    assert shown_target("https://a.b/c%20d") == "https://a.b/c%20d"


def test_editor_command_uses_visual_then_editor_then_vi() -> None:
    assert editor_command("/n/a.md", 12, {"VISUAL": "code --wait", "EDITOR": "nano"}) == [
        "code",
        "--wait",
        "+12",
        "/n/a.md",
    ]
    assert editor_command("/n/a.md", 0, {"EDITOR": "nano"}) == ["nano", "+1", "/n/a.md"]
    assert editor_command("/n/a.md", 5, {}) == ["vi", "+5", "/n/a.md"]


def test_when_due_reads_like_speech() -> None:
    assert when_due(NOW_DT + timedelta(minutes=25), NOW_DT) == "in 25 min"
    assert when_due(NOW_DT + timedelta(days=1), NOW_DT) == "tomorrow"
    assert when_due(NOW_DT + timedelta(days=3), NOW_DT) == "Wed"
    assert when_due(NOW_DT + timedelta(days=30), NOW_DT) == "Tue 22 Dec"


async def test_command_palette_lists_every_study_key_where_it_works(db_path: Path) -> None:
    app = create_app(
        db_path=db_path,
        deck=f"{ROOT}::强化学习",  # one card: question, answer, then the summary
        settings=Settings(fuzz=False),
        now=NOW_DT,
        bundled_dir=Path("/nonexistent"),
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)

        def titles() -> list[str]:
            return [command.title for command in app.get_system_commands(app.screen)]

        question = titles()
        assert "Good  [3]" not in question and any(t.startswith("Show answer") for t in question)
        reveal = next(
            c for c in app.get_system_commands(app.screen) if c.title.startswith("Show answer")
        )
        reveal.callback()
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen) and app.screen.revealed
        answer = titles()
        assert "Good  [3]" in answer and not any(t.startswith("Show answer") for t in answer)
        await pilot.press("4")
        await settle(pilot)
        summary = titles()  # with a rating to undo
        assert "Again  [1]" not in summary and any("Undo" in t for t in summary)
        seen = question + answer + summary
        for binding in StudyScreen.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.action == "open_link":
                continue  # this card has no link (test_palette: offered on one that has)
            assert any(title.startswith(binding.description) for title in seen), binding.description


def test_the_settings_know_every_binding_of_the_app_and_its_keys() -> None:
    """`config` checks `[keys]` without importing Textual, from a table of its own: it must
    be exactly the ids the app's screens and widgets bind, with their default keys, and
    read a key the way Textual does ("?" is question_mark)."""
    import importlib
    import pkgutil
    import string

    from textual.binding import Binding
    from textual.dom import DOMNode
    from textual.keys import _normalize_key_list

    import llmcards.tui
    from llmcards.config import DEFAULT_KEYS, key_clash, key_names

    for module in pkgutil.walk_packages(llmcards.tui.__path__, "llmcards.tui."):
        importlib.import_module(module.name)

    def subclasses(cls: type) -> list[type]:
        found: list[type] = []
        subs: list[type] = cls.__subclasses__()
        for sub in subs:
            found += [sub, *subclasses(sub)]
        return found

    bound = {
        binding.id: binding.key
        for cls in subclasses(DOMNode)
        if cls.__module__.startswith("llmcards.")
        for binding in cls.__dict__.get("BINDINGS", [])
        if isinstance(binding, Binding) and binding.id
    }
    assert bound == DEFAULT_KEYS
    # The defaults share no key on a screen but where the app means it to.
    assert [b for b in DEFAULT_KEYS if key_clash(b, {})] == []
    for text in [*string.punctuation.replace(",", ""), "a", "J", "7", "ctrl+x", " space , f1"]:
        assert key_names(text) == _normalize_key_list(text).split(","), text
    # The key names config.py accepts are keys Textual sends (config checks without it).
    from textual.keys import Keys

    from llmcards.config import NAMED_KEYS, unknown_key

    sent = {str(key.value).rsplit("+", 1)[-1] for key in Keys} | {"space", "enter", "tab"}
    assert sent >= NAMED_KEYS
    assert [k for keys in DEFAULT_KEYS.values() for k in key_names(keys) if unknown_key(k)] == []


def test_an_answer_of_megabytes_is_shown_cut_with_how_much_more_there_is() -> None:
    from llmcards.tui.answer import MAX_SHOWN

    article = "注意力机制的一篇长文，整段粘贴进笔记。" * 200_000  # ~3.8M characters, one line
    shown = prepare_answer(article).markdown
    assert len(shown) < MAX_SHOWN + 100
    assert shown.startswith("注意力机制的一篇长文")
    assert shown.endswith(
        f"*… {len(article) - MAX_SHOWN:,} more characters of this answer are in the notes.*"
    )
    code = "```python\n" + "x = 1\n" * 10_000 + "```"
    cut = prepare_answer(code).markdown.split("\n")
    assert cut.count("```") == 1 and cut[0] == "```python"  # the block cut open is closed
    assert prepare_answer("短答案").markdown == "短答案"
