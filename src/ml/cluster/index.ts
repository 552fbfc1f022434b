/** Clustering. */
export { KMeans } from './kmeans.js';
export type { KMeansOptions, KMeansState } from './kmeans.js';
