#!/usr/bin/env python3
"""The collector's web UI in headless Chromium, driven through Playwright (issue 22, point 6).

Run by Tests/UITests/run-ui-tests.sh, which starts a collector, posts the fixtures and
make_spans.py's traces, and passes the collector's address. It walks the page as a student
would (search, open a broken request, follow the link to the other fragment, read the finding,
open span detail, open the request view, the dependencies and the course) and checks what each
page shows, with Playwright's auto-waiting assertions. A screenshot of each page goes to --screenshots.

Each check prints `ok   page: what` or `FAIL page: what (why)`; the exit code is 1 when any
failed, 2 when the browser could not be driven at all.

Usage: ui_test.py --base http://127.0.0.1:PORT --screenshots DIR [--chromium /usr/bin/chromium]
"""
import argparse
import glob
import os
import re
import sys
import traceback

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT_MS = 10_000
# The trace page must fit a 1280×800 projector without horizontal scrolling (issue 22, point 3).
VIEWPORT = {"width": 1280, "height": 800}

# make_spans.py's traces.
COMPLETE = "00000000000000a1"
FORMAT_MISMATCH = "00000000000000b2"
FORMAT_MISMATCH_OTHER = "00000000000000c3"
SKEWED = "00000000000000d4"
DROP_ALL_UPSTREAM = "00000000000000e5"
DROP_ALL_DOWNSTREAM = "00000000000000f6"
DROP_ALL_REQUEST = "req-00e5"
FAULTS = "0000000000000fa1"
CHAIN = "0000000000000c01"
CHAIN_BROKEN = "0000000000000c02"
CHAIN_BROKEN_OTHER = "0000000000000c03"
# The shared Envoy/OTel fixtures (Tests/CollectorTests/Fixtures): one id, an OTel CLIENT and an Envoy SERVER.
OTEL_SHARED = "438ed98a9c8fec0b2357180c0b981f04"


class Checks:
    """Named checks that record a failure and go on, so one run reports every broken thing."""

    def __init__(self):
        self.failed = []
        self.passed = 0
        self.page_name = "?"

    def on(self, name):
        self.page_name = name

    def check(self, what, assertion):
        """`assertion` is a callable raising AssertionError (Playwright's expect) or returning False."""
        try:
            result = assertion()
            if result is False:
                raise AssertionError("condition is false")
        except (AssertionError, PlaywrightError) as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            print(f"FAIL {self.page_name}: {what} ({reason})", flush=True)
            self.failed.append(f"{self.page_name}: {what}")
            return False
        print(f"ok   {self.page_name}: {what}", flush=True)
        self.passed += 1
        return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="collector address, http://127.0.0.1:PORT")
    parser.add_argument("--screenshots", required=True, help="folder for one PNG per page")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)

    checks = Checks()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        try:
            context = browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="UTC")
            context.set_default_timeout(TIMEOUT_MS)
            expect.set_options(timeout=TIMEOUT_MS)
            page = context.new_page()
            console_errors = []
            page.on("pageerror", lambda error: console_errors.append(str(error)))
            run(page, args.base.rstrip("/"), args.screenshots, checks)
            checks.on("console")
            checks.check("the page threw no JavaScript error", lambda: no_errors(console_errors))
        finally:
            browser.close()

    print(f"{checks.passed} checks passed, {len(checks.failed)} failed")
    return 1 if checks.failed else 0


def no_errors(errors):
    assert not errors, "; ".join(errors)


def shot(page, folder, name):
    page.screenshot(path=os.path.join(folder, name + ".png"), full_page=True)


def no_horizontal_scroll(page):
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"page is {width[0]} px wide in a {width[1]} px window"


