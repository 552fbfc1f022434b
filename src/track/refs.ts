/**
 * Model references: `models:/churn@production` (an alias), `models:/churn/3` (a version),
 * `models:/churn/latest` or `models:/churn` (the newest version). The `models:/` prefix is
 * optional: `churn@production` and `churn/3` work too.
 */
import { TrackingValueError } from '../store/tracking/values.js';

export type ModelRef =
  | { readonly name: string; readonly kind: 'alias'; readonly alias: string }
  | { readonly name: string; readonly kind: 'version'; readonly version: number }
  | { readonly name: string; readonly kind: 'latest' };

const NAME = '[A-Za-z0-9_][\\w\\-.]*';
const PATTERN = new RegExp(`^(?:models:/)?(${NAME})(?:@(${NAME})|/(\\d+|latest))?$`);

/** Parses a model reference; throws naming the accepted forms. */
export function parseModelRef(ref: string): ModelRef {
  const match = PATTERN.exec(typeof ref === 'string' ? ref.trim() : '');
  if (!match) {
    throw new TrackingValueError(`model reference ${JSON.stringify(ref)} is not valid: use models:/name@alias, models:/name/<version> or models:/name/latest`);
  }
  const [, name, alias, version] = match as unknown as [string, string, string | undefined, string | undefined];
  if (alias !== undefined) return { name, kind: 'alias', alias };
  if (version !== undefined && version !== 'latest') {
    const n = Number(version);
    if (!Number.isSafeInteger(n) || n < 1) throw new TrackingValueError(`model reference '${ref}': version ${version} must be a positive integer`);
    return { name, kind: 'version', version: n };
  }
  return { name, kind: 'latest' };
}

/** The canonical text of a reference. */
export function formatModelRef(ref: ModelRef): string {
  return ref.kind === 'alias' ? `models:/${ref.name}@${ref.alias}` : ref.kind === 'version' ? `models:/${ref.name}/${ref.version}` : `models:/${ref.name}/latest`;
}
