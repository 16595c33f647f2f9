// The in-memory shape of an MNIST-format dataset: raw 8-bit pixels and labels, exactly as
// stored in the IDX files. No scaling or normalisation happens here; that is the model's job.

/** A set of equally sized 8-bit images with one class label each. */
export interface ImageSet {
  /** count × rows × cols pixels, row-major, one byte per pixel (0 = background). */
  images: Uint8Array;
  /** count labels, each in [0, classes). */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** The training and test halves of an MNIST-format dataset. */
export interface Dataset {
  train: ImageSet;
  test: ImageSet;
  /** Where it was read from, for the model file's training record. */
  source: string;
}
