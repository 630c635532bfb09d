// The lines of a package check as codes with parameters, worded in English and Simplified Chinese by
// this one table: verify.html (in the reviewer's browser, bundled without the app's i18n) and the
// engine's `packwitness verify PACKAGE` (English by design) word the same codes from it.
// Parameters are data (file names, hashes, fingerprints, counts, names), never English words: a part
// of a line that is words (a mode, a reason, a clip's name) is itself a code, worded in the same language.
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
  'pkg-manifest-unknown': {
    en: '{{file}} is signed but is not an export manifest this version knows.',
    'zh-CN': '{{file}} 已签名，但不是此版本认识的导出清单。',
  },
  'pkg-manifest-unknown-page': {
    en: '{{file}} is signed but is not an export manifest this page knows ({{format}}).',
    'zh-CN': '{{file}} 已签名，但不是本页面认识的导出清单（{{format}}）。',
  },
  'pkg-other-station': {
    en: "station.pem is not this station's key ({{fingerprint}}): the package was signed elsewhere.",
    'zh-CN': 'station.pem 不是本工作台的密钥（{{fingerprint}}）：该包是在别处签名的。',
  },
  'pkg-other-station-hub': {
    en: "station.pem is not this station's key: the clip was recorded at another station.",
    'zh-CN': 'station.pem 不是本工作台的密钥：该视频是在另一个工作台录制的。',
  },
  'pkg-unnamed-hub': { en: 'unnamed hub', 'zh-CN': '未命名的仓库中心' },
  'pkg-order': {
    en: 'Order {{order}}, exported {{createdAt}} by station {{station}} with preset {{preset}}; clips: {{mode}}.',
    'zh-CN': '订单 {{order}}，由工作台 {{station}} 于 {{createdAt}} 按预设 {{preset}} 导出；视频：{{mode}}。',
  },
  'pkg-mode-shipping': { en: 'shipping (packing)', 'zh-CN': '发货（打包）' },
  'pkg-mode-returns': { en: 'returns (unboxing)', 'zh-CN': '退货（拆箱）' },
  'pkg-mode-all': { en: 'shipping and returns', 'zh-CN': '发货和退货' },
  'pkg-edited': {
    en: 'This export is EDITED: {{edits}}.',
    'zh-CN': '本次导出经过编辑：{{edits}}。',
  },
  'pkg-edit-speed': { en: 'speed {{speed}}x', 'zh-CN': '{{speed}} 倍速' },
  'pkg-export-stamp': {
    en: 'Trusted time of the export: {{time}} from {{tsa}}; the token covers the signed export manifest ({{hash}}).',
    'zh-CN': '导出的可信时间：{{time}}，来自 {{tsa}}；该令牌覆盖已签名的导出清单（{{hash}}）。',
  },
  'pkg-export-stamp-unverifiable': {
    en: "The export's trusted timestamp {{file}} names {{tsa}} and {{time}}, but {{reason}}.",
    'zh-CN': '导出的可信时间戳 {{file}} 载明 {{tsa}} 和 {{time}}，但{{reason}}。',
  },
  'pkg-export-stamp-invalid': {
    en: "The export's trusted timestamp {{file}} does NOT verify: {{error}}.",
    'zh-CN': '导出的可信时间戳 {{file}} 未通过核验：{{error}}。',
  },
  'pkg-a-tsa': { en: 'a TSA', 'zh-CN': '某个时间戳服务' },
  'pkg-tsa-unverifiable': {
    en: "it is unverifiable without the TSA's certificate ({{carried}}{{given}}). That is not a sign it was altered: give the TSA's certificate (a .pem, .crt or .cer file) with the package to check it",
    'zh-CN':
      '没有该时间戳服务（TSA）的证书就无法核验它（{{carried}}{{given}}）。这并不表示它被篡改过：请随包提供该 TSA 的证书（.pem、.crt 或 .cer 文件）以检查它',
  },
  'pkg-tsa-carries-other': { en: 'the token does not carry the certificate of its signer', 'zh-CN': '令牌未附带其签名者的证书' },
  'pkg-tsa-carries-none': { en: 'the token carries no certificate of its TSA', 'zh-CN': '令牌未附带其 TSA 的任何证书' },
  'pkg-tsa-given-nomatch': { en: ', and none of the certificates given matches it', 'zh-CN': '，提供的证书也都不匹配' },
  'pkg-tsa-given-none': { en: ', and none was given', 'zh-CN': '，也没有提供证书' },
  'pkg-clip': {
    en: 'Clip {{clip}} of order {{order}} ({{mode}})',
    'zh-CN': '订单 {{order}} 的视频 {{clip}}（{{mode}}）',
  },
  'pkg-clip-mode-shipping': { en: 'shipping, packing', 'zh-CN': '发货，打包' },
  'pkg-clip-mode-returns': { en: 'RETURN, unboxing', 'zh-CN': '退货，拆箱' },
  'pkg-clip-unsigned': {
    en: '{{what}} has no signed clip manifest (recorded before signing).',
    'zh-CN': '{{what}} 没有已签名的视频清单（录制于启用签名之前）。',
  },
  'pkg-clip-manifest-unchecked': {
    en: '{{what}}: its signed clip manifest is not checked (see the lines above).',
    'zh-CN': '{{what}}：其已签名的视频清单未检查（见上方各行）。',
  },
  'pkg-clip-signature-invalid': {
    en: '{{what}}: the manifest signature is NOT valid.',
    'zh-CN': '{{what}}：清单签名无效。',
  },
  'pkg-clip-manifest-not-json': {
    en: '{{what}}: the signed manifest is not JSON.',
    'zh-CN': '{{what}}：已签名的清单不是 JSON。',
  },
  'pkg-clip-signed': {
    en: '{{what}}: the manifest is signed by the station key.',
    'zh-CN': '{{what}}：清单由工作台密钥签名。',
  },
  'pkg-clip-other-key': {
    en: '{{what}}: the manifest was signed for another station key ({{key}}), not the one in station.pem.',
    'zh-CN': '{{what}}：清单是为另一个工作台密钥（{{key}}）签名的，而不是 station.pem 中的密钥。',
  },
  'pkg-clip-key-named': {
    en: '{{what}}: station.pem is the key its signed manifest names.',
    'zh-CN': '{{what}}：station.pem 正是其已签名清单指明的密钥。',
  },
  'pkg-clip-hash': {
    en: '{{what}}: the signed manifest names the original clip hash {{hash}}.',
    'zh-CN': '{{what}}：已签名的清单载明原始视频的哈希值 {{hash}}。',
  },
  'pkg-clip-hash-differs': {
    en: '{{what}}: the signed clip manifest names a different clip hash than the export manifest.',
    'zh-CN': '{{what}}：已签名的视频清单载明的视频哈希值与导出清单不同。',
  },
  'pkg-clip-label': { en: '{{what}}: {{label}}', 'zh-CN': '{{what}}，面单：{{label}}' },
  'pkg-label-mismatch': {
    en: 'LABEL MISMATCH: the picture showed {{seen}}, but the clip is filed under {{order}} (signed in the manifest).{{camera}}',
    'zh-CN': '面单不符：画面中出现的是 {{seen}}，但该视频归档在 {{order}} 下（已在清单中签名）。{{camera}}',
  },
  'pkg-label-seen': {
    en: 'The label {{order}} is in the picture: seen at {{at}} (signed in the manifest).{{camera}}',
    'zh-CN': '面单 {{order}} 出现在画面中：于 {{at}} 看到（已在清单中签名）。{{camera}}',
  },
  'pkg-label-not-seen': {
    en: 'The camera was reading but did not see the label {{order}} in the picture.{{camera}}',
    'zh-CN': '摄像头一直在识别，但画面中没有看到面单 {{order}}。{{camera}}',
  },
  'pkg-label-camera': { en: ' The code was read by the camera.', 'zh-CN': '该单号由摄像头识别。' },
  'pkg-clip-stamp-unchecked': {
    en: '{{what}}: its trusted timestamp is not checked (see the lines above).',
    'zh-CN': '{{what}}：其可信时间戳未检查（见上方各行）。',
  },
  'pkg-clip-frames-unchecked': {
    en: '{{what}}: its record of frames is not checked (see the lines above).',
    'zh-CN': '{{what}}：其帧记录未检查（见上方各行）。',
  },
  'pkg-clip-no-stamp': {
    en: "Clip {{clip}} has no trusted timestamp (.tsr) in this package: no trusted time, only the station's own clock.",
    'zh-CN': '本包中视频 {{clip}} 没有可信时间戳（.tsr）：没有可信时间，只有工作台自身的时钟。',
  },
  'pkg-clip-no-stamp-short': {
    en: '{{what}} has no trusted timestamp in this package.',
    'zh-CN': '本包中 {{what}} 没有可信时间戳。',
  },
  'pkg-clip-stamp-not-given': {
    en: '{{file}} was not given: the trusted time of clip {{clip}} is not checked.',
    'zh-CN': '没有提供 {{file}}：视频 {{clip}} 的可信时间未检查。',
  },
  'pkg-clip-stamp-unverifiable': {
    en: 'Clip {{clip}}: the trusted timestamp {{file}} names {{tsa}} and {{time}}, but {{reason}}.',
    'zh-CN': '视频 {{clip}}：可信时间戳 {{file}} 载明 {{tsa}} 和 {{time}}，但{{reason}}。',
  },
  'pkg-clip-stamp-invalid': {
    en: 'Clip {{clip}}: the trusted timestamp {{file}} does NOT verify: {{error}}.',
    'zh-CN': '视频 {{clip}}：可信时间戳 {{file}} 未通过核验：{{error}}。',
  },
  'pkg-clip-stamp-invalid-short': {
    en: '{{what}}: the trusted timestamp {{file}} does NOT verify: {{error}}.',
    'zh-CN': '{{what}}：可信时间戳 {{file}} 未通过核验：{{error}}。',
  },
  'pkg-clip-stamp': {
    en: "Trusted time: {{time}} from {{tsa}}, token signature valid, covers this recording's SHA-256 ({{hash}}).",
    'zh-CN': '可信时间：{{time}}，来自 {{tsa}}，令牌签名有效，覆盖本录像的 SHA-256（{{hash}}）。',
  },
  'pkg-clip-stamp-short': {
    en: "{{what}}: trusted time {{time}} from {{tsa}}, covering the clip's SHA-256.",
    'zh-CN': '{{what}}：可信时间 {{time}}，来自 {{tsa}}，覆盖该视频的 SHA-256。',
  },
  'pkg-clip-stamp-late': {
    en: 'The trusted time is {{late}} after the recording ended ({{ended}}): it proves the recording existed unchanged by then, not when it was recorded.',
    'zh-CN': '可信时间比录制结束（{{ended}}）晚 {{late}}：它证明录像在那时已存在且未被改动，但不能证明录制的时间。',
  },
  'pkg-minutes': { en: '{{n}} min', 'zh-CN': '{{n}} 分钟' },
  'pkg-hours': { en: '{{n}} h', 'zh-CN': '{{n}} 小时' },
  'pkg-clip-stamp-facts': {
    en: 'Timestamp {{file}}: serial {{serial}}{{tsaName}}. TSA certificate: subject {{subject}}; issuer {{issuer}}; SHA-256 fingerprint {{fingerprint}}.',
    'zh-CN': '时间戳 {{file}}：序列号 {{serial}}{{tsaName}}。TSA 证书：主体 {{subject}}；颁发者 {{issuer}}；SHA-256 指纹 {{fingerprint}}。',
  },
  'pkg-tsa-name': { en: ', TSA name {{name}}', 'zh-CN': '，TSA 名称 {{name}}' },
  'pkg-tsa-chain': {
    en: 'TSA certificate: a timestamping certificate valid at that time; chain intact: {{path}}{{root}}.',
    'zh-CN': 'TSA 证书：当时有效的时间戳证书；证书链完整：{{path}}{{root}}。',
  },
  'pkg-tsa-root-self-signed': { en: ' (a self-signed root)', 'zh-CN': '（自签名根证书）' },
  'pkg-tsa-root-issued': { en: ', issued by {{issuer}} (not in the token)', 'zh-CN': '，由 {{issuer}} 颁发（不在令牌中）' },
  'pkg-tsa-unchecked': {
    en: 'Signature(s) on {{certs}} use an algorithm this page cannot check.',
    'zh-CN': '{{certs}} 上的签名使用了本页面无法检查的算法。',
  },
  'pkg-tsa-root-given': {
    en: 'The chain ends at {{subject}}, a certificate you gave with the package (SHA-256 fingerprint {{fingerprint}}).',
    'zh-CN': '证书链止于 {{subject}}，即您随包提供的证书（SHA-256 指纹 {{fingerprint}}）。',
  },
  'pkg-tsa-root-unjudged': {
    en: "Whether {{subject}} is to be trusted is not decided here: its SHA-256 fingerprint is {{fingerprint}}; compare it with the one the TSA publishes, or run: openssl ts -verify -digest {{hash}} -in {{file}} -CAfile <the TSA's CA certificate>.pem",
    'zh-CN':
      '{{subject}} 是否可信不在此判定：其 SHA-256 指纹为 {{fingerprint}}；请与该 TSA 公布的指纹核对，或运行：openssl ts -verify -digest {{hash}} -in {{file}} -CAfile <该 TSA 的 CA 证书>.pem',
  },
  'pkg-frames-none': {
    en: 'Clip {{clip}}: no record of its frames in this package (the frame counter was not read back).',
    'zh-CN': '视频 {{clip}}：本包中没有其帧记录（帧计数器未被回读）。',
  },
  'pkg-frames-not-given': {
    en: '{{file}} or its signature was not given: the frames of clip {{clip}} are not checked.',
    'zh-CN': '没有提供 {{file}} 或其签名：视频 {{clip}} 的帧未检查。',
  },
  'pkg-frames-unsigned': {
    en: 'Clip {{clip}}: the record of its frames ({{file}}) is NOT validly signed.',
    'zh-CN': '视频 {{clip}}：其帧记录（{{file}}）的签名无效。',
  },
  'pkg-frames-not-json': { en: '{{file}} is not JSON.', 'zh-CN': '{{file}} 不是 JSON。' },
  'pkg-frames-other-hash': {
    en: 'Clip {{clip}}: the record of its frames names another clip hash.',
    'zh-CN': '视频 {{clip}}：其帧记录载明的是另一个视频哈希值。',
  },
  'pkg-frames-unreadable': {
    en: 'Clip {{clip}}: the station could not read its frame counter ({{frames}} frames).',
    'zh-CN': '视频 {{clip}}：工作台无法读取其帧计数器（共 {{frames}} 帧）。',
  },
  'pkg-frames-ok': {
    en: 'Frames: the frame counter runs without a gap through all {{frames}} frames of the original clip (read back and signed by the station on {{when}}).',
    'zh-CN': '帧：帧计数器在原始视频的全部 {{frames}} 帧中连续无缺口（由工作台于 {{when}} 回读并签名）。',
  },
  'pkg-frames-gap': {
    en: 'Frames: {{missing}} {{unit}} {{cause}} at {{at}} (after frame {{after}}); recorded by the station on {{when}}, signed.',
    'zh-CN': '帧：在 {{at}}（第 {{after}} 帧之后）缺少 {{missing}} {{unit}}，{{cause}}；由工作台于 {{when}} 记录并签名。',
  },
  'pkg-frame-one': { en: 'frame', 'zh-CN': '帧' },
  'pkg-frame-many': { en: 'frames', 'zh-CN': '帧' },
  'pkg-gap-encoder-under-load': { en: 'dropped by the encoder under load', 'zh-CN': '编码器负载过高而丢弃' },
  'pkg-gap-encoder': {
    en: "dropped by the encoder (found by the station's read-back of the file)",
    'zh-CN': '被编码器丢弃（工作台回读文件时发现）',
  },
  'pkg-gap-page-hidden': { en: 'not recorded while the station page was hidden', 'zh-CN': '工作台页面被隐藏期间未录制' },
  'pkg-frames-stall': {
    en: 'Frames: the picture stands still for {{seconds}} s at {{at}} (no frame missing): {{cause}}; recorded by the station on {{when}}.',
    'zh-CN': '帧：画面在 {{at}} 静止 {{seconds}} 秒（没有缺帧）：{{cause}}；由工作台于 {{when}} 记录。',
  },
  'pkg-stall-camera-stalled': { en: 'the camera gave no picture', 'zh-CN': '摄像头没有画面' },
  'pkg-stall-page-hidden': { en: 'the station page was hidden', 'zh-CN': '工作台页面被隐藏' },
  'pkg-stall-no-frames': { en: 'no frame came from the camera', 'zh-CN': '摄像头没有送来任何帧' },
  'pkg-seg-none': {
    en: "{{what}}: no chain anchor covered it when it was exported, so this package carries no chain segment: its place in the station's record is not stamped by a third party yet (not a failure; a later export carries one).",
    'zh-CN': '{{what}}：导出时还没有链锚点覆盖它，因此本包不含链片段：它在工作台记录中的位置尚未由第三方盖时间戳（这不是失败；之后的导出会包含链片段）。',
  },
  'pkg-seg-unchecked': {
    en: '{{what}}: its chain segment is not checked (see the lines above).',
    'zh-CN': '{{what}}：其链片段未检查（见上方各行）。',
  },
  'pkg-seg-unreadable': {
    en: '{{what}}: {{file}} is not a chain segment that can be read.',
    'zh-CN': '{{what}}：{{file}} 不是可读取的链片段。',
  },
  'pkg-seg-entry': {
    en: '{{what}}: chain entry {{seq}} in {{file}}: {{problem}}',
    'zh-CN': '{{what}}：{{file}} 中的链条目 {{seq}}：{{problem}}',
  },
  'pkg-seg-entry-hash': {
    en: 'its SHA-256 is not the hash the segment gives it: its body was changed.',
    'zh-CN': '它的 SHA-256 不是链片段给出的哈希值：其内容被修改过。',
  },
  'pkg-seg-entry-signature': {
    en: "the station's signature over it does NOT hold (it was changed, or signed with another key than station.pem).",
    'zh-CN': '工作台对它的签名无效（它被修改过，或由 station.pem 以外的密钥签名）。',
  },
  'pkg-seg-entry-not-json': { en: 'its body is not JSON.', 'zh-CN': '其内容不是 JSON。' },
  'pkg-seg-entry-seq': { en: 'its signed body says it is entry {{seq}}.', 'zh-CN': '其已签名的内容表明它是条目 {{seq}}。' },
  'pkg-seg-entry-key': {
    en: 'it was signed for station key {{key}}, not the key in station.pem.',
    'zh-CN': '它是为工作台密钥 {{key}} 签名的，而不是 station.pem 中的密钥。',
  },
  'pkg-seg-entry-prev': {
    en: 'it does not follow chain entry {{prev}} (its "prev" names another entry\'s hash): an entry was removed, inserted or reordered here.',
    'zh-CN': '它没有接在链条目 {{prev}} 之后（其“prev”指向另一个条目的哈希值）：此处有条目被删除、插入或调换了顺序。',
  },
  'pkg-seg-entry-number': {
    en: 'it is numbered {{seq}} right after entry {{before}}: an entry is missing or out of order.',
    'zh-CN': '它紧跟在条目 {{before}} 之后，编号却是 {{seq}}：有条目缺失或顺序错乱。',
  },
  'pkg-seg-start': {
    en: "{{what}}: {{file}} does not start at this clip's entry: its first entry ({{seq}}) is not the signed clip manifest {{manifest}}.",
    'zh-CN': '{{what}}：{{file}} 不是从本视频的条目开始的：其第一个条目（{{seq}}）不是已签名的视频清单 {{manifest}}。',
  },
  'pkg-seg-no-anchor': {
    en: "{{what}}: {{file}} does not end at an anchor entry (its last entry {{seq}} is no anchor): nothing a third party stamped covers this clip's entry.",
    'zh-CN': '{{what}}：{{file}} 不是以锚点条目结束的（其最后一个条目 {{seq}} 不是锚点）：没有任何第三方盖过时间戳的内容覆盖本视频的条目。',
  },
  'pkg-seg-anchor-outside': {
    en: "{{what}}: anchor entry {{anchor}} stamps chain entry {{head}}, which is not in the segment from {{first}}: it does not cover this clip's entry.",
    'zh-CN': '{{what}}：锚点条目 {{anchor}} 盖时间戳的是链条目 {{head}}，它不在从 {{first}} 开始的链片段中：不覆盖本视频的条目。',
  },
  'pkg-seg-anchor-hash': {
    en: '{{what}}: anchor entry {{anchor}} names {{named}} as the hash of chain entry {{head}}, but that entry hashes to {{hash}}.',
    'zh-CN': '{{what}}：锚点条目 {{anchor}} 载明链条目 {{head}} 的哈希值为 {{named}}，但该条目的哈希值是 {{hash}}。',
  },
  'pkg-seg-token-swapped': {
    en: "{{what}}: {{token}} is not the token anchor entry {{anchor}} holds: the anchor's token was swapped.",
    'zh-CN': '{{what}}：{{token}} 不是锚点条目 {{anchor}} 所含的令牌：锚点的令牌被调换了。',
  },
  'pkg-seg-token-invalid': {
    en: '{{what}}: the anchor token {{token}} does NOT verify: {{error}}.',
    'zh-CN': '{{what}}：锚点令牌 {{token}} 未通过核验：{{error}}。',
  },
  'pkg-seg-stamped-other': {
    en: '{{what}}: anchor entry {{anchor}}: {{tsa}} at {{time}} stamped {{stamped}}, not chain entry {{head}} as this segment has it ({{hash}}): the record up to it was changed, reordered or re-signed after that time.',
    'zh-CN':
      '{{what}}：锚点条目 {{anchor}}：{{tsa}} 于 {{time}} 盖时间戳的是 {{stamped}}，而不是本链片段中的链条目 {{head}}（{{hash}}）：此前的记录在那之后被修改、调换顺序或重新签名。',
  },
  'pkg-seg-token-unverifiable': {
    en: '{{what}}: the anchor token {{token}}{{rest}}',
    'zh-CN': '{{what}}：锚点令牌 {{token}}{{rest}}',
  },
  'pkg-seg-token-names': {
    en: ' names {{tsa}} at {{time}}, but {{reason}}.',
    'zh-CN': ' 载明 {{tsa}} 于 {{time}}，但{{reason}}。',
  },
  'pkg-seg-ok': {
    en: "{{what}}: in the station's record by {{time}} at the latest (anchor of {{tsa}}): chain entries {{first}}–{{last}} are signed by the station and linked, and {{tsa}} stamped entry {{head}}.",
    'zh-CN':
      '{{what}}：最迟于 {{time}} 已在工作台的记录中（{{tsa}} 的锚点）：链条目 {{first}}–{{last}} 由工作台签名并相互链接，{{tsa}} 为条目 {{head}} 盖了时间戳。',
  },
  'pkg-derived-unverified': {
    en: 'Made from clip {{clip}}, whose signed clip manifest is not verified here: {{file}} is not described.',
    'zh-CN': '由视频 {{clip}} 制作，但该视频的已签名清单在此未通过验证：不描述 {{file}}。',
  },
  'pkg-derived-original': {
    en: '{{file}} is the original recording itself, byte for byte.',
    'zh-CN': '{{file}} 就是原始录像本身，逐字节相同。',
  },
  'pkg-derived-original-differs': {
    en: "{{file}} claims to be the original recording, but its hash differs from the signed clip's.",
    'zh-CN': '{{file}} 声称是原始录像，但其哈希值与已签名的视频不同。',
  },
  'pkg-derived': { en: '{{file}}: {{what}}.', 'zh-CN': '{{file}} 是{{what}}。' },
  'pkg-desc-original': {
    en: 'the original recording itself, byte for byte, {{clip}}',
    'zh-CN': '原始录像本身，逐字节相同，{{clip}}',
  },
  'pkg-desc-clip': { en: 'clip {{clip}} of order {{order}} ({{mode}})', 'zh-CN': '订单 {{order}} 的视频 {{clip}}（{{mode}}）' },
  'pkg-desc-part': { en: 'part {{index}} of {{count}}, ', 'zh-CN': '第 {{index}}/{{count}} 部分，' },
  'pkg-desc-cut': {
    en: '{{part}}cut without re-encoding (frames {{first}}–{{last}}, each bit-identical) from {{clip}}, covering {{start}}–{{end}} of it',
    'zh-CN': '{{part}}未经重新编码直接剪切（第 {{first}}–{{last}} 帧，逐位相同），取自{{clip}}，覆盖其 {{start}}–{{end}}',
  },
  'pkg-desc-encoded': {
    en: '{{part}}re-encoded (H.264 {{width}}x{{height}}{{speed}}) from {{clip}}, covering {{start}}–{{end}} of it',
    'zh-CN': '{{part}}重新编码（H.264 {{width}}x{{height}}{{speed}}），取自{{clip}}，覆盖其 {{start}}–{{end}}',
  },
  'pkg-desc-speed': { en: ', played {{speed}}x faster: EDITED', 'zh-CN': '，以 {{speed}} 倍速播放：已编辑' },
  'pkg-desc-still': { en: 'the frame at {{at}} of {{clip}}', 'zh-CN': '{{clip}}在 {{at}} 的画面' },
  'pkg-desc-still-label': {
    en: 'the frame at {{at}} of {{clip}} where the camera read the label, zoomed on the label',
    'zh-CN': '{{clip}}在 {{at}} 摄像头识别到面单的画面，放大显示面单',
  },
  'pkg-desc-sheet': {
    en: 'the evidence sheet ({{format}}) for {{clip}}, covering {{start}}–{{end}} of it',
    'zh-CN': '{{clip}}的证据单（{{format}}），覆盖其 {{start}}–{{end}}',
  },
  'pkg-desc-evidence': { en: 'evidence of {{clip}}', 'zh-CN': '{{clip}}的证据文件' },
  'pkg-desc-key': { en: 'a public key', 'zh-CN': '公钥' },
  'pkg-desc-package': { en: 'a file of the package', 'zh-CN': '包中附带的文件' },
  'pkg-token-damaged': {
    en: 'it is damaged: part of it is missing or malformed ({{detail}})',
    'zh-CN': '它已损坏：部分内容缺失或格式错误（{{detail}}）',
  },
  'pkg-token-not-reply': { en: 'it is not a timestamp reply ({{detail}})', 'zh-CN': '它不是时间戳回复（{{detail}}）' },
  'pkg-token-extra-bytes': { en: 'there are extra bytes after the timestamp reply', 'zh-CN': '时间戳回复之后有多余的字节' },
  'pkg-token-unparsable': {
    en: 'it does not parse as an RFC 3161 timestamp ({{detail}})',
    'zh-CN': '无法按 RFC 3161 时间戳解析它（{{detail}}）',
  },
  'pkg-token-other-hash-alg': {
    en: "this token stamps a {{alg}} hash; PackWitness clips are sealed with SHA-256, so it is not this clip's",
    'zh-CN': '该令牌盖时间戳的是 {{alg}} 哈希值；PackWitness 的视频以 SHA-256 封存，因此它不属于这段视频',
  },
  'pkg-token-other-file': {
    en: "the token covers a different file: its SHA-256 is {{hashed}}, this recording's is {{want}}",
    'zh-CN': '该令牌覆盖的是另一个文件：它的 SHA-256 是 {{hashed}}，本录像的是 {{want}}',
  },
  'pkg-token-tstinfo-changed': {
    en: 'the TSTInfo (time, hash, serial) was changed after signing: its digest does not match the signed one',
    'zh-CN': 'TSTInfo（时间、哈希值、序列号）在签名后被修改：其摘要与已签名的摘要不符',
  },
  'pkg-token-other-signer': {
    en: 'the token names another signing certificate than the one it carries',
    'zh-CN': '令牌指明的签名证书不是它所附带的那一个',
  },
  'pkg-token-signature-invalid': { en: "the TSA's signature over the token is NOT valid", 'zh-CN': 'TSA 对该令牌的签名无效' },
  'pkg-token-cert-not-valid': {
    en: '{{what}} ({{subject}}) was not valid at the time the token states: valid from {{from}} to {{to}}',
    'zh-CN': '{{what}}（{{subject}}）在令牌所载的时间并不有效：有效期为 {{from}} 至 {{to}}',
  },
  'pkg-token-tsa-cert': { en: "the TSA's certificate", 'zh-CN': 'TSA 的证书' },
  'pkg-token-issuing-cert': { en: 'the issuing certificate', 'zh-CN': '颁发证书' },
  'pkg-token-not-timestamping': {
    en: "the TSA's certificate ({{subject}}) is not a timestamping certificate: it lacks the timeStamping extended key usage",
    'zh-CN': 'TSA 的证书（{{subject}}）不是时间戳证书：它缺少 timeStamping 扩展密钥用法',
  },
  'pkg-token-root-not-self-signed': {
    en: 'the root certificate {{subject}} in the token is not signed by its own key',
    'zh-CN': '令牌中的根证书 {{subject}} 并非由其自身的密钥签名',
  },
  'pkg-token-not-signed-by-issuer': {
    en: 'the certificate {{subject}} is NOT signed by {{issuer}}, the issuer certificate the token carries',
    'zh-CN': '证书 {{subject}} 并非由令牌所附带的颁发者证书 {{issuer}} 签名',
  },
  'pkg-token-issuer-not-ca': {
    en: '{{issuer}} issued {{subject}} but is not a CA certificate',
    'zh-CN': '{{issuer}} 颁发了 {{subject}}，但它不是 CA 证书',
  },
} as const satisfies Record<string, Record<PackageLang, string>>;

