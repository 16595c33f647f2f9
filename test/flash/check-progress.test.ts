// The on-board check reports its progress after each answer (the CLI draws a bar from it on a
// terminal): on QEMU's model of a Cortex-M chip, through the same serial check a real board gets.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CHIPS } from "../../src/flash/chips.ts";
import { runOnVirtualBoard } from "../../src/flash/flash.ts";
import { targetMissing } from "../codegen/support.ts";
import { boardModel, firstTestImages } from "./support.ts";

const folder = mkdtempSync(join(tmpdir(), "fixnet-check-progress-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe.skipIf(targetMissing("cortex-m3"))("on-board check progress", () => {
  it("is told after each answer, in order, with the total", async () => {
    const count = 6;
    const heard: [number, number][] = [];
    const result = await runOnVirtualBoard(boardModel, "qemu", folder, firstTestImages(count), CHIPS.stm32f1, 30, (answered, total) => heard.push([answered, total]));
    expect(result.check.exact).toBe(count);
    expect(heard).toEqual(Array.from({ length: count }, (_, n) => [n + 1, count]));
  });
});
