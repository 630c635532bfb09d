// The lines of a package check as codes with parameters, worded in English and Simplified Chinese by
// this one table: verify.html (in the reviewer's browser, bundled without the app's i18n) and the
// engine's `packwitness verify PACKAGE` (English by design) word the same codes from it.
// Parameters are data (file names, hashes, fingerprints, counts, names), never English words.
// test/unit/i18n.test.ts fails on a code without Chinese text or a text that drops a parameter.

export type PackageLang = 'en' | 'zh-CN';

export const PACKAGE_WORDS = {
  'pkg-verified': {
    en: 'VERIFIED: the export manifest is signed by the station, every file matches it, and the signatures hold.',
    'zh-CN': '已验证：导出清单由工作台签名，每个文件都与之相符，签名全部有效。',
  },
  'pkg-verified-hub': {
    en: 'VERIFIED: the export manifest is signed by the warehouse hub "{{hub}}" (the clips in it are sealed by the station), every file matches it, and the signatures hold.',
    'zh-CN': '已验证：导出清单由仓库中心“{{hub}}”签名（其中的视频由工作台封存），每个文件都与之相符，签名全部有效。',
  },
  'pkg-not-verified': {
    en: 'NOT VERIFIED: {{count}} problem(s) found; see the lines marked {{mark}}.',
    'zh-CN': '未通过验证：发现 {{count}} 处问题；请查看标有 {{mark}} 的行。',
  },
  'pkg-manifest-missing': {
    en: '{{file}} is missing: without it nothing in the package can be checked.',
    'zh-CN': '缺少 {{file}}：没有它，包中的任何内容都无法检查。',
  },
  'pkg-station-key-missing': {
    en: "{{file}} (the station's public key) is missing: the signature of the export manifest cannot be checked.",
    'zh-CN': '缺少 {{file}}（工作台的公钥）：无法检查导出清单的签名。',
  },
  'pkg-signature-missing': {
    en: '{{file}} is missing: the export manifest is not signed, so nothing ties these files to the station.',
    'zh-CN': '缺少 {{file}}：导出清单没有签名，因此没有任何东西能证明这些文件来自该工作台。',
  },
  'pkg-hub-key-missing': {
    en: "{{file}} is missing: the export manifest names it (a package made on the warehouse hub is signed by the hub's key in {{file}}), so its signature cannot be checked and no file of this package is vouched for.",
    'zh-CN': '缺少 {{file}}：导出清单列出了它（仓库中心制作的包由 {{file}} 中的中心密钥签名），因此无法检查其签名，包中没有任何文件得到担保。',
  },
  'pkg-signature-broken': {
    en: 'The signature of the export manifest does NOT hold: {{manifest}}, {{signature}} and station.pem do not belong together (the manifest was changed after the station signed it, the signature was changed, or station.pem is not the key that signed it). None of the hashes it lists can be trusted, so no file of this package is vouched for.',
    'zh-CN':
      '导出清单的签名无效：{{manifest}}、{{signature}} 与 station.pem 不能对应（清单在工作台签名后被修改、签名被修改，或 station.pem 不是签名所用的密钥）。清单列出的哈希值都不可信，包中没有任何文件得到担保。',
  },
  'pkg-signature-broken-hub': {
    en: "The signature of the export manifest does NOT hold: neither station.pem nor the hub's key in {{hubKey}} signed {{manifest}} as it is (the manifest or its signature was changed, or {{hubKey}} is not the hub key that signed it). None of the hashes it lists can be trusted, so no file of this package is vouched for.",
    'zh-CN':
      '导出清单的签名无效：station.pem 和 {{hubKey}} 中的中心密钥都没有签署当前的 {{manifest}}（清单或其签名被修改，或 {{hubKey}} 不是签名所用的中心密钥）。清单列出的哈希值都不可信，包中没有任何文件得到担保。',
  },
  'pkg-signed-by-station': {
    en: '{{file}} is signed by the station key in station.pem (fingerprint {{fingerprint}}).',
    'zh-CN': '{{file}} 由 station.pem 中的工作台密钥签名（指纹 {{fingerprint}}）。',
  },
  'pkg-signed-by-station-compare': {
    en: '{{file}} is signed by the station key in station.pem (fingerprint {{fingerprint}}); compare it with the fingerprint the station shows.',
    'zh-CN': '{{file}} 由 station.pem 中的工作台密钥签名（指纹 {{fingerprint}}）；请与工作台显示的指纹核对。',
  },
  'pkg-signed-by-hub': {
    en: "{{manifest}} is signed by the warehouse hub \"{{hub}}\" with its key in {{hubKey}} (fingerprint {{hubFingerprint}}), not by the station: the hub made this export from the station's sealed clip ({{readme}}). station.pem (fingerprint {{fingerprint}}) is the station's key, which signed the clip's own manifest.",
    'zh-CN':
      '{{manifest}} 由仓库中心“{{hub}}”用 {{hubKey}} 中的密钥签名（指纹 {{hubFingerprint}}），而不是由工作台签名：本次导出由中心根据工作台封存的视频制作（{{readme}}）。station.pem（指纹 {{fingerprint}}）是工作台的密钥，视频自身的清单由它签名。',
  },
  'pkg-hub-receipt-missing': {
    en: "{{file}} is missing or unreadable: the hub's receipt for the clip cannot be shown.",
    'zh-CN': '{{file}} 缺失或无法读取：无法显示中心对该视频的回执。',
  },
  'pkg-hub-receipt-unsigned': {
    en: '{{file}} is NOT signed by the hub key in {{hubKey}} (changed, or its signature is missing).',
    'zh-CN': '{{file}} 没有由 {{hubKey}} 中的中心密钥签名（已被修改，或缺少签名）。',
  },
  'pkg-hub-receipt-other-hub': {
    en: '{{file}} names another hub key than {{hubKey}}.',
    'zh-CN': '{{file}} 指明的中心密钥不是 {{hubKey}}。',
  },
  'pkg-hub-receipt-other-station': {
    en: '{{file}} is for another station key than station.pem.',
    'zh-CN': '{{file}} 针对的是另一个工作台密钥，而不是 station.pem。',
  },
  'pkg-hub-receipt-other-clip': {
    en: '{{file}} is for another clip than the one this export was made from.',
    'zh-CN': '{{file}} 针对的是另一段视频，而不是本次导出所用的视频。',
  },
  'pkg-hub-receipt': {
    en: '{{file}}: the hub "{{hub}}" received clip {{clip}} (SHA-256 {{hash}}) from the station with key {{stationKey}} at {{receivedAt}} and checked it again at {{verifiedAt}}; the hub\'s signature over the receipt holds.',
    'zh-CN':
      '{{file}}：仓库中心“{{hub}}”于 {{receivedAt}} 从密钥为 {{stationKey}} 的工作台收到视频 {{clip}}（SHA-256 {{hash}}），并于 {{verifiedAt}} 再次核验；中心对该回执的签名有效。',
  },
  'pkg-hub-file-not-covered': {
    en: "{{file}} is not covered by the signed export manifest: the hub's manifest must list it with its hash, so it cannot be trusted.",
    'zh-CN': '{{file}} 不在已签名的导出清单中：中心的清单必须列出它及其哈希值，因此它不可信。',
  },
  'pkg-no-export-timestamp': {
    en: "The export manifest has no trusted timestamp ({{file}}): the time of the export is the station's own clock.",
    'zh-CN': '导出清单没有可信时间戳（{{file}}）：导出时间仅为工作台自身的时钟。',
  },
  'pkg-file-missing': {
    en: '{{file}} is missing: the signed manifest lists it ({{what}}), but it is not in what was given.',
    'zh-CN': '缺少 {{file}}：已签名的清单列出了它（{{what}}），但提供的文件中没有它。',
  },
  'pkg-file-changed': {
    en: '{{file}}: SHA-256 does NOT match the signed manifest: this is not the file the station exported (it was changed, or another file was put in its place). Expected {{expected}}, got {{got}}.',
    'zh-CN': '{{file}}：SHA-256 与已签名的清单不符：这不是工作台导出的文件（它被修改过，或被换成了另一个文件）。应为 {{expected}}，实际为 {{got}}。',
  },
  'pkg-file-matches': {
    en: '{{file}}: SHA-256 matches the signed manifest ({{hash}}).',
    'zh-CN': '{{file}}：SHA-256 与已签名的清单相符（{{hash}}）。',
  },
  'pkg-file-foreign': {
    en: '{{file}} is a foreign file: the signed manifest does not list it, so it is not part of this export.',
    'zh-CN': '{{file}} 是外来文件：已签名的清单没有列出它，因此它不属于本次导出。',
  },
  'pkg-station-key-unreadable': {
    en: '{{file}} cannot be read as an Ed25519 public key ({{error}}).',
    'zh-CN': '{{file}} 无法作为 Ed25519 公钥读取（{{error}}）。',
  },
  'pkg-manifest-not-json': {
    en: '{{file}} is signed but is not JSON.',
    'zh-CN': '{{file}} 已签名，但不是 JSON。',
  },
  'pkg-manifest-other-key': {
    en: 'The export manifest names station key {{named}}, not the key in station.pem.',
    'zh-CN': '导出清单指明的工作台密钥是 {{named}}，而不是 station.pem 中的密钥。',
  },
  'pkg-tsa-cert-given': {
    en: '{{file}} is not part of the export: it was given as a TSA certificate to check the timestamps with.',
    'zh-CN': '{{file}} 不属于本次导出：它是为检查时间戳而提供的 TSA 证书。',
  },
  'pkg-check-stopped': {
    en: 'The check could not go on: {{error}}.',
    'zh-CN': '检查无法继续：{{error}}。',
  },
} as const satisfies Record<string, Record<PackageLang, string>>;

export type PackageCode = keyof typeof PACKAGE_WORDS;
export type PackageParams = Record<string, string | number>;

/** The line of a code in a language, its {{params}} filled in (a missing one stays visible as {{name}}). */
export function wordPackage(code: PackageCode, params: PackageParams = {}, lang: PackageLang = 'en'): string {
  return PACKAGE_WORDS[code][lang].replace(/\{\{(\w+)\}\}/g, (all, k: string) => (k in params ? String(params[k]) : all));
}

/** The page's language from the browser's: Chinese for zh*, English otherwise. */
export function packageLangOf(languages: readonly string[]): PackageLang {
  return languages.length && /^zh\b/i.test(languages[0]!) ? 'zh-CN' : 'en';
}
