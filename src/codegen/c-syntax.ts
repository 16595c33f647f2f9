// Small pure helpers for writing C source text: identifier checks and integer array literals.
// They know nothing about models or files.

import { FixnetError } from "../errors.ts";

/** C99's keywords (and C11's, which a C99 header should not use either). */
const C_KEYWORDS = new Set([
  "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern", "float",
  "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed", "sizeof",
  "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "_Bool", "_Complex",
  "_Imaginary", "_Alignas", "_Alignof", "_Atomic", "_Generic", "_Noreturn", "_Static_assert", "_Thread_local",
]);

/** The generated identifiers are NAME plus a suffix of at most 20 characters
 *  ("_layer00_multipliers"), all with internal linkage, where C99 guarantees 63 significant
 *  characters; 31 (C99's limit for external names) leaves room for a user's own prefixes. */
export const C_NAME_MAX_LENGTH = 31;

/**
 * Checks that name can prefix the generated identifiers (NAME_model, NAME_SCRATCH_WORDS) and
 * the file name NAME_model.h: a C identifier, not a keyword, not reserved to the implementation
 * (a leading underscore) nor to the runtime (a leading "fixnet").
 * @throws FixnetError "bad-option" saying what is wrong and what would do.
 */
export function checkCName(name: string, option = "--name"): void {
  const why = cNameProblem(name);
  if (why !== null) {
    throw new FixnetError("bad-option", `${option} "${name}": ${why}; use letters, digits and underscores, starting with a letter (for example "mnist")`);
  }
}

function cNameProblem(name: string): string | null {
  if (name.length === 0) return "is empty";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    const bad = [...name].find((character) => !/[A-Za-z0-9_]/.test(character));
    return bad === undefined ? "starts with a digit, which a C identifier cannot" : `contains ${JSON.stringify(bad)}, which a C identifier cannot`;
  }
  if (name.startsWith("_")) return "starts with an underscore (reserved to the C implementation)";
  if (C_KEYWORDS.has(name)) return "is a C keyword";
  if (/^fixnet/i.test(name)) return `starts with "fixnet", which the runtime's own names use`;
  if (name.length > C_NAME_MAX_LENGTH) return `is ${name.length} characters long; at most ${C_NAME_MAX_LENGTH} keep every generated identifier portable`;
  return null;
}

/** An int32 as a C literal of the right value on every target: INT32_MIN has no literal form
 *  of type int32 (2147483648 alone is a wider type), so it is written as an expression. */
export function int32Literal(value: number): string {
  if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) throw new RangeError(`not an int32: ${value}`);
  return value === -2147483648 ? "(-2147483647 - 1)" : String(value);
}

/** The values as the body of a C array initializer, perLine to a line, each line indented. */
export function arrayBody(values: ArrayLike<number>, perLine: number, indent = "    ", literal: (value: number) => string = String): string {
  const lines: string[] = [];
  for (let start = 0; start < values.length; start += perLine) {
    const items: string[] = [];
    for (let k = start; k < Math.min(start + perLine, values.length); k++) items.push(literal(values[k]));
    lines.push(`${indent}${items.join(", ")}`);
  }
  return lines.join(",\n");
}
