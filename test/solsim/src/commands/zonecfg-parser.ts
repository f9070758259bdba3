// The zonecfg command language: a lexer with the states of zonecfg_lex.l (INITIAL for the
// command word, TSTATE for tokens, LSTATE inside [lists], CSTATE inside (complex values))
// and a parser for the productions of zonecfg_grammar.y that the simulator needs.
// Commands end at ';' or a newline; '#' starts a comment where a command could start.

export const COMMAND_WORDS = [
  'add', 'cancel', 'clear', 'commit', 'create', 'delete', 'end', 'exit', 'export',
  'help', 'info', 'remove', 'revert', 'select', 'set', 'verify',
] as const;
export type CommandName = (typeof COMMAND_WORDS)[number];

export const RESOURCE_TYPES = [
  'fs', 'inherit-pkg-dir', 'net', 'device', 'rctl', 'attr', 'dataset',
  'dedicated-cpu', 'capped-cpu', 'capped-memory',
] as const;

/** Global properties (and rctl aliases) that are also valid words after info/clear. */
export const GLOBAL_PROPERTIES = [
  'zonename', 'zonepath', 'brand', 'autoboot', 'ip-type', 'pool', 'limitpriv', 'bootargs',
  'scheduling-class', 'max-lwps', 'max-shm-memory', 'max-shm-ids', 'max-msg-ids',
  'max-sem-ids', 'cpu-shares',
] as const;

export const PROPERTY_NAMES = [
  ...GLOBAL_PROPERTIES,
  'dir', 'special', 'raw', 'type', 'options', 'address', 'physical', 'defrouter', 'name',
  'value', 'match', 'priv', 'limit', 'action', 'ncpus', 'importance', 'swap', 'locked',
] as const;

const TSTATE_KEYWORDS = new Set<string>([...RESOURCE_TYPES, ...PROPERTY_NAMES]);
const CSTATE_KEYWORDS = new Set<string>(PROPERTY_NAMES);

type TokType = 'command' | 'keyword' | 'token' | 'eq' | 'lbrack' | 'rbrack' | 'lparen' | 'rparen' | 'comma' | 'term' | 'char';

interface Tok {
  type: TokType;
  text: string;
  /** Line the token ends on (lex_lineno after reading it). */
  line: number;
}

export function lex(input: string): Tok[] {
  const toks: Tok[] = [];
  let state: 'INITIAL' | 'TSTATE' | 'LSTATE' | 'CSTATE' = 'INITIAL';
  let outer: 'TSTATE' | 'LSTATE' = 'TSTATE';
  let line = 1;
  let i = 0;
  const push = (type: TokType, text: string): void => {
    toks.push({ type, text, line });
  };
  while (i < input.length) {
    const c = input[i]!;
    if (c === ' ' || c === '\t') {
      i += 1;
      continue;
    }
    if (c === ';') {
      push('term', ';');
      state = 'INITIAL';
      i += 1;
      continue;
    }
    if (c === '\n') {
      line += 1;
      push('term', '\n');
      state = 'INITIAL';
      i += 1;
      continue;
    }
    if (state === 'INITIAL') {
      if (c === '#') {
        while (i < input.length && input[i] !== '\n') i += 1;
        continue;
      }
      // lex takes the longest keyword that matches here, else one character
      const word = COMMAND_WORDS.filter((w) => input.startsWith(w, i)).sort((a, b) => b.length - a.length)[0];
      if (word) {
        push('command', word);
        i += word.length;
        state = 'TSTATE';
        continue;
      }
      if (c === '?') {
        push('command', 'help');
        i += 1;
        state = 'TSTATE';
        continue;
      }
      push('char', c);
      i += 1;
      continue;
    }
    if (c === '=') {
      push('eq', '=');
      i += 1;
      continue;
    }
    if (c === '[' && state === 'TSTATE') {
      push('lbrack', '[');
      state = 'LSTATE';
      i += 1;
      continue;
    }
    if (c === ']' && state === 'LSTATE') {
      push('rbrack', ']');
      state = 'TSTATE';
      i += 1;
      continue;
    }
    if (c === '(' && (state === 'TSTATE' || state === 'LSTATE')) {
      push('lparen', '(');
      outer = state;
      state = 'CSTATE';
      i += 1;
      continue;
    }
    if (c === ')' && state === 'CSTATE') {
      push('rparen', ')');
      state = outer;
      i += 1;
      continue;
    }
    if (c === ',' && (state === 'LSTATE' || state === 'CSTATE')) {
      push('comma', ',');
      i += 1;
      continue;
    }
    if (c === '"' && state !== 'CSTATE') {
      // "..." up to the closing quote or the end of the line (which it swallows)
      let j = i + 1;
      while (j < input.length && input[j] !== '"' && input[j] !== '\n') j += 1;
      push('token', input.slice(i + 1, j));
      if (input[j] === '\n') line += 1;
      i = Math.min(j + 1, input.length);
      continue;
    }
    const stop = state === 'TSTATE' ? ' \t\n";=[]()' : state === 'LSTATE' ? ' \t\n",;=[]()' : ' \t\n",;=()';
    let j = i;
    while (j < input.length && !stop.includes(input[j]!)) j += 1;
    if (j === i) {
      push('char', c);
      i += 1;
      continue;
    }
    const word = input.slice(i, j);
    const isKeyword = state === 'TSTATE' ? TSTATE_KEYWORDS.has(word) : state === 'CSTATE' ? CSTATE_KEYWORDS.has(word) : false;
    push(isKeyword ? 'keyword' : 'token', word);
    i = j;
  }
  return toks;
}

