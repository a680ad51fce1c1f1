"""Turn the shared public corpora into knowledge bases and labelled questions for the benchmarks.

Two corpora live beside the project in ``../shared/corpus`` (never needed at run time; a bench that
uses them skips when the folder is absent):

- ``tthc-dichvucong.jsonl``: administrative procedures from the national public-service portal.
  The ward-level ones become one Markdown document each, questions come from
  ``bench/data/ward_questions.jsonl``.
- ``alqac2023/``: 16 laws and 100 questions labelled with their gold articles (ALQAC 2023).

Stdlib only. Run ``python bench/corpora.py`` to build both into a temp folder and print counts.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
QUESTIONS = Path(__file__).resolve().parent / "data" / "ward_questions.jsonl"
# Written independently of the ranking code, for the desk base; split into dev (tuned on) and test.
DESK_QUESTIONS = Path(__file__).resolve().parent / "data" / "desk_questions.jsonl"
# A second independent set for the desk base, written later (split "holdout": reported, never tuned on).
DESK_HOLDOUT = Path(__file__).resolve().parent / "data" / "desk_holdout.jsonl"

TTHC_FILE = "tthc-dichvucong.jsonl"
ALQAC_DIR = "alqac2023"
WARD_LEVEL = "Cấp xã"
EMPTY = "Không có thông tin"

# Record field -> section heading, in document order.
WARD_SECTIONS: tuple[tuple[str, str], ...] = (
    ("linh_vuc", "Lĩnh vực"),
    ("co_quan_thuc_hien", "Cơ quan thực hiện"),
    ("doi_tuong_thuc_hien", "Đối tượng thực hiện"),
    ("trinh_tu_thuc_hien", "Trình tự thực hiện"),
    ("cach_thuc_thuc_hien", "Cách thức thực hiện"),
    ("thanh_phan_ho_so", "Thành phần hồ sơ"),
    ("yeu_cau_dieu_kien", "Yêu cầu, điều kiện"),
    ("can_cu_phap_ly", "Căn cứ pháp lý"),
    ("ket_qua_xu_ly", "Kết quả thực hiện"),
)


def shared_corpus() -> Path | None:
    """The shared corpus folder, or None when this checkout has no ``../shared/corpus``."""
    folder = SHARED / "corpus"
    return folder if folder.is_dir() else None


def nfc(text: str) -> str:
    """NFC form of ``text``."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Remove Vietnamese diacritics: "Đăng ký khai sinh" -> "Dang ky khai sinh"."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


def name_key(name: str) -> str:
    """Key under which two procedure names count as the same: NFC, casefold, collapsed spaces."""
    return " ".join(nfc(name).casefold().split())


def _one_line(text: str) -> str:
    """Collapse all whitespace (some names contain line breaks) into single spaces."""
    return " ".join(nfc(text).split())


def _slug(text: str) -> str:
    """ASCII file-name slug: "Luật Cư trú" -> "luat-cu-tru"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-") or "doc"


def _front_matter(**fields: str) -> str:
    """YAML front matter; json.dumps quotes each string safely (JSON strings are valid YAML)."""
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


# --- ward-level procedures -------------------------------------------------------------------


def _tthc_file(corpus: Path) -> Path:
    """Accept the corpus folder or the JSONL file itself."""
    return corpus if corpus.is_file() else corpus / TTHC_FILE


def ward_records(corpus: Path) -> Iterator[dict[str, Any]]:
    """Records whose ``cap_thuc_hien`` includes "Cấp xã", every string NFC-normalised."""
    with _tthc_file(corpus).open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = {k: nfc(v) if isinstance(v, str) else v for k, v in json.loads(line).items()}
            if WARD_LEVEL in record.get("cap_thuc_hien", ""):
                yield record


def _field(record: dict[str, Any], key: str) -> str:
    """A field's text, or "" when missing, blank or "Không có thông tin"."""
    value = str(record.get(key) or "").strip()
    return "" if value == EMPTY else value


def ward_document(record: dict[str, Any]) -> str:
    """One procedure as Markdown: front matter, "# name", a "## label" per non-empty field."""
    title = _one_line(record["ten_thu_tuc"])
    parts = [_front_matter(title=title, code=record["ma_thu_tuc"]), f"# {title}\n"]
    for key, label in WARD_SECTIONS:
        value = _field(record, key)
        if value:
            parts.append(f"## {label}\n\n{value}\n")
    return "\n".join(parts)


# What a Hà Nội ward's one-stop desk handles itself: civil status, certification, residence and ID,
# land, social insurance and welfare, mediation, adoption, household businesses, housing and
# building permits. Customs, tax, treasury and waterway procedures, which the portal also marks
# "Cấp xã", are done elsewhere.
WARD_DESK_FIELDS = frozenset({
    "Hộ tịch", "Chứng thực", "Đăng ký, quản lý cư trú", "Cấp, quản lý căn cước", "Đất đai",
    "Thực hiện chính sách BHXH", "Người có công", "Giảm nghèo", "Hòa giải ở cơ sở", "Nuôi con nuôi",
    "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)", "Nhà ở và công sở", "Hoạt động xây dựng",
})


def desk_records(corpus: Path) -> Iterator[dict[str, Any]]:
    """Ward procedures of the fields in ``WARD_DESK_FIELDS``."""
    return (r for r in ward_records(corpus) if r.get("linh_vuc") in WARD_DESK_FIELDS)


def ward_path(code: str) -> str:
    """Relative path of a procedure's document."""
    return f"{code}.md"


