// Espruino figures (npm run bench:espruino [FLOAT_MODEL]): quantizes a float model (the one
// given, or the classic 784-16-16-10 trained here for 5 epochs), generates its Espruino module,
// and measures on the Linux Espruino interpreter (ESPRUINO_BIN): milliseconds per inference with
// E.convolve and with plain loops (every logit checked against the emulator), the interpreter's
// variables the loaded module takes, the module's size (code + weights), and the upload time over
// TCP to `espruino --telnet`. Benchmark-only; nothing in src/ imports it.

import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateEspruinoFiles } from "../src/codegen/espruino.ts";
import { compactJavaScript } from "../src/codegen/js-syntax.ts";
import { loadDataset } from "../src/data/mnist.ts";
import { DEFAULT_ESPRUINO_BAUD, runEspruinoStep } from "../src/flash/espruino.ts";
import { findEspruinoInterpreter, runEspruinoScript, startEspruinoTelnet } from "../src/flash/espruino-linux.ts";
import { checkEspruino, prepareEspruino } from "../src/flash/flash.ts";
import { firstMismatch } from "../src/flash/measure.ts";
import type { FloatModel } from "../src/model/file.ts";
import { emulateBatch } from "../src/quantize/emulator.ts";
import { quantizeFloatModel } from "../src/quantize/pipeline.ts";
import { quickFloatModel } from "./quick-model.ts";

const CONVOLVE_IMAGES = 500;
const PLAIN_IMAGES = 50;
const CHECK_IMAGES = 20;

const interpreter = findEspruinoInterpreter();
if (!interpreter) {
  console.error("set ESPRUINO_BIN to the Espruino Linux interpreter (../shared/tools/espruino/espruino)");
  process.exit(5);
}
const modelPath = process.argv[2];
const dataset = loadDataset();

const floatModel = (): Promise<FloatModel> => quickFloatModel(dataset, modelPath);

const { model, verification } = quantizeFloatModel(await floatModel(), dataset, { source: modelPath ?? "trained network" });
const classes = model.layers[model.layers.length - 1];
const inputs = model.layers[0];
console.log(`${model.layers.join("-")} ${model.hiddenActivation}: int8 test accuracy ${(100 * verification!.int8.accuracy).toFixed(2)}% (reference emulator)`);

