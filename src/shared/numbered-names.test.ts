import { describe, expect, it } from 'vitest';
import { utf8Length } from './numbered-names.js';

describe('utf8Length', () => {
  it('counts the bytes Node writes, lone surrogates as U+FFFD', () => {
    for (const text of ['', 'a', 'é', 'e\u0301', '€', '한', '😀', 'a😀b', '\ud800', 'x\udc00y', '\ud83d', '\u0000', '\u07ff\u0800\uffff']) {
      expect(utf8Length(text), JSON.stringify(text)).toBe(Buffer.byteLength(text, 'utf8'));
    }
  });
});
