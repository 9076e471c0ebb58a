"""The HTML report: structure, ids, escaping (html.parser), the CLI, and real-browser checks.

Browser tests drive Debian's ``chromium`` (``/usr/bin/chromium``, or
``$SUBALIGN_CHROMIUM``) with Playwright for Python; they skip with the reason when
either is missing, unless ``SUBALIGN_REQUIRE_BROWSER=1`` (CI), where they fail.
Screenshots go to the test's tmp dir, and also to ``$SUBALIGN_TEST_ARTIFACTS`` when set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from subalign.aligner import formats
from subalign.errors import SubalignError
from subalign.glossary import formats as glossary_formats
from subalign.quotes import formats as quote_formats
from subalign.text.documents import document_from_text, load_document
from subalign.report.page import TGT_PREFIX, anchor_href, build_report
from subalign.report.views import alignment_from_json, glossary_views, quote_views
from subalign.types import Alignment, Link

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

HOSTILE_EN = (
    "Title <script>alert(1)</script> & Co.\n\n"
    'He said “<b>bold</b> & "quoted" </script><script>alert(2)</script>” to me. '
    "Tom & Jerry's \"fight\" <img src=x onerror=alert(3)> ended.\n\n"
    "The union says “harmonious labour relations” matter. It's &amp; <!-- x --> ]]> '\" done."
)
HOSTILE_ZH = (
    "标题<script>alert(1)</script>&公司。\n\n"
    "他说“<b>粗</b>&”。汤姆&杰瑞<img src=x onerror=alert(3)>结束了。\n\n"
    "工会说“和谐劳动关系”很重要。&amp;<!-- x -->完。"
)
BAD_CUE = '</script><script>alert("cue")</script> & <img src=x onerror=alert(4)>'


# --------------------------------------------------------------------------- helpers


class Page(HTMLParser):
    """Every element (tag, attrs), ids, scripts and the text under each sentence id."""

    VOID: ClassVar[set[str]] = {"meta", "input", "br", "img", "link", "hr"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.comments: list[str] = []
        self._stack: list[tuple[str, str | None]] = []
        self._script: dict | None = None
        self._script_text: list[str] = []
        self.text_of: dict[str, str] = {}
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "script":
            self._script, self._script_text = a, []
        if tag not in self.VOID:
            self._stack.append((tag, a.get("id")))
            if a.get("id") is not None:
                self.text_of[a["id"]] = ""

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None
        while self._stack:
            t, _ = self._stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if self._script is not None:
            self._script_text.append(data)
        for _, ident in self._stack:
            if ident is not None:
                self.text_of[ident] += data

    def handle_comment(self, data):
        self.comments.append(data)


def sentence_text(page: Page, ident: str) -> str:
    """A sentence element's text without its small id label."""
    text = page.text_of[ident]
    label = ident.removeprefix(TGT_PREFIX)
    assert text.startswith(label)
    return text[len(label):]


def hostile_alignment() -> Alignment:
    src = document_from_text(HOSTILE_EN, lang="en", path="<review & <script>>")
    tgt = document_from_text(HOSTILE_ZH, lang="zh")
    assert len(src) == 5 and len(tgt) == 5
    links = [Link((0,), (0,), 0.9), Link((1,), (1,), 0.3), Link((2,), (2,), 0.8), Link((3, 4), (3, 4), 0.7)]
    return Alignment(src, tgt, links, "test")


def hostile_quotes(src) -> dict:
    from subalign.quotes.extract import extract_quotes

    qs = extract_quotes(src)
    assert len(qs) >= 3
    rows = []
    for q in qs:
        found = q.index == 0
        rows.append(
            {
                "index": q.index,
                "quote": q.text,
                "anchor": formats.anchor_dict(q.anchor),
                "status": "found" if found else "not_found",
                "score": 0.61 if found else 0.1,
                "cues": [{"number": 7, "start": "00:01:02,500", "end": "00:01:04,000", "text": BAD_CUE}] if found else [],
                "subtitle_text": BAD_CUE if found else None,
                "note": "<i>note</i> & more" if found else None,
            }
        )
    return {"summary": {}, "quotes": rows}


HOSTILE_GLOSSARY = [("Tom & Jerry", "汤姆&杰瑞"), ("<script>", "<script>"), ("union", "工会")]


@pytest.fixture(scope="module")
def hostile_page() -> tuple[str, Alignment]:
    a = hostile_alignment()
    return build_report(a, hostile_quotes(a.src), HOSTILE_GLOSSARY, title='<script>alert("t")</script>'), a


# --------------------------------------------------------------------------- structure and escaping


