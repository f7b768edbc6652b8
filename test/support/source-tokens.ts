// A small tokenizer for TypeScript and JavaScript source, enough for the
// purity check (purity-check.ts): it separates code from comments, strings,
// template text and regular expression literals, so that a word in a comment
// or a string is not taken for a use, and a string is known as a string (an
// import specifier). It is not a parser. A `/` starts a regular expression
// where an expression may start (after an operator, a keyword such as
// `return`, or an opening bracket), as JavaScript's own grammar decides;
// everything else is a division.

export type Token =
  | { kind: 'identifier'; text: string; line: number }
  | { kind: 'string'; text: string; line: number }
  | { kind: 'punctuator'; text: string; line: number }
  | { kind: 'number'; text: string; line: number };

/** After these keywords an expression starts, so a `/` begins a regular expression. */
const EXPRESSION_KEYWORDS = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await',
]);
const IDENTIFIER_START = /[A-Za-z_$\u0080-\uffff]/;
const IDENTIFIER_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const MAX_SOURCE_CHARS = 8 * 1024 * 1024;

export class TokenizeError extends Error {
  override readonly name = 'TokenizeError';
}

/** The tokens of `source`; throws TokenizeError on an unterminated comment, string, template or regular expression. */
export function tokenize(source: string): Token[] {
  if (source.length > MAX_SOURCE_CHARS) throw new TokenizeError(`source longer than ${MAX_SOURCE_CHARS} characters`);
  const tokens: Token[] = [];
  /** One entry per open `${` of a template: the brace depth inside it. */
  const templates: number[] = [];
  let index = 0;
  let line = 1;

  const fail = (what: string): never => {
    throw new TokenizeError(`unterminated ${what} at line ${line}`);
  };
  const advanceTo = (end: number): void => {
    for (let at = index; at < end; at++) if (source.charCodeAt(at) === 10) line++;
    index = end;
  };
  const regexAllowed = (): boolean => {
    const previous = tokens[tokens.length - 1];
    if (previous === undefined) return true;
    if (previous.kind === 'identifier') return EXPRESSION_KEYWORDS.has(previous.text);
    if (previous.kind !== 'punctuator') return false;
    return previous.text !== ')' && previous.text !== ']';
  };
  /** Skips template text from `index` (just after a backtick or a closing `}`) to the next `${` or the closing backtick. */
  const templateText = (): void => {
    const start = line;
    while (index < source.length) {
      const char = source[index]!;
      if (char === '\\') advanceTo(index + 2);
      else if (char === '`') return advanceTo(index + 1);
      else if (char === '$' && source[index + 1] === '{') {
        templates.push(0);
        return advanceTo(index + 2);
      } else advanceTo(index + 1);
    }
    line = start;
    fail('template literal');
  };

  if (source.startsWith('#!')) advanceTo(source.indexOf('\n') === -1 ? source.length : source.indexOf('\n'));
  while (index < source.length) {
    const char = source[index]!;
    const next = source[index + 1];
    if (char === '\n' || char === ' ' || char === '\t' || char === '\r' || char === '\ufeff') {
      advanceTo(index + 1);
    } else if (char === '/' && next === '/') {
      const end = source.indexOf('\n', index);
      advanceTo(end === -1 ? source.length : end);
    } else if (char === '/' && next === '*') {
      const end = source.indexOf('*/', index + 2);
      if (end === -1) fail('comment');
      advanceTo(end + 2);
    } else if (char === "'" || char === '"') {
      const startLine = line;
      let at = index + 1;
      let text = '';
      while (source[at] !== char) {
        if (at >= source.length || source[at] === '\n') fail('string');
        if (source[at] === '\\') {
          text += source[at + 1] ?? '';
          at += 2;
        } else text += source[at++];
      }
      advanceTo(at + 1);
      tokens.push({ kind: 'string', text, line: startLine });
    } else if (char === '`') {
      advanceTo(index + 1);
      templateText();
    } else if (char === '/' && regexAllowed()) {
      let at = index + 1;
      let inClass = false;
      while (inClass || source[at] !== '/') {
        if (at >= source.length || source[at] === '\n') fail('regular expression');
        if (source[at] === '\\') at++;
        else if (source[at] === '[') inClass = true;
        else if (source[at] === ']') inClass = false;
        at++;
      }
      at++;
      while (at < source.length && IDENTIFIER_PART.test(source[at]!)) at++; // flags
      advanceTo(at);
      tokens.push({ kind: 'punctuator', text: '/regex/', line });
    } else if (IDENTIFIER_START.test(char)) {
      let at = index + 1;
      while (at < source.length && IDENTIFIER_PART.test(source[at]!)) at++;
      tokens.push({ kind: 'identifier', text: source.slice(index, at), line });
      advanceTo(at);
    } else if (/[0-9]/.test(char) || (char === '.' && next !== undefined && /[0-9]/.test(next))) {
      let at = index + 1;
      while (at < source.length && /[0-9A-Za-z_.]/.test(source[at]!)) at++;
      tokens.push({ kind: 'number', text: source.slice(index, at), line });
      advanceTo(at);
    } else if (char === '}' && templates.length > 0 && templates[templates.length - 1] === 0) {
      // The end of a template's `${ ... }`: back to its text.
      templates.pop();
      advanceTo(index + 1);
      templateText();
    } else {
      const text = char === '?' && next === '.' ? '?.' : source.startsWith('...', index) ? '...' : char;
      if (templates.length > 0) {
        if (char === '{') templates[templates.length - 1]!++;
        else if (char === '}') templates[templates.length - 1]!--;
      }
      tokens.push({ kind: 'punctuator', text, line });
      advanceTo(index + text.length);
    }
  }
  if (templates.length > 0) fail('template substitution');
  return tokens;
}
