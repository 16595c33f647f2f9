// Tests the IDX reader and writer on hand-built bytes: round trips, .gz, and every malformed
// case. It does not read MNIST (see mnist.test.ts).

import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { parseIdx, readIdxFile, writeIdx } from "../../src/data/idx.ts";
import { expectFixnetError } from "../support/errors.ts";

const temporaryDir = mkdtempSync(join(tmpdir(), "fixnet-idx-"));
afterAll(() => rmSync(temporaryDir, { recursive: true, force: true }));

function writeTemporary(name: string, bytes: Uint8Array): string {
  const path = join(temporaryDir, name);
  writeFileSync(path, bytes);
  return path;
}


/** 2 images of 2x3 pixels, values 0..11. */
const smallData = Uint8Array.from({ length: 12 }, (_, index) => index);
const smallFile = writeIdx([2, 2, 3], smallData);

describe("writeIdx", () => {
  it("writes the header bytes the IDX format defines", () => {
    expect(Array.from(smallFile.subarray(0, 16))).toEqual([
      0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3,
    ]);
    expect(Array.from(smallFile.subarray(16))).toEqual(Array.from(smallData));
  });

  it("rejects dimensions that do not match the data", () => {
    expect(() => writeIdx([2, 2], smallData)).toThrow(RangeError);
    expect(() => writeIdx([], new Uint8Array(0))).toThrow(RangeError);
    expect(() => writeIdx([1.5], new Uint8Array(1))).toThrow(RangeError);
  });
});

describe("parseIdx", () => {
  it("round-trips any rank", () => {
    for (const dimensions of [[5], [2, 6], [2, 2, 3], [1, 2, 1, 3, 2]]) {
      const length = dimensions.reduce((product, size) => product * size, 1);
      const data = Uint8Array.from({ length }, (_, index) => (index * 37) & 0xff);
      const parsed = parseIdx(writeIdx(dimensions, data), "round-trip");
      expect(parsed.dimensions).toEqual(dimensions);
      expect(Array.from(parsed.data)).toEqual(Array.from(data));
    }
  });

  it("accepts a zero-sized dimension", () => {
    const parsed = parseIdx(writeIdx([0, 28, 28], new Uint8Array(0)), "empty-set");
    expect(parsed.dimensions).toEqual([0, 28, 28]);
    expect(parsed.data.length).toBe(0);
  });

  it("returns a view, not a copy, and respects the input's byte offset", () => {
    const padded = new Uint8Array(smallFile.length + 8);
    padded.set(smallFile, 5);
    const parsed = parseIdx(padded.subarray(5, 5 + smallFile.length), "offset");
    expect(parsed.dimensions).toEqual([2, 2, 3]);
    expect(Array.from(parsed.data)).toEqual(Array.from(smallData));
    expect(parsed.data.buffer).toBe(padded.buffer);
  });

  it("rejects an empty file", () => {
    const message = expectFixnetError(() => parseIdx(new Uint8Array(0), "empty-file"), "bad-file", "empty-file");
    expect(message).toMatch(/empty file/);
  });

  it("rejects a wrong magic, hinting at gzip", () => {
    const gzipped = gzipSync(smallFile);
    const message = expectFixnetError(() => parseIdx(gzipped, "train-images-idx3-ubyte"), "bad-file", "train-images-idx3-ubyte");
    expect(message).toMatch(/expected IDX magic 0x0000.*found 0x1f8b/);
    expect(message).toMatch(/gzip/);
  });

  it("rejects a wrong magic that is not gzip", () => {
    const bytes = smallFile.slice();
    bytes[1] = 0x01;
    const message = expectFixnetError(() => parseIdx(bytes, "odd-magic"), "bad-file", "odd-magic");
    expect(message).toMatch(/found 0x00010803/);
    expect(message).not.toMatch(/gzip/);
  });

  it("names each unsupported data type", () => {
    const types: [number, string][] = [
      [0x09, "0x09 (signed byte)"],
      [0x0b, "0x0B (int16)"],
      [0x0c, "0x0C (int32)"],
      [0x0d, "0x0D (float32)"],
      [0x0e, "0x0E (float64)"],
      [0x05, "0x05 (not an IDX data type)"],
    ];
    for (const [dataType, described] of types) {
      const bytes = smallFile.slice();
      bytes[2] = dataType;
      const message = expectFixnetError(() => parseIdx(bytes, "typed"), "bad-file", "typed");
      expect(message).toContain(`unsupported data type ${described}`);
    }
  });

  it("rejects zero dimensions", () => {
    const message = expectFixnetError(() => parseIdx(Uint8Array.of(0, 0, 8, 0), "rank-zero"), "bad-file", "rank-zero");
    expect(message).toMatch(/rank 0/);
  });

  it("rejects a truncated prefix", () => {
    const message = expectFixnetError(() => parseIdx(smallFile.subarray(0, 3), "short"), "bad-file", "short");
    expect(message).toMatch(/found 3 bytes.*truncated/);
  });

  it("rejects a truncated header", () => {
    const message = expectFixnetError(() => parseIdx(smallFile.subarray(0, 10), "short-header"), "bad-file", "short-header");
    expect(message).toMatch(/expected a 16-byte header for rank 3, found 10 bytes/);
  });

  it("rejects truncated data, saying how many bytes", () => {
    const message = expectFixnetError(() => parseIdx(smallFile.subarray(0, 16 + 7), "short-data"), "bad-file", "short-data");
    expect(message).toMatch(/expected 12 data bytes \(2x2x3\).*found 7.*truncated/);
  });

  it("rejects trailing bytes, saying how many", () => {
    const longer = new Uint8Array(smallFile.length + 4);
    longer.set(smallFile);
    const message = expectFixnetError(() => parseIdx(longer, "long-data"), "bad-file", "long-data");
    expect(message).toMatch(/expected 12 data bytes.*found 16: 4 bytes of trailing data/);
  });
});

