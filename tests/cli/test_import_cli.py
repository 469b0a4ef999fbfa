"""`llmcards import / decks / cards` as a user drives them, checked through `--json`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.clihelp import llmcards

NOTE_STYLES = Path(__file__).resolve().parents[1] / "notes" / "fixtures"
BAD_BYTE = "- 术语：".encode() + b"\xff ok\n" + "- ok：好\n".encode()  # one stray byte


def run(db: Path, *args: str):
    return llmcards("--db", str(db), *args)


def cards_by_front(db: Path, *extra: str) -> dict[str, dict]:
    result = run(db, "cards", "--json", *extra)
    assert result.exit_code == 0, result.stderr
    return {c["front"]: c for c in result.json()}


def test_import_makes_cards_and_reports_what_it_passed_over(db_path: Path, notes: Path) -> None:
    result = run(db_path, "import", str(notes / "learning.md"), "--deck", "LLM 学习笔记", "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["new"] == 5 and report["updated"] == report["unchanged"] == report["retired"] == 0
    skipped = {s["text"]: s for s in report["skipped"]}
    assert {"策略价值函数", "Actor-Critic", "softmax", "dsf"} <= skipped.keys()
    assert all(s["file"].endswith("learning.md") and s["line"] > 0 for s in report["skipped"])
    assert any("link" in s["reason"] for s in report["skipped"])  # PPO: only a link
    cards = cards_by_front(db_path)
    assert set(cards) == {
        "折扣回报 Discounted Return",
        "Q-learning",
        "Dropout",
        "LSTM",
        "seq2seq 优化技巧",
    }
    lstm = cards["LSTM"]
    assert (
        lstm["deck"] == "LLM 学习笔记::NLP" and lstm["kind"] == "basic" and lstm["state"] == "new"
    )
    assert "W_f" in lstm["back"] and "(units * (input_dim + units) + units) * 4" in lstm["back"]
    assert lstm["source"].endswith("learning.md:19")
    assert cards["Dropout"]["back"].count("\n") >= 2  # the nested bullets belong to the answer
    assert "Q-learning" in cards and cards["Q-learning"]["deck"] == "LLM 学习笔记::强化学习"


def test_human_summary_lists_concepts_never_explained(db_path: Path, notes: Path) -> None:
    result = run(db_path, "import", str(notes / "learning.md"), "--deck", "LLM 学习笔记")
    assert result.exit_code == 0, result.stderr
    assert "learning.md → LLM 学习笔记: 5 new, 0 updated, 0 unchanged, 0 retired" in result.stdout
    assert "Named but never explained" in result.stdout
    assert "强化学习: 策略价值函数 (l.8), Actor-Critic (l.9)" in result.stdout
    assert "NLP: softmax (l.15)" in result.stdout


def test_dry_run_lists_cards_and_writes_nothing(db_path: Path, notes: Path) -> None:
    result = run(db_path, "import", str(notes), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "LSTM" in result.stdout and "nothing was written" in result.stdout
    assert not db_path.exists()
    as_json = run(db_path, "import", str(notes), "--dry-run", "--json").json()
    assert as_json["new"] == 7 and as_json["dry_run"] is True
    assert not db_path.exists()


def test_dry_run_on_an_existing_database_changes_nothing(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes / "learning.md"))
    before = cards_by_front(db_path)
    (notes / "learning.md").write_text("1. 全新概念：只在预演里出现\n", encoding="utf-8")
    preview = run(db_path, "import", str(notes / "learning.md"), "--dry-run", "--json").json()
    assert preview["new"] == 1 and preview["retired"] == 5
    assert cards_by_front(db_path) == before


def test_groups_front_matter_and_task_lists(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes / "todo.md"))
    cards = cards_by_front(db_path)
    pretrained = cards["预训练模型（Pre-trained Model）"]
    assert pretrained["deck"] == "阅读清单::5月"
    assert "GPT，GPT-2，GPT-3 论文精读" in pretrained["context"]
    assert "没有源代码发布" not in " ".join(cards)  # a to-do list is not an answer


def test_decks_tree_counts(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes), "--deck", "LLM 学习笔记")
    decks = {d["name"]: d for d in run(db_path, "decks", "--json").json()}
    assert decks["LLM 学习笔记"]["cards"] == sum(
        d["cards"] for n, d in decks.items() if n.count("::") == 1
    )
    assert decks["LLM 学习笔记::NLP"] == {
        "name": "LLM 学习笔记::NLP",
        "cards": 3,
        "new": 3,
        "learning": 0,
        "due": 0,
    }
    human = run(db_path, "decks").stdout
    assert "LLM 学习笔记" in human and "  NLP" in human


def test_cards_filters(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes / "learning.md"), "--deck", "LLM 学习笔记")
    found = run(
        db_path, "cards", "--deck", "LLM 学习笔记::NLP", "--search", "lstm", "--json"
    ).json()
    assert [c["front"] for c in found] == ["LSTM"]
    short = run(
        db_path, "cards", "--deck", "NLP", "--json"
    ).json()  # the last part of a path is enough
    assert {c["front"] for c in short} == {"Dropout", "LSTM", "seq2seq 优化技巧"}
    assert run(db_path, "cards", "--state", "review", "--json").json() == []
    missing = run(db_path, "cards", "--deck", "Nope")
    assert missing.exit_code == 1 and "no deck named 'Nope'" in missing.stderr


def test_reimport_after_edits_keeps_identity(db_path: Path, notes: Path) -> None:
    source = notes / "learning.md"
    run(db_path, "import", str(source), "--deck", "L")
    before = cards_by_front(db_path)
    text = source.read_text(encoding="utf-8")
    text = text.replace(
        "正则化技术，训练时让部分神经元失活", "正则化技术：随机丢弃神经元"
    )  # answer edit
    text = text.replace("5. Q-learning：离散动作，学习最优动作价值函数\n", "")  # moved below…
    text += "\n# 新章节\n\n1. Q-learning：离散动作，学习最优动作价值函数\n"
    text = text.replace("1. 折扣回报 Discounted Return：", "1. 折扣回报：")  # small front edit
    source.write_text(text, encoding="utf-8")
    report = run(db_path, "import", str(source), "--deck", "L", "--json").json()
    assert (report["new"], report["updated"], report["retired"]) == (0, 3, 0)
    # Short fronts show their heading as context (import-rules: "a card must read on
    # its own"), so the moved Q-learning changed context too: both kept their history.
    assert report["kept_history"] == [
        {"file": str(source), "old": "折扣回报 Discounted Return", "new": "强化学习 › 折扣回报"},
        {"file": str(source), "old": "强化学习 › Q-learning", "new": "新章节 › Q-learning"},
    ]
    after = cards_by_front(db_path)
    assert after["Dropout"]["id"] == before["Dropout"]["id"]
    assert after["Q-learning"]["id"] == before["Q-learning"]["id"]
    assert after["Q-learning"]["deck"] == "L::新章节"
    assert after["折扣回报"]["id"] == before["折扣回报 Discounted Return"]["id"]
    assert run(db_path, "cards", "--state", "retired", "--json").json() == []
    again = run(db_path, "import", str(source), "--deck", "L", "--json").json()
    assert (again["new"], again["updated"], again["retired"], again["unchanged"]) == (0, 0, 0, 5)


def test_renamed_file_keeps_its_cards(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes / "learning.md"), "--deck", "L")
    before = cards_by_front(db_path)
    moved = notes / "archive" / "学习.md"
    moved.parent.mkdir()
    (notes / "learning.md").rename(moved)
    report = run(db_path, "import", str(moved), "--deck", "L", "--json").json()
    assert report["new"] == 0 and report["retired"] == 0
    assert {f: c["id"] for f, c in cards_by_front(db_path).items()} == {
        f: c["id"] for f, c in before.items()
    }


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "gbk.md",
            "# 编码\n\n1. 注意力机制：让模型关注输入中相关的部分\n".encode("gb18030"),
            "GB18030",
        ),
        ("utf16.md", "# 编码\n\n1. 归一化：把特征缩放到相近的范围\n".encode("utf-16"), "UTF-16"),
        ("crlf.md", "# 编码\r\n\r\n1. 词向量：把词映射成稠密向量\r\n".encode(), None),
    ],
)
def test_other_encodings_and_line_endings_just_work(
    db_path: Path, tmp_path: Path, name: str, data: bytes, message: str | None
) -> None:
    note = tmp_path / name
    note.write_bytes(data)
    result = run(db_path, "import", str(note))
    assert result.exit_code == 0, result.stderr
    if message:
        assert message in result.stdout
    (card,) = run(db_path, "cards", "--json").json()
    assert card["deck"].endswith("::编码") and "：" not in card["front"]


def test_empty_file_is_zero_cards_not_an_error(db_path: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("")
    result = run(db_path, "import", str(empty), "--json")
    assert result.exit_code == 0 and result.json()["new"] == 0


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda d: d / "missing.md", "no such file"),
        (lambda d: (d / "empty-dir").mkdir() or d / "empty-dir", "holds no notes"),
        (lambda d: [(d / "bin.md").write_bytes(bytes(range(256)) * 8), d / "bin.md"][1], "binary"),
        (
            lambda d: [(d / "bad.md").write_bytes(BAD_BYTE), d / "bad.md"][1],
            "cannot be read as UTF-8 (byte 0xFF at line 1, column 6",
        ),
    ],
    ids=["missing", "no-notes", "binary", "not-utf8"],
)
def test_bad_input_is_one_line_and_writes_nothing(
    db_path: Path, notes: Path, tmp_path: Path, setup, expected
) -> None:
    run(db_path, "import", str(notes / "learning.md"))
    before = cards_by_front(db_path)
    bad = setup(tmp_path)
    result = run(db_path, "import", str(notes / "todo.md"), str(bad))
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("llmcards: error:") and expected in lines[0]
    assert str(bad.name) in lines[0] and "Traceback" not in result.stderr
    assert cards_by_front(db_path) == before  # todo.md was not half-imported


def test_newer_database_is_a_clear_error(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes / "learning.md"))
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = 'ffff'")
    con.commit()
    con.close()
    result = run(db_path, "cards")
    assert (
        result.exit_code == 1
        and "newer llmcards" in result.stderr
        and "Traceback" not in result.stderr
    )


def test_a_folder_of_real_style_notes_imports(db_path: Path) -> None:
    result = run(db_path, "import", str(NOTE_STYLES), "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    notes_files = [p for p in NOTE_STYLES.rglob("*") if p.suffix in (".md", ".txt")]
    assert len(report["files"]) == len(notes_files) >= 5 and report["new"] > 30
    cards = run(db_path, "cards", "--json").json()
    by_front = {c["front"]: c for c in cards}
    for front in ("GRU", "GAN", "LSTM", "VAE", "指令微调（Instruction Tuning）"):
        assert front in by_front, front
    gru = by_front["GRU"]["back"]
    assert gru.count("`W_") == 3 and gru.count("`b_") == 3  # the whole nested list
    assert "生成器和判别器互相博弈" in by_front["GAN"]["back"]
    assert by_front["指令微调（Instruction Tuning）"]["context"] == "InstructGPT 论文精读"
    assert not set(by_front) & {"abc", "", "DQN"}
    skipped = {s["text"] for s in report["skipped"]}
    assert {"abc", "状态价值函数", "relu"} <= skipped


def test_never_explained_is_a_screenful_even_for_big_notes(db_path: Path, tmp_path: Path) -> None:
    sections = "\n".join(
        f"## 第{n}章 主题{n}\n\n1. 术语{n}\n2. 概念{n}：有解释的条目\n" for n in range(1, 31)
    )
    note = tmp_path / "big.md"
    note.write_text(f"# 大笔记\n\n{sections}", encoding="utf-8")
    result = run(db_path, "import", str(note))
    assert result.exit_code == 0, result.stderr
    listed = [line for line in result.stdout.splitlines() if line.startswith("  大笔记 › 第")]
    assert len(listed) == 12
    assert "… 18 more in 18 other decks (--verbose lists every item passed over)" in result.stdout
