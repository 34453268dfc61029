"""Markdown rendered to plain text, for pipes, NO_COLOR and files: no markers, no hard wraps.

A model writes Markdown (`**Paris**`, `_Source: ..._`, lists, tables). On a terminal Rich draws
it; where the output is read as text (`| grep`, a log, a screen reader) the markers would show
raw. Here emphasis and code markers go, links keep their target, lists and tables keep their
shape, lines are never wrapped (the reader's own terminal or pager wraps), and no line ends in
spaces.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from rich.cells import cell_len

_PARSER = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def _inline(node: SyntaxTreeNode) -> str:
    """The text of an inline node and its children, markers dropped."""
    parts: list[str] = []
    for child in node.children:
        kind = child.type
        if kind in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            # The writer's own line breaks stay; nothing is wrapped anew.
            parts.append("\n")
        elif kind == "link":
            label = _inline(child)
            target = str(child.attrs.get("href", ""))
            parts.append(label if not target or target in (label, f"mailto:{label}") else
                         f"{label} ({target})")  # fmt: skip
        elif kind == "image":
            parts.append(str(child.attrs.get("alt", "")) or _inline(child))
        else:  # em, strong, s: their text
            parts.append(_inline(child))
    return "".join(parts)


def _text_of(node: SyntaxTreeNode) -> str:
    """The inline text a block holds (a paragraph, heading or table cell)."""
    return "".join(_inline(c) if c.type == "inline" else _text_of(c) for c in node.children)


def _indent(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0], *((rest + line) if line else "" for line in lines[1:])])


def _list(node: SyntaxTreeNode) -> str:
    ordered = node.type == "ordered_list"
    start = int(str(node.attrs.get("start", 1))) if ordered else 1
    items = []
    for number, item in enumerate(node.children, start):
        marker = f"{number}. " if ordered else "- "
        body = "\n".join(_block(child) for child in item.children)
        items.append(_indent(body, marker, " " * len(marker)))
    return "\n".join(items)


def _table(node: SyntaxTreeNode) -> str:
    rows = [[_text_of(cell).replace("\n", " ") for cell in row.children]
            for section in node.children for row in section.children]  # fmt: skip
    if not rows:
        return ""
    # Columns by terminal cells, not characters: 星期一 takes six columns, not three.
    widths = [max(cell_len(row[i]) for row in rows if i < len(row)) for i in range(len(rows[0]))]
    lines = ["  ".join(cell + " " * (widths[i] - cell_len(cell)) for i, cell in enumerate(row))
             .rstrip() for row in rows]  # fmt: skip
    return "\n".join(lines)


def _block(node: SyntaxTreeNode) -> str:
    kind = node.type
    if kind in ("paragraph", "heading"):
        return _text_of(node)
    if kind in ("bullet_list", "ordered_list"):
        return _list(node)
    if kind in ("fence", "code_block"):
        return node.content.rstrip("\n")
    if kind == "table":
        return _table(node)
    if kind == "blockquote":
        inner = "\n\n".join(_block(child) for child in node.children)
        return _indent(inner, "> ", "> ")
    if kind == "hr":
        return "---"
    if kind == "html_block":
        return node.content.rstrip("\n")
    return "\n\n".join(_block(child) for child in node.children)


def markdown_to_text(text: str) -> str:
    """`text` (Markdown) as plain text: blocks separated by one blank line, no trailing spaces."""
    tree = SyntaxTreeNode(_PARSER.parse(text))
    blocks = [_block(child) for child in tree.children]
    joined = "\n\n".join(block for block in blocks if block.strip())
    return "\n".join(line.rstrip() for line in joined.split("\n"))
