/**
 * The conformance suite every metadata backend's {@link TrackingStore} must pass (SQLite now,
 * PostgreSQL later). Call {@link describeTrackingStore} with a factory returning an empty, open
 * metadata store; the suite closes each store it gets.
 */
import { describeRegistryConformance } from './store-conformance-registry.js';
import { describeRunTrackingConformance } from './store-conformance-runs.js';
import type { MetadataStore } from '../../src/store/types.js';

export type TrackingStoreFactory = () => MetadataStore | Promise<MetadataStore>;

export function describeTrackingStore(label: string, factory: TrackingStoreFactory): void {
  describeRunTrackingConformance(label, factory);
  describeRegistryConformance(label, factory);
}
