// The one error type fixnet raises for problems a user can fix: bad files, bad options,
// missing tools. The CLI prints its message as one line and exits with its code; anything
// else that escapes is a bug in fixnet and keeps its stack trace.

export type FixnetErrorCode =
  | "bad-file"      // a file exists but its contents are not what was expected
  | "missing-file"  // a file or directory is not there
  | "bad-option"    // a command-line option or argument is out of range or malformed
  | "missing-tool"  // an external program (compiler, simulator, uploader) is not installed
  | "board"         // a board (or virtual board) is not connected, does not answer, or answers wrongly
  | "interrupted";  // the user pressed Ctrl-C

const exitCodes: Record<FixnetErrorCode, number> = {
  "bad-file": 3,
  "missing-file": 4,
  "bad-option": 2,
  "missing-tool": 5,
  "board": 6,
  "interrupted": 130,
};

export class FixnetError extends Error {
  readonly code: FixnetErrorCode;
  constructor(code: FixnetErrorCode, message: string) {
    super(message);
    this.name = "FixnetError";
    this.code = code;
  }
  get exitCode(): number {
    return exitCodes[this.code];
  }
}
