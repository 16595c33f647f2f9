// Where codegen writes: an output folder that cannot be made is one line naming it, and a
// failure partway through writes none of the files (not the first few of them).

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateCFiles, writeGeneratedFiles } from "../../src/codegen/c.ts";
import { generateEspruinoFiles, writeEspruinoFiles } from "../../src/codegen/espruino.ts";
import { expectFixnetError } from "../support/errors.ts";
import { goldenFolder, loadGolden } from "./support.ts";
import { runCli } from "../support/cli.ts";

const folder = mkdtempSync(join(tmpdir(), "fixnet-codegen-folder-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const qmodel = join(goldenFolder, "relu.qmodel.json");
const model = loadGolden().cases[0].model;

const run = runCli;

/** A folder path whose parent is an ordinary file, so it cannot be created (even as root). */
function pathUnderAFile(name: string): { file: string; out: string } {
  const file = join(folder, `${name}-afile`);
  writeFileSync(file, "not a folder\n");
  return { file, out: join(file, "sub") };
}

describe("codegen output folder", () => {
  for (const target of ["c", "espruino"]) {
    it(`--target ${target}: a folder under a file is one line naming both, exit 3`, async () => {
      const { file, out } = pathUnderAFile(target);
      const result = await run(["codegen", qmodel, "--target", target, "-o", out, "--quiet"]);
      expect(result.code).toBe(3);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(`fixnet: ${out}: --out expected a folder, found a file on the way to it, ${file}`);
    });
  }

  it("a file in the folder that cannot be replaced leaves none of the C files written", async () => {
    const out = join(folder, "blocked-c");
    mkdirSync(join(out, "fixnet.c"), { recursive: true }); // a folder where the runtime file goes
    const result = await run(["codegen", qmodel, "-o", out, "--quiet"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(out, "fixnet.c")}: is a folder`);
    expect(readdirSync(out)).toEqual(["fixnet.c"]); // no mnist_model.h, fixnet.h, nor temp files
  });

  it("the library writers check every destination before writing any", () => {
    const out = join(folder, "blocked-library");
    mkdirSync(join(out, "golden.bin"), { recursive: true });
    expectFixnetError(() => writeGeneratedFiles(out, [...generateCFiles(model, "golden", null), { name: "golden.bin", text: "" }]), "bad-option", "golden.bin");
    expectFixnetError(() => writeEspruinoFiles(out, generateEspruinoFiles(model, "golden", { inline: false }, null, null)), "bad-option", "golden.bin");
    expect(readdirSync(out)).toEqual(["golden.bin"]);
  });

  it("writes into a folder it creates, with no temp files left", async () => {
    const out = join(folder, "new", "deeper");
    const result = await run(["codegen", qmodel, "-o", out, "--quiet"]);
    expect(result.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["fixnet.c", "fixnet.h", "fixnet_avr.S", "mnist_model.h"]);
    expect(existsSync(join(out, "mnist_model.h"))).toBe(true);
  });
});
