/**
 * Search filters: MLflow's syntax (`metrics.auc > 0.8 and params.model = 'rf'`, `tags.team = 'x'`,
 * `attributes.status = 'FINISHED'`, LIKE / ILIKE / IN) plus what MLflow lacks: `or`, parentheses,
 * and a trailing `order by`. The parser is backend-neutral; each backend compiles the tree.
 *
 * Errors point at the offending token: {@link FilterError} carries its position and prints the
 * filter with a caret under it.
 */
import { StoreError } from '../errors.js';

export type FilterEntity = 'metric' | 'param' | 'tag' | 'attribute';
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'NOT LIKE' | 'NOT ILIKE';

/** A position in the filter text (0-based offset, length). */
export interface Span {
  readonly pos: number;
  readonly length: number;
}

export interface FilterIdentifier extends Span {
  readonly entity: FilterEntity;
  /** Metric/param/tag key, or the canonical attribute name. */
  readonly key: string;
  /** Attribute type (attributes only; metrics are numbers, params and tags strings). */
  readonly type: 'string' | 'number';
}

export type FilterValue = (Span & { readonly kind: 'string'; readonly value: string }) | (Span & { readonly kind: 'number'; readonly value: number; readonly text: string });

export type FilterExpr =
  | { readonly type: 'compare'; readonly left: FilterIdentifier; readonly op: CompareOp; readonly value: FilterValue }
  | { readonly type: 'in'; readonly left: FilterIdentifier; readonly negated: boolean; readonly values: readonly FilterValue[] }
  | { readonly type: 'and' | 'or'; readonly items: readonly FilterExpr[] };

export interface OrderKey {
  readonly ident: FilterIdentifier;
  readonly descending: boolean;
}

export interface ParsedFilter {
  readonly where: FilterExpr | null;
  readonly orderBy: readonly OrderKey[];
}

/** What a search accepts: which entities, which attributes (with their types and aliases). */
export interface FilterDomain {
  /** For messages: "runs", "registered models", "model versions". */
  readonly what: string;
  readonly entities: ReadonlySet<FilterEntity>;
  /** Attribute name (and aliases) → canonical name and type. */
  readonly attributes: Readonly<Record<string, { readonly name: string; readonly type: 'string' | 'number' }>>;
}

const STRING = 'string' as const;
const NUMBER = 'number' as const;

export const RUN_FILTER: FilterDomain = {
  what: 'runs',
  entities: new Set<FilterEntity>(['metric', 'param', 'tag', 'attribute']),
  attributes: {
    run_id: { name: 'run_id', type: STRING },
    run_name: { name: 'run_name', type: STRING },
    status: { name: 'status', type: STRING },
    user_id: { name: 'user_id', type: STRING },
    user: { name: 'user_id', type: STRING },
    experiment_id: { name: 'experiment_id', type: STRING },
    flow: { name: 'experiment_id', type: STRING },
    code_digest: { name: 'code_digest', type: STRING },
    start_time: { name: 'start_time', type: NUMBER },
    created: { name: 'start_time', type: NUMBER },
    end_time: { name: 'end_time', type: NUMBER },
    duration: { name: 'duration', type: NUMBER },
  },
};

export const MODEL_FILTER: FilterDomain = {
  what: 'registered models',
  entities: new Set<FilterEntity>(['tag', 'attribute']),
  attributes: {
    name: { name: 'name', type: STRING },
    description: { name: 'description', type: STRING },
    creation_timestamp: { name: 'creation_timestamp', type: NUMBER },
    last_updated_timestamp: { name: 'last_updated_timestamp', type: NUMBER },
  },
};

export const VERSION_FILTER: FilterDomain = {
  what: 'model versions',
  entities: new Set<FilterEntity>(['metric', 'tag', 'attribute']),
  attributes: {
    name: { name: 'name', type: STRING },
    version: { name: 'version', type: NUMBER },
    version_number: { name: 'version', type: NUMBER },
    run_id: { name: 'run_id', type: STRING },
    source: { name: 'source', type: STRING },
    source_path: { name: 'source', type: STRING },
    creation_timestamp: { name: 'creation_timestamp', type: NUMBER },
    last_updated_timestamp: { name: 'last_updated_timestamp', type: NUMBER },
  },
};