def run(page, base, screenshots, checks):
    c = checks.check

    # ---- search: the list, its badges, then a tag search for one request ----
    checks.on("search")
    page.goto(base + "/")
    results = page.locator("#results > li")
    c("lists the traces", lambda: expect(results.first).to_be_visible())
    c("lists the complete bookinfo trace", lambda: expect(page.locator(f'a.result[data-trace-id="{COMPLETE}"]')).to_be_visible())
    c("marks a complete trace", lambda: expect(page.locator(f'a.result[data-trace-id="{COMPLETE}"] .marker.ok')).to_have_text("complete"))
    c("marks a broken trace", lambda: expect(page.locator(f'a.result[data-trace-id="{FORMAT_MISMATCH}"] .marker.broken')).to_have_text("broken"))
    c("marks errors", lambda: expect(page.locator(f'a.result[data-trace-id="{FORMAT_MISMATCH}"] .marker.error')).to_have_text("1 error"))
    c("shows service chips with span counts", lambda: expect(page.locator(f'a.result[data-trace-id="{COMPLETE}"] .chip', has_text="productpage ×2")).to_be_visible())
    c("offers the services in the filter", lambda: expect(page.locator("#q-service option[value=ratings]")).to_have_count(1))
    upstream_item = page.locator(f'a.result[data-trace-id="{DROP_ALL_UPSTREAM}"]')
    c("marks the drop-all caller half broken, never complete", lambda: (
        expect(upstream_item.locator(".marker.broken")).to_have_text("broken"),
        expect(upstream_item.locator(".marker.ok")).to_have_count(0)))
    c("says the drop-all half is one of two traces of its request",
      lambda: expect(upstream_item.locator(".marker.split")).to_have_text("trace 1 of 2 of its request"))

    page.fill("#q-tag", f"guid:x-request-id={DROP_ALL_REQUEST}")
    page.keyboard.press("Enter")
    c("a tag search finds exactly the request's entry trace", lambda: (
        expect(results).to_have_count(1),
        expect(results.first.locator("a.result")).to_have_attribute("data-trace-id", DROP_ALL_UPSTREAM)))
    c("says how many traces matched", lambda: expect(page.locator("#search-status")).to_have_text("1 trace"))
    c("the found trace is marked broken", lambda: expect(results.first.locator(".marker.broken")).to_be_visible())
    c("the search page fits 1280 px", lambda: no_horizontal_scroll(page))
    shot(page, screenshots, "01-search")

    # ---- open the broken request's first trace from the list ----
    results.first.locator("a.result").click()
    checks.on("upstream")
    c("opens the trace page", lambda: expect(page).to_have_url(re.compile(f"#/trace/{DROP_ALL_UPSTREAM}$")))
    c("calls the drop-all caller half broken", lambda: expect(page.locator("#verdict-title")).to_have_text("✘ Broken trace"))
    finding = page.locator("#verdict li.finding").first
    c("names the hop", lambda: expect(finding.locator(".hop")).to_have_text("reviews-v2 -> ratings: "))
    c("says why, in words", lambda: expect(finding).to_contain_text("reviews-v2 forwarded none of the trace headers"))
    c("gives the cause code", lambda: expect(finding).to_have_attribute("data-code", "missing-trace-headers"))
    c("links to the other fragment", lambda: expect(page.locator(f'#verdict a[href="#/trace/{DROP_ALL_DOWNSTREAM}"]')).to_be_visible())
    c("links to the request view", lambda: expect(page.locator("#request-link")).to_have_attribute("href", f"#/request/{DROP_ALL_REQUEST}"))
    c("fits 1280 px without horizontal scrolling", lambda: no_horizontal_scroll(page))
    shot(page, screenshots, "02-trace-upstream")

    # ---- follow the finding's link to the other fragment and read its finding ----
    page.locator(f'#verdict a[href="#/trace/{DROP_ALL_DOWNSTREAM}"]').click()
    checks.on("downstream")
    c("follows the link to the other fragment", lambda: expect(page).to_have_url(re.compile(f"#/trace/{DROP_ALL_DOWNSTREAM}$")))
    c("titles the page with the other trace", lambda: expect(page.locator("#trace-title")).to_have_text(f"Trace {DROP_ALL_DOWNSTREAM}"))
    c("calls the drop-all fragment broken", lambda: expect(page.locator("#verdict-title")).to_have_text("✘ Broken trace"))
    finding = page.locator("#verdict li.finding").first
    c("reads the same hop and cause", lambda: (
        expect(finding.locator(".hop")).to_have_text("reviews-v2 -> ratings: "),
        expect(finding).to_have_attribute("data-code", "missing-trace-headers")))
    c("links back to the caller's fragment", lambda: expect(page.locator(f'#verdict a[href="#/trace/{DROP_ALL_UPSTREAM}"]')).to_be_visible())
    c("links to the request view by the entry's x-request-id", lambda: expect(page.locator("#request-link")).to_have_attribute("href", f"#/request/{DROP_ALL_REQUEST}"))

    # ---- span detail: by click, then by keyboard ----
    rows = page.locator("#waterfall .row[role=treeitem]")
    c("draws both spans of the fragment", lambda: expect(rows).to_have_count(2))
    rows.first.click()
    detail = page.locator("#detail")
    c("a click opens the span's detail", lambda: expect(detail).to_be_visible())
    c("the detail shows the span's tags", lambda: expect(detail.locator("tr", has_text="node_id")).to_contain_text("reviews-v2"))
    c("the detail shows the remote endpoint", lambda: expect(detail).to_contain_text("ratings"))
    shot(page, screenshots, "03-trace-downstream-detail")
    rows.first.focus()
    page.keyboard.press("ArrowDown")
    c("the arrow key moves to the next span", lambda: expect(rows.nth(1)).to_be_focused())
    page.keyboard.press("Enter")
    c("Enter opens that span's detail", lambda: expect(rows.nth(1)).to_have_class(re.compile(r"\bselected\b")))
    c("the detail is the SERVER's, shared id", lambda: expect(detail).to_contain_text("shared"))

    # ---- the request view, from the trace page's link ----
    page.locator("#request-link").click()
    checks.on("request")
    c("opens the request view", lambda: expect(page).to_have_url(re.compile(f"#/request/{DROP_ALL_REQUEST}$")))
    c("calls the request broken", lambda: expect(page.locator("#request-verdict h2")).to_have_text("✘ Broken request: 2 traces"))
    c("lists both fragments with links", lambda: (
        expect(page.locator(f'#request-fragments a.fragment-link[data-trace-id="{DROP_ALL_UPSTREAM}"]')).to_be_visible(),
        expect(page.locator(f'#request-fragments a.fragment-link[data-trace-id="{DROP_ALL_DOWNSTREAM}"]')).to_be_visible()))
    wf = page.locator("#request-waterfall")
    brk = wf.locator(".row.break-row")
    c("draws the break where it happened", lambda: (
        expect(brk).to_have_attribute("data-hop", "reviews-v2 -> ratings"),
        expect(brk).to_have_attribute("data-code", "missing-trace-headers")))
    c("draws every span of both fragments", lambda: expect(wf.locator(".row[role=treeitem]")).to_have_count(5))
    c("hangs the fragment below reviews-v2's SERVER span", lambda: order_ok(wf))
    c("the request view fits 1280 px", lambda: no_horizontal_scroll(page))
    wf.locator('.row[data-span-id="3000000000000001"][data-kind="CLIENT"]').click()
    c("a span of the other fragment opens its detail in the request view", lambda: (
        expect(page.locator("#request-detail")).to_be_visible(),
        expect(page.locator('#request-detail tr[data-fact="trace context"] td')).to_contain_text("its sidecar started a new trace")))
    shot(page, screenshots, "04-request")

    # ---- the other traces ----
    checks.on("broken")
    page.goto(f"{base}/#/trace/{FORMAT_MISMATCH}")
    c("shows the broken verdict", lambda: expect(page.locator("#verdict-title")).to_have_text("✘ Broken trace"))
    c("names the hop that broke", lambda: expect(page.locator("#verdict")).to_contain_text("reviews-v2 -> ratings"))
    c("highlights the broken span row", lambda: expect(page.locator('#waterfall .row.broken[data-span-id="1000000000000003"]')).to_have_count(1))
    c("draws one row per span", lambda: expect(page.locator("#waterfall .row[role=treeitem]")).to_have_count(4))
    c("links the format-mismatch half to its other trace", lambda: expect(page.locator(f'#verdict a[href="#/trace/{FORMAT_MISMATCH_OTHER}"]')).to_be_visible())
    shot(page, screenshots, "05-trace-format-mismatch")

    checks.on("complete")
    page.goto(f"{base}/#/trace/{COMPLETE}")
    c("shows the complete verdict", lambda: expect(page.locator("#verdict-title")).to_have_text("✔ Complete trace"))
    c("draws one row per span, CLIENT and SERVER of a shared id apart", lambda: expect(page.locator("#waterfall .row[role=treeitem]")).to_have_count(5))
    c("nests the shared SERVER under its CLIENT", lambda: expect(page.locator('#waterfall .row[aria-level="3"][data-span-id="1000000000000002"]')).to_have_attribute("data-kind", "SERVER"))
    c("has no broken rows", lambda: expect(page.locator("#waterfall .row.broken")).to_have_count(0))
    shot(page, screenshots, "06-trace-complete")

    checks.on("skew")
    page.goto(f"{base}/#/trace/{SKEWED}")
    ratings = page.locator('#waterfall .row[data-span-id="1000000000000003"][data-kind="SERVER"]')
    c("marks clock skew on the skewed span, with the shift", lambda: expect(ratings.locator(".skew-mark")).to_have_text("clock skew −14.8ms"))
    c("draws where the span was reported (dashed outline)", lambda: expect(ratings.locator(".ghost")).to_have_count(1))
    c("says whose clock is off, by how much and where it was measured",
      lambda: expect(page.locator('#reading .skew-note[data-service="ratings-v1"]')).to_contain_text("ratings-v1's clock runs 14.8ms ahead of its caller's (measured at reviews-v2 -> ratings)"))
    c("does not call clock skew a broken link", lambda: expect(page.locator("#waterfall .row.broken")).to_have_count(0))
    ratings.click()
    c("the span detail gives the reported and the drawn time", lambda: expect(page.locator('#detail tr[data-fact="clock skew"]')).to_contain_text("moved back by 14.8ms"))
    c("the skewed page fits 1280 px", lambda: no_horizontal_scroll(page))
    shot(page, screenshots, "07-trace-skew")

    trace_page_for_students(page, base, screenshots, checks)

    checks.on("shared")
    page.goto(f"{base}/trace/{OTEL_SHARED}")
    c("keeps the OTel CLIENT and Envoy SERVER with one id as two rows", lambda: expect(page.locator('#waterfall .row[data-span-id="fff4d0d8fa827c67"]')).to_have_count(2))

    checks.on("missing")
    page.goto(f"{base}/#/trace/0000000000000fff")
    c("says a trace is not there", lambda: expect(page.locator("#verdict")).to_contain_text("is not in the collector"))
    checks.on("norequest")
    page.goto(f"{base}/#/request/no-such-request")
    c("says no trace carries the id", lambda: expect(page.locator("#request-verdict")).to_contain_text("No trace in the collector carries x-request-id no-such-request"))

    # ---- dependencies, from the navigation ----
    page.goto(base + "/")
    page.locator("#nav-deps").click()
    dependencies(page, screenshots, checks)

    # ---- the course, from the navigation ----
    page.goto(base + "/")
    page.locator("#nav-course").click()
    course(page, screenshots, checks)


