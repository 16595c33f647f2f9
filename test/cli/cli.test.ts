// The command line, run in-process: exit codes, the one-line errors, and the files it writes.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { bufferIo, type Io } from "../../src/commands/io.ts";
import { FIXNET_VERSION } from "../../src/version.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixtures = join(root, "test", "fixtures", "mnist-small");
const folder = mkdtempSync(join(tmpdir(), "fixnet-cli-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function run(args: string[], io = bufferIo()) {
  const code = await main(args, io);
  return { code, stdout: io.stdout.join(""), stderr: io.stderr.join("") };
}

const quickTrain = ["train", "--data", fixtures, "--epochs", "3", "--batch-size", "10", "--quiet", "--no-distill"];

describe("fixnet CLI", () => {
  it("prints help and the version with exit code 0", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/train/);
    expect((await run(["train", "--help"])).stdout).toMatch(/--learning-rate/);
    expect((await run(["--version"])).stdout.trim()).toBe(FIXNET_VERSION);
  });

  it("keeps the version equal to package.json's", () => {
    expect(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version).toBe(FIXNET_VERSION);
  });

  it("trains, writes a model, and evaluates and describes it", async () => {
    const model = join(folder, "model.json");
    const trained = await run([...quickTrain, "-o", model]);
    expect(trained.code).toBe(0);
    expect(existsSync(model)).toBe(true);

    const evaluated = await run(["eval", model, "--data", fixtures, "--json"]);
    expect(evaluated.code).toBe(0);
    const figures = JSON.parse(evaluated.stdout);
    expect(figures.count).toBe(50);
    expect(figures.confusion).toHaveLength(10);

    const info = await run(["info", model]);
    expect(info.stdout).toMatch(/784-16-16-10/);
    expect(info.stdout).toMatch(/13,002 parameters/);
  });

  it("distils the classic preset from a freshly trained wide teacher, or from --teacher", async () => {
    const model = join(folder, "student.json");
    const result = await run(["train", "--data", fixtures, "--epochs", "2", "-o", model]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/training one with preset wide first/);
    const teacherPath = join(folder, "student.teacher.json");
    const teacher = JSON.parse(readFileSync(teacherPath, "utf8"));
    expect(teacher.architecture.layers).toEqual([784, 256, 10]);
    const student = JSON.parse(readFileSync(model, "utf8"));
    expect(student.training.teacher.source).toBe(teacherPath);
    expect(student.training.options.distillation).toEqual({ temperature: 2, weight: 0.7 });

    const reused = await run(["train", "--data", fixtures, "--epochs", "2", "--quiet", "--teacher", teacherPath, "--distill-weight", "0.5", "-o", join(folder, "again.json")]);
    expect(reused.code).toBe(0);
    expect(JSON.parse(readFileSync(join(folder, "again.json"), "utf8")).training.options.distillation.weight).toBe(0.5);
    expect(existsSync(join(folder, "again.teacher.json"))).toBe(false);

    const wrongTeacher = await run(["train", "--data", fixtures, "--quiet", "--teacher", join(folder, "bogus-teacher.json"), "-o", join(folder, "x.json")]);
    expect(wrongTeacher.code).toBe(4);
  });

  it("uses the teacher already next to the model when this run would train the same one", async () => {
    const model = join(folder, "twice.json");
    const teacherPath = join(folder, "twice.teacher.json");
    const first = await run(["train", "--data", fixtures, "--epochs", "2", "-o", model]);
    expect(first.code).toBe(0);
    const teacherText = readFileSync(teacherPath, "utf8");
    const studentText = readFileSync(model, "utf8");

    const second = await run(["train", "--data", fixtures, "--epochs", "2", "-o", model]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`using ${teacherPath}, trained with preset wide on the same data, seed and options (delete it to train it again)`);
    expect(second.stderr).not.toMatch(/training one with preset wide/);
    expect(readFileSync(teacherPath, "utf8")).toBe(teacherText);
    expect(readFileSync(model, "utf8")).toBe(studentText); // the same student, as training is deterministic

    const otherSeed = await run(["train", "--data", fixtures, "--epochs", "2", "--seed", "7", "-o", model]);
    expect(otherSeed.code).toBe(0);
    expect(otherSeed.stderr).toMatch(/training one with preset wide first \(replacing .*twice\.teacher\.json: it was trained with other options/);
    expect(JSON.parse(readFileSync(teacherPath, "utf8")).training.seed).toBe(7);

    writeFileSync(teacherPath, "{ broken");
    const broken = await run(["train", "--data", fixtures, "--epochs", "1", "--quiet", "-o", model]);
    expect(broken.code).toBe(0);
    expect(JSON.parse(readFileSync(teacherPath, "utf8")).architecture.layers).toEqual([784, 256, 10]);
  });

  it("prints epochs and the test figures when not quiet", async () => {
    const result = await run(["train", "--data", fixtures, "--epochs", "2", "--no-distill", "-o", join(folder, "loud.json")]);
    expect(result.stderr).toMatch(/epoch 1: loss/);
    expect(result.stdout).toMatch(/test accuracy: /);
    expect(result.stdout).toMatch(/true\\pred/);
  });

  const oneLineError = (result: { stderr: string }) => {
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toMatch(/^(fixnet: |error: )/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  };

  it("rejects bad options with exit code 2 and one line", async () => {
    for (const args of [
      ["train", "--epochs", "0"],
      ["train", "--layers", "784"],
      ["train", "--activation", "swish"],
      ["train", "--learning-rate", "-1"],
      ["train", "--data", fixtures, "--layers", "100,10", "--quiet", "-o", join(folder, "x.json")],
      ["frobnicate"],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(" ")).toBe(2);
      oneLineError(result);
    }
  });

  it("names a missing data folder or output folder before doing any work", async () => {
    const missingData = await run(["train", "--data", join(folder, "nowhere"), "-o", join(folder, "m.json")]);
    expect(missingData.code).toBe(4);
    expect(missingData.stderr).toMatch(/no such directory/);
    const missingOut = await run([...quickTrain, "-o", join(folder, "no", "m.json")]);
    expect(missingOut.code).toBe(4);
    expect(missingOut.stderr).toMatch(/does not exist/);
    oneLineError(missingOut);
    const aFile = join(folder, "a-file");
    writeFileSync(aFile, "");
    const fileAsFolder = await run([...quickTrain, "-o", join(aFile, "m.json")]);
    expect(fileAsFolder.code).toBe(2);
    expect(fileAsFolder.stderr).toBe(`fixnet: ${join(aFile, "m.json")}: ${aFile} is a file, not a folder; expected a path in a folder for the model file\n`);
  });

  it("refuses a file that is not a model with exit code 3", async () => {
    const bogus = join(folder, "bogus.json");
    writeFileSync(bogus, JSON.stringify({ hello: "world" }));
    for (const command of ["eval", "info"]) {
      const result = await run([command, bogus, "--data", fixtures].slice(0, command === "info" ? 2 : 4));
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/bogus.json: format: expected "fixnet-float-model"/);
      oneLineError(result);
    }
  });

  it("on Ctrl-C saves the best epoch so far and exits with 130", async () => {
    const io: Io & { stdout: string[]; stderr: string[] } = { ...bufferIo(), interrupted: () => true };
    const model = join(folder, "interrupted.json");
    const result = await run(["train", "--data", fixtures, "--epochs", "500", "--quiet", "--no-distill", "-o", model], io);
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/interrupted: saved the best epoch so far/);
    const saved = JSON.parse(readFileSync(model, "utf8"));
    expect(saved.training.interrupted).toBe(true);
    expect(readdirSync(folder).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });
});