export const EXPERIMENT_FILTER: FilterDomain = {
  what: 'experiments',
  entities: new Set<FilterEntity>(['tag', 'attribute']),
  attributes: {
    name: { name: 'name', type: STRING },
    experiment_id: { name: 'name', type: STRING },
    creation_time: { name: 'creation_time', type: NUMBER },
    last_update_time: { name: 'last_update_time', type: NUMBER },
  },
};

const ENTITY_PREFIXES: Readonly<Record<string, FilterEntity>> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
};

/** A malformed filter or order-by clause; `pos` is the offending token's offset. */
export class FilterError extends StoreError {
  override readonly name: string = 'FilterError';
  constructor(
    readonly filter: string,
    readonly pos: number,
    readonly length: number,
    readonly problem: string,
  ) {
    const caret = `${' '.repeat(Math.max(0, pos))}${'^'.repeat(Math.max(1, length))}`;
    super(`invalid filter at column ${pos + 1}: ${problem}\n  ${filter}\n  ${caret}`);
  }
}

type TokenKind = 'word' | 'string' | 'quoted' | 'number' | 'op' | '(' | ')' | ',' | 'end';
interface Token extends Span {
  readonly kind: TokenKind;
  readonly text: string;
  /** Decoded value of strings and quoted identifiers. */
  readonly value: string;
}

const OPS = ['!=', '<>', '<=', '>=', '==', '=', '<', '>'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (pos: number, length: number, problem: string): never => {
    throw new FilterError(text, pos, length, problem);
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, text: c, value: c, pos: i, length: 1 });
      i++;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, value: op === '<>' ? '!=' : op === '==' ? '=' : op, pos: i, length: op.length });
      i += op.length;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) fail(start, text.length - start, `unterminated ${c === '`' ? 'quoted name' : 'string'}: add the closing ${c}`);
        const ch = text[i]!;
        if (ch === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (ch === c && text[i + 1] === c) {
          value += c;
          i += 2;
        } else if (ch === c) {
          i++;
          break;
        } else {
          value += ch;
          i++;
        }
      }
      tokens.push({ kind: c === '`' ? 'quoted' : 'string', text: text.slice(start, i), value, pos: start, length: i - start });
      continue;
    }
    const number = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (number && (c !== '-' || /[\d.]/.test(text[i + 1] ?? ''))) {
      tokens.push({ kind: 'number', text: number[0], value: number[0], pos: i, length: number[0].length });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][\w.\-/]*/.exec(text.slice(i));
    if (word) {
      tokens.push({ kind: 'word', text: word[0], value: word[0], pos: i, length: word[0].length });
      i += word[0].length;
      continue;
    }
    fail(i, 1, `unexpected character '${c}'`);
  }
  tokens.push({ kind: 'end', text: '', value: '', pos: text.length, length: 1 });
  return tokens;
}

const isKeyword = (token: Token, ...words: string[]): boolean => token.kind === 'word' && words.includes(token.text.toUpperCase());