def trace_page_for_students(page, base, screenshots, checks):
    """The whole bookinfo page with faults: flags on the bars, the critical path, span detail
    with endpoints, tags and annotations, all by keyboard too, within 1280 px (point 3)."""
    c = checks.check
    checks.on("faults")
    page.goto(f"{base}/#/trace/{FAULTS}")
    wf = page.locator("#waterfall")
    rows = wf.locator(".row[role=treeitem]")
    c("draws every span of the bookinfo page", lambda: expect(rows).to_have_count(7))
    aborted = wf.locator('.row[data-span-id="4000000000000004"][data-kind="CLIENT"]')
    c("marks the aborted call failed on its bar", lambda: (
        expect(aborted).to_have_class(re.compile(r"\bfailed\b")),
        expect(aborted.locator(".span-bar.error")).to_have_count(1)))
    c("shows the status on the bar", lambda: expect(aborted.locator(".badge.status")).to_have_text("503"))
    c("shows the fault flag FI on the bar, explained", lambda: (
        expect(aborted.locator('.badge.flag[data-flag="FI"]')).to_have_text("FI"),
        expect(aborted.locator('.badge.flag[data-flag="FI"]')).to_have_attribute("title", re.compile("fault injected: request aborted"))))
    delayed = wf.locator('.row[data-span-id="4000000000000002"][data-kind="CLIENT"]')
    c("shows the injected delay DI on the details call", lambda: expect(delayed.locator('.badge.flag[data-flag="DI"]')).to_be_visible())
    c("says what the critical path is", lambda: expect(page.locator("#reading .critical-note")).to_contain_text("Critical path 61.0ms: productpage-v1"))
    root = wf.locator('.row[data-span-id="4000000000000001"][data-kind="SERVER"]')
    c("highlights the root and the delayed call as critical", lambda: (
        expect(root).to_have_class(re.compile(r"\bcritical\b")),
        expect(delayed).to_have_class(re.compile(r"\bcritical\b")),
        expect(root.locator(".crit").first).to_be_visible()))
    c("does not highlight the aborted call (nobody waited on it)", lambda: expect(aborted).not_to_have_class(re.compile(r"\bcritical\b")))
    page.locator("#critical-toggle").uncheck()
    c("the critical path can be switched off", lambda: expect(root.locator(".crit").first).to_be_hidden())
    page.locator("#critical-toggle").check()
    c("and on again", lambda: expect(root.locator(".crit").first).to_be_visible())
    c("the bookinfo page fits 1280 px", lambda: no_horizontal_scroll(page))
    shot(page, screenshots, "09-trace-faults")

    # keyboard only: focus the first span, End to the last one, Enter opens, Escape closes.
    rows.first.focus()
    page.keyboard.press("End")
    c("End moves to the last span (the aborted call)", lambda: expect(aborted).to_be_focused())
    page.keyboard.press("Enter")
    detail = page.locator("#detail")
    c("Enter opens its detail right below it", lambda: (
        expect(detail).to_be_visible(),
        expect(aborted).to_have_attribute("aria-expanded", "true"),
        expect(page.locator("#waterfall .row.selected + #detail")).to_have_count(1)))
    fact = lambda name: detail.locator(f'tr[data-fact="{name}"] td')
    c("the detail names the kind", lambda: expect(fact("kind")).to_contain_text("CLIENT — the caller's sidecar sending the call (outbound) to ratings"))
    c("the detail says whether the id is shared", lambda: expect(fact("shared")).to_have_text("no"))
    c("the detail shows the local endpoint", lambda: expect(fact("local endpoint")).to_have_text("reviews · 127.0.0.1"))
    c("the detail shows the remote endpoint", lambda: expect(fact("remote endpoint")).to_have_text("ratings · 127.0.0.1:9080"))
    c("the detail explains the response flag", lambda: expect(fact("response flags")).to_have_text("FI (fault injected: request aborted)"))
    c("the detail lists every tag", lambda: expect(detail.locator("table.tags tr")).to_have_count(10))
    c("the detail carries the analysis' finding on this span", lambda: expect(detail.locator(".span-findings")).to_contain_text("upstream-failure"))
    c("the page still fits 1280 px with the detail open", lambda: no_horizontal_scroll(page))
    shot(page, screenshots, "10-trace-faults-detail")
    page.keyboard.press("Escape")
    c("Escape closes the detail", lambda: expect(detail).to_be_hidden())
    page.keyboard.press("ArrowLeft")
    reviews_server = wf.locator('.row[data-span-id="4000000000000003"][data-kind="SERVER"]')
    c("ArrowLeft moves to the parent span", lambda: expect(reviews_server).to_be_focused())
    app = wf.locator('.row[data-span-id="4000000000000005"]')
    app.click()
    c("an app span's detail shows its annotations", lambda: expect(detail.locator("table.annotations")).to_contain_text("ratings unavailable: 503"))
    c("an app span is called a local span", lambda: expect(fact("kind")).to_contain_text("LOCAL"))
    app.click()
    c("a second click closes the detail", lambda: expect(detail).to_be_hidden())


