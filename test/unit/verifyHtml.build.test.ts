// verify.html as a reviewer gets it: one self-contained file built from renderer/verify. Its one
// script is inline (nothing to fetch from file:// or the network), it keeps the page's CSP, it is
// valid JavaScript, and an export writes exactly this page. Chromium runs it in
// test/e2e/export.signed.e2e.test.ts, anchorSegment.e2e.test.ts and verifyHtml.labels.e2e.test.ts.
import { describe, expect, it } from 'vitest';
import { bundleVerifyHtml, verifyHtml } from '../../electron/engine/export/verifyHtml.ts';

describe('verify.html is one self-contained file', () => {
  it('has its script and style inline, no reference to any other file or host, and the CSP that forbids them', async () => {
    const html = await bundleVerifyHtml();
    expect(html.match(/<script\b/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script[^>]*\ssrc=|<link\b|<img\b|<iframe\b|@import|https?:\/\//i);
    expect(html).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'"`);
    expect(html).not.toContain('PACKWITNESS_VERIFY_SCRIPT');
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    expect(script).not.toMatch(/<\/script/i);
    // It parses as a script (not run: it needs the page's elements).
    expect(() => new Function(script)).not.toThrow();
    expect(script).toContain('LABEL MISMATCH');
  });

  it('is the page an export writes', async () => {
    expect(await verifyHtml()).toBe(await bundleVerifyHtml());
  });
});
