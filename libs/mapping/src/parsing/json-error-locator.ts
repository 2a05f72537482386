/**
 * Finds where and why JSON text is invalid. JSON.parse's messages differ between Node versions and
 * some carry no position at all ("Unexpected end of JSON input"), so a provincial developer would
 * not know where to look; this small scanner (RFC 8259 grammar) only runs after JSON.parse failed.
 */
export interface JsonSyntaxProblem {
  offset: number;
  message: string;
}

class JsonProblem extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const WS = new Set([' ', '\t', '\n', '\r']);

export function locateJsonError(text: string): JsonSyntaxProblem | undefined {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new JsonProblem(at, message);
  };
  const describe = (at: number) => (at >= text.length ? 'the end of the body' : `"${text[at]}"`);
  const ws = () => {
    while (i < text.length && WS.has(text[i])) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else
      fail(
        `unexpected ${describe(i)}; expected a value (string, number, object, array, true, false or null)`,
      );
  };
  const string = () => {
    const start = i;
    i++;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
            fail('bad \\u escape: four hex digits expected');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(`bad escape "\\${e ?? ''}" in a string`);
        continue;
      }
      if (c.charCodeAt(0) < 0x20)
        fail('a control character (e.g. a raw newline or tab) inside a string; escape it as \\n or \\t');
      i++;
    }
    fail('a string is not closed (missing ")', start);
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') fail(`unexpected ${describe(i)}; expected a value`);
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 10000) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`unexpected ${describe(i)}; expected a property name in double quotes`);
        string();
        ws();
        if (text[i] !== ':') fail(`unexpected ${describe(i)}; expected ":" after the property name`);
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === '}') fail('a trailing comma before "}" is not allowed in JSON');
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`unexpected ${describe(i)}; expected "," or "}" after a property value`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === ']') fail('a trailing comma before "]" is not allowed in JSON');
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`unexpected ${describe(i)}; expected "," or "]" after an array element`);
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === "'") fail('strings must use double quotes (") in JSON, not single quotes');
    return number();
  };
  try {
    ws();
    if (i >= text.length) fail('the body is empty; expected a JSON value');
    value(0);
    ws();
    if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return undefined;
  } catch (e) {
    if (e instanceof JsonProblem) return { offset: e.offset, message: e.message };
    // A RangeError from a pathologically deep body: still say roughly where.
    return { offset: i, message: e instanceof Error ? e.message : String(e) };
  }
}