def dependencies(page, screenshots, checks):
    """Edges with calls, errors and broken propagation; broken ones dashed, with example
    traces; bookinfo and the chain in bands of their own, callers left of callees (point 4)."""
    c = checks.check
    checks.on("deps")
    graph = page.locator("#deps-graph")
    edge = lambda parent, child: graph.locator(f'g.edge[data-parent="{parent}"][data-child="{child}"]')
    row = lambda parent, child: page.locator(f'#deps-table tr.link[data-parent="{parent}"][data-child="{child}"]')
    c("opens the dependencies view", lambda: expect(page).to_have_url(re.compile("#/dependencies$")))
    c("draws the productpage → reviews edge", lambda: expect(edge("productpage", "reviews")).to_have_count(1))
    c("draws the reviews → ratings edge", lambda: expect(edge("reviews", "ratings")).to_have_count(1))
    c("draws the chain's edges", lambda: (expect(edge("service-a", "service-b")).to_have_count(1), expect(edge("service-b", "service-c")).to_have_count(1)))
    c("labels an edge with its calls", lambda: expect(edge("productpage", "reviews").locator("text")).to_have_text(re.compile(r"^\d+ calls$")))
    c("reviews → ratings: calls, failures and the two calls that lost their context",
      lambda: expect(edge("reviews", "ratings").locator("text.edge-label")).to_have_text("5 calls · 2 failed✂ 2 lost context"))
    c("draws the broken edges dashed", lambda: (
        expect(edge("reviews", "ratings")).to_have_class(re.compile(r"\bbroken\b")),
        expect(edge("reviews", "ratings").locator("line")).to_have_attribute("stroke-dasharray", "10 6"),
        expect(edge("service-b", "service-c").locator("line")).to_have_attribute("stroke-dasharray", "10 6")))
    c("draws the edges that kept their context solid", lambda: (
        expect(edge("productpage", "reviews")).not_to_have_class(re.compile(r"\bbroken\b")),
        expect(edge("productpage", "reviews").locator("line")).not_to_have_attribute("stroke-dasharray", re.compile("."))))
    c("lists error rates in the table (2 of the 5 reviews -> ratings calls failed)",
      lambda: expect(row("reviews", "ratings").locator("td").nth(3)).to_have_text("2 (40.0%)"))
    c("lists the broken propagation with its cause and hop",
      lambda: expect(row("reviews", "ratings").locator("td").nth(4)).to_contain_text("missing-trace-headers"))
    c("names the chain's break missing-b3 at service-b-v1 -> service-c",
      lambda: expect(row("service-b", "service-c").locator("td").nth(4)).to_have_text("1 — missing-b3 at service-b-v1 -> service-c"))
    c("says over how many traces the breaks were judged", lambda: expect(page.locator("#deps-status")).to_contain_text("with broken propagation"))
    c("lays out callers left of callees, services apart, labs in bands", lambda: layout_ok(page))
    c("the dependencies page fits 1280 px", lambda: no_horizontal_scroll(page))
    shot(page, screenshots, "08-dependencies")
    examples = row("service-b", "service-c").locator("a.broken-example")
    c("links to an example trace of the broken edge", lambda: expect(examples).to_have_count(1))
    examples.first.click()
    checks.on("deps-example")
    c("the example is the chain's caller half", lambda: expect(page).to_have_url(re.compile(f"#/trace/{CHAIN_BROKEN}$")))
    c("and it is broken at service-b-v1 -> service-c", lambda: (
        expect(page.locator("#verdict-title")).to_have_text("✘ Broken trace"),
        expect(page.locator("#verdict li.finding .hop").first).to_have_text("service-b-v1 -> service-c: ")))
    c("which links to the chain's other half", lambda: expect(page.locator(f'#verdict a[href="#/trace/{CHAIN_BROKEN_OTHER}"]')).to_be_visible())


