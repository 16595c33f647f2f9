// Reads and writes IDX files (the MNIST container: a small header, then one flat array), with
// .gz read transparently. Only unsigned-byte data is supported; it knows nothing about MNIST.

import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
// binary-parser's "exports" map sends `import` to an ESM build that ships no .d.mts, so
// TypeScript cannot see its types; its CommonJS build (allowed by the "./*" export) has them.
import { Parser } from "binary-parser/dist/binary_parser.js";
import { FixnetError } from "../errors.ts";

/** IDX data type byte → description, from the format's definition (Y. LeCun's MNIST page). */
export const IDX_DATA_TYPES = {
  0x08: "unsigned byte",
  0x09: "signed byte",
  0x0b: "int16",
  0x0c: "int32",
  0x0d: "float32",
  0x0e: "float64",
} as const;

/** The one data type fixnet reads and writes. */
export const IDX_UNSIGNED_BYTE = 0x08;

/** IDX files store the rank in one byte. */
const MAX_RANK = 255;

/** Bytes before the dimensions: magic (2), data type (1), rank (1). */
const PREFIX_LENGTH = 4;

/** A decoded IDX file: the dimensions, outermost first, and the row-major elements. */
export interface IdxArray {
  dimensions: number[];
  /** product(dimensions) unsigned bytes. */
  data: Uint8Array;
}

interface IdxPrefix {
  /** Always 0x0000 in a valid file. */
  magic: number;
  dataType: number;
  rank: number;
}

interface IdxHeader extends IdxPrefix {
  /** rank sizes, big-endian uint32 in the file. */
  dimensions: number[];
}

const prefixParser = new Parser()
  .uint16be("magic")
  .uint8("dataType")
  .uint8("rank");

const headerParser = new Parser()
  .uint16be("magic")
  .uint8("dataType")
  .uint8("rank")
  .array("dimensions", { type: "uint32be", length: "rank" });

function badFile(name: string, message: string): FixnetError {
  return new FixnetError("bad-file", `${name}: ${message}`);
}

/** The first `count` bytes as one hex number, for "found 0x…" messages. */
function hexPrefix(bytes: Uint8Array, count: number): string {
  const shown = Array.from(bytes.subarray(0, count), (byte) => byte.toString(16).padStart(2, "0"));
  return "0x" + shown.join("");
}

function describeDataType(dataType: number): string {
  const hex = "0x" + dataType.toString(16).padStart(2, "0").toUpperCase();
  const description = (IDX_DATA_TYPES as Record<number, string>)[dataType];
  return description === undefined ? `${hex} (not an IDX data type)` : `${hex} (${description})`;
}

