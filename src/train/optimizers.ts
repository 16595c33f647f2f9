// Parameter updates over the one flat parameter array: SGD with momentum and Adam. Each step is
// a single loop over all parameters; no allocation after construction.

export const OPTIMIZERS = ["sgd", "adam"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface Optimizer {
  /** parameters ← parameters − update(gradient) at this learning rate. */
  step(parameters: Float32Array, gradient: Float32Array, learningRate: number): void;
}

/** Classical momentum: velocity ← momentum·velocity − lr·gradient; parameters += velocity. */
export function createSgd(size: number, momentum: number): Optimizer {
  const velocity = new Float32Array(size);
  return {
    step(parameters, gradient, learningRate) {
      for (let i = 0; i < size; i++) {
        const v = momentum * velocity[i] - learningRate * gradient[i];
        velocity[i] = v;
        parameters[i] += v;
      }
    },
  };
}

/** Adam (Kingma & Ba 2015) with bias correction; β1 0.9, β2 0.999, ε 1e-8. */
export function createAdam(size: number, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8): Optimizer {
  const firstMoment = new Float32Array(size);
  const secondMoment = new Float32Array(size);
  let t = 0;
  return {
    step(parameters, gradient, learningRate) {
      t++;
      const correctedRate = (learningRate * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
      for (let i = 0; i < size; i++) {
        const g = gradient[i];
        const m = beta1 * firstMoment[i] + (1 - beta1) * g;
        const v = beta2 * secondMoment[i] + (1 - beta2) * g * g;
        firstMoment[i] = m;
        secondMoment[i] = v;
        parameters[i] -= (correctedRate * m) / (Math.sqrt(v) + epsilon);
      }
    },
  };
}

export function createOptimizer(name: OptimizerName, size: number, momentum: number): Optimizer {
  return name === "adam" ? createAdam(size) : createSgd(size, momentum);
}