def course(page, screenshots, checks):
    """The lessons of scenarios/ with the last run's result of each and links to the traces it
    judged (point 5); make_course_results.py wrote the results file and a lesson with a typo."""
    c = checks.check
    checks.on("course")
    lesson = lambda name: page.locator(f'#lessons li.lesson[data-lesson="{name}"]')
    c("opens the course view", lambda: expect(page).to_have_url(re.compile("#/course$")))
    c("marks the course in the navigation", lambda: expect(page.locator("#nav-course")).to_have_attribute("aria-current", "page"))
    lessons = len(glob.glob(os.path.join(ROOT, "scenarios", "*.yaml"))) + 1  # make_course_results.py adds 99-typo.yaml
    c("lists every lesson of scenarios/ and the broken file", lambda: expect(page.locator("#lessons li.lesson")).to_have_count(lessons))
    happy = lesson("01-happy-path")
    c("shows a lesson's title", lambda: expect(happy.locator("h2")).to_have_text("What does a complete trace through bookinfo look like?"))
    c("says what it shows and what to look at", lambda: (
        expect(happy.locator(".lesson-text")).to_contain_text("What it shows"),
        expect(happy.locator(".lesson-text")).to_contain_text("Open the UI, pick a trace")))
    c("shows the last run's result", lambda: (
        expect(happy.locator(".lesson-state")).to_have_text("PASS"),
        expect(happy.locator(".lesson-when")).to_contain_text("Last run: 03/12/2026, 10:00:00")))
    broken = lesson("03-reviews-forgets-b3")
    c("shows a failed lesson as failed, with the failed assertion first", lambda: (
        expect(broken.locator(".lesson-state")).to_have_text("FAIL"),
        expect(broken.locator(".checks > li").first).to_contain_text("expect.broken_links"),
        expect(broken.locator(".checks > li.fail")).to_contain_text("seen format-mismatch")))
    c("links the failure to its trace", lambda: expect(broken.locator('.check-failures a[href="#/trace/00000000000000b2"]')).to_be_visible())
    c("a lesson not run yet says so", lambda: expect(lesson("07a-fault-delay").locator(".lesson-state")).to_have_text("not run"))
    c("a malformed lesson file is listed with the parser's message", lambda: (
        expect(lesson("99-typo.yaml").locator(".lesson-state")).to_have_text("file error"),
        expect(lesson("99-typo.yaml").locator(".lesson-error")).to_contain_text("complet")))
    c("says how many lessons ran and passed", lambda: expect(page.locator("#course-status")).to_contain_text("2 ran on this lab, 1 passed, 1 failed"))
    c("the course page fits 1280 px", lambda: no_horizontal_scroll(page))
    broken.locator("details.lesson-traces summary").click()
    verified = broken.locator("a.verified-trace")
    c("lists the traces the run verified, broken first", lambda: (
        expect(broken.locator("details.lesson-traces summary")).to_have_text("Traces the run verified: 2 (0 complete, 2 broken)"),
        expect(verified).to_have_count(2)))
    shot(page, screenshots, "11-course")
    verified.first.click()
    checks.on("course-trace")
    c("a verified trace's link opens the trace", lambda: (
        expect(page).to_have_url(re.compile("#/trace/00000000000000b2$")),
        expect(page.locator("#trace-title")).to_have_text("Trace 00000000000000b2"),
        expect(page.locator("#verdict-title")).to_have_text("✘ Broken trace")))
    page.go_back()
    checks.on("course")
    c("back returns to the course", lambda: expect(lesson("01-happy-path")).to_be_visible())
    happy.locator("a.example-trace").click()
    c("the example trace of a passed lesson opens it, complete", lambda: (
        expect(page).to_have_url(re.compile("#/trace/00000000000000a1$")),
        expect(page.locator("#verdict-title")).to_have_text("✔ Complete trace")))