export type PackageCode = keyof typeof PACKAGE_WORDS;
/** A line, or a part of one (a mode, a reason, a clip's name), to be worded in the line's language. */
export interface PackageWord {
  code: PackageCode;
  params?: PackageParams;
}
/**
 * Words the station signed in English (a file's description in the export manifest): English shows
 * them as signed; another language words `word`, made from the same manifest entry's fields.
 */
export interface SignedWords {
  signed: string;
  word: PackageWord;
}
/** Items worded one by one and joined as the language lists them. */
export interface PackageList {
  list: PackageParam[];
}
export type PackageParam = string | number | PackageWord | SignedWords | PackageList;
export type PackageParams = Record<string, PackageParam>;

export const pkgWord = (code: PackageCode, params: PackageParams = {}): PackageWord => ({ code, params });

function paramText(v: PackageParam, lang: PackageLang): string {
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if ('list' in v) return v.list.map((x) => paramText(x, lang)).join(lang === 'en' ? ', ' : '、');
  if ('signed' in v) return lang === 'en' ? v.signed : paramText(v.word, lang);
  return wordPackage(v.code, v.params, lang);
}

/** The line of a code in a language, its {{params}} filled in (a missing one stays visible as {{name}}). */
export function wordPackage(code: PackageCode, params: PackageParams = {}, lang: PackageLang = 'en'): string {
  return PACKAGE_WORDS[code][lang].replace(/\{\{(\w+)\}\}/g, (all, k: string) => (k in params ? paramText(params[k]!, lang) : all));
}

