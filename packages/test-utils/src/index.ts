export { conv2d, batchNorm, avgPool, addTensors, padTensor } from "./conv2d.js";
export type { Tensor4, Conv2dParams } from "./conv2d.js";
export {
  seededRandom,
  randomArray,
  randomFloat32,
  randomBatchNorm,
  maxAbsDiff,
  maxAbs,
  relativeError,
} from "./random.js";
export { real, add, mul, div, sqrt, roundReal, toFloat32, toFloat16 } from "./exact.js";
export type { Real } from "./exact.js";
export { errorCode, errorCodeOf } from "./error-code.js";
