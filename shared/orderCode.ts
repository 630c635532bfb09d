// Order codes come from scanners and keyboards, so they are hostile input until proven otherwise.
// Real shipping labels carry letters (Latin and CJK), digits, '-' and '_'; everything else is refused
// with a reason a packer can read, because a silently "cleaned" code would no longer match the label.

export const ORDER_CODE_MAX = 80;

export type OrderCodeResult = { ok: true; code: string } | { ok: false; reason: string };

// Letters of any script, combining marks (Thai, Devanagari labels), digits, '-' and '_'.
const ALLOWED = /^[\p{L}\p{M}\p{Nd}_-]+$/u;

function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp === 0x7f) return `control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (ch === ' ') return 'a space';
  return `'${ch}'`;
}

export function parseOrderCode(raw: unknown): OrderCodeResult {
  if (typeof raw !== 'string') return { ok: false, reason: 'The order code must be text.' };
  // Scanners often append CR/LF or Tab; surrounding white space is never part of a label.
  const code = raw.replace(/^[\s\u0000-\u001f]+|[\s\u0000-\u001f]+$/gu, '').normalize('NFC');
  if (code.length === 0) return { ok: false, reason: 'The order code is empty.' };
  const length = [...code].length;
  if (length > ORDER_CODE_MAX) {
    return { ok: false, reason: `The order code is too long (${length} characters, at most ${ORDER_CODE_MAX}).` };
  }
  if (!ALLOWED.test(code)) {
    const bad = [...code].find((ch) => !ALLOWED.test(ch)) ?? '?';
    return {
      ok: false,
      reason: `The order code contains ${describeChar(bad)}; only letters, digits, '-' and '_' are allowed.`,
    };
  }
  return { ok: true, code };
}
