/** Neural networks. */
export { MLPClassifier } from './mlp.js';
export type { MLPClassifierOptions, MLPClassifierState } from './mlp.js';
export type { Activation } from './network.js';
