/**
 * Per-step code identity for the step cache.
 *
 * A step's digest covers its own call in the flow file (`.step('name', fn, options)`), the rest of
 * the file with every step call blanked out (imports, helpers, constants), and the local modules
 * the file imports. Editing one step's body changes only that step's digest; editing a helper
 * changes every step's. When a step's call can't be found in the source (flows built in loops),
 * the whole file stands in for it — conservative, never stale.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const CALL = /\.(step|foreach|join)\s*\(/g;

/** Index just past the bracket that closes the one at `open`, skipping strings and comments; -1 if none. */
function matchBracket(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i]!;
    if (c === '/' && src[i + 1] === '/') {
      i = src.indexOf('\n', i);
      if (i < 0) return -1;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      i = src.indexOf('*/', i + 2) + 1;
      if (i <= 0) return -1;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(src, i);
      if (i < 0) return -1;
      continue;
    }
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Index of the closing quote of the string starting at `start`. */
function skipString(src: string, start: number): number {
  const quote = src[start];
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (quote === '`' && c === '$' && src[i + 1] === '{') {
      const end = matchBracket(src, i + 1);
      if (end < 0) return -1;
      i = end - 1;
      continue;
    }
    if (c === quote) return i;
  }
  return -1;
}

/** Finds `.step('name', ...)` calls: name → the call's argument text, plus the source with them blanked. */
export function splitStepCalls(source: string): { calls: Map<string, string>; skeleton: string } {
  const calls = new Map<string, string>();
  let skeleton = '';
  let last = 0;
  for (const match of source.matchAll(CALL)) {
    const open = match.index + match[0].length - 1;
    if (open < last) continue;
    const end = matchBracket(source, open);
    if (end < 0) break;
    const args = source.slice(open, end);
    const name = /^\(\s*(['"`])([^'"`]+)\1/.exec(args)?.[2];
    if (name === undefined || calls.has(name)) continue;
    calls.set(name, args);
    skeleton += `${source.slice(last, open)}(<step ${name}>)`;
    last = end;
  }
  skeleton += source.slice(last);
  return { calls, skeleton };
}

const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '/index.ts', '/index.js'];

function resolveLocal(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.(m|c)?js$/, '.$1ts'), base];
  for (const candidate of candidates) {
    for (const ext of EXTENSIONS) {
      const path = candidate + ext;
      if (existsSync(path) && statSync(path).isFile()) return path;
    }
  }
  return undefined;
}

/** sha256 over the local modules `file` imports, transitively (not node_modules). */
export function localDependencyDigest(file: string): string {
  const seen = new Map<string, string>();
  const visit = (path: string): void => {
    if (seen.has(path) || seen.size > 500) return;
    const text = readFileSync(path, 'utf8');
    seen.set(path, text);
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)(['"])(\.{1,2}\/[^'"]+)\1/g)) {
      const dep = resolveLocal(path, m[2]!);
      if (dep) visit(dep);
    }
  };
  visit(resolve(file));
  seen.delete(resolve(file));
  const hash = createHash('sha256');
  for (const [path, text] of [...seen].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(path).update('\0').update(text).update('\0');
  return hash.digest('hex');
}

/** Code digest per step name. */
export function stepCodeDigests(flowFile: string, steps: readonly { name: string; fn: { toString(): string } }[]): Map<string, string> {
  const source = readFileSync(flowFile, 'utf8');
  const deps = localDependencyDigest(flowFile);
  const { calls, skeleton } = splitStepCalls(source);
  const out = new Map<string, string>();
  for (const step of steps) {
    const call = calls.get(step.name);
    const hash = createHash('sha256').update(deps).update('\0');
    if (call !== undefined) hash.update(skeleton).update('\0').update(call);
    else hash.update('whole-file\0').update(source).update('\0').update(step.name).update('\0').update(step.fn.toString());
    out.set(step.name, hash.digest('hex'));
  }
  return out;
}