def test_hostile_text_is_escaped_everywhere(hostile_page):
    html, a = hostile_page
    page = Page(html)
    tags = {t for t, _ in page.tags}
    # nothing from the texts became markup
    assert "img" not in tags and "b" not in tags and "i" not in tags
    assert not page.comments
    assert tags <= {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "div", "main",
                    "section", "span", "a", "aside", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
                    "input", "script", "small", "bdi", "button"}  # buttons: the editor's controls
    for _, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs), attrs
        for v in attrs.values():
            assert "<" not in (v or "") or v is None
    # exactly our two scripts: the JSON data and the inline code, no src
    assert len(page.scripts) == 2
    (data_attrs, _), (code_attrs, code) = page.scripts
    assert data_attrs == {"type": "application/json", "id": "subalign-data"}
    assert code_attrs == {}
    assert "alert" not in code
    # the sentences read back exactly as written
    for s in a.src.sentences:
        assert sentence_text(page, s.anchor.id).strip() == s.text
    for s in a.tgt.sentences:
        assert sentence_text(page, TGT_PREFIX + s.anchor.id) == s.text
    assert page.text_of["q0"].count(BAD_CUE) == 1  # the cue text, shown once, as text
    assert "<i>note</i> & more" in page.text_of["q0"]
    assert "<title>&lt;script&gt;" in html


