// train's options as a user types them: an option the other settings make meaningless is one
// line (exit 2) saying why, while preset values never count as given; and --help shows each
// preset's defaults.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { PRESET_NAMES, PRESETS } from "../../src/train/presets.ts";
import { runCli } from "../support/cli.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixtures = join(root, "test", "fixtures", "mnist-small");
const folder = mkdtempSync(join(tmpdir(), "fixnet-train-options-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const run = runCli;

const quick = ["--data", fixtures, "--epochs", "1", "--quiet", "-o", join(folder, "m.json")];

describe("train options that do not apply", () => {
  const refused: [string[], RegExp][] = [
    [["--no-distill", "--distill-weight", "0.5"], /^fixnet: --distill-weight 0\.5 does not apply: --no-distill trains on the labels alone/],
    [["--no-distill", "--distill-temperature", "3"], /^fixnet: --distill-temperature 3 does not apply: --no-distill/],
    [["--no-distill", "--teacher", "teacher.json"], /^fixnet: --teacher teacher\.json does not apply: --no-distill/],
    [["--optimizer", "adam", "--momentum", "0.5", "--no-distill"], /^fixnet: --momentum 0\.5 does not apply: momentum is for --optimizer sgd, and the optimizer is adam \(--optimizer adam\)/],
    [["--momentum", "0.5", "--no-distill"], /^fixnet: --momentum 0\.5 does not apply: .* the optimizer is adam \(from preset classic\)/],
    [["--schedule", "cosine", "--decay-rate", "0.5", "--no-distill"], /^fixnet: --decay-rate 0\.5 does not apply: the decay rate is for --schedule exponential, and the schedule is cosine \(--schedule cosine\)/],
    [["--preset", "wide", "--decay-rate", "0.5"], /^fixnet: --decay-rate 0\.5 does not apply: .* the schedule is cosine \(from preset wide\)/],
  ];
  for (const [args, message] of refused) {
    it(`refuses ${args.join(" ")} in one line, exit 2`, async () => {
      const result = await run(["train", ...args, ...quick]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    });
  }

  it("accepts the same options where they apply (preset values never conflict)", async () => {
    for (const args of [
      ["--optimizer", "sgd", "--momentum", "0.5", "--learning-rate", "0.05", "--no-distill"],
      ["--schedule", "exponential", "--decay-rate", "0.5", "--no-distill"],
      ["--preset", "wide", "--no-distill"], // the preset's own momentum and decay rate are not "given"
    ]) {
      const result = await run(["train", ...args, ...quick]);
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
    }
  });
});

describe("train --help", () => {
  it("says --epochs, --learning-rate and --batch-size come from the preset, with each preset's value", async () => {
    for (const command of ["train", "pipeline"]) {
      const result = await run([command, "--help"]);
      expect(result.code).toBe(0);
      const help = result.stdout.replace(/\s+/g, " "); // commander wraps long lines
      for (const [option, key] of [["--epochs", "epochs"], ["--learning-rate", "learningRate"], ["--batch-size", "batchSize"]] as const) {
        const values = PRESET_NAMES.map((name) => `${name} ${PRESETS[name][key]}`).join("; ");
        expect(help, `${command} ${option}`).toMatch(new RegExp(`${option} <\\w+> [^-]*\\(default from --preset: ${values}\\)`));
      }
    }
  });
});
