"""The frontier journal (crawler/journal.py): what a killed crawl wrote down comes back as the same
requests, each once, whatever the state of the file's last line."""

from __future__ import annotations

from scrapy import FormRequest, Request

from crawler.journal import Entry, Journal, resumed_requests


class Spider:
    """The callbacks a journalled request names, as a spider has them."""

    def parse_detail(self, response):
        pass

    def parse_file(self, response):
        pass

    def on_error(self, failure):
        pass


def test_a_journalled_request_comes_back_the_same(tmp_path):
    spider = Spider()
    sent = Request("https://www.yanchi.gov.cn/xxgk/zfxxgknb/202401/t20240110_3995007.html",
                   callback=spider.parse_detail, errback=spider.on_error, priority=30,
                   headers={"Referer": "https://www.yanchi.gov.cn/xxgk/zfxxgknb/index.html"},
                   meta={"xxgk": {"role": "report", "zone": "nb", "link_text": "盐池县2023年政府信息公开工作年度报告"},
                         "depth": 3})
    journal = Journal(tmp_path / "crawl.frontier.jsonl")
    journal.write(Entry.of(sent))
    journal.close()

    again = Journal(tmp_path / "crawl.frontier.jsonl")
    assert again.existed
    [req] = [e.request(spider) for e in again.entries]
    assert (req.url, req.method, req.priority, req.meta["depth"]) == (sent.url, "GET", 30, 3)
    assert req.callback == spider.parse_detail and req.errback == spider.on_error
    assert req.meta["xxgk"] == sent.meta["xxgk"]
    assert req.headers.get("Referer") == b"https://www.yanchi.gov.cn/xxgk/zfxxgknb/index.html"


def test_a_post_keeps_its_form(tmp_path):
    spider = Spider()
    sent = FormRequest("http://www.sx.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=11&endrecord=25&perpage=5",
                       formdata={"columnid": "1234", "webname": "濉溪县人民政府"}, callback=spider.parse_file,
                       meta={"xxgk": {"role": "attachment"}})
    journal = Journal(tmp_path / "j.jsonl")
    journal.write(Entry.of(sent))
    journal.close()
    [req] = [e.request(spider) for e in Journal(tmp_path / "j.jsonl").entries]
    assert req.method == "POST" and req.body == sent.body
    assert req.headers.get("Content-Type") == b"application/x-www-form-urlencoded"


def test_each_request_is_journalled_once_and_a_torn_line_is_skipped(tmp_path):
    path = tmp_path / "j.jsonl"
    journal = Journal(path)
    entry = Entry("https://www.hbxs.gov.cn/zwgk/public/33/62800341.html", cb="parse_detail",
                  xxgk={"role": "report"})
    journal.write(entry)
    journal.write(entry)
    journal.close()
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('{"url": "https://www.hbxs.gov.cn/zwgk/pub')        # killed mid-write
    assert [e.url for e in Journal(path).entries] == [entry.url]


def test_resume_schedules_what_was_not_recorded_and_no_listing():
    spider = Spider()
    entries = [Entry("https://a.gov.cn/nb/index.html", cb="parse_detail", xxgk={"role": "listing"}),
               Entry("https://a.gov.cn/nb/t20240110_1.html", cb="parse_detail", xxgk={"role": "report"}),
               Entry("https://a.gov.cn/nb/P020240110.pdf", cb="parse_file", xxgk={"role": "attachment"}),
               Entry("https://a.gov.cn/nb/t20240110_2.html", cb="no_such_callback", xxgk={"role": "report"})]
    done = {"https://a.gov.cn/nb/t20240110_1.html"}
    assert [r.url for r in resumed_requests(spider, entries, done)] == ["https://a.gov.cn/nb/P020240110.pdf"]