def build_ward_kb(corpus: Path, out: Path, desk: bool = False) -> dict[str, str]:
    """Write ``out/<code>.md`` for every ward-level procedure (only the desk's fields when ``desk``);
    return {code: relative path}."""
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, str] = {}
    for record in desk_records(corpus) if desk else ward_records(corpus):
        code = record["ma_thu_tuc"]
        paths[code] = ward_path(code)
        (out / paths[code]).write_text(ward_document(record), encoding="utf-8")
    return paths


def ward_questions(corpus: Path, questions_file: Path = QUESTIONS) -> list[dict[str, Any]]:
    """Eval items {"id", "question", "source"}; source = the asked record plus same-name twins."""
    names = {r["ma_thu_tuc"]: name_key(r["ten_thu_tuc"]) for r in ward_records(corpus)}
    by_name: dict[str, list[str]] = {}
    for code, key in names.items():
        by_name.setdefault(key, []).append(code)
    items: list[dict[str, Any]] = []
    with questions_file.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            code = row["ma_thu_tuc"]
            if code not in names:
                raise ValueError(f"{questions_file.name}:{number}: {code} is not a ward procedure")
            twins = [other for other in by_name[names[code]] if other != code]
            items.append(
                {
                    "id": row["id"],
                    "question": nfc(row["question"]),
                    "source": [ward_path(c) for c in [code, *twins]],
                }
            )
    return items


def desk_questions(corpus: Path, questions_file: Path = DESK_QUESTIONS) -> list[dict[str, Any]]:
    """Eval items {"id", "question", "source" (None: off-topic), "split", "kind", "fact"?} for the desk base."""
    codes = {r["ma_thu_tuc"] for r in desk_records(corpus)}
    items = []
    for number, line in enumerate(questions_file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        code = row["ma_thu_tuc"]
        if code is not None and code not in codes:
            raise ValueError(f"{questions_file.name}:{number}: {code} is not a desk procedure")
        others = [ward_path(c) for c in row.get("also", [])]  # procedures of the very same content
        source = ([ward_path(code), *others] if others else ward_path(code)) if code else None
        items.append({**row, "question": nfc(row["question"]), "source": source})
    return items


# --- ALQAC 2023 laws -------------------------------------------------------------------------


def _alqac_dir(corpus: Path) -> Path:
    """Accept the corpus folder or the alqac2023 folder itself."""
    return corpus if (corpus / "law.json").is_file() else corpus / ALQAC_DIR


def law_document(law: dict[str, Any]) -> str:
    """One law as Markdown: front matter, then "## Điều {id}. {title}" and body per article."""
    name = _one_line(law["id"])
    parts = [_front_matter(title=name), f"# {name}\n"]
    for article in law["articles"]:
        title, _, body = nfc(article["text"]).strip().partition("\n")
        heading = f"## Điều {article['id']}. {title.strip()}"
        parts.append(f"{heading}\n\n{body.strip()}\n" if body.strip() else f"{heading}\n")
    return "\n".join(parts)


def build_alqac_kb(corpus: Path, out: Path) -> dict[str, str]:
    """Write one Markdown document per law into ``out``; return {law name: relative path}."""
    out.mkdir(parents=True, exist_ok=True)
    laws = json.loads((_alqac_dir(corpus) / "law.json").read_text(encoding="utf-8"))
    paths: dict[str, str] = {}
    taken: set[str] = set()
    for law in laws:
        slug = base = _slug(law["id"])
        counter = 2
        while slug in taken:
            slug, counter = f"{base}-{counter}", counter + 1
        taken.add(slug)
        paths[law["id"]] = f"{slug}.md"
        (out / paths[law["id"]]).write_text(law_document(law), encoding="utf-8")
    return paths


def alqac_questions(corpus: Path, paths: dict[str, str]) -> list[dict[str, Any]]:
    """Eval items {"id", "question", "source", "section"} from train.json (first gold article)."""
    rows = json.loads((_alqac_dir(corpus) / "train.json").read_text(encoding="utf-8"))
    items: list[dict[str, Any]] = []
    for row in rows:
        gold = row["relevant_articles"][0]
        text = nfc(row["text"]).strip()
        choices = row.get("choices") or {}
        if choices:
            text += "\n" + "\n".join(nfc(str(choice)).strip() for choice in choices.values())
        items.append(
            {
                "id": row["question_id"],
                "question": text,
                "source": paths[gold["law_id"]],
                "section": f"Điều {gold['article_id']}",
            }
        )
    return items


def _smoke() -> None:
    """Build both corpora into a temp folder and print counts."""
    import tempfile
    from collections import Counter

    corpus = shared_corpus()
    if corpus is None:
        print(json.dumps({"skipped": f"no corpus at {SHARED / 'corpus'}"}))
        return
    with tempfile.TemporaryDirectory() as tmp:
        ward = build_ward_kb(corpus, Path(tmp) / "ward")
        questions = ward_questions(corpus, QUESTIONS) if QUESTIONS.is_file() else []
        laws = build_alqac_kb(corpus, Path(tmp) / "alqac")
        legal = alqac_questions(corpus, laws)
        ward_bytes = sum(p.stat().st_size for p in (Path(tmp) / "ward").glob("*.md"))
        report = {
            "ward_documents": len(ward),
            "ward_megabytes": round(ward_bytes / 1e6, 1),
            "ward_questions": len(questions),
            "ward_procedures_asked": len({q["source"][0] for q in questions}),
            "ward_questions_with_twins": sum(len(q["source"]) > 1 for q in questions),
            "alqac_documents": len(laws),
            "alqac_articles": sum(
                p.read_text(encoding="utf-8").count("\n## Điều ")
                for p in (Path(tmp) / "alqac").glob("*.md")
            ),
            "alqac_questions": len(legal),
            "alqac_questions_by_law": Counter(q["source"] for q in legal).most_common(3),
            "fold_example": fold("Đăng ký khai sinh cho con ở UBND phường"),
        }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    _smoke()
