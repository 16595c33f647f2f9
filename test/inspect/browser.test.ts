// The report in a real browser: Debian's chromium, headless. After the page's load event a small
// probe script (added to a copy of the page, never to the report itself) records how every
// image decoded and how every chart laid out; --dump-dom hands that back. The probe is first
// shown to catch a deliberately broken image, so that "no broken images" means something.
// A screenshot is taken too and checked for being a real, non-blank rendering.
// Skipped without chromium (apt-get install chromium); in CI (CI=true) it must run.

import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/files.ts";
import { buildReport } from "../../src/inspect/report.ts";
import { requireTool } from "../support/tools.ts";
import { trainTinyModels } from "./fixture.ts";
import { scratchFolder } from "../support/scratch.ts";

const chromium = requireTool("chromium", "chromium");
const run = promisify(execFile);

/** After load: counts on <body>, each image's natural size, each chart's laid-out size. */
const PROBE = `<script>
window.addEventListener("load", () => {
  const images = [...document.images];
  images.forEach((image) => { image.dataset.natural = image.naturalWidth + "x" + image.naturalHeight; });
  document.body.dataset.images = String(images.length);
  document.body.dataset.broken = String(images.filter((image) => !(image.complete && image.naturalWidth > 0)).length);
  const charts = [...document.querySelectorAll("svg")];
  document.body.dataset.charts = String(charts.length);
  document.body.dataset.chartsDrawn = String(charts.filter((svg) => svg.getBoundingClientRect().width > 100 && svg.querySelectorAll("text").length > 5).length);
});
</script>`;

function chromiumArgs(userDataDir: string): string[] {
  return ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", `--user-data-dir=${userDataDir}`];
}

async function dumpDom(file: string): Promise<string> {
  const { stdout } = await run(chromium!, [...chromiumArgs(scratchFolder("fixnet-chromium-")), "--dump-dom", pathToFileURL(file).href], { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

function bodyAttribute(dom: string, name: string): string | undefined {
  return new RegExp(`<body[^>]*\\sdata-${name}="([^"]*)"`).exec(dom)?.[1];
}

describe.skipIf(!chromium)("the report in chromium", async () => {
  const tiny = await trainTinyModels();
  const report = buildReport({
    float: { path: tiny.floatPath, model: tiny.float },
    int8: { path: tiny.int8Path, model: tiny.int8 },
    testSet: tiny.dataset.test,
    datasetName: "mnist-small",
    footprints: [],
    noiseImages: 100,
  });
  const page = join(tiny.folder, "report.html");
  writeFileAtomic(page, report.html);

  it("the probe catches a broken image", async () => {
    const control = join(tiny.folder, "control.html");
    writeFileSync(control, report.html.replace("</body>", `<img src="data:image/png;base64,AAAA" alt="broken">${PROBE}</body>`));
    const dom = await dumpDom(control);
    expect(bodyAttribute(dom, "broken")).toBe("1");
  });

  it("renders every image and chart, with the key figures on the page", async () => {
    const probed = join(tiny.folder, "probed.html");
    writeFileSync(probed, readFileSync(page, "utf8").replace("</body>", `${PROBE}</body>`));
    const dom = await dumpDom(probed);
    const expectedImages = (report.html.match(/<img /g) ?? []).length;
    expect(bodyAttribute(dom, "images")).toBe(String(expectedImages));
    expect(bodyAttribute(dom, "broken")).toBe("0");
    expect(bodyAttribute(dom, "charts")).toBe("2");
    expect(bodyAttribute(dom, "charts-drawn")).toBe("2");
    // Each image decoded at the size the page states for it.
    for (const match of dom.matchAll(/<img [^>]*>/g)) {
      const tag = match[0];
      const width = /width="(\d+)"/.exec(tag)?.[1];
      const height = /height="(\d+)"/.exec(tag)?.[1];
      expect(/data-natural="(\d+x\d+)"/.exec(tag)?.[1], tag.slice(0, 80)).toBe(`${width}x${height}`);
    }
    const percent = (value: number): string => `${(100 * value).toFixed(2)}%`;
    expect(dom).toContain(`data-figure="float-accuracy">${percent(report.figures.float.accuracy)}<`);
    expect(dom).toContain(`data-figure="int8-accuracy">${percent(report.figures.int8!.accuracy)}<`);
    expect(dom).toContain(`data-figure="agreement">${percent(report.figures.agreement!)}<`);
    expect(dom).toContain("Noise probe");
    expect(dom).toContain("not generated");
  });

  it("takes a 1280x2000 screenshot that is not blank", async () => {
    const screenshot = join(tiny.folder, "report.png");
    await run(chromium!, [...chromiumArgs(scratchFolder("fixnet-chromium-")), "--hide-scrollbars", `--screenshot=${screenshot}`, "--window-size=1280,2000", pathToFileURL(page).href], { timeout: 90_000 });
    const png = PNG.sync.read(readFileSync(screenshot));
    expect([png.width, png.height]).toEqual([1280, 2000]);
    // Dark text and coloured weight tiles: a good share of the pixels is neither white nor grey.
    let coloured = 0;
    let dark = 0;
    for (let k = 0; k < png.data.length; k += 4) {
      const [r, g, b] = [png.data[k], png.data[k + 1], png.data[k + 2]];
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
      if (r + g + b < 150) dark++;
    }
    expect(coloured / (1280 * 2000)).toBeGreaterThan(0.02);
    expect(dark / (1280 * 2000)).toBeGreaterThan(0.002);
  });
});
