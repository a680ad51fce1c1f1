"""Which kind of fact a question asks for, and which sections hold that kind of fact.

A question says what it wants: papers to bring ("giấy tờ gì"), a time limit ("mấy ngày"), a fee
("bao nhiêu tiền")… Documents say the same with their section headings, but headings are free
labels: "Thành phần hồ sơ", "Hồ sơ gồm", or a portal's "Cách thức thực hiện" table that holds both
the time limit and the fee. So the link from a kind of fact to a section is learned from the
documents themselves: sections whose heading names a kind are its examples, and the words their
bodies use ("ngày làm việc", "đồng", "bản sao") then recognise that kind in any section, whatever
its heading. What is learned is counts, so a base can add to what another base taught.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .text import fold, words

# kind -> (what a question says when it wants it, what a heading says when it holds it); folded.
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "documents": (("giay to", "ho so gom", "thanh phan ho so", "mang theo", "mang gi", "can mang",
                   "chuan bi gi", "chuan bi nhung", "nop nhung gi", "can nhung gi", "nhung gi", "can gi",
                   "to khai", "ban sao gi"),
                  ("thanh phan ho so", "ho so gom", "giay to", "ho so can nop", "ho so de nghi")),
    "time": (("bao lau", "may ngay", "bao nhieu ngay", "thoi han", "bao gio", "khi nao co", "mat may",
              "trong bao", "may hom", "ngay lam viec", "bao nhieu lau", "lau khong", "may tuan",
              "thoi gian giai quyet"),
             ("thoi han", "thoi gian giai quyet", "thoi gian thuc hien")),
    # a time limit the citizen must keep ("sinh con bao lâu thì phải đi khai sinh"), not the time it takes
    "deadline": (("han chot", "cham nhat", "qua han", "tre han", "muon nhat"),
                 ("thoi han di", "thoi han dang ky", "thoi han khai", "thoi han thong bao", "thoi han nop")),
    "fee": (("le phi", "phi", "bao nhieu tien", "mat tien", "thu tien", "ton tien", "mien phi", "nop tien",
             "het bao nhieu", "tien", "mat phi"),
            ("phi", "le phi")),
    "conditions": (("dieu kien", "bao nhieu tuoi", "ai duoc", "du tuoi", "truong hop nao", "yeu cau gi"),
                   ("dieu kien", "yeu cau")),
    "place": (("o dau", "cho nao", "noi nao", "truc tuyen", "online", "qua mang", "buu dien", "buu chinh",
               "dich vu cong", "vneid", "co quan nao", "nop tai"),
              ("cach thuc", "noi tiep nhan", "dia diem", "co quan thuc hien", "kenh tiep nhan")),
    "steps": (("trinh tu", "cac buoc", "buoc nao", "quy trinh", "lam the nao", "the nao", "lam sao",
               "nhu the nao", "thu tuc ra sao"),
              ("trinh tu", "cac buoc", "buoc thuc hien", "giai quyet ho so")),
    "responsible": (("ai phe duyet", "ai duyet", "ai ky", "ai chiu trach nhiem", "tham quyen", "ai quyet dinh",
                     "ai lam", "ai phu trach", "ai co trach nhiem", "ai xu ly"),
                    ("trach nhiem", "phe duyet", "tham quyen", "phan cong")),
    "records": (("luu bao lau", "luu ho so", "luu tru", "luu o dau", "bao quan", "giu bao lau", "luu trong"),
                ("ho so can luu", "luu ho so", "thoi gian luu", "luu tru")),
    "forms": (("bieu mau", "mau nao", "mau so", "mau don", "form"), ("bieu mau",)),
    "result": (("nhan duoc gi", "duoc cap gi", "ket qua la gi", "nhan lai gi"), ("ket qua",)),
}
NAMES = tuple(KINDS)
# per kind, one compiled pattern for all its labels as whole words, and one for a label with a value
# ("lệ phí: …"): a section is searched once a kind, not once a label (thousands of portal sections)
_LABELS = {k: re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, labels)) + r")(?!\w)")
           for k, (_, labels) in KINDS.items()}
_VALUES = {k: re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, labels)) + r")\s*:")
           for k, (_, labels) in KINDS.items()}
MIN_DOCUMENTS = 3  # a body word teaches only when examples of a kind from this many documents use it


def _has(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def mentions(text: str, phrase: str) -> bool:
    """Whether folded ``text`` has the folded ``phrase`` as whole words."""
    return _has(" ".join(words(text)), phrase)


# place cues that name a channel: with another kind asked ("nộp online thì mấy ngày", "thông tin trên
# VNeID sai thì sửa bao lâu") they qualify that kind rather than ask where
CHANNEL_CUES = frozenset({"truc tuyen", "online", "qua mang", "buu dien", "buu chinh", "dich vu cong", "vneid"})


# "thu / mất / tốn … bao nhiêu" asks a price, unless a unit of time, age or count follows ("mất bao
# nhiêu ngày", "nộp bao nhiêu bản")
_PRICE = re.compile(r"(?<!\w)(?:thu|mat|het|ton|tra|dong|gia|nop) bao nhieu"
                    r"(?! (?:ngay|lau|thoi gian|tuan|thang|gio|hom|nam|tuoi|ban|lan|nguoi))")


# "phải" with a time cue asks for a deadline ("mấy ngày phải khai tử"), unless it is the wait that must be
# borne ("phải mất bao lâu", "phải chờ mấy ngày") or the question asks how long until a result ("phải xác
# minh thì mất bao lâu", "bao lâu thì có giấy")
_MUST = re.compile(r"(?<!\w)phai (?!mat |cho |doi |ton )")
_TAKES = re.compile(r"(?<!\w)(?:mat|het|ton) (?:bao|may)|(?:thi|moi) (?:co|xong|lay|nhan)\b|co ket qua")


def asked(question: str) -> list[str]:
    """Kinds of fact the question asks for, in KINDS order ("giấy tờ gì, mất bao lâu" -> both)."""
    q = " ".join(words(question))
    kinds = [k for k, (cues, _) in KINDS.items()
             if any(_has(q, c) for c in cues) or (k == "fee" and _PRICE.search(q))]
    if "time" in kinds and _MUST.search(q) and not _TAKES.search(q) and "deadline" not in kinds:
        kinds.insert(kinds.index("time"), "deadline")
    if "deadline" in kinds and "time" in kinds:
        kinds.remove("time")
    if "place" in kinds and len(kinds) > 1 and not any(
            _has(q, c) for c in KINDS["place"][0] if c not in CHANNEL_CUES):
        kinds.remove("place")
    return kinds


@lru_cache(maxsize=16384)
def named(heading: str) -> str | None:
    """The kind a heading names, if any ("5.2 Thành phần hồ sơ" -> "documents")."""
    last = " ".join(words(heading.split(">")[-1]))
    found = {k: pattern.findall(last) for k, pattern in _LABELS.items() if pattern.search(last)}
    # a label inside a longer one names nothing of its own: "Thời hạn đi khai tử" is a deadline, not
    # the time the procedure takes
    for k, labels in found.items():
        if all(any(o in label for label in labels) for other, others in found.items() if other != k for o in others):
            return k
    return None


@lru_cache(maxsize=16384)
def _read(text: str) -> tuple[frozenset, str]:
    """A body's words and word pairs, and its folded words joined: computed once a section (the base's
    sections are learned from, then scored)."""
    ws = words(text)
    return frozenset(ws) | {f"{a}_{b}" for a, b in zip(ws, ws[1:])}, " ".join(ws)


def _features(text: str) -> frozenset:
    return _read(text)[0]


@dataclass
class SectionKinds:
    """Counts learned from example sections: per kind, in how many examples each body word occurs,
    and from how many documents."""

    examples: Counter = field(default_factory=Counter)  # kind -> number of example sections
    terms: dict[str, Counter] = field(default_factory=dict)  # kind -> term -> sections
    spread: dict[str, dict[str, set]] = field(default_factory=dict)  # kind -> term -> documents
    total: int = 0
    background: Counter = field(default_factory=Counter)  # term -> sections, over all sections

    def learn(self, sections: list[tuple[str, str, str]]) -> "SectionKinds":
        """Add (source, heading, body) sections; those whose heading names a kind are its examples."""
        for source, heading, body in sections:
            feats = _features(body)
            self.total += 1
            self.background.update(feats)
            kind = named(heading)
            if kind is None:
                continue
            self.examples[kind] += 1
            self.terms.setdefault(kind, Counter()).update(feats)
            spread = self.spread.setdefault(kind, {})
            for t in feats:
                spread.setdefault(t, set()).add(source)
        return self

    def weights(self) -> dict[str, dict[str, float]]:
        """Per kind, the log-odds of each telling body word (in examples of the kind vs all sections)."""
        out: dict[str, dict[str, float]] = {}
        for kind, counts in self.terms.items():
            n = self.examples[kind]
            w = {}
            for t, c in counts.items():
                if len(self.spread[kind][t]) < MIN_DOCUMENTS:
                    continue
                odds = math.log((c + 0.5) / (n + 1)) - math.log((self.background[t] + 0.5) / (self.total + 1))
                if odds > 1.0:
                    w[t] = odds
            out[kind] = w
        return out

    def to_json(self) -> dict:
        return {"examples": dict(self.examples), "total": self.total, "background": dict(self.background),
                "terms": {k: dict(v) for k, v in self.terms.items()},
                "spread": {k: {t: sorted(s) for t, s in v.items()} for k, v in self.spread.items()}}

    @classmethod
    def from_json(cls, data: dict) -> "SectionKinds":
        return cls(Counter(data["examples"]), {k: Counter(v) for k, v in data["terms"].items()},
                   {k: {t: set(s) for t, s in v.items()} for k, v in data["spread"].items()},
                   data["total"], Counter(data["background"]))

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "SectionKinds":
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


class KindScorer:
    """How much each section holds each kind of fact, from its heading and what its body says."""

    def __init__(self, learned: SectionKinds, saturation: float = 6.0, mention: float = 0.3,
                 share: float = 0.5) -> None:
        self.weights = learned.weights()
        self.saturation, self.mention, self.learned = saturation, mention, share

    def affinity(self, heading: str, body: str) -> np.ndarray:
        """One value in [0, 1] per kind in NAMES: 1 when the heading names it, else how strongly the
        body speaks of it (the sum of its telling words' log-odds, against the kind it speaks of most)."""
        kind = named(heading)
        feats, folded = _read(body)
        learned = np.array([sum(w[t] for t in feats & w.keys()) if (w := self.weights.get(k)) else 0.0
                            for k in NAMES], np.float32)
        # what the body says only ranks the kinds against each other, below a heading that names one
        out = self.learned * learned / learned.max() if learned.max() >= self.saturation else np.zeros_like(learned)
        for i, k in enumerate(NAMES):
            if k == kind:
                out[i] = 1.0
            elif _LABELS[k].search(folded):  # "thời hạn …", "lệ phí: …" in the body
                out[i] = max(out[i], self.mention)
        return out


def labelled(body: str) -> np.ndarray:
    """Per kind in NAMES, whether a section's body labels a value with that kind, as a table row read
    back does ("Trực tiếp: thời hạn: 3 Ngày làm việc; Lệ phí: 5.000 Đồng") -- which a passing mention
    ("nộp lệ phí nếu có") does not."""
    punctuated = fold(body)
    return np.array([_VALUES[k].search(punctuated) is not None for k in NAMES])


# what a value of a kind looks like, folded: an amount of money, a duration
_AMOUNTS = {
    "fee": re.compile(r"\d[\d.,]*\s*(?:dong|vnd|viet nam dong|d\b)|mien (?:phi|le phi)|khong (?:thu|mat) (?:phi|le phi)"),
    "time": re.compile(r"\d+\s*(?:ngay|gio|thang|tuan|nam)|trong ngay|ngay trong ngay"),
}
_AMOUNTS["deadline"] = _AMOUNTS["time"]


def gives_value(line: str, kinds: list[str]) -> bool:
    """Whether ``line`` gives one of ``kinds`` a value: labelled (as ``labelled`` reads a section), or an
    amount of money for a fee, a duration for a time limit ("Trực tiếp: 50,000 VNĐ")."""
    if kinds and labelled(line)[[NAMES.index(k) for k in kinds]].any():
        return True
    punctuated = fold(line)
    return any(k in _AMOUNTS and _AMOUNTS[k].search(punctuated) is not None for k in kinds)
