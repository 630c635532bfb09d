// verify.html: a self-contained page put into every evidence package. A reviewer opens it in any
// current browser, offline, gives it the package (the ZIP or the files of the folder), and it checks
// with WebCrypto alone:
//   1. export-manifest.json carries a valid Ed25519 signature by the station key in the package
//      (station.pem, export-manifest.json.sig), before anything it says is believed; with
//      export-manifest.tsr, the export's own trusted time;
//   2. every file it lists is there with the signed SHA-256 and size (one changed byte fails); a
//      file it does not list is named foreign, a listed one not given is named missing;
//   3. each original clip's manifest carries a valid signature by the same key, names the same
//      clip hash, and names that key's fingerprint; an "Original" export is the signed clip itself;
//   4. each derived file (part, still, sheet) is described: clip, method, span of the original;
//   5. the original clip's RFC 3161 timestamp (X.tsr), when there is one, covers the hash the signed
//      manifest names and carries a valid TSA signature, by a timestamping certificate valid at that
//      time whose chain, as far as the token carries it, holds (verifyTsaScript.ts,
//      verifyTsaChainScript.ts); whether the chain's anchor is trusted is left to the reviewer
//      (its fingerprint is shown) and `openssl ts -verify -CAfile`.
// No network, no PackWitness. The page's script has no template literals so it can live in this
// TypeScript string unchanged.
import { LATE_STAMP_MS } from '../../../shared/stampDelay.ts';
import { VERIFY_TSA_SCRIPT } from './verifyTsaScript.ts';

