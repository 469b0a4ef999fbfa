"""Generate study notes in the style of the real seeds (Chinese + English terms,
numbered concept bullets, nested parameter lists, reading lists, task lists, images,
code, clozes, `front :: back`), for benchmarks and property tests.

    uv run python bench/gen_notes.py 100000 out.md   # ~10 MB
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

TERMS = [
    "Dropout",
    "LSTM",
    "GRU 单元",
    "BERT",
    "Transformer",
    "Adam",
    "GloVe",
    "NNLM",
    "softmax",
    "折扣回报 Discounted Return",
    "过拟合",
    "欠拟合",
    "损失函数",
    "优化器",
    "权重正则化",
    "预训练模型（Pre-trained Model）",
    "注意力机制（Attention Mechanism）",
    "cache()",
    "prefetch",
    "L2(权重衰减)",
    "Q-learning",
    "SARSA",
    "蒙特卡洛算法",
    "激活函数",
    "seq2seq 优化技巧",
]
PHRASES = [
    "正则化技术、训练时期使得部分神经元失活",
    "通过对模型参数（权重）的额外约束来减少过拟合的风险",
    "在损失函数中添加权重的平方和乘以一个正的超参数",
    "它衡量模型的预测与标签的偏离程度，损失越小越好",
    "优化器将计算出的梯度应用于模型参数以最小化损失函数",
    "每个时刻 t 的动作 a<sub>i</sub> 和状态 s<sub>i</sub> 都是随机的",
    "GloVe的思想和word2vec的思想接近，但是GloVe是从全局的角度出发",
    "可以在 CPU 处理当前批次的数据的同时异步预加载",
    "Multi-Head Self-Attention Layer 和 Dense Layer",
    "输入序列大小是【d，m】，输出序列大小是【d，m】",
]
PARAMS = [
    "输入门权重矩阵 `W_i`：`units * (input_dim + units)`",
    "输入门偏置向量 `b_i`：`units`",
    "遗忘门权重矩阵 `W_f`：`units * (input_dim + units)`",
    "Total 参数数量为上述各项之和。",
]
IMAGE = "![image.png](https://p1-juejin.byteimg.com/tos-cn-i-k3u1fbpfcp/{:032x}~tplv-k3u1fbpfcp-watermark.image?)"


def generate_notes(n_bullets: int, seed: int) -> str:
    """Markdown with about `n_bullets` list items (nested ones included), ~100 bytes each."""
    rng = random.Random(seed)
    out: list[str] = ["---\ntitle: 生成的笔记\nlayout: page\n---\n\n"]
    made = 0
    section = 0
    number = 0
    while made < n_bullets:
        if number == 0 or rng.random() < 0.02:
            section += 1
            number = 0
            out.append(f"\n# 主题 {section}\n\n## 训练\n\n")
            if rng.random() < 0.3:
                out.append("```python\nmodel.compile(optimizer='adam', loss='mse')\n```\n\n")
            if rng.random() < 0.2:
                out.append("Transformer 的核心是 {{c1::自注意力::机制}} 与 {{c2::位置编码}}。\n\n")
            if rng.random() < 0.2:
                out.append("梯度消失 :: 反向传播时梯度逐层变小\n\n")
            if rng.random() < 0.1:
                out.append("### 微调方法是啥？\n\n先冻结底层，再训练顶层。\n\n")
        number += 1
        term = f"{rng.choice(TERMS)} {made % 997}"
        roll = rng.random()
        if roll < 0.55:
            out.append(f"{number}. {term}：{rng.choice(PHRASES)}，{rng.choice(PHRASES)}\n")
            made += 1
        elif roll < 0.62:
            out.append(f"{number}. **{term}：** {rng.choice(PHRASES)}\n")
            made += 1
        elif roll < 0.67:
            out.append(
                f"{number}. {term}：权重参数计算 (units * (input_dim + units) + units) * 4 https://juejin.cn/post/{rng.randrange(10**12)}\n"
            )
            for param in PARAMS:
                out.append(f"    -   {param}\n")
            made += 1 + len(PARAMS)
        elif roll < 0.77:
            out.append(f"{number}. {term}\n")
            made += 1
        elif roll < 0.82:
            out.append(
                f'{number}. ["{term} is All You Need" by Vaswani et al. (2017)](https://arxiv.org/abs/{rng.randrange(10**4)}.{rng.randrange(10**5)})\n\n'
                f"   {rng.choice(PHRASES)}。{rng.choice(PHRASES)}。\n\n"
            )
            made += 1
        elif roll < 0.87:
            out.append(
                f"\n- [X] {rng.randrange(1, 31)} [{term} 论文精读](https://www.youtube.com/watch?v={rng.randrange(10**9)})\n"
                f"  * {rng.choice(TERMS)}：{rng.choice(PHRASES)}\n  * {rng.choice(TERMS)}\n\n"
            )
            made += 3
            number = 0
        elif roll < 0.90:
            out.append(
                f"{number}. {term}\n\n    {rng.choice(PHRASES)}：\n\n    {IMAGE.format(rng.getrandbits(128))}\n\n"
            )
            made += 1
        elif roll < 0.93:
            out.append(f"{number}. {term} ：https://keras.io/examples/{rng.randrange(10**6)}/\n")
            made += 1
        elif roll < 0.96:
            out.append(f"{number}. **{term}** → {rng.choice(PHRASES)}\n")
            made += 1
        else:
            out.append(
                f"{number}. {term}：{rng.choice(PHRASES)}\n\n- 为何能解决过拟合？{rng.choice(PHRASES)}\n- {rng.choice(PHRASES)}\n\n"
            )
            made += 3
            number += 1
            out.append(f"{number}. {rng.choice(TERMS)} {made % 991}：{rng.choice(PHRASES)}\n")
            made += 1
    return "".join(out)


def main(argv: list[str]) -> None:
    n_bullets = int(argv[1]) if len(argv) > 1 else 100_000
    path = Path(argv[2]) if len(argv) > 2 else Path("bench/out/notes.md")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = generate_notes(n_bullets, seed=int(argv[3]) if len(argv) > 3 else 0)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({len(text.encode()) / 1e6:.1f} MB, {n_bullets} bullets)")


if __name__ == "__main__":
    main(sys.argv)
