// The CLI run in this process, as a test sees it: its exit code and everything it printed.

import { main } from "../../src/cli.ts";
import { bufferIo } from "../../src/commands/io.ts";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `fixnet ...args` through main() with buffered output. */
export async function runCli(args: string[]): Promise<CliRun> {
  const io = bufferIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout.join(""), stderr: io.stderr.join("") };
}
