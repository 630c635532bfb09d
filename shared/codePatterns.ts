// What a scanned code looks like: a carrier's tracking number, a product barcode, or neither.
// Pure and shared, so the station page, the settings form and the tests use the same rules.
//
// The carrier patterns are deliberately a little loose (carriers add number ranges over the years):
// a code that matches none is still recorded, with a warning, because a clip under an odd code is
// better than no clip. Product barcodes are the one mistake worth refusing: scanning the EAN on the
// item instead of the shipping label is the most common slip at a packing table.

export interface CarrierPattern {
  id: string;
  /** Shown in settings; carriers' own names, not translated. */
  name: string;
  re: RegExp;
}

export const CARRIER_PATTERNS: readonly CarrierPattern[] = [
  { id: 'sf', name: 'SF Express 顺丰', re: /^SF\d{12,15}$/ },
  { id: 'zto', name: 'ZTO 中通', re: /^(?:7[0-9]|5[0-9]|6[0-8]|3[0-9])\d{10}(?:\d{2})?$/ },
  { id: 'yto', name: 'YTO 圆通', re: /^YT\d{13,15}$/ },
  { id: 'sto', name: 'STO 申通', re: /^(?:22|26|33|36|44|46|55|56|58|66|68|77|88|99)\d{10,13}$/ },
  { id: 'yunda', name: 'Yunda 韵达', re: /^(?:10|11|12|13|19|31|32|33|34|35|36|37|38|39|43|46|50|55|59|70|75|80|84|88|93)\d{11}(?:\d{2})?$/ },
  { id: 'jd', name: 'JD 京东', re: /^JD[A-Z0-9]{11,18}$/ },
  { id: 'ems', name: 'EMS / China Post', re: /^(?:[A-Z]{2}\d{9}[A-Z]{2}|1\d{12})$/ },
  { id: 'jt', name: 'J&T 极兔', re: /^JT\d{13}$/ },
  { id: 'ups', name: 'UPS', re: /^1Z[0-9A-Z]{16}$/ },
  { id: 'fedex', name: 'FedEx', re: /^(?:\d{12}|\d{15}|\d{20}|\d{22})$/ },
  { id: 'dhl', name: 'DHL', re: /^(?:\d{10,11}|JJD\d{18}|JVGL\d{16,20}|[A-Z]{3}\d{7,8})$/ },
  // South-east Asia's marketplaces and their carriers: prefixes as printed on their labels, lengths
  // loosened by a few digits because each country's branch numbers its parcels a little differently.
  { id: 'spx', name: 'Shopee Xpress (SPX)', re: /^SPX[A-Z]{2}[0-9A-Z]{8,16}$/ },
  { id: 'amazon', name: 'Amazon Logistics (TBA)', re: /^TB[ACM]\d{12}$/ },
  { id: 'lazada', name: 'Lazada (LEX / LZD)', re: /^(?:LEX|LZD|LX)[A-Z]{0,3}[0-9A-Z]{8,16}$/ },
  { id: 'ninjavan', name: 'Ninja Van', re: /^NV[A-Z]{2}[0-9A-Z]{8,18}$/ },
  { id: 'flash', name: 'Flash Express', re: /^(?:TH|PH|MY|LA)\d{10,12}[A-Z]?\d?$/ },
  { id: 'kerry', name: 'Kerry Express', re: /^KE[A-Z]{0,3}\d{8,13}$/ },
  { id: 'best', name: 'Best Express 百世', re: /^(?:BEST|BE)[0-9A-Z]{10,14}$/ },
  { id: 'cainiao', name: 'Cainiao 菜鸟', re: /^(?:LP\d{14,16}|CAINIAO\d{8,16}|CNG[A-Z0-9]{10,16})$/ },
  // Postal services: the UPU S10 form (two letters, nine digits, country) with each country's code,
  // plus the domestic numbers each prints on its own labels.
  { id: 'auspost', name: 'Australia Post', re: /^(?:[A-Z]{2}\d{9}AU|[0-9A-Z]{2}[A-Z]{1,3}\d{7,8}|\d{22,23})$/ },
  { id: 'royalmail', name: 'Royal Mail', re: /^(?:[A-Z]{2}\d{9}GB|[A-Z]{2}\d{8,9}[A-Z]{0,2}GB)$/ },
  { id: 'usps', name: 'USPS', re: /^(?:[A-Z]{2}\d{9}US|9[1-5]\d{18,20}|420\d{5}(?:\d{4})?9[1-5]\d{18,20})$/ },
  { id: 'canadapost', name: 'Canada Post', re: /^(?:[A-Z]{2}\d{9}CA|\d{16})$/ },
  { id: 'indiapost', name: 'India Post', re: /^[A-Z]{2}\d{9}IN$/ },
  // Delhivery's waybills are plain 13-14 digit numbers: the 13-digit ones look like EAN-13 product
  // codes, so the pattern is off unless a station ships with Delhivery (see DEFAULT_OFF).
  { id: 'delhivery', name: 'Delhivery', re: /^\d{13,14}$/ },
  // J&T's branches: China (JT + 13 digits), Indonesia and the Philippines (JP / JX + digits).
  { id: 'jtsea', name: 'J&T Express (SEA: JP / JX)', re: /^J[PX]\d{10,12}$/ },
];