/**
 * Decodes an IDX file held in memory. `name` is used only in error messages.
 * The returned `data` is a view into `bytes`, not a copy.
 * @throws FixnetError "bad-file" for any malformed, truncated or unsupported file.
 */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length === 0) {
    throw badFile(name, "expected an IDX file, found an empty file (0 bytes)");
  }
  if (bytes.length < PREFIX_LENGTH) {
    throw badFile(
      name,
      `expected at least a ${PREFIX_LENGTH}-byte IDX header, found ${bytes.length} bytes (the file is truncated)`,
    );
  }
  const prefix = prefixParser.parse(bytes) as IdxPrefix;
  if (prefix.magic !== 0) {
    const gzipHint =
      bytes[0] === 0x1f && bytes[1] === 0x8b
        ? " (a gzip file? it is read as .gz only when the name ends in .gz)"
        : "";
    throw badFile(
      name,
      `expected IDX magic 0x0000 then type and rank, found ${hexPrefix(bytes, 4)}${gzipHint}`,
    );
  }
  if (prefix.dataType !== IDX_UNSIGNED_BYTE) {
    throw badFile(
      name,
      `unsupported data type ${describeDataType(prefix.dataType)}; fixnet reads only 0x08 (unsigned byte) IDX files`,
    );
  }
  if (prefix.rank === 0) {
    throw badFile(name, "expected at least one dimension, found rank 0");
  }
  const headerLength = PREFIX_LENGTH + 4 * prefix.rank;
  if (bytes.length < headerLength) {
    throw badFile(
      name,
      `expected a ${headerLength}-byte header for rank ${prefix.rank}, found ${bytes.length} bytes (the file is truncated)`,
    );
  }
  const header = headerParser.parse(bytes) as IdxHeader;
  const shape = header.dimensions.join("x");
  // Each dimension is below 2^32, so the product is exact until it passes 2^53; a file that
  // large is rejected below either way.
  const dataLength = header.dimensions.reduce((product, size) => product * size, 1);
  const found = bytes.length - headerLength;
  if (found < dataLength) {
    throw badFile(
      name,
      `expected ${dataLength} data bytes (${shape}) after the ${headerLength}-byte header, found ${found} (the file is truncated; fetch it again)`,
    );
  }
  if (found > dataLength) {
    throw badFile(
      name,
      `expected ${dataLength} data bytes (${shape}) after the ${headerLength}-byte header, found ${found}: ${found - dataLength} bytes of trailing data (a wrong header, or files joined together?)`,
    );
  }
  return {
    dimensions: header.dimensions,
    data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerLength, dataLength),
  };
}

/**
 * Reads an IDX file from disk, gunzipping it first when the path ends in ".gz".
 * @throws FixnetError "missing-file" when the path does not exist, "bad-file" otherwise.
 */
export function readIdxFile(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new FixnetError("missing-file", `${path}: no such file`);
    if (code === "EISDIR") throw badFile(path, "expected an IDX file, found a directory");
    throw badFile(path, `cannot be read: ${(error as Error).message}`);
  }
  if (path.endsWith(".gz")) {
    if (bytes.length > 0 && !(bytes[0] === 0x1f && bytes[1] === 0x8b)) {
      throw badFile(
        path,
        `expected gzip magic 0x1f8b because the name ends in .gz, found ${hexPrefix(bytes, 2)} (if it is a plain IDX file, drop the .gz from its name)`,
      );
    }
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      // zlib's message ("unexpected end of file", "incorrect header check") is one line.
      throw badFile(
        path,
        `expected gzip data because the name ends in .gz, but gunzip failed: ${(error as Error).message} (the file is damaged or truncated; fetch it again)`,
      );
    }
  }
  return parseIdx(bytes, path);
}

/**
 * Encodes an unsigned-byte IDX file. `data` holds product(dimensions) bytes, row-major.
 * @throws RangeError when the dimensions do not fit IDX or do not match `data.length`;
 *   that is a bug in the caller, not a user mistake.
 */
export function writeIdx(dimensions: readonly number[], data: Uint8Array): Uint8Array {
  if (dimensions.length < 1 || dimensions.length > MAX_RANK) {
    throw new RangeError(`writeIdx: expected 1..${MAX_RANK} dimensions, got ${dimensions.length}`);
  }
  for (const size of dimensions) {
    if (!Number.isInteger(size) || size < 0 || size > 0xffffffff) {
      throw new RangeError(`writeIdx: dimension ${size} is not an unsigned 32-bit integer`);
    }
  }
  const dataLength = dimensions.reduce((product, size) => product * size, 1);
  if (dataLength !== data.length) {
    throw new RangeError(
      `writeIdx: dimensions ${dimensions.join("x")} need ${dataLength} bytes, got ${data.length}`,
    );
  }
  const headerLength = PREFIX_LENGTH + 4 * dimensions.length;
  const bytes = new Uint8Array(headerLength + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0);
  view.setUint8(2, IDX_UNSIGNED_BYTE);
  view.setUint8(3, dimensions.length);
  dimensions.forEach((size, index) => view.setUint32(PREFIX_LENGTH + 4 * index, size, false));
  bytes.set(data, headerLength);
  return bytes;
}
