// What the gradient says: for one image, ∂(winning class's logit)/∂(each input pixel), computed
// through the float network with a small backward pass of its own, in double precision, and
// drawn as a heat map over the digit. Not the trainer's batched backprop (which differentiates
// the loss with respect to parameters); the int8 model has no gradient and is not used here.

import type { ImageSet } from "../data/types.ts";
import { argmax, PIXEL_SCALE, softmax } from "../model/forward.ts";
import { activationFunction, type Activation, type Network } from "../model/network.ts";
import { divergingColour, inkColour } from "./colour.ts";
import { drawText, textHeight } from "./font.ts";
import { createImage, drawCells, fillRect, type Rgb, type RgbaImage } from "./image.ts";

/**
 * Every layer's output for real inputs x: [inputs] (x = pixel / 255 for a digit), in double
 * precision: outputs[l] is dense layer l's activated output ([outputs of layer l]); the last one
 * is the logits (the output layer is linear).
 */
export function forwardReal(network: Network, x: Float64Array): Float64Array[] {
  const { dense } = network;
  const activation = activationFunction(network.architecture.hiddenActivation);
  const outputs: Float64Array[] = [];
  let input: Float64Array = x;
  dense.forEach((layer, l) => {
    const output = Float64Array.from(layer.bias);
    for (let i = 0; i < layer.inputs; i++) {
      const value = input[i];
      if (value === 0) continue;
      const row = i * layer.outputs;
      for (let j = 0; j < layer.outputs; j++) output[j] += value * layer.weights[row + j];
    }
    if (l < dense.length - 1) for (let j = 0; j < output.length; j++) output[j] = activation(output[j]);
    outputs.push(output);
    input = output;
  });
  return outputs;
}

/** f′ expressed through the activation's output y = f(z). ReLU's derivative at 0 is taken as 0,
 *  as in the trainer. */
function derivativeFromOutput(activation: Activation, y: number): number {
  switch (activation) {
    case "sigmoid": return y * (1 - y);
    case "tanh": return 1 - y * y;
    case "relu": return y > 0 ? 1 : 0;
  }
}

/**
 * gradient[i] = ∂ logits[target] / ∂ x[i] for real inputs x: [inputs], by the chain rule from the
 * output back: δ = e_target at the (linear) output, then δ_prev = (W δ) ⊙ f′ layer by layer, and
 * the input gradient is W_first δ_first. Units: logit per unit of x (a full-ink pixel is x = 1).
 */
export function inputGradient(network: Network, x: Float64Array, target: number): { logits: Float64Array; gradient: Float64Array } {
  const { dense } = network;
  const outputs = forwardReal(network, x);
  const logits = outputs[outputs.length - 1];
  if (!(Number.isInteger(target) && target >= 0 && target < logits.length)) throw new RangeError(`target class ${target} is not in 0..${logits.length - 1}`);
  let delta = new Float64Array(logits.length);
  delta[target] = 1;
  for (let l = dense.length - 1; l >= 0; l--) {
    const layer = dense[l];
    const previous = new Float64Array(layer.inputs);
    for (let i = 0; i < layer.inputs; i++) {
      const row = i * layer.outputs;
      let sum = 0;
      for (let j = 0; j < layer.outputs; j++) sum += layer.weights[row + j] * delta[j];
      previous[i] = sum;
    }
    if (l > 0) {
      const activated = outputs[l - 1];
      for (let i = 0; i < previous.length; i++) previous[i] *= derivativeFromOutput(network.architecture.hiddenActivation, activated[i]);
    }
    delta = previous;
  }
  return { logits, gradient: delta };
}

export interface Saliency {
  /** Index in the image set. */
  index: number;
  label: number;
  /** The float model's class for the image: the class whose logit is differentiated. */
  predicted: number;
  /** Its softmax probability. */
  confidence: number;
  /** [inputs] ∂ logit[predicted] / ∂ x_i with x = pixel / 255. */
  gradient: Float64Array;
}

/** The saliency of image `index` of the set. @throws RangeError for an index outside the set. */
export function saliencyOf(network: Network, set: ImageSet, index: number): Saliency {
  if (!(Number.isInteger(index) && index >= 0 && index < set.count)) throw new RangeError(`image ${index} is not in 0..${set.count - 1}`);
  const pixels = set.rows * set.cols;
  const x = new Float64Array(pixels);
  for (let i = 0; i < pixels; i++) x[i] = set.images[index * pixels + i] * PIXEL_SCALE;
  const logits = forwardReal(network, x)[network.dense.length - 1];
  const predicted = argmax(logits);
  const probabilities = new Float64Array(logits.length);
  softmax(logits, probabilities);
  return { index, label: set.labels[index], predicted, confidence: probabilities[predicted], gradient: inputGradient(network, x, predicted).gradient };
}

/** "#12 TRUE 7 PRED 7 99%": the picture's heading. */
export function saliencyCaption(saliency: Saliency): string {
  return `#${saliency.index} TRUE ${saliency.label} PRED ${saliency.predicted} ${Math.round(100 * saliency.confidence)}%`;
}

export interface SaliencyPicture {
  image: RgbaImage;
  /** Top left corners of the three panels: the digit, the gradient, the gradient over the digit. */
  panels: { x: number; y: number }[];
  pixelSize: number;
  /** The |gradient| at the ends of the colour scale. */
  range: number;
}

/**
 * Three panels side by side: the digit as ink; the gradient on the diverging scale (red: more ink
 * there raises the winning score, blue: lowers it; scaled to the largest |gradient|); and the
 * same colours darkened where the digit has ink, so that the two can be read together.
 */
export function saliencyPicture(set: ImageSet, saliency: Saliency, pixelSize = 8): SaliencyPicture {
  const { rows, cols } = set;
  const pixels = rows * cols;
  const digit = set.images.subarray(saliency.index * pixels, (saliency.index + 1) * pixels);
  let range = 0;
  for (let i = 0; i < pixels; i++) range = Math.max(range, Math.abs(saliency.gradient[i]));
  const colourAt = (i: number): Rgb => divergingColour(range === 0 ? 0 : saliency.gradient[i] / range);

  const gap = 12;
  const scale = 2;
  const heading = textHeight(scale);
  const panelWidth = cols * pixelSize;
  const panelHeight = rows * pixelSize;
  const image = createImage(gap + 3 * (panelWidth + gap), gap + heading + gap + heading + 6 + panelHeight + gap);
  drawText(image, saliencyCaption(saliency), gap, gap, scale, [0, 0, 0]);
  const top = gap + heading + gap + heading + 6;
  const titles = ["DIGIT", "GRADIENT", "OVER DIGIT"];
  const colourings: ((i: number) => Rgb)[] = [
    (i) => inkColour(digit[i]),
    colourAt,
    (i) => {
      const colour = colourAt(i);
      const keep = 1 - 0.65 * (digit[i] / 255);
      return [Math.round(colour[0] * keep), Math.round(colour[1] * keep), Math.round(colour[2] * keep)];
    },
  ];
  const panels = titles.map((title, k) => {
    const x = gap + k * (panelWidth + gap);
    drawText(image, title, x, top - heading - 6, scale, [60, 60, 60]);
    fillRect(image, x - 1, top - 1, panelWidth + 2, panelHeight + 2, [200, 200, 200]);
    drawCells(image, x, top, rows, cols, pixelSize, colourings[k]);
    return { x, y: top };
  });
  return { image, panels, pixelSize, range };
}