/** The page's language from the browser's: Chinese for zh*, English otherwise. */
export function packageLangOf(languages: readonly string[]): PackageLang {
  return languages.length && /^zh\b/i.test(languages[0]!) ? 'zh-CN' : 'en';
}

/** How the manifest names a clip's mode in the order line and in each clip's name. */
export const exportModeWord = (mode: string | undefined): PackageWord =>
  pkgWord(mode === 'returns' ? 'pkg-mode-returns' : mode === 'all' ? 'pkg-mode-all' : 'pkg-mode-shipping');
const clipModeWord = (mode: string | undefined): PackageWord => pkgWord(mode === 'returns' ? 'pkg-clip-mode-returns' : 'pkg-clip-mode-shipping');
/** A clip as each clip line names it: "Clip X of order Y (shipping, packing)". */
export const clipWord = (clip: { clipId: string; order: string; mode: string }): PackageWord =>
  pkgWord('pkg-clip', { clip: clip.clipId, order: clip.order, mode: clipModeWord(clip.mode) });
/** An export's edits as the manifest lists them ("speed 2x"), each worded. */
export const editsWord = (edits: readonly string[]): PackageList => ({
  list: edits.map((e) => {
    const m = /^speed (\S+)x$/.exec(e);
    return m ? pkgWord('pkg-edit-speed', { speed: m[1]! }) : e;
  }),
});

