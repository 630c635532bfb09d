// Engine-made sentences as codes with parameters. The engine returns {code, params}; the UI words
// each code in its language (renderer/src/i18n, key `engine.<code>`), and the CLI and logs keep the
// English made here by formatMessage. This catalogue is the English text and the list of codes:
// test/unit/i18n.test.ts fails on a code without a Chinese text or a text that drops a parameter.
//
// Adding a code: add `'area-what': 'English with {{param}}'` below, the same key with its Chinese
// text to shared/messages.zh-CN.ts, and return msg('area-what', { param }) from the engine.
// Parameters are data (paths, sizes, counts, order codes, times), never English words.
import { z } from 'zod';

export const MESSAGES = {
  // Status checks (doctor.ts): one per check and outcome.
  'health-database-ok': 'The index passed SQLite quick_check.',
  'health-database-damaged':
    'The index {{file}} is damaged (SQLite quick_check found {{count}} problem(s)). Back it up and ask for help before recording more.',
  'health-database-unreadable': 'The index {{file}} could not be checked: {{error}}',
  'health-storage-missing': 'The clips folder {{dir}} is missing: is its disk unplugged? Nothing can be recorded.',
  'health-storage-no-marker': 'The clips folder {{dir}} has no {{marker}} file: it is not the folder this station set up (disk not mounted?).',
  'health-storage-ok': 'The clips folder {{dir}} is present and writable.',
  'health-space-below-reserve':
    'Only {{free}} free on the storage of {{dir}}, below its reserve of {{reserve}}. Free some space (move old clips to an archive disk) or lower the reserve in Settings. New recordings are refused.',
  'health-space-near-reserve':
    'Only {{free}} free on the storage of {{dir}}, too close to its reserve of {{reserve}}. Free some space (move old clips to an archive disk) or lower the reserve in Settings. New recordings are refused.',
  'health-space-ok': '{{free}} free of {{total}}; the reserve is {{reserve}}.',
  'health-space-ok-auto': '{{free}} free of {{total}}; the reserve is {{reserve}} (automatic).',
  'health-space-unreadable': 'The free space of {{dir}} cannot be read: {{error}}',
  'health-missing-files': '{{count}} clip(s) in the index have no file on disk (deleted or moved outside PackWitness).',
  'health-missing-files-ok': 'All {{count}} indexed clip files are on disk.',
  'health-unindexed': '{{count}} clip file(s) on disk are not in the index; `packwitness doctor --adopt` (or the Status view) indexes them, marked adopted.',
  'health-unindexed-leftovers': '{{count}} unfinished MP4 file(s) from an interrupted save are on disk; their recordings were kept as raw files.',
  'health-unindexed-ok': 'Every clip file on disk is in the index.',
  'health-unfinished-running': '{{count}} recording(s) in progress in the running station (process {{pid}}).',
  'health-unfinished': '{{count}} recording(s) were not finished (the station stopped unexpectedly); they are recovered the next time the station starts.',
  'health-unfinished-ok': 'No unfinished recordings.',
  'health-failed-clips': '{{count}} recording(s) could not be saved as clips; their raw video is kept in {{dir}}.',
  'health-failed-clips-ok': 'No recordings waiting as raw video.',
  'health-startup': 'Reported since the station started:',
  // The hub line (publish/outbox.ts hubHealthLine) in English; the Status view's hub section words it in the UI language.
  'health-hub': 'Warehouse hub: {{line}}',

  // Room to record and the clips folder (storage.ts): refusals a packer reads.
  'space-below-reserve':
    'Only {{free}} free on the storage of {{dir}}, below its reserve of {{reserve}}. Free some space (move old clips to an archive disk) or lower the reserve in Settings.',
  'space-near-reserve':
    'Only {{free}} free on the storage of {{dir}}, too close to its reserve of {{reserve}}. Free some space (move old clips to an archive disk) or lower the reserve in Settings.',
  'record-refused-below-reserve':
    'Recording refused: Only {{free}} free on the storage of {{dir}}, below its reserve of {{reserve}}. Free some space (move old clips to an archive disk) or lower the reserve in Settings. Nothing was recorded.',
  'record-refused-near-reserve':
    'Recording refused: Only {{free}} free on the storage of {{dir}}, too close to its reserve of {{reserve}}. Free some space (move old clips to an archive disk) or lower the reserve in Settings. Nothing was recorded.',
  'fs-read-only': 'The clips folder {{dir}} is on a read-only disk; nothing can be recorded until it is writable again.',
  'fs-permission': 'PackWitness may not write to the clips folder {{dir}} (permission denied); fix its permissions or choose another folder in Settings.',
  'fs-full': 'The disk of the clips folder {{dir}} is full.',
  'fs-missing': 'The clips folder {{dir}} is missing; is its disk unplugged?',
  'fs-io': 'The disk of the clips folder {{dir}} reports an input/output error; it may be failing or was unplugged.',
  'fs-other': 'Cannot write to the clips folder {{dir}}: {{error}}',

  // Export presets (export/presets.ts): names and notes.
  'preset-name-shopee': 'Shopee (30 MB, 60 s)',
  'preset-name-wechat': 'WeChat 微信小店 (20 MB)',
  'preset-name-amazon': 'Amazon A-to-z / SAFE-T (images + PDF, 20 MB)',
  'preset-name-ebay': 'eBay (images 1.5 MB, PDF 5 MB)',
  'preset-name-etsy': 'Etsy (JPEG/PNG)',
  'preset-name-walmart': 'Walmart Marketplace (images)',
  'preset-name-tiktok-shop': 'TikTok Shop (limits unknown)',
  'preset-name-taobao': 'Taobao / Tmall (limits unknown)',
  'preset-name-unknown': '{{label}} (limits unknown)',
  'preset-name-generic-100': 'Generic 100 MB',
  'preset-name-original': 'Original (no re-encode)',
  'preset-name-custom': 'Custom (your size and length)',
  'preset-note-shopee': 'Shopee asks for one continuous video without edits showing the airway bill and all items; long clips become consecutive parts.',
  'preset-note-wechat': 'After-sales video: 20 MB, any length, MP4.',
  'preset-note-amazon': 'Takes no video: labelled key-frame stills and the evidence sheet PDF. Via Buyer-Seller Messaging keep one message under 10 MB.',
  'preset-note-ebay': 'Takes no video: stills of at most 1.5 MB (payment disputes) and a PDF of at most 5 MB.',
  'preset-note-etsy': 'Takes JPEG or PNG only; size limit not published, a conservative 1.5 MB per image is used.',
  'preset-note-walmart': 'Asks for images; limits not published, conservative defaults used.',
  'preset-note-tiktok-shop':
    'Wants a visible timestamp (burned into every clip). Limits not published; conservative defaults are used (20 MB / 60 s video, 1.5 MB images, 5 MB PDF).',
  'preset-note-taobao': 'Video limit not published (20 MB / 60 s used); images kept under 512,000 bytes, the figure one ERP checks (unconfirmed).',
  'preset-note-unknown': 'Limits not published; conservative defaults are used (20 MB / 60 s video, 1.5 MB images, 5 MB PDF).',
  'preset-note-flipkart':
    'The label with order ID and tracking ID must be visible. Limits not published; conservative defaults are used (20 MB / 60 s video, 1.5 MB images, 5 MB PDF).',
  'preset-note-meesho': 'An unpacking video is required. Limits not published; conservative defaults are used (20 MB / 60 s video, 1.5 MB images, 5 MB PDF).',
  'preset-note-generic-100': 'Any channel that takes a video of up to 100 MB (e-mail services, most web forms).',
  'preset-note-original': 'The recorded file itself, unchanged: its hash matches the signature. Cannot be trimmed or split.',
  'preset-note-custom': 'Give the size (MB) and length (s) the channel allows.',

  // Verify verdicts (evidence/verifyClip.ts): the summary under the verdict and the checks that hold.
  'verify-intact': 'This is the clip of order {{order}}, recorded at station "{{station}}" on {{time}}. It has not been changed since it was sealed.',
  'verify-intact-stamped':
    'This is the clip of order {{order}}, recorded at station "{{station}}" on {{time}}. It has not been changed since it was sealed and existed at {{tsaTime}} per {{tsa}}.',
  'verify-problem': 'This is the clip of order {{order}}, recorded at station "{{station}}" on {{time}}, but not every check holds (marked below).',
  'verify-derived': 'This is {{file}} as the station exported it, derived from the sealed clip, not the original recording itself.',
  'verify-derived-problem': 'This is {{file}}, a file the station exported, but not every check holds (marked below).',
  'verify-recorded-by': 'Recorded by {{operator}}.',
  'verify-how-adopted': 'Adopted: found on disk without an index row and sealed only then (nothing vouches for it before).',
  'verify-how-camera-lost': 'Cut short: the camera was disconnected.',
  'verify-how-camera-stalled': 'Cut short: the camera stopped giving a picture.',
  'verify-how-disk-full': 'Cut short: the disk ran into its reserve or failed.',
  'verify-how-page-closed': 'Cut short: the station page stopped sending video.',
  'verify-how-recovered': 'Recovered after the station stopped unexpectedly.',
  'verify-how-interrupted': 'Cut short.',
  'verify-stamped-late': 'Stamped {{delay}} after the recording ended: unchanged since then is proven, not when it was recorded.',
  'verify-modified':
    'This file is named as the clip of order {{order}}, recorded at station "{{station}}" on {{time}}, but its content was changed after it was sealed.',
  'verify-modified-export': 'This file is named as {{file}}, a file the station exported, but its content differs from the file the station exported.',
  'verify-not-sealed': "This is the clip of order {{order}} ({{time}}), but the station's chain has no entry for it.",
  'verify-unknown': 'This file matches no clip recorded by this station. It was modified, re-encoded, or comes from another station.',
  'verify-file-ok': "The file's SHA-256 matches the sealed clip byte for byte ({{sha}}).",
  'verify-file-unknown': "Its SHA-256 {{sha}} is not in this station's chain or index.",
  'verify-file-modified': 'modified file: its SHA-256 {{sha}} differs from the sealed {{sealed}}.',
  'verify-file-cut':
    'modified file: its SHA-256 {{sha}} differs from the sealed {{sealed}}. It is shorter than the sealed clip ({{size}} of {{sealedSize}} bytes): it was cut.',
  'verify-index-ok': "The station's index lists it as clip {{clip}}.",
  'verify-index-missing': "missing entry: the station's index has no row for clip {{clip}} any more.",
  'verify-chain-ok': "It is entry {{seq}} of the station's hash chain, linked to the entries around it.",
  'verify-chain-missing': 'missing entry: clip {{clip}} is in the index but not in the chain.',
  'verify-signature-ok': "Signed by this station's key (fingerprint {{fingerprint}}…).",
  'verify-signature-ok-sidecars': "Signed by this station's key (fingerprint {{fingerprint}}…). The manifest and signature files next to it hold too.",
  'verify-timestamp-none': 'No trusted timestamp (no timestamp authority was configured when it was sealed).',
  'verify-timestamp-pending': 'A trusted timestamp was requested and has not arrived yet.',
  'verify-timestamp-ok': 'Trusted time: {{tsa}} attests the file existed at {{time}}.',
  'verify-timestamp-ok-public':
    "Trusted time: {{tsa}} attests the file existed at {{time}}. The TSA's timestamping certificate chains to {{root}}, a publicly trusted root.",
  'verify-timestamp-ok-added':
    "Trusted time: {{tsa}} attests the file existed at {{time}}. The TSA's timestamping certificate chains to {{root}}, a certificate you added.",
  'verify-timestamp-ok-unknown':
    "Trusted time: {{tsa}} attests the file existed at {{time}}. The TSA's timestamping certificate chains to {{root}}, not a known root (SHA-256 fingerprint {{fingerprint}}): compare it with the one the TSA publishes, or add the TSA's root certificate to check it.",
  'verify-timestamp-unverifiable':
    "The timestamp token names {{tsa}} and {{time}}, but it is unverifiable without the TSA's certificate. That is not a sign it was altered: add the TSA's certificate (Settings → TSA certificates, or verify --tsa-cert FILE) to check it.",
  'verify-deleted': 'Deleted from the station on {{time}} by {{who}}.',
  'verify-hold-set': 'Legal hold set on {{time}} by {{who}}.',
  'verify-hold-lifted': 'Legal hold lifted on {{time}} by {{who}}.',
  // The hub console's verify (electron/hub/console/verify.ts): what only the hub says.
  'hub-verify-timestamp-none': 'The hub holds no trusted timestamp for this clip (the station had none, or has not sent it yet).',

  // What a failing check found (evidence/checks.ts, anchors.ts, verifyClip.ts): the kind of problem
  // (its label, shown before each finding) and the finding itself.
  'problem-modified-file': 'modified file',
  'problem-missing-file': 'missing file',
  'problem-broken-link': 'broken link',
  'problem-missing-entry': 'missing entry',
  'problem-bad-signature': 'bad signature',
  'problem-token-mismatch': 'token mismatch',
  'problem-modified-manifest': 'modified manifest',
  'problem-missing-sidecar': 'missing sidecar',
  'problem-wrong-key': 'wrong key',
  'problem-anchor-mismatch': 'anchor mismatch',
  'finding-entry-altered': 'chain entry {{seq}} was altered after it was written (its content no longer matches its hash or position).',
  'finding-wrong-key': "chain entry {{seq}} names station key {{key}}…, not this station's key {{own}}…; its signature does not hold.",
  'finding-bad-signature': "chain entry {{seq}}: the station's signature does not match its content.",
  'finding-first-has-prev': 'chain entry 1 points to an earlier entry, but it is the first.',
  'finding-entry-missing': 'chain entry {{seq}}, just before entry {{next}}, is missing.',
  'finding-no-link': 'chain entry {{seq}} does not link to entry {{prev}} (one of them was replaced or reordered).',
  'finding-no-link-back': "chain entry {{seq}} does not link back to this clip's entry {{entry}}.",
  'finding-no-link-back-export': "chain entry {{seq}} does not link back to the export's entry {{entry}}.",
  'finding-manifest-differs': '{{file}} differs from the sealed manifest.',
  'finding-signature-file-bad': '{{sig}} does not verify for {{file}}.',
  'finding-export-modified': 'its SHA-256 {{sha}} differs from the exported {{exported}} (chain entry {{seq}}).',
  'finding-export-signature-bad': "export-manifest.json next to it is this export's, but export-manifest.json.sig does not verify for it.",
  'finding-export-signature-missing': "export-manifest.json next to it is this export's, but export-manifest.json.sig is missing.",
  'finding-source-missing': "the sealed clip it was made from is not in the station's chain.",
  'finding-anchor-unreadable': 'anchor entry {{seq}} cannot be read.',
  'finding-anchor-token-unreadable': 'anchor entry {{seq}}: its TSA token cannot be read ({{error}}).',
  'finding-anchor-other-hash': "anchor entry {{seq}}: its token stamps a {{algorithm}} hash, not a chain entry's SHA-256.",
  'finding-anchor-token-invalid': 'anchor entry {{seq}}: the TSA token does not hold ({{reason}}).',
  'finding-anchor-head-gone':
    'anchor entry {{seq}}: {{tsa}} at {{time}} stamped the record up to entry {{head}}, which is no longer in the chain (entries were removed).',
  'finding-anchor-moved':
    'anchor entry {{seq}}: {{tsa}} at {{time}} stamped the entry that is now entry {{moved}}, not entry {{head}}: entries below it were inserted, removed or reordered after that time.',
  'finding-anchor-changed':
    'anchor entry {{seq}}: the record up to entry {{head}} is not the one {{tsa}} at {{time}} stamped: an entry at or below {{head}} was removed, inserted, reordered or changed, or the chain was re-signed, after that time.',
  'finding-anchor-head-hash': 'anchor entry {{seq}} names a head hash its token does not stamp.',
  'finding-token-other-hash': "This token stamps a {{algorithm}} hash; PackWitness clips are sealed with SHA-256, so it is not this clip's.",
  'finding-token-other-file': 'The timestamp token covers a different file than this clip.',
  'finding-token-invalid': 'The timestamp token does not hold: {{reason}}.',
  'finding-token-sidecar-differs': 'The .tsr file next to the clip differs from the token the station received.',
  'finding-token-unreadable': 'The timestamp token cannot be read ({{error}}).',

  // Further verify lines: the chain anchor, an exported file's checks, what the camera read.
  'verify-anchor': "In the station's record by {{time}} at the latest (anchor of {{tsa}}, chain entry {{seq}} stamps the record up to entry {{head}}).",
  'verify-derived-file-ok': "The file's SHA-256 matches {{file}} as the station exported it, byte for byte ({{sha}}). It is not the original recording.",
  'verify-derived-chain-ok': "The export is entry {{seq}} of the station's hash chain, linked to the entries around it.",
  'verify-derived-signature-ok': "The export's chain entry is signed by this station's key (fingerprint {{fingerprint}}…).",
  'verify-export-manifest-ok':
    'export-manifest.json next to it is the manifest the station signed for this export (SHA-256 {{sha}}…), and its signature holds.',
  'verify-export-manifest-other': 'export-manifest.json next to it belongs to another export (or was changed); this file is checked against the chain alone.',
  'verify-source-package': 'It is a file of the package itself (not made from a clip).',
  'verify-source-ok': 'It was made from clip {{clip}}, sealed as chain entry {{seq}} with SHA-256 {{sha}}; that entry holds.',
  'verify-source-bad': 'The clip it was made from (chain entry {{seq}}):',
  'verify-source-deleted': 'The original clip was deleted from the station on {{time}} by {{who}}; the chain keeps its record.',
  'verify-export-trusted-time': "The export's manifest has a trusted time: {{time}}.",
  'label-mismatch': 'LABEL MISMATCH: the picture showed {{codes}}, but the clip is filed under {{order}} (signed in the manifest).',
  'label-seen': 'The label {{order}} is in the picture: seen at {{at}} (signed in the manifest).',
  'label-not-seen': 'The camera was reading but did not see the label {{order}} in the picture.',
  'label-read-by-camera': 'The code was read by the camera.',

  // The continuity line of a verdict (evidence/continuityCheck.ts): the frame counter, gap by gap.
  'continuity-no-record': "The station has no record of this clip's frames (not read back yet, recorded before that check, or no frame counter in it).",
  'continuity-unreadable-now': 'No frame counter could be read in this file ({{frames}} frames), and the station recorded no continuity check for it.',
  'continuity-clean-now':
    'Read now: the frame counter runs without a gap through all {{frames}} frames; the station recorded no continuity check for this clip.',
  'continuity-not-recorded': 'The station recorded no continuity check for this clip.',
  'continuity-unexplained': 'UNEXPLAINED: {{count}} frame(s) missing at {{at}} (after frame {{after}}); the station recorded no such gap.',
  'continuity-entry': 'Entry {{seq}}:',
  'continuity-unreadable': 'The station could not read the frame counter in this clip ({{frames}} frames): its continuity is not proven by it.',
  'continuity-clean': 'The frame counter runs without a gap through all {{frames}} frames ({{first}} to {{last}}); checked by the station on {{time}}.',
  'continuity-gap-encoder-under-load':
    '{{count}} frame(s) dropped by the encoder under load at {{at}} (after frame {{after}}); recorded by the station on {{time}}.',
  'continuity-gap-encoder':
    "{{count}} frame(s) dropped by the encoder at {{at}} (after frame {{after}}) (found by the station's read-back of the file); recorded by the station on {{time}}.",
  'continuity-gap-page-hidden':
    '{{count}} frame(s) not recorded while the station page was hidden at {{at}} (after frame {{after}}); recorded by the station on {{time}}.',
  'continuity-stall-camera-stalled':
    'The picture stands still for {{seconds}} s at {{at}} (after frame {{after}}, no frame missing): the camera gave no picture; recorded by the station on {{time}}.',
  'continuity-stall-page-hidden':
    'The picture stands still for {{seconds}} s at {{at}} (after frame {{after}}, no frame missing): the station page was hidden; recorded by the station on {{time}}.',
  'continuity-stall-no-frames':
    'The picture stands still for {{seconds}} s at {{at}} (after frame {{after}}, no frame missing): no frame came from the camera; recorded by the station on {{time}}.',
  'continuity-unreadable-frames': '{{count}} frame(s) had no readable counter.',
  'continuity-again-clean': 'Read again now: no gap in the file.',
  'continuity-again-known': 'Read again now: every gap in the file is one the station recorded.',

  // Lines under a Status check (doctor.ts), and the station's own problems (start-up, recording, retention).
  'health-detail-leftover': '{{file}} (an unfinished MP4 from an interrupted save)',
  'health-detail-more': '... and {{count}} more',
  'problem-startup-check-failed': 'The start-up check failed: {{error}}',
  'problem-read-back-failed': 'The read-back of unchecked clips failed: {{error}}',
  'problem-nothing-recorded': 'Nothing was recorded for {{order}}: no video reached the station.',
  'problem-hold-not-chained': 'The legal hold of clip {{clip}} is set but could not be written to the chain of custody: {{error}}',
  'problem-deletion-not-chained': 'The deletion of clip {{clip}} could not be written to the chain of custody: {{error}}',
  'problem-retention-failed': 'Retention ({{when}}) failed: {{error}}',
  'problem-lan-not-reopened': 'LAN access was on but could not be reopened: {{error}}',
  'retention-space-unreadable': 'Retention cannot read the free space of {{dir}}: {{error}}',
  'retention-stuck-below':
    'Free space on {{dir}} is {{free}}, below the reserve of {{reserve}}, and no more clips may be deleted for space: the {{count}} clip(s) left ({{size}}) are younger than the protect window of {{days}} days. New recordings are refused until space is freed: add storage, move clips to an archive disk, or shorten the protect window in Settings.',
  'retention-stuck-near':
    'Free space on {{dir}} is {{free}}, too close to the reserve of {{reserve}}, and no more clips may be deleted for space: the {{count}} clip(s) left ({{size}}) are younger than the protect window of {{days}} days. New recordings are refused until space is freed: add storage, move clips to an archive disk, or shorten the protect window in Settings.',
  'retention-stuck-below-held':
    'Free space on {{dir}} is {{free}}, below the reserve of {{reserve}}, and no more clips may be deleted for space: the {{count}} clip(s) left ({{size}}) are younger than the protect window of {{days}} days or on legal hold ({{held}}). New recordings are refused until space is freed: add storage, move clips to an archive disk, or shorten the protect window in Settings.',
  'retention-stuck-near-held':
    'Free space on {{dir}} is {{free}}, too close to the reserve of {{reserve}}, and no more clips may be deleted for space: the {{count}} clip(s) left ({{size}}) are younger than the protect window of {{days}} days or on legal hold ({{held}}). New recordings are refused until space is freed: add storage, move clips to an archive disk, or shorten the protect window in Settings.',
  'retention-hub-kept': '{{count}} clip(s) old enough to go are kept until the hub confirms it holds them.',
  'retention-delete-failed': 'Retention could not delete {{count}} clip file(s); their index entries are unchanged: {{files}}',
  // Recording refusals and ends (recording/sessions.ts) and retention's failures (retention.ts).
  'fs-folder-gone':
    "The clips folder {{dir}} is missing or is not the station's folder any more: is its disk unplugged? Reconnect it (or put the folder back) and the station records again.",
  'record-refused-shutdown': 'The station is shutting down; recording is not possible.',
  'record-refused-fs-read-only': 'The clips folder {{dir}} is on a read-only disk; nothing can be recorded until it is writable again. Nothing was recorded.',
  'record-refused-fs-permission':
    'PackWitness may not write to the clips folder {{dir}} (permission denied); fix its permissions or choose another folder in Settings. Nothing was recorded.',
  'record-refused-fs-full': 'The disk of the clips folder {{dir}} is full. Nothing was recorded.',
  'record-refused-fs-missing': 'The clips folder {{dir}} is missing; is its disk unplugged? Nothing was recorded.',
  'record-refused-fs-io': 'The disk of the clips folder {{dir}} reports an input/output error; it may be failing or was unplugged. Nothing was recorded.',
  'record-refused-fs-other': 'Cannot write to the clips folder {{dir}}: {{error}} Nothing was recorded.',
  'record-stopped-fs-read-only':
    'Recording of {{order}} stopped: The clips folder {{dir}} is on a read-only disk; nothing can be recorded until it is writable again. What was recorded until now is kept as an interrupted clip.',
  'record-stopped-fs-permission':
    'Recording of {{order}} stopped: PackWitness may not write to the clips folder {{dir}} (permission denied); fix its permissions or choose another folder in Settings. What was recorded until now is kept as an interrupted clip.',
  'record-stopped-fs-full':
    'Recording of {{order}} stopped: The disk of the clips folder {{dir}} is full. What was recorded until now is kept as an interrupted clip.',
  'record-stopped-fs-missing':
    'Recording of {{order}} stopped: The clips folder {{dir}} is missing; is its disk unplugged? What was recorded until now is kept as an interrupted clip.',
  'record-stopped-fs-io':
    'Recording of {{order}} stopped: The disk of the clips folder {{dir}} reports an input/output error; it may be failing or was unplugged. What was recorded until now is kept as an interrupted clip.',
  'record-stopped-fs-other':
    'Recording of {{order}} stopped: Cannot write to the clips folder {{dir}}: {{error}} What was recorded until now is kept as an interrupted clip.',
  'record-stopped-fs-folder-gone':
    "Recording of {{order}} stopped: The clips folder {{dir}} is missing or is not the station's folder any more: is its disk unplugged? Reconnect it (or put the folder back) and the station records again. What was recorded until now is kept as an interrupted clip.",
  'record-stopped-space-below-reserve':
    'Recording of {{order}} stopped: Only {{free}} free on the storage of {{dir}}, below its reserve of {{reserve}}. Free some space (move old clips to an archive disk) or lower the reserve in Settings. What was recorded until now is kept as an interrupted clip.',
  'record-stopped-space-near-reserve':
    'Recording of {{order}} stopped: Only {{free}} free on the storage of {{dir}}, too close to its reserve of {{reserve}}. Free some space (move old clips to an archive disk) or lower the reserve in Settings. What was recorded until now is kept as an interrupted clip.',
  'record-stopped-hole':
    'Recording of {{order}} stopped: second {{missing}} of the video never reached the station (second {{came}} came instead), so the clip would have a hole. What arrived until then is kept as an interrupted clip; scan the order again to record the rest.',
  'record-ended-stalled':
    'Recording of {{order}} was finished by the station: no video arrived for {{seconds}} s (the page was closed or lost its connection). What arrived is kept as an interrupted clip.',
  'record-ended-shutdown': 'Recording of {{order}} was finished because the station is shutting down; what arrived is kept. Start the station again to record.',
  'record-ended-restart-recovered':
    'Recording of {{order}} was ended when the station restarted; what reached it before is kept as a recovered clip. Scan the order again to record it anew.',
  'record-ended-restart-failed':
    'Recording of {{order}} was ended when the station restarted; no video of it had reached the disk. Scan the order again to record it.',
  'record-already-finished': 'Recording of {{order}} is already finished ({{how}}). Scan the order again to record it anew.',
  'record-not-in-progress': 'No recording {{id}} is in progress.',
  'problem-retention-failed-start': 'Retention (start) failed: {{error}}',
  'problem-retention-failed-hourly': 'Retention (hourly) failed: {{error}}',
  'problem-retention-failed-after-clip': 'Retention (after a clip) failed: {{error}}',

  // Clip notes as the index keeps them (clips.note, in English; clips.note_words, these codes):
  // sessions.ts, sealing.ts, recovery.ts and retention.ts on the engine's side, the page's own
  // notes (a camera lost or frozen, a recorder that failed) on the station's. A note of several
  // sentences is a list of codes; joined with spaces their English is the note word for word.
  'note-chunks-missing': '{{missing}} of {{expected}} chunks did not arrive.',
  'note-clock-moved': 'The wall clock moved by {{seconds}} s during this recording.',
  'note-short': 'Shorter than the minimum of {{min}} s ({{length}} s); kept and marked.',
  'note-shutdown': 'Finished because the station was shut down.',
  'note-no-video': 'No video reached the station.',
  'note-seal-failed': 'The clip of {{order}} could not be finished ({{error}}); its raw recording is kept at {{file}}.',
  'note-recovered': 'Recovered after the station stopped unexpectedly; at most the last second is missing.',
  'note-recovery-empty': 'The station stopped before any video of this recording reached disk.',
  'note-discarded-button': 'Discarded: discard button (order {{order}})',
  'note-discarded-scan': 'Discarded: DISCARD control code scanned (order {{order}})',
  'note-camera-lost': 'The camera was disconnected while recording.',
  'note-camera-stalled': 'The camera gave no picture for {{seconds}} s while recording; recording goes on in a new clip once the camera gives a picture again.',
  'note-part-not-saved': 'Part of the recording could not be saved: {{error}}',
  'note-recorder-unconfirmed': 'The recorder did not confirm the end of the clip within {{seconds}} s; what arrived is kept.',
  // A deleted clip's note: who deleted it and when, then why (retention.ts). The why alone is the
  // deletions table's reason (no full stop); in the note it ends the sentence.
  'note-deleted-by': 'Deleted on {{time}} by {{who}}:',
  'note-deleted-by-retention': 'Deleted on {{time}} by retention:',
  'note-deleted-by-hand': 'Deleted on {{time}} by retention (run by hand):',
  'note-deleted-age': 'older than {{days}} days (kept {{days}} days).',
  'note-deleted-age-missing': 'older than {{days}} days (kept {{days}} days) (the file was already missing).',
  'note-deleted-space': 'free space {{free}} was below the reserve of {{reserve}}.',
  'note-deleted-space-missing': 'free space {{free}} was below the reserve of {{reserve}} (the file was already missing).',
  'deleted-age': 'older than {{days}} days (kept {{days}} days)',
  'deleted-age-missing': 'older than {{days}} days (kept {{days}} days) (the file was already missing)',
  'deleted-space': 'free space {{free}} was below the reserve of {{reserve}}',
  'deleted-space-missing': 'free space {{free}} was below the reserve of {{reserve}} (the file was already missing)',
  // What a finish answers besides the clip (sessions.ts), and start-up's recovery (recovery.ts).
  'finish-short': 'The clip of {{order}} is only {{length}} s long (the minimum is {{min}} s): it was kept and marked as short.',
  'problem-recovered': 'Recovered {{count}} clip(s) after an unexpected stop: {{orders}}.',
  'problem-not-sealed': 'The clip of {{order}} was saved but could not be sealed: {{error}}',
  'ready-shutdown': 'The station is shutting down; start it again to record.',

  // The hub's line in the Status view and doctor (publish/outbox.ts hubHealthLine), part by part:
  // each part ends with its separator, so the parts joined with spaces are the English line.
  'health-hub-link': 'Warehouse hub: Hub "{{name}}" at {{url}};',
  'health-hub-all-published': 'every sealed clip is published;',
  'health-hub-waiting': '{{count}} clip(s) not yet published;',
  'health-hub-waiting-oldest': '{{count}} clip(s) not yet published (oldest recorded {{time}});',
  'health-hub-chain-behind-one': '1 chain entry not yet sent;',
  'health-hub-chain-behind': '{{count}} chain entries not yet sent;',
  'health-hub-last-success': 'last success {{time}}.',
  'health-hub-no-success': 'no success yet.',
  'health-hub-error-unreachable': 'last error {{time}}: the hub could not be reached ({{error}})',
  'health-hub-error-impostor':
    'last error {{time}}: IMPOSTOR: a server at the hub address could not prove it holds the pinned hub key; nothing was sent to it ({{error}})',
  'health-hub-error-unauthorized': 'last error {{time}}: the hub does not accept this station any more (enroll it again with a new code) ({{error}})',
  'health-hub-error-refused': 'last error {{time}}: the hub REFUSED a clip or chain entry (this station keeps it) ({{error}})',
  'health-hub-error-bad-response': 'last error {{time}}: the hub answered something this station cannot read ({{error}})',
  'health-hub-error-other': 'last error {{time}}: publishing failed ({{error}})',
  'health-hub-refused-clip': 'refused: {{what}}',

  // What `verify --all` finds on its own (evidence/verifyAll.ts), after its kind's label.
  'verifyall-entry-missing': 'chain entry {{seq}} is missing.',
  'verifyall-entries-missing': 'chain entries {{first}} to {{last}} are missing.',
  'verifyall-first-key': 'the station key {{file}} is not the key the chain was started with (entry 1).',
  'verifyall-not-chained': 'clip {{clip}} (order {{order}}) is in the index but has no chain entry.',
  'verifyall-index-row-deleted': 'the index row of the clip of order {{orders}} (entry {{seq}}) was deleted.',
  'verifyall-file-gone': 'the file of the clip of order {{orders}} (entry {{seq}}) is gone, and no deletion was recorded.',
  'verifyall-file-gone-at': 'the file of the clip of order {{orders}} (entry {{seq}}) ({{file}}) is gone, and no deletion was recorded.',
  'verifyall-file-swapped':
    '{{file}}, the clip of order {{orders}} (entry {{seq}}). It holds the content of another clip (order {{other}}, entry {{otherSeq}}): the files were swapped or copied.',
  'verifyall-file-truncated':
    '{{file}}, the clip of order {{orders}} (entry {{seq}}). It is shorter than when sealed ({{size}} of {{sealedSize}} bytes): it was truncated.',
  'verifyall-file-changed': '{{file}}, the clip of order {{orders}} (entry {{seq}}). Its content changed after it was sealed.',
  'verifyall-index-sha': 'the index gives the clip of order {{orders}} (entry {{seq}}) a different SHA-256 than its chain entry.',
  'verifyall-sidecar-missing': '{{sidecar}} next to {{file}} is missing.',
  'verifyall-manifest-edited': '{{manifest}} differs from chain entry {{seq}}: it was edited.',
  'verifyall-signature-bad': "{{sig}} does not verify for {{manifest}} with this station's key.",
  'verifyall-tsr-missing': '{{tsr}} next to {{file}} is missing (the station still holds the token).',
  'verifyall-token-other-hash': "{{file}}: This token stamps a {{algorithm}} hash; PackWitness clips are sealed with SHA-256, so it is not this clip's.",
  'verifyall-token-other-file': '{{file}}: The timestamp token covers a different file than this clip.',
  'verifyall-token-invalid': '{{file}}: The timestamp token does not hold: {{reason}}.',
  'verifyall-token-sidecar-differs': '{{file}}: The .tsr file next to the clip differs from the token the station received.',
  'verifyall-token-unreadable': '{{file}}: The timestamp token cannot be read ({{error}}).',
  'verifyall-unsealed-file': '{{file}} is in the clips folder but no chain entry seals it.',
  'verifyall-deleted-file-back': '{{file}} is in the clips folder but its deletion was recorded.',
} as const satisfies Record<string, string>;

