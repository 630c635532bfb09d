// What each appeal channel accepts, with the source of every figure next to it.
// Figures come from ../shared/platform-limits.md (researched November 2026); "confirmed" means a
// platform page or API document states it. Where nothing was found the preset says so
// (limitsKnown: false) and uses CONSERVATIVE_* below, the smallest limits any channel confirmed,
// so a file made for an unknown channel is also accepted by every channel we know.

import type { ExportForm } from '../../../shared/contract/export.ts';
import { isMessageCode, msg, type Message } from '../../../shared/messages.ts';

export type { ExportForm };

export interface VideoLimit {
  /** Per file, bytes. null = no limit (Original, Generic). */
  maxBytes: number | null;
  /** Per file, milliseconds. null = no limit. */
  maxDurationMs: number | null;
  known: boolean;
}

export interface FileLimit {
  maxBytes: number;
  known: boolean;
}

export interface ChannelPreset {
  id: string;
  name: string;
  /** What the channel takes. video null = it takes no video at all. */
  video: VideoLimit | null;
  /** Key-frame stills (JPEG). null = no images. */
  image: FileLimit | null;
  /** The evidence sheet as PDF. null = no documents. */
  pdf: FileLimit | null;
  /** What an export makes when the person does not choose. */
  defaultForm: ExportForm;
  /** false: keep the original file byte for byte (its SHA-256 stays the signed one). */
  reencode: boolean;
  limitsKnown: boolean;
  note: string;
  sources: string[];
}

const MB = 1024 * 1024;
// Decimal megabytes would be 2.4 % larger; platforms rarely say which they mean, so use the binary
// megabyte minus nothing — and plan.ts keeps a further safety margin below every limit.

/** Smallest confirmed video limits: 20 MB (WeChat 小店 after-sales), 60 s (Shopee). */
export const CONSERVATIVE_VIDEO: VideoLimit = { maxBytes: 20 * MB, maxDurationMs: 60_000, known: false };
/** Smallest confirmed image limit: 1.5 MB (eBay payment-dispute evidence). */
export const CONSERVATIVE_IMAGE: FileLimit = { maxBytes: 1.5 * MB, known: false };
/** Smallest confirmed document limit: 5 MB (eBay post-order documents). */
export const CONSERVATIVE_PDF: FileLimit = { maxBytes: 5 * MB, known: false };

const UNKNOWN_NOTE = 'Limits not published; conservative defaults are used (20 MB / 60 s video, 1.5 MB images, 5 MB PDF).';