export const ALL_CARRIER_IDS = CARRIER_PATTERNS.map((p) => p.id);

/**
 * Patterns a new station does not switch on by itself: they would let a scanned product barcode
 * through as an order code (the slip the refusal exists for), so a site turns them on knowingly.
 */
export const DEFAULT_OFF_CARRIER_IDS: readonly string[] = ['delhivery'];

export const DEFAULT_CARRIER_IDS = ALL_CARRIER_IDS.filter((id) => !DEFAULT_OFF_CARRIER_IDS.includes(id));

/** Carriers added after the first release: switched on by a migration for stations that saved a list. */
export const CARRIERS_ADDED_LATER = DEFAULT_CARRIER_IDS.slice(ALL_CARRIER_IDS.indexOf('dhl') + 1);

export interface CodeRules {
  /** Carrier pattern ids that count as order codes; [] with no custom pattern = no pattern check. */
  carriers: readonly string[];
  /** Extra regular expressions (site-specific order numbers), matched against the whole code. */
  custom: readonly string[];
  /** Removed from the start / end of a scan when present (scanner-added framing). */
  stripPrefix: string;
  stripSuffix: string;
  /** EAN-13 / EAN-8 / UPC-A codes are refused as order codes unless this is on. */
  allowProductBarcodes: boolean;
}

export const DEFAULT_CODE_RULES: CodeRules = {
  carriers: DEFAULT_CARRIER_IDS,
  custom: [],
  stripPrefix: '',
  stripSuffix: '',
  allowProductBarcodes: false,
};

/** GS1 check digit (EAN-8, UPC-A, EAN-13 share it): weights 3,1,3,1… from the right, skipping the check digit. */
export function gs1CheckDigitOk(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = digits.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += Number(digits[i]) * w;
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}

export type ProductKind = 'EAN-13' | 'UPC-A' | 'EAN-8';

export function productBarcodeKind(code: string): ProductKind | null {
  if (!/^\d+$/.test(code) || !gs1CheckDigitOk(code)) return null;
  if (code.length === 13) return 'EAN-13';
  if (code.length === 12) return 'UPC-A';
  if (code.length === 8) return 'EAN-8';
  return null;
}

export function stripFraming(code: string, rules: Pick<CodeRules, 'stripPrefix' | 'stripSuffix'>): string {
  let out = code;
  if (rules.stripPrefix && out.startsWith(rules.stripPrefix) && out.length > rules.stripPrefix.length) out = out.slice(rules.stripPrefix.length);
  if (rules.stripSuffix && out.endsWith(rules.stripSuffix) && out.length > rules.stripSuffix.length) out = out.slice(0, -rules.stripSuffix.length);
  return out;
}

/** Compiles a custom pattern anchored to the whole code; null when it is not a valid expression. */
export function compileCustom(source: string): RegExp | null {
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch {
    return null;
  }
}

export type Classification =
  { kind: 'carrier'; carrier: string } | { kind: 'custom' } | { kind: 'product'; product: ProductKind } | { kind: 'unknown' } | { kind: 'unchecked' }; // no patterns configured

/**
 * A checksum-valid product barcode that also fits an enabled carrier (FedEx and ZTO use 12-digit
 * numbers, one in ten of which pass the UPC check) is taken as the carrier's: refusing it would make
 * a real label unrecordable. Only codes that fit no carrier are refused as products.
 */
export function classifyCode(code: string, rules: CodeRules): { cls: Classification; alsoProduct: ProductKind | null } {
  const product = productBarcodeKind(code);
  const carrier = CARRIER_PATTERNS.find((p) => rules.carriers.includes(p.id) && p.re.test(code));
  if (carrier) return { cls: { kind: 'carrier', carrier: carrier.name }, alsoProduct: product };
  if (rules.custom.some((src) => compileCustom(src)?.test(code))) return { cls: { kind: 'custom' }, alsoProduct: product };
  if (product) return { cls: { kind: 'product', product }, alsoProduct: product };
  if (rules.carriers.length === 0 && rules.custom.length === 0) return { cls: { kind: 'unchecked' }, alsoProduct: null };
  return { cls: { kind: 'unknown' }, alsoProduct: null };
}
