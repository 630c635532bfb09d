// A font for captions and the evidence sheet. Order codes can be CJK (顺丰…), so a CJK-capable font
// is preferred; DejaVu covers Latin, Cyrillic, Thai-less labels. Without any, ffmpeg's fontconfig
// default is used (text still drawn, glyphs may be missing, nothing crashes).
import fs from 'node:fs';

const CANDIDATES = [
  process.env.PACKWITNESS_FONT ?? '',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/System/Library/Fonts/PingFang.ttc',
  '/System/Library/Fonts/Supplemental/Arial Unicode.ttf',
  'C:/Windows/Fonts/msyh.ttc',
  'C:/Windows/Fonts/arial.ttf',
];

let found: string | null | undefined;
export function captionFont(): string | null {
  if (found === undefined) found = CANDIDATES.find((f) => f && fs.existsSync(f)) ?? null;
  return found;
}
