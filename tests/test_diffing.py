"""Telling a content change from a change of the page around a report."""

from archive.changes.revision import cell_changes, classify_revision, report_body, text_diff

PAGE = """首页 > 政府信息公开 > 年报
发布时间：2024-01-20  浏览次数：{views}
某镇人民政府2023年政府信息公开工作年度报告
一、总体情况
2023年，我镇收到申请{n}件。
六、其他需要报告的事项
无。
版权所有：某县人民政府 备案号 12345
"""


def test_chrome_only_change_is_told_apart():
    old, new = PAGE.format(views=10, n=2), PAGE.format(views=11, n=2)
    assert report_body(old) == report_body(new)
    assert classify_revision(old, new, {}, {}) == "chrome_only"


def test_body_change_is_content():
    old, new = PAGE.format(views=10, n=2), PAGE.format(views=10, n=3)
    assert classify_revision(old, new, {}, {}) == "content"
    diff = text_diff(report_body(old), report_body(new))
    assert "-2023年，我镇收到申请2件。" in diff and "+2023年，我镇收到申请3件。" in diff


def test_cell_change_listed_old_to_new():
    old = {("requests", "new", "total"): 1, ("requests", "new", "other"): 0}
    new = {("requests", "new", "total"): 2, ("appeals", "review", "total"): 0}
    assert cell_changes(old, new) == [
        {"table": "appeals", "row": "review", "col": "total", "old": None, "new": 0},
        {"table": "requests", "row": "new", "col": "other", "old": 0, "new": None},
        {"table": "requests", "row": "new", "col": "total", "old": 1, "new": 2},
    ]
    assert classify_revision(PAGE, PAGE, old, new) == "content"