export const VERIFY_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<title>PackWitness evidence package check</title>
<style>
 body{font:16px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}
 h1{font-size:1.4rem} .drop{border:2px dashed #888;border-radius:8px;padding:1.5rem;text-align:center}
 #result{font-size:1.3rem;font-weight:700;margin:1rem 0;padding:.6rem 1rem;border-radius:6px}
 #result[data-status=ok]{background:#dcf5dc;color:#064} #result[data-status=fail]{background:#fde0e0;color:#900}
 li.ok::marker{content:"\2713  ";color:#064} li.fail::marker{content:"\2717  ";color:#900} li.info::marker{content:"\2022  "}
 code{font-size:.85em;word-break:break-all}
</style>
</head>
<body>
<h1>PackWitness evidence package check</h1>
<p>Choose the package's ZIP file, or all files of the package folder. Everything is checked in this
browser; nothing is uploaded.</p>
<div class="drop" id="drop">
 <input type="file" id="files" multiple>
 <p>or drop the ZIP / the files here</p>
</div>
<div id="result" data-status="idle">Waiting for the package…</div>
<ul id="log"></ul>
<script>
"use strict";
var logEl = document.getElementById("log");
var resultEl = document.getElementById("result");
function line(kind, text) { var li = document.createElement("li"); li.className = kind; li.textContent = text; logEl.appendChild(li); }
function hex(buf) { return Array.prototype.map.call(new Uint8Array(buf), function (b) { return b.toString(16).padStart(2, "0"); }).join(""); }
function sha256(bytes) { return crypto.subtle.digest("SHA-256", bytes).then(hex); }
function u16(d, o) { return d.getUint16(o, true); }
function u32(d, o) { return d.getUint32(o, true); }

// Reads a ZIP's central directory; stored and deflated entries (what PackWitness and common zip tools write).
async function unzip(buf) {
  var d = new DataView(buf), out = {}, eocd = -1;
  for (var i = buf.byteLength - 22; i >= Math.max(0, buf.byteLength - 65557); i--) { if (u32(d, i) === 0x06054b50) { eocd = i; break; } }
  if (eocd < 0) throw new Error("not a ZIP file");
  var n = u16(d, eocd + 10), p = u32(d, eocd + 16);
  if (p === 0xffffffff) throw new Error("ZIP64 packages are not supported here; unzip it and choose the files");
  for (var k = 0; k < n; k++) {
    if (u32(d, p) !== 0x02014b50) throw new Error("damaged ZIP directory");
    var method = u16(d, p + 10), csize = u32(d, p + 20), nlen = u16(d, p + 28), xlen = u16(d, p + 30), clen = u16(d, p + 32), lho = u32(d, p + 42);
    var name = new TextDecoder().decode(new Uint8Array(buf, p + 46, nlen));
    p += 46 + nlen + xlen + clen;
    if (name.endsWith("/")) continue;
    var start = lho + 30 + u16(d, lho + 26) + u16(d, lho + 28);
    var raw = new Uint8Array(buf, start, csize);
    var data;
    if (method === 0) data = raw.slice().buffer;
    else if (method === 8) data = await new Response(new Blob([raw]).stream().pipeThrough(new DecompressionStream("deflate-raw"))).arrayBuffer();
    else throw new Error("unsupported compression in " + name);
    out[name.split("/").pop()] = data;
  }
  return out;
}

${VERIFY_TSA_SCRIPT}
var TSA_GIVEN = []; // TSA certificates given with the package (tsaGivenCerts), set by check()
function pemToDer(pem) { return b64Bytes(pem.replace(/-----[^-]+-----/g, "")); }
function b64Bytes(b64) {
  var bin = atob(String(b64).replace(/\s+/g, "")), a = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) a[i] = bin.charCodeAt(i);
  return a.buffer;
}

// Files every package carries besides those its manifest lists: the manifest itself, its signature
// and its token (the manifest cannot hold its own hash), and the ZIP that holds them all.
var PACKAGE_OWN = { "export-manifest.json": true, "export-manifest.json.sig": true, "export-manifest.tsr": true };
// A package the warehouse hub made: the hub's key in hub.pem signs the export manifest (the station's never leaves it).
var HUB_FILES = { "hub.pem": true, "hub-receipt.json": true, "hub-receipt.json.sig": true, "README-HUB.txt": true };
var HUB = null; // set by check() when hub.pem signed the export manifest

async function hubSigner(files, manBytes, sigBytes) {
  if (!files["hub.pem"]) return null;
  try {
    var der = pemToDer(new TextDecoder().decode(files["hub.pem"]));
    var fp = hex(await crypto.subtle.digest("SHA-256", der));
    var key = await crypto.subtle.importKey("spki", der, { name: "Ed25519" }, false, ["verify"]);
    if (!(await crypto.subtle.verify({ name: "Ed25519" }, key, sigBytes, manBytes))) return null;
    var receipt = null, signed = false;
    try { receipt = JSON.parse(new TextDecoder().decode(files["hub-receipt.json"])); } catch (e) { receipt = null; }
    try { signed = !!(files["hub-receipt.json"] && files["hub-receipt.json.sig"] && (await crypto.subtle.verify({ name: "Ed25519" }, key, files["hub-receipt.json.sig"], files["hub-receipt.json"]))); } catch (e) { signed = false; }
    return { name: receipt && typeof receipt.hubName === "string" ? receipt.hubName : "unnamed hub", fp: fp, receipt: receipt, signed: signed };
  } catch (e) { return null; }
}

function hubReceipt(stationFp, man) {
  var r = HUB.receipt;
  var at = function (v) { return typeof v === "number" ? new Date(v).toISOString() : "?"; };
  if (!r) { fail("hub-receipt.json is missing or unreadable: the hub's receipt for the clip cannot be shown."); return; }
  if (!HUB.signed) { fail("hub-receipt.json is NOT signed by the hub key in hub.pem (changed, or its signature is missing)."); return; }
  if (r.hubFingerprint !== HUB.fp) fail("hub-receipt.json names another hub key than hub.pem.");
  if (r.stationFingerprint !== stationFp) fail("hub-receipt.json is for another station key than station.pem.");
  if (!man.clips.some(function (c) { return c.originalSha256 === r.sha256; })) fail("hub-receipt.json is for another clip than the one this export was made from.");
  ok("hub-receipt.json: the hub \"" + HUB.name + "\" received clip " + r.clipId + " (SHA-256 " + short(r.sha256) + ") from the station with key " + short(stationFp) + " at " + at(r.receivedAt) + " and checked it again at " + at(r.verifiedAt) + "; the hub's signature over the receipt holds.");
}
function short(h) { return String(h).slice(0, 16) + "…"; }

// Problems are the lines of class "fail"; finish() counts those lines, so the summary can never
// disagree with them. A file whose hash did not match gets no positive line at all.
async function check(files) {
  logEl.textContent = "";
  function ok(t) { line("ok", t); }
  function fail(t) { line("fail", t); }
  function info(t) { line("info", t); }
  TSA_GIVEN = tsaGivenCerts(files);
  HUB = null;

  // 1. The station key and its signature over the export manifest, before anything the manifest says is believed.
  var manBytes = files["export-manifest.json"], sigBytes = files["export-manifest.json.sig"];
  if (!manBytes) { fail("export-manifest.json is missing: without it nothing in the package can be checked."); return finish(); }
  if (!files["station.pem"]) { fail("station.pem (the station's public key) is missing: the signature of the export manifest cannot be checked."); return finish(); }
  var key, fp;
  try {
    var der = pemToDer(new TextDecoder().decode(files["station.pem"]));
    fp = hex(await crypto.subtle.digest("SHA-256", der));
    key = await crypto.subtle.importKey("spki", der, { name: "Ed25519" }, false, ["verify"]);
  } catch (e) { fail("station.pem cannot be read as an Ed25519 public key (" + e.message + ")."); return finish(); }
  if (!sigBytes) { fail("export-manifest.json.sig is missing: the export manifest is not signed, so nothing ties these files to the station."); return finish(); }
  var signedOk = false;
  try { signedOk = await crypto.subtle.verify({ name: "Ed25519" }, key, sigBytes, manBytes); } catch (e) { signedOk = false; }
  if (!signedOk) HUB = await hubSigner(files, manBytes, sigBytes);
  if (!signedOk && !HUB) {
    fail("The signature of the export manifest does NOT hold: export-manifest.json, export-manifest.json.sig and station.pem do not belong together (the manifest was changed after the station signed it, the signature was changed, or station.pem is not the key that signed it). None of the hashes it lists can be trusted, so no file of this package is vouched for.");
    return finish();
  }
  var man;
  try { man = JSON.parse(new TextDecoder().decode(manBytes)); } catch (e) { fail("export-manifest.json is signed but is not JSON."); return finish(); }
  if (!man || typeof man.files !== "object" || !Array.isArray(man.clips)) { fail("export-manifest.json is signed but is not an export manifest this page knows (" + (man && man.format) + ")."); return finish(); }
  if (HUB) {
    ok("export-manifest.json is signed by the warehouse hub \"" + HUB.name + "\" with its key in hub.pem (fingerprint " + HUB.fp + "), not by the station: the hub made this export from the station's sealed clip (README-HUB.txt). station.pem (fingerprint " + fp + ") is the station's key, which signed the clip's own manifest.");
    hubReceipt(fp, man);
  } else ok("export-manifest.json is signed by the station key in station.pem (fingerprint " + fp + "); compare it with the fingerprint the station shows.");
  if (man.stationKeyFingerprint && man.stationKeyFingerprint !== fp) fail("The export manifest names station key " + man.stationKeyFingerprint + ", not the key in station.pem.");
  info("Order " + man.order + ", exported " + man.createdAt + " by station " + man.station + " with preset " + man.preset.name + "; clips: " + (man.mode === "returns" ? "returns (unboxing)" : man.mode === "all" ? "shipping and returns" : "shipping (packing)") + ".");
  if (man.edits && man.edits.length) info("This export is EDITED: " + man.edits.join(", ") + ".");

  // 2. The export's own trusted time: a token over the signed manifest's SHA-256.
  var manSha = await sha256(manBytes);
  if (files["export-manifest.tsr"]) {
    try {
      var et = await checkTimestampToken(files["export-manifest.tsr"], manSha, TSA_GIVEN);
      ok("Trusted time of the export: " + et.genTime + " from " + et.tsa + "; the token covers the signed export manifest (" + short(manSha) + ").");
    } catch (e) {
      // No certificate of its TSA at hand: nothing says it was altered, and nothing vouches for it.
      if (e.unverifiable) info("The export's trusted timestamp export-manifest.tsr names " + (e.tsa.tsaName ? derNamePart(e.tsa.tsaName, "CN") || e.tsa.tsaName : "a TSA") + " and " + e.tsa.genTime + ", but " + e.message + ".");
      else fail("The export's trusted timestamp export-manifest.tsr does NOT verify: " + e.message + ".");
    }
  } else info("The export manifest has no trusted timestamp (export-manifest.tsr): the time of the export is the station's own clock.");

  // 3. Every file: listed and present with its signed hash and size; missing; or foreign.
  var bad = {}, got = {}, names = Object.keys(man.files);
  for (var i = 0; i < names.length; i++) {
    var name = names[i], want = man.files[name];
    if (!files[name]) { bad[name] = true; fail(name + " is missing: the signed manifest lists it (" + want.text + "), but it is not in what was given."); continue; }
    got[name] = await sha256(files[name]);
    if (got[name] !== want.sha256 || files[name].byteLength !== want.bytes) {
      bad[name] = true;
      fail(name + ": SHA-256 does NOT match the signed manifest: this is not the file the station exported (it was changed, or another file was put in its place). Expected " + want.sha256 + ", got " + got[name] + ".");
    } else ok(name + ": SHA-256 matches the signed manifest (" + short(got[name]) + ").");
  }
  var given = Object.keys(files);
  for (var g = 0; g < given.length; g++) {
    var n = given[g];
    if (man.files[n] || PACKAGE_OWN[n] || /\.zip$/i.test(n) || (HUB && HUB_FILES[n])) continue;
    // A TSA's certificate the reviewer adds to check the tokens (tsaGivenCerts) is no export file.
    if (/\.(pem|crt|cer|der)$/i.test(n) && n !== "station.pem") info(n + " is not part of the export: it was given as a TSA certificate to check the timestamps with.");
    else fail(n + " is a foreign file: the signed manifest does not list it, so it is not part of this export.");
  }

  // 4. Each original clip: its signed manifest, the key it names, its trusted time.
  var sealed = {};
  for (var c = 0; c < man.clips.length; c++) {
    var clip = man.clips[c], signedSha = null, signedEnd = null;
    var what = "Clip " + clip.clipId + " of order " + clip.order + " (" + (clip.mode === "returns" ? "RETURN, unboxing" : "shipping, packing") + ")";
    if (!clip.manifest) { info(what + " has no signed clip manifest (recorded before signing)."); }
    else if (bad[clip.manifest] || bad[clip.signature] || !files[clip.manifest] || !files[clip.signature]) { info(what + ": its signed clip manifest is not checked (see the lines above)."); }
    else {
      var good = false;
      try { good = await crypto.subtle.verify({ name: "Ed25519" }, key, files[clip.signature], files[clip.manifest]); } catch (e) { good = false; }
      var signed = null;
      try { signed = JSON.parse(new TextDecoder().decode(files[clip.manifest])); } catch (e) { signed = null; }
      if (!good) fail(what + ": the manifest signature is NOT valid.");
      else if (!signed) fail(what + ": the signed manifest is not JSON.");
      else {
        ok(what + ": the manifest is signed by the station key.");
        if (signed.key && signed.key !== fp) fail(what + ": the manifest was signed for another station key (" + signed.key + "), not the one in station.pem.");
        else if (signed.key) ok(what + ": station.pem is the key its signed manifest names.");
        if (typeof signed.sha256 === "string") signedSha = signed.sha256;
        if (typeof signed.endedAt === "number") signedEnd = signed.endedAt;
        if (signedSha === clip.originalSha256) { sealed[clip.clipId] = signedSha; ok(what + ": the signed manifest names the original clip hash " + short(signedSha) + "."); }
        else fail(what + ": the signed clip manifest names a different clip hash than the export manifest.");
      }
    }
    if (clip.timestamp && bad[clip.timestamp]) info(what + ": its trusted timestamp is not checked (see the lines above).");
    else await checkTimestamp(clip, signedSha || clip.originalSha256, files[clip.timestamp], signedEnd !== null ? signedEnd : Date.parse(clip.endedAt), ok, fail);
    if (clip.continuity && (bad[clip.continuity] || bad[clip.continuitySignature])) info(what + ": its record of frames is not checked (see the lines above).");
    else await checkContinuity(clip, files, key, signedSha || clip.originalSha256, ok, fail);
    await checkSegment(clip, what, files, bad, key, fp, ok, fail);
  }

  // 5. What each derived file is: where it comes from, how it was made, which span it covers.
  for (var d = 0; d < names.length; d++) {
    var f = names[d], e = man.files[f];
    if (bad[f] || !e.from || e.role === "evidence") continue;
    // Its clip's signed manifest did not verify: that is failed above; the file is not described as if it had.
    if (e.from.sha256 !== sealed[e.from.clipId]) { info("Made from clip " + e.from.clipId + ", whose signed clip manifest is not verified here: " + f + " is not described."); continue; }
    if (e.how && e.how.method === "original") {
      if (got[f] === sealed[e.from.clipId]) ok(f + " is the original recording itself, byte for byte.");
      else fail(f + " claims to be the original recording, but its hash differs from the signed clip's.");
    } else info(f + ": " + e.text + ".");
  }
  // Later sections (e.g. frame gaps) go here, given man, files, bad and ok/fail/info.
  return finish();
}

// A missing token is no failure (the station may have been offline); a token that is there but
// does not verify is, because a wrong token in an evidence package means it was tampered with.
async function checkTimestamp(clip, sha, tsr, endedMs, ok, fail) {
  if (!clip.timestamp) { line("info", "Clip " + clip.clipId + " has no trusted timestamp (.tsr) in this package: no trusted time, only the station's own clock."); return; }
  if (!tsr) { line("info", clip.timestamp + " was not given: the trusted time of clip " + clip.clipId + " is not checked."); return; }
  var t;
  try { t = await checkTimestampToken(tsr, sha, TSA_GIVEN); }
  catch (e) {
    // No certificate of its TSA at hand: nothing says it was altered, and nothing vouches for it.
    if (e.unverifiable) { line("info", "Clip " + clip.clipId + ": the trusted timestamp " + clip.timestamp + " names " + (e.tsa.tsaName ? derNamePart(e.tsa.tsaName, "CN") || e.tsa.tsaName : "a TSA") + " and " + e.tsa.genTime + ", but " + e.message + "."); return; }
    fail("Clip " + clip.clipId + ": the trusted timestamp " + clip.timestamp + " does NOT verify: " + e.message + "."); return; }
  ok("Trusted time: " + t.genTime + " from " + t.tsa + ", token signature valid, covers this recording's SHA-256 (" + sha.slice(0, 16) + "…).");
  // A token asked for long after the recording (the station was offline, or had no TSA yet) proves less.
  var lateMin = Math.round((Date.parse(t.genTime.replace(" UTC", "Z").replace(" ", "T")) - endedMs) / 60000);
  if (lateMin * 60000 > ${LATE_STAMP_MS}) line("info", "The trusted time is " + (lateMin < 120 ? lateMin + " min" : Math.round(lateMin / 60) + " h") + " after the recording ended (" + new Date(endedMs).toISOString() + "): it proves the recording existed unchanged by then, not when it was recorded.");
  line("info", "Timestamp " + clip.timestamp + ": serial " + t.serial + (t.tsaName ? ", TSA name " + t.tsaName : "") + ". TSA certificate: subject " + t.cert.subject + "; issuer " + t.cert.issuer + "; SHA-256 fingerprint " + t.cert.fingerprint + ".");
  var ch = t.chain, a = ch.anchor;
  ok("TSA certificate: a timestamping certificate valid at that time; chain intact: " + ch.path.join(" → ") + (a.selfSigned ? " (a self-signed root)" : ", issued by " + a.issuer + " (not in the token)") + ".");
  if (ch.unchecked.length) line("info", "Signature(s) on " + ch.unchecked.join("; ") + " use an algorithm this page cannot check.");
  if (a.given) line("info", "The chain ends at " + a.subject + ", a certificate you gave with the package (SHA-256 fingerprint " + a.fingerprint + ").");
  else line("info", "Whether " + a.subject + " is to be trusted is not decided here: its SHA-256 fingerprint is " + a.fingerprint + "; compare it with the one the TSA publishes, or run: openssl ts -verify -digest " + sha + " -in " + clip.timestamp + " -CAfile <the TSA's CA certificate>.pem");
}

// The clip's frames (X.continuity.json, electron/engine/continuity.ts): the station read the burned-in
// frame counter back from the sealed file and signed every gap with its cause. Missing record: no
// failure (older clips have none); a record whose signature or clip hash does not hold: failure.
function clipTime(ms) {
  var cs = Math.max(0, Math.round(ms / 10)), m = Math.floor(cs / 6000), s = Math.floor((cs % 6000) / 100);
  return String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0") + "." + String(cs % 100).padStart(2, "0");
}
var GAP_CAUSE = { "encoder-under-load": "dropped by the encoder under load", "encoder": "dropped by the encoder (found by the station's read-back of the file)", "page-hidden": "not recorded while the station page was hidden" };
var STALL_CAUSE = { "camera-stalled": "the camera gave no picture", "page-hidden": "the station page was hidden", "no-frames": "no frame came from the camera" };
async function checkContinuity(clip, files, key, sha, ok, fail) {
  if (!clip.continuity) { line("info", "Clip " + clip.clipId + ": no record of its frames in this package (the frame counter was not read back)."); return; }
  if (!files[clip.continuity] || !files[clip.continuitySignature]) { line("info", clip.continuity + " or its signature was not given: the frames of clip " + clip.clipId + " are not checked."); return; }
  if (!key) return;
  if (!(await crypto.subtle.verify({ name: "Ed25519" }, key, files[clip.continuitySignature], files[clip.continuity]))) { fail("Clip " + clip.clipId + ": the record of its frames (" + clip.continuity + ") is NOT validly signed."); return; }
  var c = {};
  try { c = JSON.parse(new TextDecoder().decode(files[clip.continuity])); } catch (e) { fail(clip.continuity + " is not JSON."); return; }
  if (c.sha256 !== sha) { fail("Clip " + clip.clipId + ": the record of its frames names another clip hash."); return; }
  var when = new Date(c.checkedAt).toISOString();
  var gaps = c.gaps || [], stalls = c.stalls || [];
  if (c.frames > 0 && c.unreadable === c.frames) { line("info", "Clip " + clip.clipId + ": the station could not read its frame counter (" + c.frames + " frames)."); return; }
  if (!gaps.length) ok("Frames: the frame counter runs without a gap through all " + c.frames + " frames of the original clip (read back and signed by the station on " + when + ").");
  for (var g = 0; g < gaps.length; g++) {
    var x = gaps[g];
    line("info", "Frames: " + x.missing + " frame" + (x.missing === 1 ? "" : "s") + " " + (GAP_CAUSE[x.cause] || x.cause) + " at " + clipTime(x.atMs) + " (after frame " + x.after + "); recorded by the station on " + when + ", signed.");
  }
  for (var k = 0; k < stalls.length; k++) {
    var st = stalls[k];
    line("info", "Frames: the picture stands still for " + (st.ms / 1000).toFixed(1) + " s at " + clipTime(st.atMs) + " (no frame missing): " + (STALL_CAUSE[st.cause] || st.cause) + "; recorded by the station on " + when + ".");
  }
}

// The clip's chain segment (X.chain.json) and its anchor's token (X.anchor.tsr), as
// electron/engine/export/verifyPackage.ts checks them: each entry's hash is the SHA-256 of its body
// and its signature the station key's; each names the one before (prev) and numbers on from it; the
// first is this clip's signed manifest; the last is an anchor whose stamped entry is in the segment,
// and the TSA's token covers exactly that entry's hash. A rewrite that keeps every signature and link
// still changes that hash, which a third party stamped.
function stampTime(genTime) { return String(genTime).replace(/\.\d+ UTC$/, " UTC"); }
async function checkSegment(clip, what, files, bad, key, fp, ok, fail) {
  if (clip.chainSegment === undefined) return;
  if (clip.chainSegment === null || !clip.anchorToken) { line("info", what + ": no chain anchor covered it when it was exported, so this package carries no chain segment: its place in the station's record is not stamped by a third party yet (not a failure; a later export carries one)."); return; }
  var segName = clip.chainSegment, tokenName = clip.anchorToken;
  if (!files[segName] || !files[tokenName] || bad[segName] || bad[tokenName]) { line("info", what + ": its chain segment is not checked (see the lines above)."); return; }
  function sfail(t) { fail(what + ": " + t); }
  var entries;
  try { entries = JSON.parse(new TextDecoder().decode(files[segName])).entries; if (!Array.isArray(entries) || !entries.length) throw new Error("no entries"); }
  catch (e) { sfail(segName + " is not a chain segment this page can read."); return; }
  var enc = new TextEncoder(), broken = false, bodies = [], hashes = [];
  for (var i = 0; i < entries.length; i++) {
    var e = entries[i], name = "chain entry " + e.seq + " in " + segName + ": ";
    var bytes = enc.encode(String(e.body)), h = await sha256(bytes), b = null;
    hashes.push(h);
    try { b = JSON.parse(e.body); } catch (x) { b = null; }
    bodies.push(b);
    if (h !== e.hash) { broken = true; sfail(name + "its SHA-256 is not the hash the segment gives it: its body was changed."); }
    var sigOk = false;
    try { sigOk = await crypto.subtle.verify({ name: "Ed25519" }, key, b64Bytes(String(e.signature)), bytes); } catch (x) { sigOk = false; }
    if (!sigOk) { broken = true; sfail(name + "the station's signature over it does NOT hold (it was changed, or signed with another key than station.pem)."); }
    if (!b) { broken = true; sfail(name + "its body is not JSON."); continue; }
    if (b.seq !== e.seq) { broken = true; sfail(name + "its signed body says it is entry " + b.seq + "."); }
    if (b.key !== fp) { broken = true; sfail(name + "it was signed for station key " + b.key + ", not the key in station.pem."); }
    if (i > 0) {
      if (b.prev !== hashes[i - 1]) { broken = true; sfail(name + "it does not follow chain entry " + entries[i - 1].seq + " (its " + '"prev"' + " names another entry's hash): an entry was removed, inserted or reordered here."); }
      if (typeof b.seq === "number" && bodies[i - 1] && b.seq !== bodies[i - 1].seq + 1) { broken = true; sfail(name + "it is numbered " + b.seq + " right after entry " + bodies[i - 1].seq + ": an entry is missing or out of order."); }
    }
  }
  var first = entries[0], last = entries[entries.length - 1], a = bodies[bodies.length - 1];
  var manSha = clip.manifest && files[clip.manifest] ? await sha256(files[clip.manifest]) : null;
  if (manSha === null || hashes[0] !== manSha || !bodies[0] || bodies[0].kind !== "clip") { broken = true; sfail(segName + " does not start at this clip's entry: its first entry (" + first.seq + ") is not the signed clip manifest " + (clip.manifest || "") + "."); }
  if (!a || a.kind !== "anchor" || typeof a.head !== "number" || typeof a.token !== "string") { sfail(segName + " does not end at an anchor entry (its last entry " + last.seq + " is no anchor): nothing a third party stamped covers this clip's entry."); return; }
  var anchorName = "anchor entry " + last.seq, at = -1;
  for (var j = 0; j < entries.length; j++) if (entries[j].seq === a.head) at = j;
  if (at < 0 || a.head < first.seq) { sfail(anchorName + " stamps chain entry " + a.head + ", which is not in the segment from " + first.seq + ": it does not cover this clip's entry."); return; }
  var stampedHash = hashes[at];
  if (a.headHash !== stampedHash) { broken = true; sfail(anchorName + " names " + short(a.headHash) + " as the hash of chain entry " + a.head + ", but that entry hashes to " + short(stampedHash) + "."); }
  if (hex(files[tokenName]) !== hex(b64Bytes(a.token))) { fail(what + ": " + tokenName + " is not the token " + anchorName + " holds: the anchor's token was swapped."); return; }
  var t, unverifiable = null;
  try { t = await checkTimestampToken(files[tokenName], null, TSA_GIVEN); }
  catch (x) {
    if (!x.unverifiable) { fail(what + ": the anchor token " + tokenName + " does NOT verify: " + x.message + "."); return; }
    t = x.tsa; unverifiable = x.message;
  }
  var tsaName = (t.tsaName && (derNamePart(t.tsaName, "CN") || t.tsaName)) || (t.cert && derNamePart(t.cert.subject, "CN")) || t.tsa || "a TSA";
  var by = tsaName + " at " + stampTime(t.genTime);
  if (t.hashAlg !== "SHA-256" || t.hashed !== stampedHash) { sfail(anchorName + ": " + by + " stamped " + short(t.hashed) + ", not chain entry " + a.head + " as this segment has it (" + short(stampedHash) + "): the record up to it was changed, reordered or re-signed after that time."); return; }
  // Without the TSA's certificate nothing vouches for the anchor's time: said, and not claimed.
  if (unverifiable) { line("info", what + ": the anchor token " + tokenName + " names " + by + ", but " + unverifiable + "."); return; }
  if (broken) return;
  ok(what + ": in the station's record by " + stampTime(t.genTime) + " at the latest (anchor of " + tsaName + "): chain entries " + first.seq + "–" + last.seq + " are signed by the station and linked, and " + tsaName + " stamped entry " + a.head + ".");
}

function finish() {
  var problems = logEl.querySelectorAll("li.fail").length;
  resultEl.dataset.status = problems ? "fail" : "ok";
  resultEl.textContent = problems
    ? "NOT VERIFIED: " + problems + " problem(s) found; see the lines marked \u2717."
    : HUB
      ? "VERIFIED: the export manifest is signed by the warehouse hub \"" + HUB.name + "\" (the clips in it are sealed by the station), every file matches it, and the signatures hold."
      : "VERIFIED: the export manifest is signed by the station, every file matches it, and the signatures hold.";
  return problems === 0;
}

async function load(list) {
  resultEl.dataset.status = "busy"; resultEl.textContent = "Checking…";
  try {
    var files = {};
    for (var i = 0; i < list.length; i++) {
      var f = list[i], buf = await f.arrayBuffer();
      if (/\.zip$/i.test(f.name)) { var inner = await unzip(buf); for (var k in inner) files[k] = inner[k]; }
      else files[f.name] = buf;
    }
    await check(files);
  } catch (e) { line("fail", "The check could not go on: " + e.message + "."); finish(); }
}
document.getElementById("files").addEventListener("change", function (ev) { load(ev.target.files); });
var drop = document.getElementById("drop");
drop.addEventListener("dragover", function (ev) { ev.preventDefault(); });
drop.addEventListener("drop", function (ev) { ev.preventDefault(); load(ev.dataTransfer.files); });
</script>
</body>
</html>
`;
