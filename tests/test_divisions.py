"""Where an organ's name places it, on the Ministry of Civil Affairs' division list."""

import pytest

from parsers import divisions as D


@pytest.mark.parametrize("organ, code, tier, government, rest", [
    ("江苏省淮安市洪泽区人民政府", "320813", "县级", True, "人民政府"),
    ("淮安市洪泽区审计局", "320813", "县级", False, "审计局"),       # a department of the district
    ("宁夏盐池县审计局", "640323", "县级", False, "审计局"),          # 宁夏 for 宁夏回族自治区
    ("淮安市人民政府", "320800", "市级", True, "人民政府"),
    ("昆山市人民政府", "320583", "县级", True, "人民政府"),           # a county-level city
    ("彭阳县白阳镇人民政府", "640425100", "乡级", True, "人民政府"),
    ("白阳镇人民政府", "640425100", "乡级", True, "人民政府"),        # one 白阳镇 in the country
    ("北京市朝阳区人民政府", "110105", "县级", True, "人民政府"),
    ("红河州人民政府", "532500", "市级", True, "人民政府"),            # as 红河哈尼族彝族自治州 is called
    ("红河哈尼族彝族自治州人民政府", "532500", "市级", True, "人民政府"),
    ("新疆维吾尔自治区人民政府", "650000", "省级", True, "人民政府"),
    ("淮安市洪泽区人民政府办公室", "320813", "县级", False, "人民政府办公室"),
])
def test_organ_names_place_their_organ(organ, code, tier, government, rest):
    place = D.locate(organ)
    assert place.division.code == code
    assert place.division.tier == tier
    assert place.government is government
    assert place.organ == rest
    assert place.path[-1] == place.division and place.path[0].level == 1


def test_a_shared_name_is_never_guessed():
    place = D.locate("城关镇人民政府")
    assert place.division is None and len(place.candidates) > 50
    assert D.locate("朝阳区人民政府").division is None          # Beijing's and Changchun's


def test_the_area_it_is_known_to_be_in_chooses_among_shared_names():
    assert D.locate("城关镇人民政府", within="150123").division.code == "150123100"
    assert D.locate("朝阳区人民政府", within="220100").division.code == "220104"
    # Two 城关镇 under 呼和浩特市: still not told apart.
    assert D.locate("城关镇人民政府", within="150100").division is None


def test_codes_paths_and_statistical_codes():
    assert [d.name for d in D.path("640425100")] == ["宁夏回族自治区", "固原市", "彭阳县", "白阳镇"]
    assert D.get("320813000000").name == "洪泽区"          # 12-digit statistical codes
    assert D.get("640425100000").name == "白阳镇"
    assert D.get("999999") is None and D.path("999999") == ()
    assert {d.name for d in D.children("640400")} >= {"彭阳县", "原州区"}
    assert D.SOURCE == "2025-12-31"
