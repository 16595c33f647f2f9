/* fixnet runtime for Espruino: runs a fixnet int8 model (TFLite int8, double rounding) and gives
 * the same int8 logits as fixnet's reference emulator, bit for bit. Hand-written; `fixnet codegen
 * --target espruino` copies it into every module, and the generated part that follows it only
 * describes the model (sizes, integers, where the weights are). Dense layers only; it trains
 * nothing and checks no model contracts (fixnet checked them when it wrote the module).
 *
 * Numbers: Espruino numbers are doubles (integers that fit 32 bits are stored as ints, and a
 * product that leaves that range becomes a double). Every value here is an integer of magnitude
 * below 2^53, so all of the arithmetic is exact; the one 62-bit product of TFLite's
 * requantization is split in two (fixnetRequantize). Plain ES5, no allocation per layer.
 *
 * Espruino runs functions from their source text, so comments stay outside function bodies
 * (inside, they cost time at every call) and hot functions read their arrays into locals first. */

/* The module layout this runtime reads (FIXNET_ESPRUINO_FORMAT in src/codegen/espruino.ts). */
var FIXNET_ESPRUINO_FORMAT = 1;

/* TFLite MultiplyByQuantizedMultiplier (double rounding), exactly, in doubles:
 *   RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, multiplier), rightShift)
 * x:           the accumulator times 2^max(shift, 0): an int32 (the model's contract).
 * multiplier:  multiplierHigh * 65536 + multiplierLow, 0 or in [2^30, 2^31 - 1], so
 *              multiplierHigh in [0, 32767] and multiplierLow in [0, 65535].
 * divisor:     2^rightShift with rightShift = max(-shift, 0) in [0, 31];
 * half:        floor((divisor - 1) / 2), RoundingDivideByPOT's threshold for x >= 0.
 * The high multiply is round(x * multiplier / 2^31) with ties toward +infinity, which for every
 * int32 x is floor((x * multiplier + 2^30) / 2^31) (gemmlowp's nudge and truncating division);
 * x * multiplier reaches 2^62, so it is formed as x * multiplierHigh * 2^16 + x * multiplierLow,
 * each part below 2^47 (low below 2^47 + 2^30, high an int32), and divided down in two exact
 * steps. The shift then rounds to nearest with ties away from zero, as RoundingDivideByPOT's
 * mask and threshold do: quotient is high >> rightShift, remainder is high & mask. */
function fixnetRequantize(x, multiplierHigh, multiplierLow, divisor, half) {
  var low = x * multiplierLow + 1073741824;
  var high = Math.floor((x * multiplierHigh + Math.floor(low / 65536)) / 32768);
  var quotient = Math.floor(high / divisor);
  var remainder = high - quotient * divisor;
  return quotient + (remainder > half + (high < 0 ? 1 : 0) ? 1 : 0);
}

/* 2^exponent for exponent in [0, 31], exactly (Espruino's Math.pow is not exact: it gives
 * 1073741823.999999 for 2^30). */
function fixnetPowerOfTwo(exponent) {
  var power = 1;
  for (var k = 0; k < exponent; k++) power *= 2;
  return power;
}

/* fixnetRequantize's constants for a multiplier and shift of the model (computed once, at load):
 * { leftScale: 2^max(shift, 0), multiplierHigh, multiplierLow, divisor, half }. */
function fixnetRequantizeConstants(multiplier, shift) {
  var multiplierHigh = Math.floor(multiplier / 65536);
  var divisor = fixnetPowerOfTwo(shift > 0 ? 0 : -shift);
  return {
    leftScale: fixnetPowerOfTwo(shift > 0 ? shift : 0),
    multiplierHigh: multiplierHigh,
    multiplierLow: multiplier - multiplierHigh * 65536,
    divisor: divisor,
    half: Math.floor((divisor - 1) / 2)
  };
}

/* The sum of row[i] * input[i] over i < inputs: the plain loop, for builds without E.convolve and as
 * the reference that the fast path is tested against. */
function fixnetDotLoop(row, input, inputs) {
  var sum = 0;
  for (var i = 0; i < inputs; i++) sum += row[i] * input[i];
  return sum;
}

/* One dense layer. input: [inputs] values x - inputZeroPoint (for layer 0, the raw pixels);
 * output: [outputs] the int8 result plus outputOffset (minus the next layer's input zero point,
 * so that the next layer reads x - zeroPoint directly; 0 for the logits). The sums are exact:
 * E.convolve adds in a double, and every partial sum is an int32 (the model's contract). */
function fixnetDense(layer, input, output, outputOffset, convolve) {
  var inputs = layer.inputs, rows = layer.rows, bias = layer.bias, leftScale = layer.leftScale;
  var multiplierHigh = layer.multiplierHigh, multiplierLow = layer.multiplierLow, divisor = layer.divisor, half = layer.half;
  var zeroPoint = layer.outputZeroPoint, clampMin = layer.clampMin, clampMax = layer.clampMax, table = layer.table;
  for (var j = 0; j < layer.outputs; j++) {
    var acc = bias[j] + (convolve ? E.convolve(rows[j], input, 0) : fixnetDotLoop(rows[j], input, inputs));
    var v = fixnetRequantize(acc * leftScale[j], multiplierHigh[j], multiplierLow[j], divisor[j], half[j]) + zeroPoint;
    if (v < clampMin) v = clampMin;
    else if (v > clampMax) v = clampMax;
    if (table !== null) v = table[v + 128];
    output[j] = v + outputOffset;
  }
}