export type ComplexValue = { name: string; value: string }[];
export type PropValue =
  | { kind: 'simple'; value: string }
  | { kind: 'list'; items: ({ kind: 'simple'; value: string } | { kind: 'complex'; pairs: ComplexValue })[] }
  | { kind: 'complex'; pairs: ComplexValue };

export interface ParsedCmd {
  name: CommandName;
  /** Plain tokens (options and their operands), as cmd_argv. */
  argv: string[];
  /** Resource type or, for info/clear, a global property name. */
  resType: string | null;
  props: { name: string; value: PropValue }[];
}

export type ParsedLine =
  | { kind: 'command'; cmd: ParsedCmd; line: number }
  | { kind: 'syntax-error'; at: string; line: number }
  | { kind: 'usage'; command: CommandName; line: number };

class SyntaxError_ extends Error {
  constructor(readonly tok: Tok) {
    super('syntax error');
  }
}

/** Splits the token stream at terminators and parses each command. */
export function parseCommands(input: string): ParsedLine[] {
  const toks = lex(input);
  const out: ParsedLine[] = [];
  let start = 0;
  for (let i = 0; i <= toks.length; i += 1) {
    const tok = toks[i];
    if (tok && tok.type !== 'term') continue;
    const group = toks.slice(start, i);
    const lineNo = tok ? (tok.text === '\n' ? tok.line - 1 : tok.line) : toks[toks.length - 1]?.line ?? 1;
    start = i + 1;
    if (group.length === 0) continue;
    try {
      out.push(parseOne(group, lineNo));
    } catch (err) {
      if (!(err instanceof SyntaxError_)) throw err;
      out.push({ kind: 'syntax-error', at: err.tok.text === '\n' ? '\\n' : err.tok.text, line: err.tok.line });
    }
  }
  return out;
}

