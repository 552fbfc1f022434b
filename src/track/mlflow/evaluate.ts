/**
 * Evaluates a parsed filter against values in memory (experiment search, where the rows are few
 * and not in one table). Same semantics as the SQL backends: a missing value never matches.
 */
import type { FilterExpr, FilterIdentifier } from '../../store/tracking/filter.js';

/** LIKE pattern → RegExp (% any run, _ one character, \ escapes). */
export function likeRegExp(pattern: string, insensitive: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, insensitive ? 'i' : '');
}

export function matches(expr: FilterExpr, lookup: (ident: FilterIdentifier) => string | number | undefined): boolean {
  switch (expr.type) {
    case 'and':
      return expr.items.every((item) => matches(item, lookup));
    case 'or':
      return expr.items.some((item) => matches(item, lookup));
    case 'in': {
      const value = lookup(expr.left);
      if (value === undefined) return false;
      const found = expr.values.some((v) => String(v.value) === String(value));
      return expr.negated ? !found : found;
    }
    case 'compare': {
      const value = lookup(expr.left);
      if (value === undefined) return false;
      const target = expr.value.value;
      switch (expr.op) {
        case '=':
          return value === target || String(value) === String(target);
        case '!=':
          return String(value) !== String(target);
        case '<':
          return value < target;
        case '<=':
          return value <= target;
        case '>':
          return value > target;
        case '>=':
          return value >= target;
        case 'LIKE':
        case 'ILIKE':
          return likeRegExp(String(target), expr.op === 'ILIKE').test(String(value));
        case 'NOT LIKE':
        case 'NOT ILIKE':
          return !likeRegExp(String(target), expr.op === 'NOT ILIKE').test(String(value));
      }
    }
  }
}
