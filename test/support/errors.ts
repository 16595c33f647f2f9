// The check every bad-input test makes: the action throws one FixnetError, of the expected code,
// on one line, naming the file (or option) it is about.

import { expect } from "vitest";
import { FixnetError, type FixnetErrorCode } from "../../src/errors.ts";

/** Runs `action`, checks it throws a one-line FixnetError naming `name`, returns the message. */
export function expectFixnetError(action: () => unknown, code: FixnetErrorCode, name: string): string {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(FixnetError);
  const error = caught as FixnetError;
  expect(error.code).toBe(code);
  expect(error.message).not.toContain("\n");
  expect(error.message).toContain(name);
  return error.message;
}