/* The weights: a Storage file, read in place from flash on boards whose flash is memory mapped
 * (so they cost almost no RAM), or base64 inlined in the module. Length and CRC-32 are checked,
 * so that weights left over from another model are refused rather than used.
 * Returns { buffer, storage }: the bytes and the Storage file's name (undefined when inlined). */
function fixnetWeightBytes(source) {
  var buffer;
  if (source.storage !== undefined) {
    buffer = require("Storage").readArrayBuffer(source.storage);
    if (buffer === undefined) throw new Error("fixnet: no Storage file \"" + source.storage + "\" (upload it with the module: fixnet flash does)");
  } else {
    buffer = E.toArrayBuffer(atob(source.base64));
  }
  var name = source.storage !== undefined ? "Storage file \"" + source.storage + "\"" : "inlined weights";
  if (buffer.byteLength !== source.bytes) throw new Error("fixnet: " + name + " holds " + buffer.byteLength + " bytes, expected " + source.bytes + " (from another model? upload it again)");
  if (typeof E.CRC32 === "function" && E.CRC32(buffer) !== source.crc32) throw new Error("fixnet: " + name + " has CRC-32 " + E.CRC32(buffer) + ", expected " + source.crc32 + " (from another model? upload it again)");
  return { buffer: buffer, storage: source.storage };
}

/* length int8 weights from byte offset on. Espruino's typed arrays take byte offsets up to 65535
 * only, so further into a Storage file the part is read on its own (still in place in flash);
 * fixnet inlines no more than 64 KB, so inlined weights always take the first way. */
function fixnetWeightView(weights, offset, length) {
  if (offset <= 65535) return new Int8Array(weights.buffer, offset, length);
  return new Int8Array(E.toArrayBuffer(require("Storage").read(weights.storage, offset, length)));
}

/* A layer of the model description, ready to run: a typed-array view of each output's row of
 * weights ([outputs][inputs] in the file) and the requantization constants of fixnetRequantize. */
function fixnetPrepareLayer(description, weights) {
  var inputs = description.inputs;
  var outputs = description.outputs;
  var layer = {
    inputs: inputs,
    outputs: outputs,
    rows: [],
    bias: new Int32Array(description.bias),
    leftScale: new Int32Array(outputs),
    multiplierHigh: new Int32Array(outputs),
    multiplierLow: new Int32Array(outputs),
    divisor: new Float64Array(outputs), /* up to 2^31, beyond Int32Array */
    half: new Int32Array(outputs),
    outputZeroPoint: description.outputZeroPoint,
    clampMin: description.clampMin,
    clampMax: description.clampMax,
    table: description.table < 0 ? null : fixnetWeightView(weights, description.table, 256)
  };
  for (var j = 0; j < outputs; j++) {
    var constants = fixnetRequantizeConstants(description.multipliers[j], description.shifts[j]);
    layer.rows.push(fixnetWeightView(weights, description.weights + j * inputs, inputs));
    layer.leftScale[j] = constants.leftScale;
    layer.multiplierHigh[j] = constants.multiplierHigh;
    layer.multiplierLow[j] = constants.multiplierLow;
    layer.divisor[j] = constants.divisor;
    layer.half[j] = constants.half;
  }
  return layer;
}

/* The network of a generated module description: { name, inputs, classes, convolve, predict }.
 * predict(pixels): pixels are the inputs * 8-bit pixels (0 = background), a Uint8Array or an
 * array of integers 0..255 (anything else is clamped and rounded like Uint8ClampedArray).
 * Returns { digit, logits }: the int8 logits (an Int8Array of classes) and the index of the
 * largest, ties to the lowest. convolve: use E.convolve (true when the build has it); set it to
 * false for the plain loop. Layer 0 reads the pixels as they are (x - (-128) = the pixel); each
 * hidden layer writes x - zeroPoint of the next layer, in [-255, 255], into its own Int16Array. */
function fixnetLoad(model) {
  if (model.format !== FIXNET_ESPRUINO_FORMAT) throw new Error("fixnet: module format " + model.format + ", this runtime reads " + FIXNET_ESPRUINO_FORMAT + " (generate the module again)");
  var weights = fixnetWeightBytes(model.weights);
  var layers = model.dense.map(function (description) { return fixnetPrepareLayer(description, weights); });
  var hidden = layers.slice(0, -1).map(function (layer) { return new Int16Array(layer.outputs); });
  var offsets = model.dense.slice(1).map(function (description) { return -description.inputZeroPoint; });
  var classes = layers[layers.length - 1].outputs;
  var net = {
    name: model.name,
    inputs: layers[0].inputs,
    classes: classes,
    convolve: typeof E !== "undefined" && typeof E.convolve === "function",
    predict: function (pixels) {
      if (pixels.length !== net.inputs) throw new Error("fixnet: expected " + net.inputs + " pixels, got " + pixels.length);
      var input = pixels instanceof Uint8Array ? pixels : new Uint8ClampedArray(pixels);
      var logits = new Int8Array(classes);
      for (var l = 0; l < layers.length; l++) {
        var last = l === layers.length - 1;
        fixnetDense(layers[l], input, last ? logits : hidden[l], last ? 0 : offsets[l], net.convolve);
        if (!last) input = hidden[l];
      }
      var digit = 0;
      for (var k = 1; k < classes; k++) if (logits[k] > logits[digit]) digit = k;
      return { digit: digit, logits: logits };
    }
  };
  return net;
}