def test_json_block_cannot_close_the_script(hostile_page):
    html, _ = hostile_page
    raw = html.split('<script type="application/json" id="subalign-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = json.loads(raw)
    assert data["quotes"][0]["quote"].startswith('<b>bold</b> & "quoted" </script>')
    assert data["info"]["review"] == "<review & <script>>"
    assert [g["en"] for g in data["glossary"]] == [e for e, _ in HOSTILE_GLOSSARY]


def test_ids_flags_quotes_and_glossary_marks(hostile_page):
    html, a = hostile_page
    page = Page(html)
    assert len(page.ids) == len(set(page.ids))
    for s in a.src.sentences:
        assert s.anchor.id in page.ids
    for s in a.tgt.sentences:
        assert TGT_PREFIX + s.anchor.id in page.ids
    assert {"p1", "p2", "p3", "q0", "q1", "q2", "g0", "g1", "g2"} <= set(page.ids)
    beads = [attrs for t, attrs in page.tags if t == "div" and "bead" in (attrs.get("class") or "").split()]
    assert [b["class"] for b in beads] == ["bead", "bead low", "bead", "bead"]
    # quotes: the found one is a plain mark, the others are marked missing
    qmarks = [(attrs["data-q"], attrs["class"]) for t, attrs in page.tags if t == "span" and "data-q" in attrs]
    assert ("0", "q") in qmarks or any(q == "0" and c.startswith("q") and "missing" not in c for q, c in qmarks)
    assert any(q == "2" and "missing" in c for q, c in qmarks)
    quote_items = {attrs["id"]: attrs["class"] for t, attrs in page.tags if t == "li"}
    assert quote_items["q0"] == "quote found" and quote_items["q2"] == "quote missing"
    # glossary: occurrences on both sides ("Tom & Jerry" once in each text)
    gsrc = [attrs for t, attrs in page.tags if t == "span" and "0" in (attrs.get("data-g") or "").split()]
    assert len(gsrc) == 2
    views = glossary_views(HOSTILE_GLOSSARY, a.src, a.tgt)
    assert [(len(v.src_spans), len(v.tgt_spans)) for v in views] == [(1, 1), (2, 1), (1, 1)]  # "<script>" is twice in the review


def test_review_without_translation():
    doc = document_from_text(HOSTILE_EN, lang="en")
    html = build_report(doc)
    page = Page(html)
    assert all(s.anchor.id in page.ids for s in doc.sentences)
    assert not any(i.startswith(TGT_PREFIX) for i in page.ids)
    assert "glossary" not in page.ids and "quotes" not in page.ids


def test_anchor_href():
    assert anchor_href("report.html", "p12.s3") == "report.html#p12.s3"
    assert anchor_href("r.html", "p1.s2", side="tgt") == "r.html#tr-p1.s2"
    with pytest.raises(ValueError):
        anchor_href("r.html", "p1.s1", side="x")


def test_alignment_json_round_trip(hostile_page):
    _, a = hostile_page
    b = alignment_from_json(formats.to_json(a), a.src, a.tgt)
    assert [(l.src, l.tgt) for l in b.links] == [(l.src, l.tgt) for l in a.links]
    short = document_from_text("One. Two.", lang="en")
    from subalign.types import SubalignError

    with pytest.raises(SubalignError, match="sentences"):
        alignment_from_json(formats.to_json(a), short, a.tgt)


def test_five_thousand_sentences_size_and_speed():
    paras = []
    for p in range(500):
        paras.append(" ".join(f"Worker {p}-{s} said “we want our pay & <more>” at Jinlu Footwear." for s in range(10)))
    src = document_from_text("\n\n".join(paras), lang="en")
    tgt = document_from_text("\n\n".join("".join(f"工人{p}-{s}说“我们要工资&<更多>”，在金路鞋业。" for s in range(10))
                                         for p in range(500)), lang="zh")
    assert len(src) == len(tgt) == 5000
    a = Alignment(src, tgt, [Link((i,), (i,), 0.4 + (i % 7) / 10) for i in range(5000)], "test")
    from subalign.quotes.extract import extract_quotes

    qs = extract_quotes(src)[:300]
    qjson = {"quotes": [{"index": q.index, "quote": q.text, "anchor": formats.anchor_dict(q.anchor),
                         "status": "found" if q.index % 2 else "not_found", "cues": []} for q in qs]}
    t = time.perf_counter()
    html = build_report(a, qjson, [("Jinlu Footwear", "金路鞋业"), ("pay", "工资")])
    elapsed = time.perf_counter() - t
    size = len(html.encode())
    print(f"5000 sentences: {size / 1e6:.2f} MB in {elapsed:.2f} s")
    assert elapsed < 10
    assert size < 8_000_000
    page = Page(html)
    assert sum(1 for i in page.ids if re.fullmatch(r"p\d+\.s\d+", i)) == 5000


# --------------------------------------------------------------------------- the samples (real pipeline)


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    from subalign.api import align, get_encoder
    from subalign.glossary.pairing import build_glossary
    from subalign.quotes.match import find_quotes
    from subalign.quotes.extract import extract_quotes
    from subalign.subs.read import read_subtitles

    enc = get_encoder("use-m3")
    src = load_document(SAMPLES / "review.en.txt")
    tgt = load_document(SAMPLES / "review.zh.txt")
    a = align(src, tgt, encoder=enc)
    matches = find_quotes(extract_quotes(src), read_subtitles(SAMPLES / "film.zh.srt"), enc)
    gloss = build_glossary(a, enc)
    t = time.perf_counter()
    html = build_report(a, matches, gloss)
    elapsed = time.perf_counter() - t
    d = tmp_path_factory.mktemp("report")
    path = d / "report.html"
    path.write_text(html, encoding="utf-8")
    print(f"samples: {len(html.encode()) / 1024:.0f} KB in {elapsed * 1000:.0f} ms")
    return {"a": a, "matches": matches, "gloss": gloss, "html": html, "path": path, "dir": d, "encoder": enc}


def test_samples_every_sentence_has_its_anchor(samples):
    a, page = samples["a"], Page(samples["html"])
    for s in a.src.sentences:
        assert s.anchor.id in page.ids
        assert sentence_text(page, s.anchor.id).strip() == s.text
    for s in a.tgt.sentences:
        assert TGT_PREFIX + s.anchor.id in page.ids
    assert len(page.ids) == len(set(page.ids))
    # the TSV's anchors all resolve to an element of the page
    rows = formats.to_tsv(a).splitlines()[1:]
    for row in rows:
        src_anchor, tgt_anchor = row.split("\t")[3:5]  # the anchor columns (confidence comes after them)
        for x in filter(None, src_anchor.split(",")):
            assert x in page.ids
        for x in filter(None, tgt_anchor.split(",")):
            assert TGT_PREFIX + x in page.ids
    # and so do the quote SRT sidecar's
    from subalign.subs.read import read_subtitles

    _, side = quote_formats.to_srt(samples["matches"], read_subtitles(SAMPLES / "film.zh.srt"))
    for cue in json.loads(side)["cues"]:
        for anc in cue["anchors"]:
            assert anc["anchor"] in page.ids


def test_saved_json_gives_the_same_page(samples):
    a = samples["a"]
    again = build_report(
        alignment_from_json(formats.to_json(a), a.src, a.tgt),
        quote_formats.to_json(samples["matches"]),
        glossary_formats.to_json(samples["gloss"]),
    )
    one, two = Page(samples["html"]), Page(again)
    assert one.ids == two.ids
    marks = lambda p: [(t, x.get("data-q"), x.get("data-g")) for t, x in p.tags if "data-q" in x or "data-g" in x]
    # quote spans from JSON cover the quote's whole anchor (one span), objects give each part:
    # the glossary marks and the set of quotes marked are the same
    assert {m[2] for m in marks(one) if m[2]} == {m[2] for m in marks(two) if m[2]}
    assert {q for m in marks(one) if m[1] for q in m[1].split()} == {q for m in marks(two) if m[1] for q in m[1].split()}
    qv = quote_views(quote_formats.to_json(samples["matches"]))
    assert [q.status for q in qv] == [m.status for m in samples["matches"]]


def _cli_app():
    import typer

    from subalign.cli.report import report

    app = typer.Typer(add_completion=False)
    app.command()(report)
    app.command("noop", hidden=True)(lambda: None)  # keep `report` a sub-command, as in the real CLI
    return app


def test_cli_from_saved_outputs(tmp_path, samples):
    from typer.testing import CliRunner

    a = samples["a"]
    (tmp_path / "a.json").write_text(formats.to_json(a), encoding="utf-8")
    (tmp_path / "q.json").write_text(quote_formats.to_json(samples["matches"]), encoding="utf-8")
    (tmp_path / "g.json").write_text(glossary_formats.to_json(samples["gloss"]), encoding="utf-8")
    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    res = CliRunner().invoke(
        _cli_app(),
        ["report", str(SAMPLES / "review.en.txt"), "--translation", str(SAMPLES / "review.zh.txt"),
         "--alignment", str(tmp_path / "a.json"), "--subs", str(tmp_path / "q.json"),
         "--glossary", str(tmp_path / "g.json"), "-o", str(out)],
    )
    assert res.exit_code == 0, res.output
    assert out.resolve().as_uri() in res.stdout
    page = Page(out.read_text(encoding="utf-8"))
    assert set(Page(samples["html"]).ids) == set(page.ids)


def test_cli_runs_everything(tmp_path, samples, monkeypatch):
    """No saved outputs: aligns, finds the quotes and builds the glossary itself."""
    from typer.testing import CliRunner

    import subalign.api

    monkeypatch.setattr(subalign.api, "get_encoder", lambda *a, **k: samples["encoder"])
    out = tmp_path / "report.html"
    res = CliRunner().invoke(
        _cli_app(),
        ["report", str(SAMPLES / "review.en.txt"), "-t", str(SAMPLES / "review.zh.txt"),
         "--subs", str(SAMPLES / "film.zh.srt"), "-o", str(out)],
    )
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    assert "quotes" in page.ids and "glossary" in page.ids
    data = json.loads(page.scripts[0][1])
    assert len(data["quotes"]) == len(samples["matches"]) and data["glossary"]


def test_cli_glossary_tsv_and_hostile_files(tmp_path):
    from typer.testing import CliRunner

    a = hostile_alignment()
    (tmp_path / "en.txt").write_text(HOSTILE_EN, encoding="utf-8")
    (tmp_path / "zh.txt").write_text(HOSTILE_ZH, encoding="utf-8")
    src = load_document(tmp_path / "en.txt")
    tgt = load_document(tmp_path / "zh.txt")
    a = Alignment(src, tgt, a.links, "test")
    (tmp_path / "a.json").write_text(formats.to_json(a), encoding="utf-8")
    (tmp_path / "q.json").write_text(json.dumps(hostile_quotes(src)), encoding="utf-8")
    (tmp_path / "g.tsv").write_text("en\tzh\n" + "".join(f"{e}\t{z}\n" for e, z in HOSTILE_GLOSSARY), encoding="utf-8")
    out = tmp_path / "r.html"
    res = CliRunner().invoke(
        _cli_app(),
        ["report", str(tmp_path / "en.txt"), "-t", str(tmp_path / "zh.txt"), "--alignment", str(tmp_path / "a.json"),
         "--quotes", str(tmp_path / "q.json"), "--glossary", str(tmp_path / "g.tsv"), "-o", str(out)],
    )
    assert res.exit_code == 0, res.output
    page = Page(out.read_text(encoding="utf-8"))
    assert "img" not in {t for t, _ in page.tags} and len(page.scripts) == 2
    # a glossary file with no pairs is refused, as `glossary --check` refuses it
    (tmp_path / "empty.tsv").write_text("en\tzh\n", encoding="utf-8")
    res = CliRunner().invoke(
        _cli_app(),
        ["report", str(tmp_path / "en.txt"), "-t", str(tmp_path / "zh.txt"), "--alignment", str(tmp_path / "a.json"),
         "--glossary", str(tmp_path / "empty.tsv"), "-o", str(tmp_path / "r2.html")],
    )
    assert isinstance(res.exception, SubalignError) and "no en/zh pairs" in str(res.exception)
    assert not (tmp_path / "r2.html").exists()
    # refuses to overwrite an input
    res = CliRunner().invoke(_cli_app(), ["report", str(tmp_path / "en.txt"), "-o", str(tmp_path / "en.txt")])
    assert res.exit_code != 0
    assert HOSTILE_EN == (tmp_path / "en.txt").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- in a real browser

CHROMIUM = os.environ.get("SUBALIGN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _no_browser(reason: str):
    if os.environ.get("SUBALIGN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"SUBALIGN_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("playwright is not installed (pip install -e '.[report-test]')")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        _no_browser(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set SUBALIGN_CHROMIUM)")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001
        pw.stop()
        _no_browser(f"Chromium at {CHROMIUM} did not start: {str(exc).splitlines()[0]}")
    yield b
    b.close()
    pw.stop()


def _open(browser, path: Path, fragment: str = ""):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
    page = ctx.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("request", lambda r: problems.append(f"request: {r.url}") if not r.url.startswith("file:") else None)
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.goto(path.resolve().as_uri() + fragment)
    return ctx, page, problems


def _shot(page, tmp_path: Path, name: str) -> Path:
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=False)
    dest = os.environ.get("SUBALIGN_TEST_ARTIFACTS")
    if dest:
        Path(dest).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(dest) / name)
    assert shot.stat().st_size > 1000
    return shot


def test_browser_glossary_click_highlights_both_sides(browser, samples, tmp_path):
    gloss = samples["gloss"]
    gi = next(i for i, e in enumerate(gloss) if e.count >= 3)
    ctx, page, problems = _open(browser, samples["path"])
    try:
        page.click(f"#g{gi} td.en")
        assert "active" in page.get_attribute(f"#g{gi}", "class")
        src_hl = page.locator("#review .src .hl")
        tgt_hl = page.locator("#review .tgt .hl")
        e = gloss[gi]
        assert src_hl.count() == len(e.anchors) and tgt_hl.count() == len(e.zh_anchors)
        a = samples["a"]
        # what is highlighted is exactly the text at the entry's anchors, in reading order
        want_src = "".join(a.src.text[x.start:x.end] for x in sorted(e.anchors, key=lambda x: x.start))
        want_tgt = "".join(a.tgt.text[x.start:x.end] for x in sorted(e.zh_anchors, key=lambda x: x.start))
        assert "".join(src_hl.all_inner_texts()) == want_src
        assert "".join(tgt_hl.all_inner_texts()) == want_tgt
        assert e.zh in want_tgt
        # every highlighted element is one of this entry's occurrences
        assert page.locator(".hl").count() == page.locator(f'#review [data-g~="{gi}"]').count()
        assert e.en in page.inner_text("#status")
        _shot(page, tmp_path, "report-glossary.png")
        # another entry replaces the highlight
        other = next(i for i, x in enumerate(gloss) if i != gi and x.count >= 1)
        page.click(f"#g{other} td.zh")
        assert "active" not in page.get_attribute(f"#g{gi}", "class")
        assert page.locator(".hl").count() == page.locator(f'#review [data-g~="{other}"]').count() >= 1
        assert not problems, problems
    finally:
        ctx.close()


def test_browser_quote_click_shows_cues(browser, samples, tmp_path):
    matches = samples["matches"]
    qi = next(m.quote.index for m in matches if m.found)
    m = next(x for x in matches if x.quote.index == qi)
    ctx, page, problems = _open(browser, samples["path"])
    try:
        page.locator(f'#review [data-q~="{qi}"]').first.click()
        assert "active" in page.get_attribute(f"#q{qi}", "class")
        assert page.locator(f"#q{qi} table.cues").is_visible()
        active = page.locator("#review .q.active")
        assert active.count() == page.locator(f'#review [data-q~="{qi}"]').count() >= 1
        from subalign.subs.cues import format_timestamp

        status = page.inner_text("#status")
        assert format_timestamp(m.best.start_ms) in status and "found" in status
        cue_text = page.inner_text(f"#q{qi} table.cues")
        assert m.cues[0].plain.split()[0] in cue_text
        _shot(page, tmp_path, "report-quote.png")
        # a not-found quote: marked in the text, and says so
        missing = [x.quote.index for x in matches if not x.found]
        if missing:
            mi = missing[0]
            mark = page.locator(f'#review [data-q~="{mi}"]').first
            assert "missing" in mark.get_attribute("class")
            page.click(f"#q{mi} .qtext")
            assert "not found" in page.inner_text("#status")
            assert page.locator(f'#review [data-q~="{mi}"].active').count() >= 1
            assert page.locator(f'#review [data-q~="{qi}"].active').count() == 0
        assert not problems, problems
    finally:
        ctx.close()


def test_browser_anchor_links_land_on_the_sentence(browser, samples):
    a = samples["a"]
    sid = a.src.sentences[len(a.src.sentences) // 2].anchor.id
    ctx, page, problems = _open(browser, samples["path"], f"#{sid}")
    try:
        el = page.locator(f'[id="{sid}"]')
        assert "target" in el.get_attribute("class")
        assert el.is_visible() and el.bounding_box()["y"] < 900
        tid = TGT_PREFIX + a.tgt.sentences[3].anchor.id
        page.evaluate("h => { location.hash = h; }", "#" + tid)
        page.wait_for_function("id => document.getElementById(id).classList.contains('target')", arg=tid)
        assert not problems, problems
    finally:
        ctx.close()


def test_browser_hostile_page_runs_nothing(browser, hostile_page, tmp_path):
    html, a = hostile_page
    path = tmp_path / "hostile.html"
    path.write_text(html, encoding="utf-8")
    ctx, page, problems = _open(browser, path)
    try:
        page.wait_for_load_state("load")
        assert page.locator("img").count() == 0 and page.locator("#review b").count() == 0
        assert page.locator("script").count() == 2
        assert page.inner_text('[id="p2.s1"]').endswith(a.src.sentences[1].text)
        page.click("#g0 td.en")  # Tom & Jerry
        assert page.locator("#review .hl").count() == 2
        page.locator('#review [data-q~="0"]').first.click()
        assert BAD_CUE in page.inner_text("#q0")
        assert page.title().startswith("<script>")
        _shot(page, tmp_path, "report-hostile.png")
        assert not problems, problems  # no alert dialog, no error, no request
    finally:
        ctx.close()


# --------------------------------------------------------------------------- input no one here wrote (issue 10)

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"
BIDI_EN = (
    f"Open report{RLO}fdp.exe{PDF} now. The union{LRI} said {PDI}no & <script>alert(5)</script>.\n\n"
    f"Mark\u200e and \u200f and \u061c end <img src=x onerror=alert(6)>."
)
BIDI_ZH = f"现在打开报告{RLO}fdp.exe{PDF}。工会{LRI}说{PDI}不。\n\n标记\u200e结束。"


def bidi_alignment() -> Alignment:
    src = document_from_text(BIDI_EN, lang="en")
    tgt = document_from_text(BIDI_ZH, lang="zh")
    links = [Link((i,), (i,), 0.9) for i in range(min(len(src), len(tgt)))]
    links += [Link((i,), (), 0.0) for i in range(len(tgt), len(src))]
    return Alignment(src, tgt, links, "test")


def test_bidi_controls_are_shown_not_obeyed():
    from subalign.report.page import BIDI_CONTROLS

    a = bidi_alignment()
    html = build_report(a, None, [("union", "工会")], title=f"t{RLO}x")
    body = html.split('<script type="application/json"', 1)[0]
    assert not any(c in body for c in BIDI_CONTROLS)  # none left to act on the page
    assert "⟨U+202E⟩" in body and "⟨U+2066⟩" in body and "⟨U+200E⟩" in body and "⟨U+061C⟩" in body
    page = Page(html)
    assert "<title>t⟨U+202E⟩x</title>" in html
    for s in a.src.sentences:  # each sentence is isolated, reads as written with the marks shown
        shown = sentence_text(page, s.anchor.id).strip()
        want = s.text
        for c in BIDI_CONTROLS:
            want = want.replace(c, f"⟨U+{ord(c):04X}⟩")
        assert shown == want
    assert sum(t == "bdi" for t, _ in page.tags) >= len(a.src.sentences) + len(a.tgt.sentences)
    # the glossary marks still cover exactly the term (anchors keep their meaning)
    marked = [attrs for t, attrs in page.tags if t == "span" and "data-g" in attrs]
    assert len(marked) == 2
    data = json.loads(page.scripts[0][1])  # the data block keeps the text, escaped
    assert data["glossary"][0]["src"] == 1


def test_csp_allows_only_our_script_by_hash():
    import base64
    import hashlib

    html = build_report(bidi_alignment())
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert "unsafe-inline" not in csp and directives["default-src"] == "'none'"
    page = Page(html)
    code = page.scripts[1][1]
    digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode()
    assert directives["script-src"] == f"'sha256-{digest}'"
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    style_digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    assert directives["style-src"] == f"'sha256-{style_digest}'"


def test_low_score_must_be_finite(tmp_path):
    from typer.testing import CliRunner

    from subalign.types import SubalignError

    for bad in (float("nan"), float("inf")):
        with pytest.raises(SubalignError):
            build_report(bidi_alignment(), low_score=bad)
    (tmp_path / "en.txt").write_text(BIDI_EN, encoding="utf-8")
    for bad in ("nan", "inf", "-inf"):
        res = CliRunner().invoke(_cli_app(), ["report", str(tmp_path / "en.txt"), "--low-score", bad,
                                              "-o", str(tmp_path / "r.html")])
        assert isinstance(res.exception, SubalignError) and "--low-score" in str(res.exception)
    assert not (tmp_path / "r.html").exists()


def test_saved_quotes_from_another_review_are_refused(hostile_page):
    from subalign.report.views import check_saved_quotes
    from subalign.types import SubalignError

    _, a = hostile_page
    good = hostile_quotes(a.src)
    check_saved_quotes(good, a.src)  # the review they came from: fine
    other = document_from_text(HOSTILE_EN.replace("harmonious", "peaceful!!"), lang="en")
    with pytest.raises(SubalignError, match=r"quote 3 \(p3\.s1\).*harmonious.*another review"):
        check_saved_quotes(good, other)
    shifted = document_from_text("A new first line.\n\n" + HOSTILE_EN, lang="en")
    with pytest.raises(SubalignError, match="quote 1"):
        build_report(shifted, good)
    short = document_from_text("Short.", lang="en")
    with pytest.raises(SubalignError, match="past the end"):
        check_saved_quotes(good, short)
    dup = {"quotes": [good["quotes"][0], good["quotes"][0]]}
    with pytest.raises(SubalignError, match="twice"):
        check_saved_quotes(dup, a.src)


def test_saved_json_with_wrong_types_is_one_line(hostile_page):
    from subalign.types import SubalignError

    _, a = hostile_page
    q = hostile_quotes(a.src)
    q["quotes"][0]["score"] = float("nan")
    q["quotes"][0]["cues"][0]["number"] = float("nan")
    html = build_report(a, q)  # a NaN score is shown as nothing, not a crash
    assert json.loads(Page(html).scripts[0][1])["quotes"][0]["cues"] == ["nan"]
    for bad in ({"anchor": {"id": "p1.s1", "start": "x", "end": 3}}, {"anchor": [1]}, {"cues": "x"}, "row"):
        rows = {"quotes": [bad if isinstance(bad, str) else {"quote": "x", **bad}]}
        with pytest.raises(SubalignError) as err:
            build_report(a, rows)
        assert "\n" not in str(err.value)
    for bad in ('{"links": [{"src": [-1], "tgt": [0]}]}', '{"links": [{"src": ["a"], "tgt": [0]}]}', "[" * 50_000,
                '{"links": 3}'):
        with pytest.raises(SubalignError):
            alignment_from_json(bad, a.src, a.tgt)
    with pytest.raises(SubalignError):
        build_report(a, None, '{"entries": [{"en": "x", "zh": "y", "anchors": [{"start": 1.5, "end": 2}]}]}')


def test_saved_alignment_and_glossary_from_other_texts_are_refused(samples):
    from subalign.types import SubalignError

    a = samples["a"]
    saved = formats.to_json(a)
    edited = document_from_text(a.src.text.replace("Tang Wenjie", "Tang Wenjia"), lang="en")
    assert len(edited) == len(a.src)
    with pytest.raises(SubalignError, match="another text"):
        alignment_from_json(saved, edited, a.tgt)
    gl = glossary_formats.to_json(samples["gloss"])
    build_report(a, None, gl)  # its own texts: fine
    moved = document_from_text("Preface.\n\n" + a.src.text, lang="en")
    with pytest.raises(SubalignError, match="glossary entry 1 .*other texts"):
        build_report(Alignment(moved, a.tgt, [Link((0,), ())], "x"), None, gl)


def test_cli_refuses_quotes_of_another_review(tmp_path):
    from typer.testing import CliRunner

    from subalign.types import SubalignError

    src = document_from_text(HOSTILE_EN, lang="en")
    (tmp_path / "q.json").write_text(json.dumps(hostile_quotes(src)), encoding="utf-8")
    (tmp_path / "other.txt").write_text(HOSTILE_EN.replace("harmonious", "peaceful!!"), encoding="utf-8")
    res = CliRunner().invoke(_cli_app(), ["report", str(tmp_path / "other.txt"), "--quotes", str(tmp_path / "q.json"),
                                          "-o", str(tmp_path / "r.html")])
    assert isinstance(res.exception, SubalignError)
    msg = str(res.exception)
    assert msg.startswith(str(tmp_path / "q.json")) and "quote 3" in msg and "\n" not in msg
    assert not (tmp_path / "r.html").exists()


def test_cli_checks_inputs_before_the_model(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import subalign.api
    from subalign.types import SubalignError

    def no_model(*a, **k):
        raise AssertionError("the model was loaded before the inputs were checked")

    monkeypatch.setattr(subalign.api, "get_encoder", no_model)
    (tmp_path / "en.txt").write_text(HOSTILE_EN, encoding="utf-8")
    (tmp_path / "zh.txt").write_text(HOSTILE_ZH, encoding="utf-8")
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "d").mkdir()
    base = ["report", str(tmp_path / "en.txt"), "-t", str(tmp_path / "zh.txt")]
    for extra in (["--subs", str(tmp_path / "missing.srt")], ["--quotes", str(tmp_path / "bad.json")],
                  ["--glossary", str(tmp_path / "missing.tsv")], ["--alignment", str(tmp_path / "bad.json")]):
        res = CliRunner().invoke(_cli_app(), [*base, *extra, "-o", str(tmp_path / "r.html")])
        assert isinstance(res.exception, SubalignError), (extra, res.exception)
    res = CliRunner().invoke(_cli_app(), [*base, "-o", str(tmp_path / "d")])
    assert isinstance(res.exception, SubalignError)
    res = CliRunner().invoke(_cli_app(), ["report", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "r.html")])
    assert isinstance(res.exception, SubalignError)


def test_cli_stop_word_run_and_language_options(tmp_path, monkeypatch, samples):
    from typer.testing import CliRunner

    import subalign.api

    monkeypatch.setattr(subalign.api, "get_encoder", lambda *a, **k: samples["encoder"])
    en, zh = tmp_path / "en.txt", tmp_path / "zh.txt"
    en.write_text("The film was made by We The. Later We The said it again.\n", encoding="utf-8")
    zh.write_text("这部电影是我们拍的。后来我们又说了一遍。\n", encoding="utf-8")
    out = tmp_path / "r.html"
    res = CliRunner().invoke(_cli_app(), ["report", str(en), "-t", str(zh), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "glossary" in Page(out.read_text(encoding="utf-8")).ids
    res = CliRunner().invoke(_cli_app(), ["report", str(en), "-t", str(zh), "--src-lang", "en", "--tgt-lang", "en",
                                          "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "no glossary" in res.stderr and "--tgt-lang" in res.stderr
    assert "Translation (en)" in out.read_text(encoding="utf-8")


def test_one_megabyte_line_with_many_marks():
    """A 1 MB one-sentence review (presplit) with 100,000 glossary hits: built in one pass, every hit marked."""
    text = "We want our pay now and " * 43_000
    doc = document_from_text(text, lang="en", presplit=True)
    assert len(doc) == 1 and len(text) > 1_000_000
    html = build_report(doc, None, [("pay", "工资"), ("our pay", "我们的工资"), ("now", "现在")])
    page = Page(html)
    data = json.loads(page.scripts[0][1])
    assert [g["src"] for g in data["glossary"]] == [43_000, 43_000, 43_000]
    marks = [attrs["data-g"] for t, attrs in page.tags if t == "span" and "data-g" in attrs]
    assert marks.count("0 1") == 43_000 and marks.count("1") == 43_000 and marks.count("2") == 43_000


def test_browser_runs_our_script_only(browser, samples, tmp_path):
    """Under the hashed CSP our script runs (a glossary click highlights); an injected one does not."""
    html = samples["html"].replace("</body>", "<script>document.title='pwned'</script>\n"
                                   "<img src=x onerror=\"document.title='pwned'\"></body>")
    path = tmp_path / "tampered.html"
    path.write_text(html, encoding="utf-8")
    ctx, page, problems = _open(browser, path)
    try:
        gi = next(i for i, e in enumerate(samples["gloss"]) if e.count >= 2)
        page.click(f"#g{gi} td.en")
        assert page.locator("#review .hl").count() >= 2
        assert page.title() != "pwned"
        assert any("Content Security Policy" in p for p in problems)  # the browser refused the injected code
    finally:
        ctx.close()


def test_browser_bidi_and_hostile_review_runs_nothing(browser, tmp_path):
    a = bidi_alignment()
    path = tmp_path / "bidi.html"
    path.write_text(build_report(a, None, [("union", "工会")], title=f"<script>{RLO}"), encoding="utf-8")
    ctx, page, problems = _open(browser, path)
    try:
        page.wait_for_load_state("load")
        assert page.locator("img").count() == 0 and page.locator("script").count() == 2
        shown = page.inner_text("#review")
        assert "⟨U+202E⟩fdp.exe⟨U+202C⟩" in shown and RLO not in shown
        page.click("#g0 td.en")
        assert page.locator("#review .hl").count() == 2
        assert "union" in page.inner_text("#status")
        _shot(page, tmp_path, "report-bidi.png")
        assert not problems, problems
    finally:
        ctx.close()


def test_alignment_json_must_be_a_ladder(hostile_page):
    from subalign.types import SubalignError

    _, a = hostile_page
    ok = json.loads(formats.to_json(a))
    for links, what in (
        ([{"src": [0], "tgt": [0]}, {"src": [0], "tgt": [1]}], "expected sentence 1, found sentence 0"),
        ([{"src": [1], "tgt": [0]}, {"src": [0], "tgt": [1]}], "expected sentence 0, found sentence 1"),
        (ok["links"][:2], "found nothing more"),
        ([*ok["links"], {"src": [], "tgt": []}], "links nothing"),
    ):
        with pytest.raises(SubalignError, match=what):
            alignment_from_json({"links": links}, a.src, a.tgt)


def test_a_non_finite_confidence_counts_as_none():
    """NaN or inf is no confidence: the link is judged by its score, as the TMX (no x-confidence)
    and the page's script (which receives null) judge it."""
    from subalign.report.sections import is_weak, weak_badge

    for bad in (float("nan"), float("inf")):
        low, high = Link((0,), (0,), 0.2, bad), Link((0,), (0,), 0.9, bad)
        assert is_weak(low, 0.5) and not is_weak(high, 0.5)
        assert "low 0.20" in weak_badge(low, 0.5) and "alignment score" in weak_badge(low, 0.5)
    assert is_weak(Link((0,), (0,), 0.9, 0.3), 0.5) and not is_weak(Link((0,), (0,), 0.2, 0.8), 0.5)