export type MessageCode = keyof typeof MESSAGES;
export type MessageParam = string | number;

/** The {{names}} a text uses, as a union of string literals. */
type ParamNames<S extends string> = S extends `${string}{{${infer P}}}${infer Rest}` ? P | ParamNames<Rest> : never;
export type ParamsOf<C extends MessageCode> = { [K in ParamNames<(typeof MESSAGES)[C]>]: MessageParam };

export const Message = z.object({
  code: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
/** A sentence as the engine returns it: which one, and the data in it. */
export interface Message {
  code: string;
  params: Record<string, MessageParam>;
}

/** A message with exactly the parameters its English text uses (checked by the compiler). */
export function msg<C extends MessageCode>(code: C, ...rest: ParamNames<(typeof MESSAGES)[C]> extends never ? [] : [ParamsOf<C>]): Message {
  return { code, params: (rest[0] ?? {}) as Record<string, MessageParam> };
}

export function isMessageCode(code: string): code is MessageCode {
  return Object.hasOwn(MESSAGES, code);
}

/** Fills {{name}} placeholders; a missing parameter stays visible as {{name}}. */
export function fillTemplate(template: string, params: Record<string, MessageParam>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** The English sentence of a message: what the CLI prints and the log keeps. */
export function formatMessage(m: Message): string {
  return isMessageCode(m.code) ? fillTemplate(MESSAGES[m.code], m.params) : m.code;
}

/** The placeholders a text uses, sorted (the i18n test compares languages with it). */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{\{\s*(\w+)/g)].map((x) => x[1]!).sort();
}

/** Several sentences as one line of English (a check line made of several codes). */
export function formatMessages(ms: readonly Message[]): string {
  return ms.map(formatMessage).join(' ');
}

/**
 * Sentences as the index keeps them beside their English (clips.note_words, deletions.reason_words):
 * JSON, or null when a sentence has no code (the English alone is then what every UI shows).
 */
export function wordsToJson(ms: readonly (Message | null | undefined)[] | null | undefined): string | null {
  if (!ms?.length || ms.some((m) => !m || !isMessageCode(m.code))) return null;
  return JSON.stringify(ms);
}

/** The stored sentences back; null for a row without codes (written before they were kept) or unreadable JSON. */
export function wordsFromJson(json: string | null | undefined): Message[] | null {
  if (!json) return null;
  try {
    const parsed = z.array(Message).safeParse(JSON.parse(json));
    return parsed.success && parsed.data.length ? parsed.data : null;
  } catch {
    return null;
  }
}