describe("readIdxFile", () => {
  it("reads a plain file", () => {
    const path = writeTemporary("plain-idx3-ubyte", smallFile);
    const parsed = readIdxFile(path);
    expect(parsed.dimensions).toEqual([2, 2, 3]);
    expect(Array.from(parsed.data)).toEqual(Array.from(smallData));
  });

  it("gunzips a file whose name ends in .gz", () => {
    const path = writeTemporary("zipped-idx3-ubyte.gz", gzipSync(smallFile));
    const parsed = readIdxFile(path);
    expect(parsed.dimensions).toEqual([2, 2, 3]);
    expect(Array.from(parsed.data)).toEqual(Array.from(smallData));
  });

  it("reads a gzip file without .gz as IDX and says why it fails", () => {
    const path = writeTemporary("unnamed-gzip-idx3-ubyte", gzipSync(smallFile));
    const message = expectFixnetError(() => readIdxFile(path), "bad-file", path);
    expect(message).toMatch(/read as \.gz only when the name ends in \.gz/);
  });

  it("rejects a damaged .gz in one line", () => {
    const zipped = gzipSync(writeIdx([50, 20], new Uint8Array(1000).fill(7)));
    const truncated = writeTemporary("truncated-idx2-ubyte.gz", zipped.subarray(0, zipped.length - 12));
    const truncatedMessage = expectFixnetError(() => readIdxFile(truncated), "bad-file", truncated);
    expect(truncatedMessage).toMatch(/gunzip failed/);

    const corrupted = zipped.slice();
    corrupted[3] = 0xff; // reserved flag bits, which gunzip must refuse
    const corruptedPath = writeTemporary("corrupted-idx2-ubyte.gz", corrupted);
    expect(expectFixnetError(() => readIdxFile(corruptedPath), "bad-file", corruptedPath)).toMatch(/gunzip failed/);
  });

  it("rejects a plain IDX file named .gz, suggesting the fix", () => {
    const path = writeTemporary("not-zipped-idx3-ubyte.gz", smallFile);
    const message = expectFixnetError(() => readIdxFile(path), "bad-file", path);
    expect(message).toMatch(/expected gzip magic 0x1f8b.*found 0x0000.*drop the \.gz/);
  });

  it("rejects an empty file", () => {
    const path = writeTemporary("empty-idx1-ubyte", new Uint8Array(0));
    expect(expectFixnetError(() => readIdxFile(path), "bad-file", path)).toMatch(/empty file/);
  });

  it("reports a missing file and a directory", () => {
    const missing = join(temporaryDir, "no-such-file");
    expectFixnetError(() => readIdxFile(missing), "missing-file", missing);
    const directory = join(temporaryDir, "a-directory");
    mkdirSync(directory);
    expectFixnetError(() => readIdxFile(directory), "bad-file", directory);
  });
});