class Parser {
  private index = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly domain: FilterDomain,
  ) {}

  /** The current token (a method, so TypeScript does not carry narrowing across next()). */
  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  fail(span: Span, problem: string): never {
    throw new FilterError(this.text, span.pos, span.length, problem);
  }

  private describe(token: Token): string {
    return token.kind === 'end' ? 'the end of the filter' : `'${token.text}'`;
  }

  parseQuery(): ParsedFilter {
    let where: FilterExpr | null = null;
    if (this.peek().kind !== 'end' && !isKeyword(this.peek(), 'ORDER')) where = this.parseOr();
    let orderBy: OrderKey[] = [];
    if (isKeyword(this.peek(), 'ORDER')) {
      this.next();
      if (!isKeyword(this.peek(), 'BY')) this.fail(this.peek(), `expected 'by' after 'order', found ${this.describe(this.peek())}`);
      this.next();
      orderBy = this.parseOrderList();
    }
    if (this.peek().kind !== 'end') {
      this.fail(this.peek(), `expected 'and', 'or', 'order by' or the end of the filter, found ${this.describe(this.peek())}`);
    }
    return { where, orderBy };
  }

  /** A whole `order_by` entry: keys, then the end. */
  parseOrderClause(): OrderKey[] {
    const keys = this.parseOrderList();
    if (this.peek().kind !== 'end') this.fail(this.peek(), `expected ASC, DESC or ',' in order by, found ${this.describe(this.peek())}`);
    return keys;
  }

  parseOrderList(): OrderKey[] {
    const keys: OrderKey[] = [this.parseOrderKey()];
    while (this.peek().kind === ',') {
      this.next();
      keys.push(this.parseOrderKey());
    }
    return keys;
  }

  private parseOrderKey(): OrderKey {
    const ident = this.parseIdentifier();
    let descending = false;
    if (isKeyword(this.peek(), 'ASC', 'DESC')) descending = this.next().text.toUpperCase() === 'DESC';
    return { ident, descending };
  }

  private parseOr(): FilterExpr {
    const items = [this.parseAnd()];
    while (isKeyword(this.peek(), 'OR')) {
      this.next();
      items.push(this.parseAnd());
    }
    return items.length === 1 ? items[0]! : { type: 'or', items };
  }

  private parseAnd(): FilterExpr {
    const items = [this.parsePrimary()];
    while (isKeyword(this.peek(), 'AND')) {
      this.next();
      items.push(this.parsePrimary());
    }
    return items.length === 1 ? items[0]! : { type: 'and', items };
  }

  private parsePrimary(): FilterExpr {
    if (this.peek().kind === '(') {
      const open = this.next();
      const inner = this.parseOr();
      if (this.peek().kind !== ')') this.fail(this.peek(), `expected ')' to close the '(' at column ${open.pos + 1}, found ${this.describe(this.peek())}`);
      this.next();
      return inner;
    }
    return this.parseComparison();
  }

  /** `entity.key`, `entity.\`quoted key\``, `entity."quoted key"`, or a bare attribute name. */
  parseIdentifier(): FilterIdentifier {
    const token = this.next();
    if (token.kind !== 'word') {
      this.fail(token, `expected a name such as metrics.auc, params.model, tags.team or attributes.status, found ${this.describe(token)}`);
    }
    const dot = token.text.indexOf('.');
    let span: Span = token;
    let entity: FilterEntity;
    let key: string;
    if (dot < 0) {
      entity = 'attribute';
      key = token.text;
    } else {
      const prefix = token.text.slice(0, dot).toLowerCase();
      const found = ENTITY_PREFIXES[prefix];
      if (!found || !this.domain.entities.has(found)) {
        const allowed = [...this.domain.entities].map((e) => (e === 'attribute' ? 'attributes.' : `${e}s.`)).join(', ');
        this.fail({ pos: token.pos, length: dot }, `unknown prefix '${token.text.slice(0, dot)}' for ${this.domain.what}: use ${allowed}`);
      }
      entity = found;
      key = token.text.slice(dot + 1);
      const quoted = this.peek();
      if (key === '' && (quoted.kind === 'quoted' || quoted.kind === 'string') && quoted.pos === token.pos + token.length) {
        this.next();
        key = quoted.value;
        span = { pos: token.pos, length: quoted.pos + quoted.length - token.pos };
      }
      if (key === '') this.fail(token, `'${token.text}' names no key: write e.g. ${token.text}auc, or quote it: ${token.text}\`my key\``);
    }
    if (entity === 'attribute') {
      const attribute = this.domain.attributes[key.toLowerCase()];
      if (!attribute) {
        const names = [...new Set(Object.values(this.domain.attributes).map((a) => a.name))].join(', ');
        this.fail(span, `unknown attribute '${key}' for ${this.domain.what}; attributes are ${names}`);
      }
      return { entity, key: attribute.name, type: attribute.type, ...spanOf(span) };
    }
    return { entity, key, type: entity === 'metric' ? 'number' : 'string', ...spanOf(span) };
  }

  private parseValue(ident: FilterIdentifier): FilterValue {
    const token = this.next();
    if (token.kind === 'string') {
      if (ident.type === 'number') {
        const asNumber = Number(token.value);
        if (token.value.trim() === '' || !Number.isFinite(asNumber)) {
          this.fail(token, `${this.label(ident)} is a number: compare it with a number, not ${token.text}`);
        }
        return { kind: 'number', value: asNumber, text: token.value, pos: token.pos, length: token.length };
      }
      return { kind: 'string', value: token.value, pos: token.pos, length: token.length };
    }
    if (token.kind === 'number') {
      return { kind: 'number', value: Number(token.text), text: token.text, pos: token.pos, length: token.length };
    }
    this.fail(token, `expected a value (a number or a 'quoted string') after ${this.label(ident)}, found ${this.describe(token)}`);
  }

  private label(ident: FilterIdentifier): string {
    return ident.entity === 'attribute' ? `attributes.${ident.key}` : `${ident.entity}s.${ident.key}`;
  }

  private parseComparison(): FilterExpr {
    const left = this.parseIdentifier();
    const opToken = this.peek();
    let negated = false;
    if (isKeyword(opToken, 'NOT')) {
      this.next();
      negated = true;
      if (!isKeyword(this.peek(), 'IN', 'LIKE', 'ILIKE')) this.fail(this.peek(), `expected IN, LIKE or ILIKE after NOT, found ${this.describe(this.peek())}`);
    }
    if (isKeyword(this.peek(), 'IN')) {
      const inToken = this.next();
      if (left.type === 'number') this.fail(inToken, `${this.label(left)} is a number: IN works on strings; use =, <, > instead`);
      if (this.peek().kind !== '(') this.fail(this.peek(), `expected '(' after IN, found ${this.describe(this.peek())}`);
      this.next();
      const values = [this.parseValue(left)];
      while (this.peek().kind === ',') {
        this.next();
        values.push(this.parseValue(left));
      }
      if (this.peek().kind !== ')') this.fail(this.peek(), `expected ',' or ')' in the IN list, found ${this.describe(this.peek())}`);
      this.next();
      return { type: 'in', left, negated, values: values.map((v) => asString(v)) };
    }
    let op: CompareOp;
    const token = this.next();
    if (token.kind === 'op') op = token.value as CompareOp;
    else if (isKeyword(token, 'LIKE', 'ILIKE')) op = `${negated ? 'NOT ' : ''}${token.text.toUpperCase()}` as CompareOp;
    else {
      this.fail(token, `expected a comparison (=, !=, <, <=, >, >=, LIKE, ILIKE, IN) after ${this.label(left)}, found ${this.describe(token)}`);
    }
    const opSpan: Span = negated ? { pos: opToken.pos, length: token.pos + token.length - opToken.pos } : token;
    if (left.type === 'number' && /LIKE/.test(op)) this.fail(opSpan, `${this.label(left)} is a number: ${op} works on strings; use =, !=, <, <=, >, >=`);
    if (left.type === 'string' && ['<', '<=', '>', '>='].includes(op)) {
      this.fail(opSpan, `${this.label(left)} is compared as a string: use =, !=, LIKE, ILIKE or IN, not ${op}`);
    }
    const value = this.parseValue(left);
    return { type: 'compare', left, op, value: left.type === 'string' ? asString(value) : value };
  }
}

function spanOf(span: Span): Span {
  return { pos: span.pos, length: span.length };
}

/** Params and tags compare as text: a bare number means its text (`params.lr = 0.1`). */
function asString(value: FilterValue): FilterValue {
  return value.kind === 'number' ? { kind: 'string', value: value.text, pos: value.pos, length: value.length } : value;
}

/** Parses a filter (with an optional trailing `order by`). An empty filter matches everything. */
export function parseFilter(text: string | undefined, domain: FilterDomain): ParsedFilter {
  if (text === undefined || text.trim() === '') return { where: null, orderBy: [] };
  return new Parser(text, tokenize(text), domain).parseQuery();
}

/** Parses MLflow `order_by` entries such as `metrics.auc DESC`. */
export function parseOrderBy(items: readonly string[] | undefined, domain: FilterDomain): OrderKey[] {
  return (items ?? []).filter((item) => item.trim() !== '').flatMap((item) => new Parser(item, tokenize(item), domain).parseOrderClause());
}
