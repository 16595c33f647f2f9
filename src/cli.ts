// The command-line face of fixnet: builds the commands, maps errors to one line on stderr and an
// exit code, and turns Ctrl-C into a polite stop. No model math lives here.

import { Command, CommanderError } from "commander";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FixnetError } from "./errors.ts";
import { registerCodegen } from "./commands/codegen.ts";
import { registerEval } from "./commands/eval.ts";
import { registerFlash } from "./commands/flash.ts";
import { registerInfo } from "./commands/info.ts";
import { registerInspect } from "./commands/inspect.ts";
import { terminalIo, type Io } from "./commands/io.ts";
import { registerPipeline } from "./commands/pipeline.ts";
import { registerQuantize } from "./commands/quantize.ts";
import { registerReport } from "./commands/report.ts";
import { registerSize } from "./commands/size.ts";
import { registerTrain } from "./commands/train.ts";
import { FIXNET_VERSION } from "./version.ts";

export function buildProgram(io: Io): Command {
  const program = new Command()
    .name("fixnet")
    .description("Train a small neural network, quantize it to int8, and run it bit-exact on microcontrollers.")
    .version(FIXNET_VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .exitOverride();
  registerPipeline(program, io);
  registerTrain(program, io);
  registerEval(program, io);
  registerQuantize(program, io);
  registerInfo(program, io);
  registerCodegen(program, io);
  registerSize(program, io);
  registerFlash(program, io);
  registerInspect(program, io);
  registerReport(program, io);
  for (const command of program.commands) {
    command.configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) }).exitOverride().showHelpAfterError("(run with --help for usage)");
  }
  return program;
}

/** Runs one command line; returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof FixnetError) {
      io.err(`fixnet: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

async function runFromTerminal(): Promise<void> {
  // Output piped into a program that stops reading (`fixnet train | head`) is dropped quietly
  // from then on (see writerUntilClosed); the work still finishes and sets the exit code.
  const io = terminalIo();
  process.on("SIGINT", () => {
    // Outside training, or a second time: quit now (files are only ever renamed into place).
    if (!io.gracefulStop() || io.interrupted()) process.exit(130);
    io.interrupt(); // the training progress reporter announces the stop
  });
  process.exitCode = await main(process.argv.slice(2), io);
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) await runFromTerminal();
export { runFromTerminal };
