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

/**
 * A writer for stdout or stderr that goes silent once the reader has closed its end (EPIPE, as
 * in `fixnet train | head`): the work goes on, writes its files and sets the exit code; only the
 * rest of the text is lost. Any other stream error is a bug and is raised.
 */
export function writerUntilClosed(stream: NodeJS.WriteStream): (text: string) => void {
  let open = true;
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    open = false;
  });
  return (text) => {
    if (open && !stream.destroyed) stream.write(text);
  };
}

export function terminalIo(): Io & { interrupt(): void; gracefulStop(): boolean } {
  let interrupted = false;
  let graceful = false;
  return {
    out: writerUntilClosed(process.stdout),
    err: writerUntilClosed(process.stderr),
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
