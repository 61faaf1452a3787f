"""Titles of a 年报 column: the reports, and the neighbours that name a report but are not one."""

import pytest

from crawler.classify import report_year, title_kind


@pytest.mark.parametrize("title", [
    "盐池县审计局2023年政府信息公开工作年度报告",
    "县卫生和计划生育委员会2016年政府信息公开工作年度报告",
    "市环境监测中心站2023年政府信息公开工作年度报告",
    "县考核办2023年政府信息公开年报",
    "县审计局政府信息公开工作年度报告（2023年）",
    "县退役军人事务局2023年度政府信息公开工作报告",
    "彭阳县人民政府2023年政府信息公开工作年度报告（图片版）",
])
def test_reports_whatever_the_organ_is_called(title):
    assert title_kind(title) == "report"


@pytest.mark.parametrize("title", [
    "某县2023年政府信息公开工作年度报告解读",
    "图解：县2023年政府信息公开工作年度报告",
    "关于做好2023年政府信息公开工作年度报告编制和发布工作的通知",
    "县2024年政府信息公开工作计划",
    "县2024年政务公开工作要点",
    "市2023年政府信息公开工作考核结果",
    "2023年度政府信息公开工作年度报告测评结果",
    "2023年政府信息公开工作年度报告审计情况",
    "县人民政府政府信息公开指南",
])
def test_neighbours_are_not_reports(title):
    assert title_kind(title) == "other"


def test_year_in_words():
    assert report_year("二〇二三年政府信息公开工作年度报告") == 2023
