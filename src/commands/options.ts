// Parsers for command-line option values: each rejects a bad value with a message that says
// what was expected, which commander prints as one line with the option's name.

import { InvalidArgumentError } from "commander";

export function integerIn(min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^-?\d+$/.test(text.trim()) || value < min || value > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, found "${text}".`);
    }
    return value;
  };
}

export function numberIn(min: number, max: number, { exclusiveMin = false } = {}): (text: string) => number {
  return (text) => {
    const value = Number(text);
    const tooSmall = exclusiveMin ? value <= min : value < min;
    if (text.trim() === "" || !Number.isFinite(value) || tooSmall || value > max) {
      throw new InvalidArgumentError(`expected a number ${exclusiveMin ? "above" : "from"} ${min}${exclusiveMin ? " and up" : ""} to ${max}, found "${text}".`);
    }
    return value;
  };
}

export function oneOf<T extends string>(choices: readonly T[]): (text: string) => T {
  return (text) => {
    if (!(choices as readonly string[]).includes(text)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(", ")}, found "${text}".`);
    }
    return text as T;
  };
}

/** "784,16,16,10" → [784, 16, 16, 10]: at least input and output, each 1..65536. */
export function layerList(text: string): number[] {
  const parts = text.split(",").map((part) => part.trim());
  const sizes = parts.map(Number);
  if (parts.length < 2 || sizes.some((size, i) => !/^\d+$/.test(parts[i]) || size < 1 || size > 65536)) {
    throw new InvalidArgumentError(`expected comma-separated layer sizes such as 784,16,16,10 (input first, at least two), found "${text}".`);
  }
  return sizes;
}
