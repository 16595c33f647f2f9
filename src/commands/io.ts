// Where a command's output goes. The CLI passes the real terminal; tests pass buffers, so that
// commands run in-process and their output and exit codes can be checked.

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal: progress bars instead of one line per epoch. */
  interactive: boolean;
  /** Set by the CLI's SIGINT handler; long work polls it between steps. */
  interrupted(): boolean;
  /** While true, Ctrl-C asks the running work to stop cleanly (it polls interrupted());
   *  otherwise Ctrl-C quits at once. Nothing fixnet writes can be left half-written either way. */
  setGracefulStop(enabled: boolean): void;
}

export function terminalIo(): Io & { interrupt(): void; gracefulStop(): boolean } {
  let interrupted = false;
  let graceful = false;
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive: Boolean(process.stderr.isTTY),
    interrupted: () => interrupted,
    interrupt: () => { interrupted = true; },
    setGracefulStop: (enabled) => { graceful = enabled; },
    gracefulStop: () => graceful,
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
    setGracefulStop: () => {},
  };
}
