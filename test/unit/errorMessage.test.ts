// What a log line or refusal says for whatever a catch clause caught.
import { describe, expect, it } from 'vitest';
import { errorLine, errorMessage } from '../../shared/errorMessage.ts';

describe('errorMessage', () => {
  it.each<[string, unknown, string, string]>([
    ['an Error', new Error('disk full'), 'disk full', 'disk full'],
    ["ffmpeg's failure with its stderr below", new Error('remux failed\nmoov atom not found'), 'remux failed\nmoov atom not found', 'remux failed'],
    ['a thrown string', 'no camera', 'no camera', 'no camera'],
    [
      'a plain object with a message (a worker, a DOMException-like)',
      { name: 'NotAllowedError', message: 'Permission denied' },
      'Permission denied',
      'Permission denied',
    ],
    ['undefined', undefined, 'undefined', 'undefined'],
  ])('%s', (_what, thrown, message, line) => {
    expect(errorMessage(thrown)).toBe(message);
    expect(errorLine(thrown)).toBe(line);
  });
});
