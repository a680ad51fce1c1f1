import unicodedata

from indexer.text import clean, fold, terms, words


def test_clean_makes_nfc_and_drops_zero_width():
    nfd = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    assert nfd != "Đăng ký khai sinh"
    assert clean(f"  {nfd}\u200b\u00a0 ngay\ufeff  ") == "Đăng ký khai sinh ngay"


def test_fold_removes_diacritics_and_d_stroke():
    assert fold("Đăng KÝ kết hôn ở Phường") == "dang ky ket hon o phuong"


def test_terms_are_folded_syllables_and_bigrams():
    assert terms("Hồ sơ gồm") == ["ho", "so", "gom", "ho_so", "so_gom"]
    assert words("QT-05, lần 2") == ["qt", "05", "lan", "2"]
