"""A registry's eligibility text split into inclusion and exclusion
criteria. The usual layouts: "Inclusion Criteria:" / "Exclusion Criteria"
headers; items numbered ("1.", "2)"), lettered ("a."), bulleted ("* ", "- ",
"•"), nested by indentation; paragraphs between them; footnotes and notes
indented under an item. A paragraph that only introduces a list ("all of the
following") is dropped; sub-items after "such as" or "include:" are examples
folded into their item; other sub-items are criteria of their own."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from bot.authoring.lexicon import lexicon

# The registry escapes Markdown ("\*", "\<", "\>"); the text means the characters.
_ESCAPE = re.compile(r"\\([*<>\[\]_#+\-.()!~`|\\])")
_BULLET = re.compile(r"^(\s*)(?:[*\-•·▪◦+]|\d{1,2}[.)]|\(\d{1,2}\)|[a-z][.)]|\([a-z]\)|[ivx]{1,4}[.)])\s+(\S.*)$",
                     re.I)


class Section(str, enum.Enum):
    INCLUSION = "inclusion"
    EXCLUSION = "exclusion"


@dataclass(frozen=True)
class Criterion:
    section: Section
    number: str  # "3", or "1.2" for the second sub-item of the first item
    text: str  # the item's own words, with its notes and folded examples, on one line
    lead: str = ""  # the item a sub-item belongs to
    placed: bool = True  # False: the text has no section headers, and inclusion is a guess


@dataclass
class _Node:
    indent: int
    lines: List[str]
    children: List["_Node"] = field(default_factory=list)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.lines)).strip()


@dataclass(frozen=True)
class Split:
    criteria: Tuple[Criterion, ...]
    unplaced: Tuple[str, ...]  # text before any section header: a person must place it


def _header(line: str) -> Optional[Tuple[Section, str]]:
    """("Inclusion Criteria:" -> inclusion, ""); "Exclusion Criteria: none" -> (exclusion, "none")."""
    words = lexicon().sections
    for section in Section:
        alts = "|".join(re.escape(w) for w in sorted(words[section.value], key=len, reverse=True))
        m = re.match(r"^\s*(?:key\s+|main\s+)?(?:" + alts + r")\s*(?:[:：\-–]\s*(.*))?$", line, re.I)
        if m:
            return section, (m[1] or "").strip()
    return None


def _tree(lines: List[str]) -> List[_Node]:
    """Items nested by the indentation of their markers. A line without a
    marker joins the item above, unless it starts a new paragraph (after a
    blank line, not indented)."""
    roots: List[_Node] = []
    stack: List[_Node] = []
    blank = True
    for line in lines:
        if not line.strip():
            blank = True
            continue
        m = _BULLET.match(line)
        indent = len(line) - len(line.lstrip())
        if m:
            node = _Node(len(m[1]), [m[2]])
        elif stack and not (blank and indent == 0):
            stack[-1].lines.append(line.strip())
            blank = False
            continue
        else:
            node = _Node(-1, [line.strip()])  # a paragraph: above any item
        while stack and stack[-1].indent >= node.indent:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
        blank = False
    return roots


def _is_lead_in(text: str) -> bool:
    return bool(lexicon().first(lexicon().lead_in, text.lower())) and len(text) < 160


def _is_examples(text: str) -> bool:
    low = text.lower().rstrip()
    return low.endswith(":") and any(low[:-1].rstrip().endswith(w) for w in lexicon().examples)


def _flatten(nodes: List[_Node], section: Section, prefix: str, lead: str) -> List[Criterion]:
    out: List[Criterion] = []
    n = 0
    for node in nodes:
        text = node.text
        if node.children and _is_examples(text):
            text = text + " " + "; ".join(c.text for c in _walk(node.children))
            node = _Node(node.indent, [text])
        n += 1
        number = f"{prefix}{n}"
        if node.children and _is_lead_in(text):  # "all of the following:": only its sub-items are criteria
            out += _flatten(node.children, section, number + ".", lead)
            continue
        out.append(Criterion(section, number, text, lead))
        out += _flatten(node.children, section, number + ".", text)
    return out


def _walk(nodes: List[_Node]) -> List[_Node]:
    return [x for n in nodes for x in [n] + _walk(n.children)]


def split(text: str) -> Split:
    text = _ESCAPE.sub(r"\1", text.replace("\r\n", "\n"))
    parts: List[Tuple[Optional[Section], List[str]]] = [(None, [])]
    for line in text.split("\n"):
        header = _header(line)
        if header:
            parts.append((header[0], [header[1]] if header[1] else []))
        else:
            parts[-1][1].append(line)
    criteria: List[Criterion] = []
    unplaced: List[str] = []
    if len(parts) == 1:  # no header at all: every item, as an inclusion a person must confirm
        found = _flatten(_tree(parts[0][1]), Section.INCLUSION, "", "")
        return Split(tuple(Criterion(c.section, c.number, c.text, c.lead, placed=False) for c in found), ())
    for section, lines in parts:
        if section is None:
            unplaced += [n.text for n in _walk(_tree(lines))]
        else:
            criteria += _flatten(_tree(lines), section, "", "")
    return Split(tuple(criteria), tuple(unplaced))
