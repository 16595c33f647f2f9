// `npm start` end to end on the full MNIST, as a new user runs it: train the wide teacher and the
// classic network, quantize, verify, generate C, measure it on the targets, write the report. It
// checks the figures fixnet promises. Slow (a few minutes), so it runs in CI (CI=true) or when
// FIXNET_FULL_TEST=1; elsewhere it is skipped with a message.

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { bufferIo } from "../../src/commands/io.ts";

const full = process.env.CI === "true" || process.env.FIXNET_FULL_TEST === "1";
if (!full) console.warn("skipping the full-MNIST pipeline test (about 3 minutes): set FIXNET_FULL_TEST=1 to run it (CI runs it)");

describe.runIf(full)("the pipeline on the full MNIST (npm start)", () => {
  const folder = mkdtempSync(join(tmpdir(), "fixnet-e2e-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("reaches 96% with the classic network, keeps it in int8, and proves the C on every target", async () => {
    const io = bufferIo();
    const code = await main(["pipeline", "-o", folder, "--quiet"], io);
    expect(code, io.stderr.join("")).toBe(0);

    const model = JSON.parse(readFileSync(join(folder, "model.json"), "utf8"));
    expect(model.architecture.layers).toEqual([784, 16, 16, 10]);
    expect(model.training.teacher.layers).toEqual([784, 256, 10]);
    const float = model.training.testAccuracy;
    expect(float).toBeGreaterThanOrEqual(0.96);

    const teacher = JSON.parse(readFileSync(join(folder, "model.teacher.json"), "utf8"));
    expect(teacher.training.testAccuracy).toBeGreaterThanOrEqual(0.98);

    const quantized = JSON.parse(readFileSync(join(folder, "model.int8.json"), "utf8"));
    expect(quantized.accuracy.int8).toBeGreaterThanOrEqual(float - 0.003);
    expect(quantized.accuracy.agreement).toBeGreaterThanOrEqual(0.99);

    expect(existsSync(join(folder, "c", "mnist_model.h"))).toBe(true);
    for (const target of ["host", "cortex-m3", "avr"]) {
      const size = JSON.parse(readFileSync(join(folder, `size-${target}.json`), "utf8"));
      expect(size.bitExact.mismatches, target).toBe(0);
    }
    expect(readFileSync(join(folder, "report.html"), "utf8")).toContain("<html");
  }, 30 * 60_000);
});
