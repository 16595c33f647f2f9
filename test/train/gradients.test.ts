// Backpropagation checked against an independent oracle: central finite differences of the loss,
// for every parameter of small networks with each hidden activation.

import { describe, expect, it } from "vitest";
import { HIDDEN_ACTIVATIONS } from "../../src/model/network.ts";
import { computeGradients, createSparseBatch, createWorkspace, forwardSparseBatch } from "../../src/train/backprop.ts";
import { initialiseNetwork } from "../../src/train/loop.ts";
import { createRandom } from "../../src/train/random.ts";

const layers = [12, 9, 10, 3]; // 9 and 10 outputs exercise both the blocks of eight and the remainder

function makeBatch(seed: number) {
  const random = createRandom(seed);
  const size = 4;
  const batch = createSparseBatch(size, layers[0], 3);
  let at = 0;
  for (let b = 0; b < size; b++) {
    batch.start[b] = at;
    for (let i = 0; i < layers[0]; i++) {
      if (random.next() < 0.4) continue; // sparse, like MNIST
      batch.index[at] = i;
      batch.value[at] = random.next();
      at++;
    }
    batch.labels[b] = b % 3;
    // Soft targets (as with label smoothing) exercise the general cross-entropy gradient.
    for (let j = 0; j < 3; j++) batch.targets[b * 3 + j] = j === b % 3 ? 0.8 : 0.1;
  }
  batch.start[size] = at;
  batch.size = size;
  return batch;
}

describe("computeGradients", () => {
  for (const activation of HIDDEN_ACTIVATIONS) {
    it(`matches finite differences of the mean loss (${activation})`, () => {
      const network = initialiseNetwork(layers, activation, createRandom(7));
      // Non-zero biases keep ReLU pre-activations away from the kink at 0.
      for (const layer of network.dense) for (let j = 0; j < layer.bias.length; j++) layer.bias[j] = 0.1 * ((j % 3) - 1) + 0.05;
      const batch = makeBatch(3);
      const workspace = createWorkspace(network, batch.size);
      const gradient = new Float32Array(network.parameters.length);
      computeGradients(network, batch, workspace, gradient);

      const loss = (): number => forwardSparseBatch(network, batch, workspace).lossSum / batch.size;
      const step = 3e-3;
      const base = loss();
      let worst = { index: -1, analytic: 0, numeric: 0, error: 0 };
      let kinks = 0;
      for (let k = 0; k < network.parameters.length; k++) {
        const saved = network.parameters[k];
        network.parameters[k] = saved + step;
        const up = loss();
        network.parameters[k] = saved - step;
        const down = loss();
        network.parameters[k] = saved;
        // A ReLU switching inside [−step, step] makes the loss non-differentiable there: the two
        // one-sided slopes disagree, and no gradient is defined to compare with.
        if (Math.abs((up - base) - (base - down)) > 0.2 * Math.abs(up - down) + 1e-6) { kinks++; continue; }
        const numeric = (up - down) / (2 * step);
        const error = Math.abs(numeric - gradient[k]) / Math.max(1e-2, Math.abs(numeric) + Math.abs(gradient[k]));
        if (error > worst.error) worst = { index: k, analytic: gradient[k], numeric, error };
      }
      expect(kinks, "parameters skipped at a ReLU kink").toBeLessThan(network.parameters.length / 20);
      expect(worst.error, `parameter ${worst.index}: analytic ${worst.analytic}, numeric ${worst.numeric}`).toBeLessThan(0.02);
    });
  }
});
