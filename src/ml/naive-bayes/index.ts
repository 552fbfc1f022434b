/** Naive Bayes classifiers. */
export { GaussianNB } from './gaussian.js';
export type { GaussianNBOptions, GaussianNBState } from './gaussian.js';
