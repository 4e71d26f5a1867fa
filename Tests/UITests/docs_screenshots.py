#!/usr/bin/env python3
"""Takes docs/ui's screenshots from a running lab's collector (not a test; run by hand).

  tracelab up --lab all --detach                      # then plant the lessons' breaks, e.g.:
  curl -X PUT  ADMIN(productpage)/config/routes/details -d '{"fault":{"delay":{"milliseconds":30,"percent":100}}}'
  curl -X PUT  ADMIN(reviews-v3)/config/routes/ratings  -d '{"fault":{"abort":{"status":503,"percent":100}}}'
  curl -X PUT  ADMIN(ratings)/config/clock -d '{"offset":"20ms"}'
  curl -X POST APP(reviews-v2)/admin/propagation -d '{"mode":"drop-all"}'   (reviews routed 100 % to v2)
  … a few requests after each, then:
  tracelab run scenarios/ --check-ui-verdicts        # for the course page's results
  python3 Tests/UITests/docs_screenshots.py http://127.0.0.1:9411 docs/ui

It picks a trace with an injected abort (FI), one with a corrected clock and the entry trace
of a drop-all request, and saves trace-faults (detail of the failed call open),
trace-skew, trace-broken-request, request, dependencies, course and search at 1280×800, with the
Debian chromium through Playwright (as Tests/UITests/ui_test.py).
"""
import json
import sys
import time
import urllib.request

from playwright.sync_api import sync_playwright

base, out = sys.argv[1].rstrip("/"), sys.argv[2]
only = set(sys.argv[3:])  # optional: the names to save (e.g. `course`), the others are left alone
get = lambda path: json.load(urllib.request.urlopen(base + path, timeout=10))
traces = get(f"/api/v2/traces?limit=100&lookback=3600000&endTs={int(time.time() * 1000)}")
fault = next((t[0]["traceId"] for t in traces if any(s.get("tags", {}).get("response_flags") == "FI" for s in t)), None)
skew = broken = None
for t in traces:
    v = get(f"/api/tracelab/traces/{t[0]['traceId']}/verdict")
    request = v.get("request") or {}
    if v["clockSkew"] and not skew:
        skew = v["traceID"]
    if not broken and any(b["code"] == "missing-trace-headers" for b in request.get("breaks", [])) \
            and any(f["entry"] and f["traceID"] == v["traceID"] for f in request.get("fragments", [])):
        broken = v["traceID"]
print("fault", fault, "skew", skew, "broken", broken)
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-dev-shm-usage"])
    page = browser.new_page(viewport={"width": 1280, "height": 800})

    def shot(name, full=True):
        if only and name not in only:
            return
        page.wait_for_timeout(1200)
        page.screenshot(path=f"{out}/{name}.png", full_page=full)
        print("saved", f"{out}/{name}.png")

    if fault:
        page.goto(f"{base}/#/trace/{fault}")
        page.locator("#waterfall .row.failed").first.click()
        shot("trace-faults")
    if skew:
        page.goto(f"{base}/#/trace/{skew}")
        shot("trace-skew")
    if broken:
        page.goto(f"{base}/#/trace/{broken}")
        shot("trace-broken-request")
        page.locator("#request-link").click()
        shot("request")
    page.goto(f"{base}/#/dependencies")
    shot("dependencies")
    page.goto(f"{base}/#/course")
    page.locator("#lessons li.lesson.fail details.lesson-traces summary, #lessons li.lesson.ok details.lesson-traces summary").first.click()
    shot("course", full=False)
    page.goto(f"{base}/")
    shot("search", full=False)
    browser.close()
