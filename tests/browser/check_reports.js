// Opens cityfreight HTML reports in Debian's headless Chromium (playwright-core, never a
// downloaded browser) from file:// with every non-file request blocked and counted, and checks
// what each page shows. Usage: node check_reports.js SCREENSHOT_DIR KIND=PATH...
// Prints one JSON line per page and exits 1 if any check fails.
"use strict";
const { chromium } = require("playwright-core");
const fs = require("fs");
const path = require("path");

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

async function main() {
  const [shots, ...pages] = process.argv.slice(2);
  if (!shots || pages.length === 0) throw new Error("usage: node check_reports.js SCREENSHOT_DIR KIND=PATH...");
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: run .ci/install-deps.sh`);
  fs.mkdirSync(shots, { recursive: true });
  const userData = fs.mkdtempSync(path.join(require("os").tmpdir(), "cf-chromium-"));
  const browser = await chromium.launchPersistentContext(userData, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  let failed = false;
  try {
    for (const spec of pages) {
      const eq = spec.indexOf("=");
      const kind = spec.slice(0, eq), file = path.resolve(spec.slice(eq + 1));
      const result = await checkPage(browser, kind, file, shots);
      console.log(JSON.stringify(result));
      if (result.failures.length) failed = true;
    }
  } finally {
    await browser.close();
    fs.rmSync(userData, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

async function checkPage(browser, kind, file, shots) {
  const page = await browser.newPage();
  const failures = [];
  const expect = (ok, what) => { if (!ok) failures.push(what); };
  const blocked = [], errors = [], fileRequests = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file://")) { fileRequests.push(url); return route.continue(); }
    blocked.push(url);
    return route.abort();
  });
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("requestfailed", (r) => { if (!blocked.includes(r.url())) errors.push("request failed: " + r.url()); });
  const t0 = Date.now();
  await page.goto("file://" + file, { waitUntil: "load" });
  await page.waitForFunction(() => window.cfReport && window.cfReport.ready, null, { timeout: 120000 });
  const loadMs = Date.now() - t0;
  const result = { kind, file, load_ms: loadMs, bytes: fs.statSync(file).size, failures };
  const shot = async (name) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(shots, `${kind}-${name}.png`) });
  };
  const data = await page.evaluate(() => ({ kind: cfReport.data.kind, plans: cfReport.data.plans.map((p) => ({ routes: p.routes.filter((r) => r.line.length >= 4).length, stops: p.routes.reduce((a, r) => a + r.stops.filter((s) => s.pos).length, 0), streets: p.streets.length })) }));
  expect(data.kind === kind, `data kind ${data.kind} != ${kind}`);

  if (kind !== "policy" && kind !== "sweep") {
    await page.locator("#tabbtn-map").click();
    const counts = await page.evaluate(() => cfReport.counts());
    result.counts = counts;
    const expected = data.plans[0];
    // One map feature per route and per stop, as the data (and plan.json) hold them.
    expect(counts.routes === expected.routes && counts.routes > 0, `route features ${counts.routes} != ${expected.routes}`);
    expect(counts.stops === expected.stops && counts.stops > 0, `stop features ${counts.stops} != ${expected.stops}`);
    if (process.env.PLAN_JSON && kind === "plan") {
      const plan = JSON.parse(fs.readFileSync(process.env.PLAN_JSON, "utf8"));
      const stops = plan.routes.reduce((a, r) => a + r.stops.length, 0);
      expect(counts.routes === plan.routes.length, `route features ${counts.routes} != plan.json routes ${plan.routes.length}`);
      expect(counts.stops === stops, `stop features ${counts.stops} != plan.json stops ${stops}`);
    }
    await shot("map");
    // Panning and zooming: mean time per step until the canvas has redrawn (the next frame).
    const motion = await page.evaluate(async () => {
      const map = cfReport.map(), frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      const centre = map.getCenter(), zoom = map.getZoom();
      let t0 = performance.now();
      for (let i = 0; i < 8; i++) {
        map.panBy(i % 2 ? [-300, -150] : [300, 150], { animate: false });
        await frame();
      }
      const pan = (performance.now() - t0) / 8;
      t0 = performance.now();
      for (let i = 0; i < 2; i++) {
        map.zoomIn(1, { animate: false }); await frame();
        map.zoomOut(1, { animate: false }); await frame();
      }
      const zoomStep = (performance.now() - t0) / 4;
      map.setView(centre, zoom, { animate: false });
      await frame();
      return { pan_ms: Math.round(pan), zoom_ms: Math.round(zoomStep) };
    });
    Object.assign(result, motion);
    if (kind === "plan" || kind === "share") {
      // The hour slider recolours the street layer.
      const states = await page.evaluate(() => { const out = {}; for (const h of [3, 8, 10, 14]) { cfReport.setHour(h); out[h] = cfReport.streetState(); } return out; });
      const distinct = new Set(Object.values(states));
      expect(distinct.size > 1, "moving the hour slider did not change the street layer");
      // Through the real slider element too.
      const before = await page.evaluate(() => cfReport.streetState());
      await page.locator("#hour").fill("9");
      const after = await page.evaluate(() => cfReport.streetState());
      expect(before !== after, "the slider input did not change the street layer");
      result.street_states = distinct.size;
      await shot("hour-09");
      // Switching a layer off hides it (plans of more than 3,000 stops start with it off).
      if (counts.stops > 3000) {
        expect(!(await page.evaluate(() => cfReport.layerVisible("stops"))), "stops layer of a large plan shown at start");
        await page.locator(".leaflet-control-layers-overlays label", { hasText: "Stops" }).click();
      }
      expect(await page.evaluate(() => cfReport.layerVisible("stops")), "stops layer not shown");
      await page.locator(".leaflet-control-layers-overlays label", { hasText: "Stops" }).click();
      expect(!(await page.evaluate(() => cfReport.layerVisible("stops"))), "switching Stops off did not hide the layer");
      await page.locator(".leaflet-control-layers-overlays label", { hasText: "Routes" }).click();
      expect(!(await page.evaluate(() => cfReport.layerVisible("routes"))), "switching Routes off did not hide the layer");
      await shot("layers-off");
      await page.locator(".leaflet-control-layers-overlays label", { hasText: "Stops" }).click();
      await page.locator(".leaflet-control-layers-overlays label", { hasText: "Routes" }).click();
      expect(await page.evaluate(() => cfReport.layerVisible("stops")), "switching Stops on did not show it again");
    }
    await page.locator("#tabbtn-schedule").click();
    const rows = await page.locator("#timelines .tl-row").count();
    expect(rows === expected.routes + 1, `timeline rows ${rows} != routes + axis ${expected.routes + 1}`);
    await shot("schedule");
    await page.locator("#tabbtn-tables").click();
    await shot("tables");
  }
  if (kind === "plan") {
    const kpiRows = await page.locator("#kpi-table tr").count();
    expect(kpiRows > 10, `KPI table has ${kpiRows} rows`);
  }
  if (kind === "share") {
    await page.locator("#tabbtn-share").click();
    const alloc = await page.locator("#allocation-table tr").count();
    const comp = await page.locator("#share-comparison tr").count();
    expect(alloc >= 3, `allocation table has ${alloc} rows`);
    expect(comp > 10, `separate-vs-pooled table has ${comp} rows`);
    expect(await page.locator("#tab-share .verdict").count() === 1, "no core verdict on the share page");
    await shot("share");
  }
  if (kind === "sweep") {
    const rows = await page.locator("#sweep-table tr").count();
    const charts = await page.locator("#tab-sweep .chart svg rect").count();
    expect(rows > 10, `sweep table has ${rows} rows`);
    expect(charts > 0, "no bar in the sweep charts");
    result.sweep_rows = rows;
    await shot("sweep");
  }
  if (kind === "two-tier") {
    await page.locator("#tabbtn-two-tier").click();
    const rows = await page.locator("#two-tier-comparison tr").count();
    expect(rows > 10, `two-tier table has ${rows} rows`);
    await shot("two-tier");
  }
  if (kind === "check") {
    const listed = await page.locator("#violation-table tr").count();
    const placed = await page.evaluate(() => cfReport.counts().violations);
    expect(listed > 1, `violation table has ${listed} rows (a non-compliant plan is expected)`);
    expect(placed > 0, "no violation placed on the map");
    result.violations_listed = listed - 1; result.violations_placed = placed;
    await page.locator("#tabbtn-check").click();
    await shot("check");
    await page.locator("#tabbtn-map").click();
    await page.locator("#violations li").first().click();
    await shot("violation-zoom");
  }
  await page.locator("#tabbtn-notice").click();
  const notice = await page.locator("#notice").innerText();
  expect(/Permits/.test(notice) || /no zones/.test(notice), "the public notice shows no permits");
  await shot("notice");
  expect(blocked.length === 0, `${blocked.length} network request(s): ${blocked.slice(0, 3).join(" ")}`);
  expect(errors.length === 0, `console errors: ${errors.slice(0, 3).join(" | ")}`);
  result.blocked_requests = blocked.length;
  result.console_errors = errors.length;
  result.file_requests = fileRequests.length;
  await page.close();
  return result;
}

main().catch((e) => { console.error(e); process.exit(2); });