/** A manifest file entry's fields verify reads to describe the file (electron/engine/export/package.ts PackageFile). */
export interface FileEntry {
  role: string;
  text: string;
  from: { clipId: string; order?: string; mode?: string } | null;
  how: {
    method: string;
    frames?: { first: number; end: number };
    params?: { width?: number | null; height?: number; speed?: number; crop?: unknown };
    atMs?: number;
    format?: string;
  } | null;
  span?: { startMs: number; endMs: number } | null;
  part?: { index: number; count: number } | null;
}
/** "mm:ss.s" into a clip, as the export's own descriptions give it. */
const clock = (ms: number): string => {
  const s = Math.max(0, ms) / 1000;
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${(s - m * 60).toFixed(1).padStart(4, '0')}`;
};

/**
 * What a file of the package is: in English the description the station signed, word for word; in
 * another language worded from the entry's fields (clip, method, span, part), which the same signature covers.
 */
export function fileWords(f: FileEntry): SignedWords {
  const from = f.from;
  const clip: PackageParam = from ? pkgWord('pkg-desc-clip', { clip: from.clipId, order: from.order ?? '?', mode: clipModeWord(from.mode) }) : '';
  const span = { start: clock(f.span?.startMs ?? 0), end: clock(f.span?.endMs ?? 0) };
  const part: PackageParam = f.part && f.part.count > 1 ? pkgWord('pkg-desc-part', { index: f.part.index, count: f.part.count }) : '';
  const how = f.how;
  let word: PackageWord;
  if (!from) word = pkgWord(f.role === 'key' ? 'pkg-desc-key' : 'pkg-desc-package');
  else if (how?.method === 'original') word = pkgWord('pkg-desc-original', { clip });
  else if (how?.method === 'stream-copy' && how.frames)
    word = pkgWord('pkg-desc-cut', { part, first: how.frames.first, last: how.frames.end - 1, clip, ...span });
  else if (how?.method === 're-encode') {
    const speed = how.params?.speed ?? 1;
    word = pkgWord('pkg-desc-encoded', {
      part,
      width: how.params?.width ?? '?',
      height: how.params?.height ?? '?',
      speed: speed !== 1 ? pkgWord('pkg-desc-speed', { speed }) : '',
      clip,
      ...span,
    });
  } else if (how?.method === 'still')
    word = pkgWord(how.params?.crop ? 'pkg-desc-still-label' : 'pkg-desc-still', { at: clock(how.atMs ?? f.span?.startMs ?? 0), clip });
  else if (how?.method === 'sheet') word = pkgWord('pkg-desc-sheet', { format: String(how.format ?? '').toUpperCase(), clip, ...span });
  else word = pkgWord('pkg-desc-evidence', { clip });
  return { signed: f.text, word };
}
