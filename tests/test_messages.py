from bot.messages import number, split


def test_number_uses_the_vietnamese_decimal_comma():
    assert [number(66.7), number(80.0), number(100), number(None)] == ["66,7", "80", "100", "—"]


def test_split_respects_the_limit_and_keeps_everything():
    text = "\n".join(f"dòng {i} " + "chữ " * (i % 30) for i in range(300)) + "\n" + "x" * 5000
    parts = split(text, 500)
    assert all(0 < len(p) <= 500 for p in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_split_keeps_entities_whole_at_spaces():
    text = ("a &amp; b " * 300).strip()
    assert all(not p.endswith("&am") for p in split(text, 101))
    assert "".join(split("ngắn", 10)) == "ngắn"
