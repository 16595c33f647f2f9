// Where a command's output goes. The CLI passes the real terminal; tests pass buffers, so that
// commands run in-process and their output and exit codes can be checked.

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal: progress bars instead of one line per epoch. */
  interactive: boolean;
  /** Set by the CLI's SIGINT handler; long work polls it between steps. */
  interrupted(): boolean;
}

export function terminalIo(): Io & { interrupt(): void } {
  let interrupted = false;
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive: Boolean(process.stderr.isTTY),
    interrupted: () => interrupted,
    interrupt: () => { interrupted = true; },
  };
}

export function bufferIo(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => { stdout.push(text); },
    err: (text) => { stderr.push(text); },
    interactive: false,
    interrupted: () => false,
  };
}
