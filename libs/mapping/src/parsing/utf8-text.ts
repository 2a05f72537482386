import { PayloadParseError, locate } from '../errors/payload-parse.error';

/** Byte offset of the first byte that is not well-formed UTF-8 (RFC 3629), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * The text of a body: bytes must be UTF-8 (the contract refuses other charsets), a leading BOM is
 * dropped because Excel and Windows Notepad write one and it would otherwise end up in the first
 * header name or break JSON.parse.
 */
export function decodeUtf8(body: Buffer | string): string {
  let text: string;
  if (typeof body === 'string') {
    text = body;
  } else {
    const bad = firstInvalidUtf8(body);
    if (bad >= 0) {
      const before = body.subarray(0, bad).toString('utf8');
      const at = locate(before, before.length);
      throw new PayloadParseError(
        `the body is not valid UTF-8: byte 0x${body[bad].toString(16).padStart(2, '0')} at byte offset ${bad}; save or send the data as UTF-8 (not Windows-1258 or TCVN3)`,
        at,
      );
    }
    text = body.toString('utf8');
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