export const PRESETS: readonly ChannelPreset[] = [
  {
    id: 'shopee',
    name: 'Shopee (30 MB, 60 s)',
    // "10 MB per photo, 30 MB (up to 1 min) per video" — help.shopee.ph article 81183;
    // same figures in help.shopee.sg article 76632 (buyer return/refund evidence).
    video: { maxBytes: 30 * MB, maxDurationMs: 60_000, known: true },
    image: { maxBytes: 10 * MB, known: true },
    pdf: null,
    defaultForm: 'video',
    reencode: true,
    limitsKnown: true,
    note: 'Shopee asks for one continuous video without edits showing the airway bill and all items; long clips become consecutive parts.',
    sources: ['help.shopee.sg article 76632', 'help.shopee.ph article 81183', 'help.shopee.ph article 81499 (seller dispute requirements)'],
  },
  {
    id: 'wechat',
    name: 'WeChat 微信小店 (20 MB)',
    // After-sales video scene (售后相关的视频): 20 MB, no length limit, mp4 —
    // developers.weixin.qq.com store API video_initupload.
    video: { maxBytes: 20 * MB, maxDurationMs: null, known: true },
    image: CONSERVATIVE_IMAGE,
    pdf: null,
    defaultForm: 'video',
    reencode: true,
    limitsKnown: true,
    note: 'After-sales video: 20 MB, any length, MP4.',
    sources: ['developers.weixin.qq.com store API video_initupload (scene 售后相关的视频)'],
  },
  {
    id: 'amazon',
    name: 'Amazon A-to-z / SAFE-T (images + PDF, 20 MB)',
    // A-to-z: "PDF, JPG, JPEG, PNG, max 20 MB", no video — Amazon UK help (A-to-z claims).
    // SAFE-T asks for photos of all four sides, packaging and both invoices — UAE help QG3WU8KETHHJN25.
    // Buyer-Seller Messaging attachments: 10 MB per message — sellercentral help 200389080.
    video: null,
    image: { maxBytes: 20 * MB, known: true },
    pdf: { maxBytes: 20 * MB, known: true },
    defaultForm: 'stills',
    reencode: true,
    limitsKnown: true,
    note: 'Takes no video: labelled key-frame stills and the evidence sheet PDF. Via Buyer-Seller Messaging keep one message under 10 MB.',
    sources: ['Amazon UK help, A-to-z Guarantee claim attachments', 'sellercentral help 200389080', 'Amazon UAE help QG3WU8KETHHJN25 (SAFE-T)'],
  },
  {
    id: 'ebay',
    name: 'eBay (images 1.5 MB, PDF 5 MB)',
    // Payment-dispute evidence JPEG/PNG 1.5 MB; post-order documents PDF/JPEG/BMP/GIF/PNG 5 MB;
    // no video in the API — developer.ebay.com UploadFileRequest, uploadPostOrderDocument.
    video: null,
    image: { maxBytes: 1.5 * MB, known: true },
    pdf: { maxBytes: 5 * MB, known: true },
    defaultForm: 'stills',
    reencode: true,
    limitsKnown: true,
    note: 'Takes no video: stills of at most 1.5 MB (payment disputes) and a PDF of at most 5 MB.',
    sources: ['developer.ebay.com UploadFileRequest (payment dispute evidence)', 'developer.ebay.com uploadPostOrderDocument'],
  },
  {
    id: 'etsy',
    name: 'Etsy (JPEG/PNG)',
    // Case attachments are JPEG or PNG, no video — etsy.com/help/article/4817. No size found.
    video: null,
    image: CONSERVATIVE_IMAGE,
    pdf: null,
    defaultForm: 'stills',
    reencode: true,
    limitsKnown: false,
    note: 'Takes JPEG or PNG only; size limit not published, a conservative 1.5 MB per image is used.',
    sources: ['etsy.com/help/article/4817'],
  },
  {
    id: 'walmart',
    name: 'Walmart Marketplace (images)',
    // Return disputes ask for images of the empty box / missing items and the return label —
    // marketplacelearn.walmart.com. No size or video limit found.
    video: null,
    image: CONSERVATIVE_IMAGE,
    pdf: CONSERVATIVE_PDF,
    defaultForm: 'stills',
    reencode: true,
    limitsKnown: false,
    note: 'Asks for images; limits not published, conservative defaults used.',
    sources: ['marketplacelearn.walmart.com (return dispute requirements)'],
  },
  {
    id: 'tiktok-shop',
    name: 'TikTok Shop (limits unknown)',
    // Seller appeal of returns asks for photos and "a visible timestamp" on video —
    // seller-th.tiktok.com knowledge 7386791368197889. No size or length limit found.
    video: CONSERVATIVE_VIDEO,
    image: CONSERVATIVE_IMAGE,
    pdf: null,
    defaultForm: 'video',
    reencode: true,
    limitsKnown: false,
    note: `Wants a visible timestamp (burned into every clip). ${UNKNOWN_NOTE}`,
    sources: ['seller-th.tiktok.com knowledge 7386791368197889'],
  },
  {
    id: 'taobao',
    name: 'Taobao / Tmall (limits unknown)',
    // refuse_proof takes images; one ERP checks ≤ 512,000 bytes (unconfirmed). Video: not found.
    video: CONSERVATIVE_VIDEO,
    image: { maxBytes: 512_000, known: false },
    pdf: null,
    defaultForm: 'video',
    reencode: true,
    limitsKnown: false,
    note: 'Video limit not published (20 MB / 60 s used); images kept under 512,000 bytes, the figure one ERP checks (unconfirmed).',
    sources: ['platform-limits.md: Taobao/Tmall 千牛 refund refusal refuse_proof (not found; ERP figure unconfirmed)'],
  },
  unknownChannel('pinduoduo', 'Pinduoduo 拼多多'),
  unknownChannel('jd', 'JD 京东'),
  unknownChannel('douyin', 'Douyin shop 抖店'),
  {
    ...unknownChannel('lazada', 'Lazada'),
    // Not found on Lazada; a third-party guide advises ≤ 60 s, which the default already meets.
    sources: ['platform-limits.md: Lazada not found (third-party guide advises ≤ 60 s)'],
  },
  {
    ...unknownChannel('flipkart', 'Flipkart SPF'),
    note: `The label with order ID and tracking ID must be visible. ${UNKNOWN_NOTE}`,
    sources: ['platform-limits.md: Flipkart SPF (third-party only)'],
  },
  {
    ...unknownChannel('meesho', 'Meesho'),
    note: `An unpacking video is required. ${UNKNOWN_NOTE}`,
    sources: ['platform-limits.md: Meesho (third-party copy of the supplier panel)'],
  },
  {
    id: 'generic-100',
    name: 'Generic 100 MB',
    video: { maxBytes: 100 * MB, maxDurationMs: null, known: true },
    image: { maxBytes: 10 * MB, known: true },
    pdf: { maxBytes: 10 * MB, known: true },
    defaultForm: 'video',
    reencode: true,
    limitsKnown: true,
    note: 'Any channel that takes a video of up to 100 MB (e-mail services, most web forms).',
    sources: [],
  },
  {
    id: 'original',
    name: 'Original (no re-encode)',
    // Byte-for-byte copy: the SHA-256 stays the one the station signed and timestamped.
    video: { maxBytes: null, maxDurationMs: null, known: true },
    image: null,
    pdf: { maxBytes: 100 * MB, known: true },
    defaultForm: 'video',
    reencode: false,
    limitsKnown: true,
    note: 'The recorded file itself, unchanged: its hash matches the signature. Cannot be trimmed or split.',
    sources: [],
  },
  {
    id: 'custom',
    name: 'Custom (your size and length)',
    video: { maxBytes: 30 * MB, maxDurationMs: 60_000, known: true },
    image: { maxBytes: 1.5 * MB, known: true },
    pdf: { maxBytes: 5 * MB, known: true },
    defaultForm: 'video',
    reencode: true,
    limitsKnown: true,
    note: 'Give the size (MB) and length (s) the channel allows.',
    sources: [],
  },
];

