// Reads the model files an inspection is asked about: a float model, an int8 model, or one of
// each, told apart by their format field. Checks that they fit together and fit the images;
// reads nothing else.

import { FixnetError } from "../errors.ts";
import { FLOAT_MODEL_FORMAT, parseFloatModel, type FloatModel } from "../model/file.ts";
import { checkQuantizedFrom, parseQuantizedModel, QUANTIZED_MODEL_FORMAT } from "../model/quantized-file.ts";
import type { QuantizedModel } from "../model/quantized-model.ts";
import { readJsonDocument } from "../model/validate.ts";

/** The models under inspection, with the paths they came from (for captions and errors). */
export interface InspectedModels {
  float: { path: string; model: FloatModel } | null;
  int8: { path: string; model: QuantizedModel } | null;
}

const WHAT = "fixnet model file (JSON)";

/**
 * Reads one or two model files, each either a fixnet float model or a fixnet int8 model.
 * @throws FixnetError for a file that is neither, two of the same kind, or an int8 model that
 *   was not quantized from the float model (checkQuantizedFrom).
 */
export function readInspectedModels(paths: readonly string[]): InspectedModels {
  if (paths.length < 1 || paths.length > 2) {
    throw new FixnetError("bad-option", `expected one or two model files (a float model and/or its int8 model), found ${paths.length}`);
  }
  const models: InspectedModels = { float: null, int8: null };
  for (const path of paths) {
    const document = readJsonDocument(path, WHAT) as { format?: unknown } | null;
    const format = typeof document === "object" && document !== null ? document.format : undefined;
    if (format === FLOAT_MODEL_FORMAT) {
      if (models.float) throw new FixnetError("bad-option", `${path}: a second float model (already have ${models.float.path}); give a float model and its int8 model`);
      models.float = { path, model: parseFloatModel(document, path) };
    } else if (format === QUANTIZED_MODEL_FORMAT) {
      if (models.int8) throw new FixnetError("bad-option", `${path}: a second int8 model (already have ${models.int8.path}); give a float model and its int8 model`);
      models.int8 = { path, model: parseQuantizedModel(document, path) };
    } else {
      throw new FixnetError("bad-file", `${path}: not a fixnet model: expected format "${FLOAT_MODEL_FORMAT}" (fixnet train) or "${QUANTIZED_MODEL_FORMAT}" (fixnet quantize), found ${format === undefined ? "no format field" : JSON.stringify(format)}`);
    }
  }
  if (models.float && models.int8) checkQuantizedFrom(models.int8.path, models.int8.model, models.float.path, models.float.model.network);
  return models;
}

/** Layer sizes, input first, of whichever model is present. */
export function inspectedLayers(models: InspectedModels): number[] {
  if (models.float) return models.float.model.network.architecture.layers;
  if (models.int8) return models.int8.model.layers;
  throw new RangeError("no model");
}

/** The float model, or a FixnetError naming the view that needs it. */
export function requireFloat(models: InspectedModels, view: string): { path: string; model: FloatModel } {
  if (models.float) return models.float;
  throw new FixnetError("bad-option", `${models.int8?.path ?? "MODEL"}: an int8 model; ${view} needs the float model it was quantized from (fixnet train's output, e.g. out/model.json)`);
}

/** Checks that images of rows × cols pixels fit the models' input layer. */
export function checkImageSize(models: InspectedModels, rows: number, cols: number): void {
  const inputs = inspectedLayers(models)[0];
  if (inputs !== rows * cols) {
    const path = models.float?.path ?? models.int8!.path;
    throw new FixnetError("bad-option", `${path}: the model takes ${inputs} inputs but the test images have ${rows}x${cols} = ${rows * cols} pixels (--data points at a different dataset?)`);
  }
}