def layout_ok(page):
    boxes = page.locator("#deps-graph g.node").evaluate_all(
        "nodes => nodes.map(n => { const b = n.getBBox(); return [n.dataset.service, b.x, b.y, b.width, b.height]; })")
    pos = {name: (x, y, w, h) for name, x, y, w, h in boxes}
    for i, (a, ax, ay, aw, ah) in enumerate(boxes):
        for b, bx, by, bw, bh in boxes[i + 1:]:
            assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, f"{a} and {b} overlap"
    for parent, child in [("productpage", "details"), ("productpage", "reviews"), ("reviews", "ratings"), ("service-a", "service-b"), ("service-b", "service-c")]:
        assert pos[parent][0] < pos[child][0], f"{parent} is not left of {child}"
    bookinfo = [pos[n][1] for n in ("productpage", "details", "reviews", "ratings")]
    chain = [pos[n][1] for n in ("service-a", "service-b", "service-c")]
    assert max(bookinfo) < min(chain) or max(chain) < min(bookinfo), "bookinfo and the chain share a band"
    return True


def order_ok(waterfall):
    """reviews-v2's SERVER row, then the break row, then the fragment's CLIENT one level deeper."""
    rows = waterfall.locator(".row").evaluate_all(
        "rows => rows.map(r => [r.className, r.dataset.spanId || '', r.dataset.kind || '', r.getAttribute('aria-level') || ''])")
    keys = [(cls.split()[1] if len(cls.split()) > 1 else "span", sid, kind, level) for cls, sid, kind, level in rows]
    server = next(i for i, k in enumerate(keys) if k[1] == "1000000000000002" and k[2] == "SERVER")
    assert keys[server][3] == "3", f"reviews-v2's SERVER at level {keys[server][3]}"
    assert keys[server + 1][0] == "break-row", f"after reviews-v2's SERVER comes {keys[server + 1]}"
    assert keys[server + 2][1] == "3000000000000001" and keys[server + 2][3] == "4", f"then {keys[server + 2]}"
    return True


if __name__ == "__main__":
    try:
        sys.exit(main())
    except PlaywrightError:
        traceback.print_exc()
        print("error: could not drive Chromium through Playwright", file=sys.stderr)
        sys.exit(2)