function parseOne(group: Tok[], line: number): ParsedLine {
  const head = group[0]!;
  if (head.type !== 'command') throw new SyntaxError_(head);
  const name = head.text as CommandName;
  const rest = group.slice(1);
  const cmd: ParsedCmd = { name, argv: [], resType: null, props: [] };
  let pos = 0;
  const peek = (): Tok | undefined => rest[pos];
  const next = (): Tok => {
    const t = rest[pos];
    if (!t) throw new SyntaxError_({ type: 'term', text: '\n', line: line + 1 });
    pos += 1;
    return t;
  };
  const isResource = (t: Tok | undefined): boolean => t?.type === 'keyword' && (RESOURCE_TYPES as readonly string[]).includes(t.text);
  const isProperty = (t: Tok | undefined): boolean => t?.type === 'keyword' && (PROPERTY_NAMES as readonly string[]).includes(t.text);
  const simple = (t: Tok): string => {
    if (t.type === 'token' || t.type === 'keyword') return t.text;
    throw new SyntaxError_(t);
  };
  const complex = (): ComplexValue => {
    const pairs: ComplexValue = [];
    for (;;) {
      const key = next();
      if (key.type !== 'keyword' && key.type !== 'token') throw new SyntaxError_(key);
      const eq = next();
      if (eq.type !== 'eq') throw new SyntaxError_(eq);
      pairs.push({ name: key.text, value: simple(next()) });
      const sep = next();
      if (sep.type === 'rparen') return pairs;
      if (sep.type !== 'comma') throw new SyntaxError_(sep);
    }
  };
  const value = (): PropValue => {
    const t = next();
    if (t.type === 'lparen') return { kind: 'complex', pairs: complex() };
    if (t.type === 'lbrack') {
      const items: Extract<PropValue, { kind: 'list' }>['items'] = [];
      if (peek()?.type === 'rbrack') {
        next();
        return { kind: 'list', items };
      }
      for (;;) {
        const it = next();
        if (it.type === 'lparen') items.push({ kind: 'complex', pairs: complex() });
        else items.push({ kind: 'simple', value: simple(it) });
        const sep = next();
        if (sep.type === 'rbrack') return { kind: 'list', items };
        if (sep.type !== 'comma') throw new SyntaxError_(sep);
      }
    }
    return { kind: 'simple', value: simple(t) };
  };
  const pairs = (): void => {
    while (peek()) {
      const key = next();
      if (!isProperty(key)) throw new SyntaxError_(key);
      const eq = next();
      if (eq.type !== 'eq') throw new SyntaxError_(eq);
      cmd.props.push({ name: key.text, value: value() });
    }
  };
  const leadingOptions = (): void => {
    while (peek()?.type === 'token' && peek()!.text.startsWith('-')) cmd.argv.push(next().text);
  };

  switch (name) {
    case 'add':
    case 'set':
    case 'select':
    case 'remove':
    case 'clear':
      if (rest.length === 0) return { kind: 'usage', command: name, line };
      break;
  }

  switch (name) {
    case 'add':
      if (isResource(peek())) {
        cmd.resType = next().text;
      } else if (isProperty(peek())) {
        cmd.props.push({ name: next().text, value: value() });
      } else {
        cmd.argv.push(simple(next()));
      }
      break;
    case 'set':
      leadingOptions();
      if (peek() === undefined) break;
      if (!isProperty(peek())) {
        const t = next();
        if (t.type === 'token' && peek() === undefined) {
          cmd.argv.push(t.text);
          break;
        }
        throw new SyntaxError_(peek() ?? t);
      }
      {
        const key = next();
        const eq = next();
        if (eq.type !== 'eq') throw new SyntaxError_(eq);
        cmd.props.push({ name: key.text, value: value() });
      }
      break;
    case 'select':
      if (!isResource(peek())) throw new SyntaxError_(next());
      cmd.resType = next().text;
      pairs();
      break;
    case 'remove':
      leadingOptions();
      if (isResource(peek())) {
        cmd.resType = next().text;
        pairs();
      } else if (isProperty(peek())) {
        cmd.props.push({ name: next().text, value: value() });
      } else if (peek()) {
        throw new SyntaxError_(next());
      }
      break;
    case 'info':
      if (isResource(peek()) || isProperty(peek())) {
        cmd.resType = next().text;
        pairs();
      } else {
        while (peek()) cmd.argv.push(simple(next()));
      }
      break;
    case 'clear':
      if (isProperty(peek())) cmd.resType = next().text;
      else cmd.argv.push(simple(next()));
      if (peek()) throw new SyntaxError_(next());
      break;
    default:
      while (peek()) cmd.argv.push(simple(next()));
  }
  if (peek()) throw new SyntaxError_(next());
  return { kind: 'command', cmd, line };
}