function unknownChannel(id: string, label: string): ChannelPreset {
  return {
    id,
    name: `${label} (limits unknown)`,
    // platform-limits.md: "Pinduoduo, JD, Douyin shop, Kuaishou shop, Xiaohongshu — not found".
    video: CONSERVATIVE_VIDEO,
    image: CONSERVATIVE_IMAGE,
    pdf: null,
    defaultForm: 'video',
    reencode: true,
    limitsKnown: false,
    note: UNKNOWN_NOTE,
    sources: ['platform-limits.md: not found'],
  };
}

/**
 * A preset's name and note as message codes (shared/messages.ts), for the UI to word in its
 * language: `preset-name-<id>` and `preset-note-<id>`, or the codes every channel with unknown
 * limits shares. test/unit/messages.test.ts checks their English is the preset's own words.
 */
export function presetWords(p: Pick<ChannelPreset, 'id' | 'name'>): { name: Message; note: Message } {
  const nameCode = `preset-name-${p.id}`;
  const noteCode = `preset-note-${p.id}`;
  return {
    name: isMessageCode(nameCode) ? { code: nameCode, params: {} } : msg('preset-name-unknown', { label: p.name.replace(/ \(limits unknown\)$/, '') }),
    note: isMessageCode(noteCode) ? { code: noteCode, params: {} } : msg('preset-note-unknown'),
  };
}

export function findPreset(id: string): ChannelPreset | undefined {
  const key = id.trim().toLowerCase();
  return PRESETS.find((p) => p.id === key || p.name.toLowerCase() === key);
}

export interface CustomLimits {
  maxMB?: number | null;
  maxSeconds?: number | null;
}

/** The preset with a person's own limits applied (only "custom" takes them). */
export function withCustomLimits(preset: ChannelPreset, custom: CustomLimits | undefined): ChannelPreset {
  if (preset.id !== 'custom' || !custom) return preset;
  const video = preset.video!;
  return {
    ...preset,
    video: {
      maxBytes: custom.maxMB === undefined ? video.maxBytes : custom.maxMB === null ? null : Math.round(custom.maxMB * MB),
      maxDurationMs: custom.maxSeconds === undefined ? video.maxDurationMs : custom.maxSeconds === null ? null : Math.round(custom.maxSeconds * 1000),
      known: true,
    },
  };
}