const folder = mkdtempSync(join(tmpdir(), "fixnet-bench-espruino-"));
try {
  // Sizes: the module as uploaded, and the weights file for Storage.
  const files = generateEspruinoFiles(model, "mnist", { inline: false }, null, null);
  const inlineFiles = generateEspruinoFiles(model, "mnist", { inline: true }, null, null);
  const moduleBytes = (files[0].data as string).length;
  const weightBytes = (files[1].data as Uint8Array).length;
  const compactBytes = compactJavaScript(files[0].data as string).length;
  console.log(`module: ${moduleBytes.toLocaleString("en-US")} bytes of code (${compactBytes.toLocaleString("en-US")} without comments, as uploaded) + ${weightBytes.toLocaleString("en-US")} bytes of weights (Storage) = ` +
    `${(moduleBytes + weightBytes).toLocaleString("en-US")} bytes (${(compactBytes + weightBytes).toLocaleString("en-US")} uploaded); with inlined weights one file of ${(inlineFiles[0].data as string).length.toLocaleString("en-US")} bytes ` +
    `(${compactJavaScript(inlineFiles[0].data as string).length.toLocaleString("en-US")} uploaded)`);

  // Time per inference on the interpreter (espruino --test), each predict timed with getTime(),
  // with the weights in RAM (inlined) and in Storage. The Linux build keeps Storage in a file
  // (espruino.flash) and reads it through its flash emulation, so Storage-backed weights are much
  // slower here than on a board, where flash is memory-mapped.
  const images = dataset.test.images.subarray(0, CONVOLVE_IMAGES * inputs);
  const expected = emulateBatch(model, images, CONVOLVE_IMAGES);
  writeFileSync(join(folder, "images.bin"), images);
  writeFileSync(join(folder, "mnist.bin"), files[1].data);
  // The module as fixnet flash sends it: without comments.
  const runs = [["weights in RAM (inlined)", inlineFiles[0].data as string], ["weights in Storage (the Linux build's emulated flash)", files[0].data as string]] as const;
  for (const [where, moduleText] of runs.map(([label, text]) => [label, compactJavaScript(text)] as const)) {
    const script = [
      `var fs = require("fs");`,
      `require("Storage").write("mnist.bin", fs.readFileSync("mnist.bin"));`,
      `var before = process.memory().usage;`,
      moduleText,
      `print("V " + (process.memory().usage - before) + " " + process.memory().blocksize);`,
      `var images = fs.readFileSync("images.bin");`,
      `function run(tag, count) {`,
      `  for (var n = 0; n < count; n++) {`,
      `    var pixels = new Uint8Array(E.toArrayBuffer(images.substr(n * ${inputs}, ${inputs})));`,
      `    var start = getTime();`,
      `    var result = mnist.predict(pixels);`,
      `    var ms = (getTime() - start) * 1000;`,
      `    print(tag + " " + ms.toFixed(4) + " " + result.logits.join(" "));`,
      `  }`,
      `}`,
      `run("C", ${CONVOLVE_IMAGES});`,
      `mnist.convolve = false;`,
      `run("P", ${PLAIN_IMAGES});`,
      `result = true;`,
    ].join("\n");
    writeFileSync(join(folder, "bench.js"), script);
    const run = runEspruinoScript(interpreter, "bench.js", folder, 600);
    if (!run.passed) throw new Error(`the benchmark script failed:\n${run.stdout.slice(-2000)}`);
    const lines = (tag: string) => run.stdout.split("\n").filter((line) => line.startsWith(`${tag} `)).map((line) => line.split(" ").slice(1).map(Number));
    console.log(`${where}:`);
    for (const [tag, count, what] of [["C", CONVOLVE_IMAGES, "E.convolve"], ["P", PLAIN_IMAGES, "plain loops"]] as const) {
      const rows = lines(tag);
      const logits = Int8Array.from(rows.flatMap((row) => row.slice(1)));
      const mismatch = firstMismatch(expected.subarray(0, count * classes), logits, classes);
      const ms = rows.map((row) => row[0]).sort((a, b) => a - b);
      const mean = ms.reduce((sum, value) => sum + value, 0) / ms.length;
      console.log(`  ${what}: ${mean.toFixed(2)} ms per inference (median ${ms[Math.floor(ms.length / 2)].toFixed(2)}, min ${ms[0].toFixed(2)}) over ${count} test images; ` +
        (mismatch === null ? "all logits equal the emulator's" : `NOT bit-exact: ${mismatch}`));
    }
    const [[variables, blockSize]] = lines("V");
    console.log(`  RAM: the loaded module takes ${variables} interpreter variables (${(variables * blockSize).toLocaleString("en-US")} bytes at this build's ${blockSize} bytes per variable)`);
  }

  // Upload over TCP to espruino --telnet, as fixnet flash does it, then the on-board check.
  const check = { images: dataset.test.images, labels: dataset.test.labels, count: CHECK_IMAGES };
  for (const [label, inline, config] of [["weights to Storage, module to RAM", false, []], ["weights inlined, module to RAM", true, []], ["weights to Storage, module saved (SAVE_ON_SEND=1)", false, ["SAVE_ON_SEND=1"]]] as const) {
    // The Linux interpreter sometimes dies on fast input (SIGSEGV): a run it did not survive is
    // done again on a fresh one, at most three times in all, and says so.
    for (let attempt = 1; ; attempt++) {
      const board = await startEspruinoTelnet(interpreter);
      try {
        const options = { port: board.url, baud: DEFAULT_ESPRUINO_BAUD, name: "mnist", inline, config: [...config] };
        const plan = prepareEspruino(model, join(folder, `upload-${label.length}`), options, null, null);
        const uploadBytes = statSync(plan.files.find((file) => file.endsWith("-upload.js"))!).size + plan.weightsBytes;
        let seconds = 0;
        let attempts = 0;
        for (const step of plan.steps) {
          const upload = await runEspruinoStep(step, board.url, 120);
          seconds += upload.seconds;
          attempts += upload.attempts - 1;
        }
        const checked = await checkEspruino(model, board.url, options.baud, "mnist", check, 60);
        console.log(`upload over TCP (${label}, ${uploadBytes.toLocaleString("en-US")} bytes): ${seconds.toFixed(1)} s${attempts ? ` (the last of ${attempts + 1} attempts: input overflow)` : ""}; on-board check: ${checked.check.exact} of ${checked.check.images} exact, ` +
          `${checked.milliseconds.mean.toFixed(2)} ms per inference through the REPL`);
        break;
      } catch (error) {
        const died = board.process.exitCode !== null || board.process.signalCode !== null;
        if (!died || attempt === 3) throw error;
        console.warn(`  (the interpreter died, ${board.process.signalCode ?? `exit ${board.process.exitCode}`}, during the upload "${label}"; again on a fresh one)`);
      } finally {
        await board.stop();
        rmSync(board.folder, { recursive: true, force: true });
      }
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
