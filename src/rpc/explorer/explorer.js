/* The reserve explorer (doc/explorer.md). Plain JavaScript, no library:
 * reads this node's REST endpoints, draws the figures, the price chart and
 * the vault table, and verifies a vault's reserve proof in the browser as
 * doc/issuance.md "Verifying a proof" specifies, with WebCrypto SHA-256,
 * against the block headers fetched from /rest/headers/. */
"use strict";

const COIN = 100000000n;
const MAX_COLLATERAL = 2100000000000000n; /* 21e6 HMC in base units */
const MAX_DEBT_SUM = (1n << 63n) - 1n;
const MAX_LEAF_DEBT = 1n << 53n;
const HEADERS_PER_REQUEST = 2000;         /* /rest/headers/ limit */
const MAX_HEADERS = 200000;               /* what the page is willing to fetch and check */
const HISTORY_BLOCKS = 100;
const PER_PAGE = 10;

/* The hashmint chains' genesis blocks (doc/chain-params.md), so the header
 * chain is anchored to something the node did not say. */
const GENESIS = {
  main: "00000ef0db2a5fdf8f2dd429c495a2734020b7cea9317ad30f6347cfd02133ba",
  test: "000002c4d1456fdcad7477f97166478c4dfd3934a1d8d9d8474ebfe0a95b5b14",
  regtest: "07d465f1d98737ccdb7d712a208fd856f043c2e3a13463ccd67d6b40bc99eb3e",
};

const state = { page: 1, order: "asc", pages: 1, info: null };

/* ---- bytes ---- */

function hexToBytes(hex) {
  if (hex.length % 2 || /[^0-9a-fA-F]/.test(hex)) throw new Error("not hex");
  const b = new Uint8Array(hex.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.substr(2 * i, 2), 16);
  return b;
}

function bytesToHex(b) {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/* A hash as the RPC shows it: byte-reversed. */
function displayHex(b) {
  return bytesToHex(Uint8Array.from(b).reverse());
}

function concat(...parts) {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function le64(v) {
  const b = new Uint8Array(8);
  for (let i = 0; i < 8; i++) { b[i] = Number(v & 0xffn); v >>= 8n; }
  return b;
}

function le32(v) {
  return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}

/* A bounded reader: every read checks the bytes left first. */
class Reader {
  constructor(bytes) { this.b = bytes; this.o = 0; }
  left() { return this.b.length - this.o; }
  take(n) {
    if (n < 0 || n > this.left()) throw new Error("truncated");
    const s = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return s;
  }
  u8() { return this.take(1)[0]; }
  u16() { const s = this.take(2); return s[0] | (s[1] << 8); }
  u32() { const s = this.take(4); return (s[0] | (s[1] << 8) | (s[2] << 16)) + s[3] * 0x1000000; }
  u64() { const s = this.take(8); let v = 0n; for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(s[i]); return v; }
  compact() {
    const first = this.u8();
    let v, min;
    if (first < 0xfd) return first;
    if (first === 0xfd) { v = this.u16(); min = 0xfd; }
    else if (first === 0xfe) { v = this.u32(); min = 0x10000; }
    else { const w = this.u64(); if (w > 0xffffffffn) throw new Error("size too large"); v = Number(w); min = 0x100000000; }
    if (v < min) throw new Error("non-canonical CompactSize");
    return v;
  }
}

/* ---- hashes (WebCrypto) ---- */

async function sha256(b) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", b));
}

async function sha256d(b) {
  return sha256(await sha256(b));
}

const tagCache = new Map();
/* BIP 340 tagged hash: SHA256(SHA256(tag) || SHA256(tag) || m). */
async function tagged(tag, m) {
  if (!tagCache.has(tag)) tagCache.set(tag, await sha256(new TextEncoder().encode(tag)));
  const t = tagCache.get(tag);
  return sha256(concat(t, t, m));
}

/* ---- the proof (doc/issuance.md "Reserve proofs") ---- */

function decodeProof(bytes) {
  const r = new Reader(bytes);
  if (r.u8() !== 1) throw new Error("unknown proof version");
  const leaf = r.take(116);
  const lr = new Reader(leaf);
  const p = { leaf };
  p.txid = lr.take(32);
  p.vout = lr.u32();
  p.assetId = lr.take(32);
  p.collateral = lr.u64();
  p.debt = lr.u64();
  p.ownerHash = lr.take(32);
  p.leafCount = r.u64();
  const depth = r.u16();
  if (depth > 256 || depth * 48 > r.left()) throw new Error("too many siblings");
  p.siblings = [];
  for (let i = 0; i < depth; i++) p.siblings.push({ hash: r.take(32), collateral: r.u64(), debt: r.u64() });
  p.header = r.take(80);
  const cbLen = r.compact();
  if (cbLen < 1 || cbLen > 1000000 || cbLen > r.left()) throw new Error("bad coinbase length");
  p.coinbase = r.take(cbLen);
  const branchLen = r.u8();
  if (branchLen > 32 || branchLen * 32 > r.left()) throw new Error("bad branch length");
  p.branch = [];
  for (let i = 0; i < branchLen; i++) p.branch.push(r.take(32));
  if (r.left() !== 0) throw new Error("trailing bytes");
  return p;
}

/* A transaction serialised without witness data. */
function parseTx(bytes) {
  const r = new Reader(bytes);
  const tx = { version: r.u32(), vin: [], vout: [] };
  const nin = r.compact();
  if (nin * 41 > r.left()) throw new Error("too many inputs");
  for (let i = 0; i < nin; i++) {
    const prevTxid = r.take(32), prevN = r.u32();
    const script = r.take(r.compact());
    tx.vin.push({ prevTxid, prevN, script, sequence: r.u32() });
  }
  const nout = r.compact();
  if (nout * 9 > r.left()) throw new Error("too many outputs");
  for (let i = 0; i < nout; i++) {
    const value = r.u64();
    tx.vout.push({ value, script: r.take(r.compact()) });
  }
  tx.locktime = r.u32();
  if (r.left() !== 0) throw new Error("trailing bytes");
  return tx;
}

/* The first push of a scriptSig as BIP 34 reads it; null if it is not one. */
function bip34Height(script) {
  if (script.length === 0) return null;
  const op = script[0];
  let h;
  if (op >= 0x51 && op <= 0x60) h = op - 0x50;
  else if (op >= 1 && op <= 8 && script.length > op) {
    const d = script.subarray(1, 1 + op);
    if (d[d.length - 1] & 0x80) return null; /* negative */
    h = 0;
    for (let i = d.length - 1; i >= 0; i--) h = h * 256 + d[i];
  } else return null;
  /* CScript() << h must be the scriptSig's first bytes (the minimal encoding). */
  let enc;
  if (h >= 1 && h <= 16) enc = Uint8Array.of(0x50 + h);
  else {
    const d = [];
    let v = h;
    while (v > 0) { d.push(v & 0xff); v = Math.floor(v / 256); }
    if (d.length && d[d.length - 1] & 0x80) d.push(0);
    enc = Uint8Array.from([d.length, ...d]);
  }
  return equalBytes(script.subarray(0, enc.length), enc) ? h : null;
}

/* The 256-bit target nBits encodes, or null if it is negative, zero or overflows. */
function bitsTarget(bits) {
  const exp = bits >>> 24, mant = bits & 0x7fffff;
  if (bits & 0x800000 || mant === 0) return null;
  const t = exp <= 3 ? BigInt(mant >>> (8 * (3 - exp))) : BigInt(mant) << BigInt(8 * (exp - 3));
  return t === 0n || t >= 1n << 256n ? null : t;
}

function hashValue(hash) { /* a hash (byte order) as the number proof of work compares */
  let v = 0n;
  for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(hash[i]);
  return v;
}

function headerBits(h) { return new Reader(h.subarray(72, 76)).u32(); }

async function meetsWork(header) {
  const target = bitsTarget(headerBits(header));
  const hash = await sha256d(header);
  return { ok: target !== null && hashValue(hash) <= target, hash };
}

class CheckFailed extends Error {}

/**
 * Verifies proof bytes against the node's header chain (fetchHeaders),
 * appending each check to log as {ok, text}. vault: the table's row data
 * (the node's claim), compared with the leaf. Returns true or throws.
 */
async function verifyProof(bytes, vault, log) {
  const ok = (text) => log.push({ ok: true, text });
  const fail = (text) => { log.push({ ok: false, text }); throw new CheckFailed(text); };
  let p;
  try { p = decodeProof(bytes); } catch (e) { fail(`the proof does not decode (${e.message})`); }
  ok(`decoded a version-1 proof of ${bytes.length} bytes: leaf, ${p.siblings.length} siblings, header, coinbase, ${p.branch.length} branch hashes`);

  /* The leaf is the vault the node listed. */
  const outpoint = `${displayHex(p.txid)}:${p.vout}`;
  if (p.collateral > MAX_COLLATERAL || p.debt > MAX_LEAF_DEBT) fail("the leaf's amounts are out of range (bad-reserve-range)");
  if (outpoint !== vault.outpoint || p.collateral !== BigInt(vault.collateral) || p.debt !== BigInt(vault.debt))
    fail(`the leaf (${outpoint}, collateral ${p.collateral}, debt ${p.debt}) is not the listed vault`);
  ok(`the leaf is vault ${outpoint} with collateral ${fmtAmount(p.collateral)} HMC and debt ${fmtAmount(p.debt)}, as listed`);

  /* 1. Path: recompute the root and the sums. */
  const key = await tagged("HMRS/key", concat(p.txid, le32(p.vout)));
  const empty = await tagged("HMRS/empty", new Uint8Array(0));
  let cur = { hash: await tagged("HMRS/leaf", p.leaf), collateral: p.collateral, debt: p.debt };
  const d = p.siblings.length;
  let nonEmpty = 0;
  for (let i = 0; i < d; i++) {
    const s = p.siblings[i];
    if (s.collateral > MAX_COLLATERAL || s.debt > MAX_DEBT_SUM) fail(`sibling ${i} is out of range (bad-reserve-range)`);
    const isEmpty = equalBytes(s.hash, empty);
    if (isEmpty && (s.collateral !== 0n || s.debt !== 0n)) fail(`sibling ${i} is the empty subtree with sums (bad-reserve-path)`);
    if (isEmpty && i === 0) fail("the leaf's sibling is the empty subtree (bad-reserve-path)");
    if (equalBytes(s.hash, cur.hash)) fail(`sibling ${i} is paired with itself (bad-reserve-path)`);
    if (!isEmpty) nonEmpty++;
    const bit = d - 1 - i;
    const right = (key[bit >> 3] >> (7 - (bit & 7))) & 1;
    const [l, r] = right ? [s, cur] : [cur, s];
    const ref = (x) => concat(x.hash, le64(x.collateral), le64(x.debt));
    const collateral = cur.collateral + s.collateral, debt = cur.debt + s.debt;
    if (collateral > MAX_COLLATERAL || debt > MAX_DEBT_SUM) fail(`the sums overflow at depth ${bit + 1} (bad-reserve-range)`);
    cur = { hash: await tagged("HMRS/node", concat(ref(l), ref(r))), collateral, debt };
  }
  if (p.leafCount === 0n || p.leafCount > MAX_DEBT_SUM || p.leafCount < BigInt(1 + nonEmpty))
    fail(`leaf count ${p.leafCount} does not fit the path (bad-reserve-path)`);
  const root = await tagged("HMRS/root", concat(le64(p.leafCount), cur.hash, le64(cur.collateral), le64(cur.debt)));
  ok(`the path of ${d} siblings, turning as the vault's key says, gives root ${displayHex(root)} over ${p.leafCount} vaults with total collateral ${fmtAmount(cur.collateral)} HMC and total debt ${fmtAmount(cur.debt)}`);

  /* 2. Commitment: the coinbase's one HMRS output holds that root and those totals. */
  let cb;
  try { cb = parseTx(p.coinbase); } catch (e) { fail(`the coinbase does not decode (${e.message})`); }
  const isCoinbase = cb.vin.length === 1 && cb.vin[0].prevN === 0xffffffff && cb.vin[0].prevTxid.every((x) => x === 0);
  if (!isCoinbase) fail("the proof's transaction is not a coinbase (bad-reserve-proof-coinbase)");
  const magic = Uint8Array.of(0x6a, 0x34, 0x48, 0x4d, 0x52, 0x53);
  const hmrs = cb.vout.filter((o) => o.script.length >= 6 && equalBytes(o.script.subarray(0, 6), magic));
  if (hmrs.length !== 1 || hmrs[0].script.length !== 54) fail(`the coinbase has ${hmrs.length} HMRS outputs, or a malformed one (bad-reserve-commitment)`);
  const want = concat(magic, root, le64(cur.collateral), le64(cur.debt));
  if (!equalBytes(hmrs[0].script, want)) fail("the coinbase's HMRS output does not commit to the root and totals the path gives (bad-reserve-commitment)");
  const cbTxid = await sha256d(p.coinbase);
  ok(`coinbase ${displayHex(cbTxid)} commits to exactly that root and those totals in its HMRS output`);

  /* 3. Block: the coinbase's Merkle branch reaches the header's Merkle root. */
  let h = cbTxid;
  for (const b of p.branch) {
    if (equalBytes(b, h)) fail("a branch hash equals the running hash (bad-reserve-proof-merkle)");
    h = await sha256d(concat(h, b));
  }
  if (!equalBytes(h, p.header.subarray(36, 68))) fail("the coinbase's Merkle branch does not give the header's Merkle root (bad-reserve-proof-merkle)");
  ok(`the coinbase's Merkle branch (${p.branch.length} hashes) gives the header's Merkle root ${displayHex(h)}`);

  /* 4. Height (BIP 34). */
  const height = bip34Height(cb.vin[0].script);
  if (height === null || height < 1) fail("the coinbase states no BIP 34 height (bad-reserve-proof-height)");
  ok(`the coinbase states height ${height}`);

  /* 5. Work. */
  const work = await meetsWork(p.header);
  if (!work.ok) fail(`the header's hash does not meet its own nBits (high-hash)`);
  const blockHash = displayHex(work.hash);
  ok(`block ${blockHash}: its hash meets its own nBits 0x${headerBits(p.header).toString(16).padStart(8, "0")}`);

  /* 6. Chain: the header is at that height in this node's header chain from genesis. */
  const chain = await fetchHeaderChain(fail);
  if (height >= chain.length) fail(`the node's header chain has no height ${height}`);
  if (!equalBytes(chain[height], p.header)) fail(`the header at height ${height} of the chain is not the proof's (bad-headers-missing-block)`);
  const tipHeight = chain.length - 1;
  const chainName = (await getJSON("/rest/chaininfo.json")).chain;
  if (!Object.prototype.hasOwnProperty.call(GENESIS, chainName)) fail(`the node runs chain "${chainName}", whose genesis block this page does not know`);
  if (chain.genesis !== GENESIS[chainName]) fail(`the header chain starts at ${chain.genesis}, not at hashmint ${chainName}'s genesis block (bad-headers-genesis)`);
  ok(`the node's ${chain.length} headers from hashmint ${chainName}'s genesis block ${chain.genesis} link by previous-block hash and each meets its own nBits; the proof's header is the one at height ${height}: ${tipHeight - height + 1} confirmation${tipHeight === height ? "" : "s"}`);
  return true;
}

/* Every header of the node's active chain from genesis, each linked to the one before and meeting its nBits. */
async function fetchHeaderChain(fail) {
  const headers = [];
  let prevHash = null;
  let genesis = null;
  for (;;) {
    if (headers.length >= MAX_HEADERS) fail(`the chain has more than ${MAX_HEADERS} headers; this page checks no more`);
    const at = await getJSON(`/rest/blockhashbyheight/${headers.length}.json`, true);
    if (at === null) break; /* past the tip */
    const raw = new Uint8Array(await getBinary(`/rest/headers/${at.blockhash}.bin?count=${HEADERS_PER_REQUEST}`));
    if (raw.length === 0 || raw.length % 80) fail("the node sent a headers answer that is not whole 80-byte headers");
    for (let o = 0; o < raw.length; o += 80) {
      const hdr = raw.subarray(o, o + 80);
      if (prevHash && !equalBytes(hdr.subarray(4, 36), prevHash)) fail(`header ${headers.length} does not follow the one before (bad-headers-prevblk)`);
      const w = await meetsWork(hdr);
      if (!w.ok) fail(`header ${headers.length} does not meet its own nBits (high-hash)`);
      if (!genesis) genesis = displayHex(w.hash);
      prevHash = w.hash;
      headers.push(hdr);
    }
    if (raw.length / 80 < HEADERS_PER_REQUEST) break;
  }
  headers.genesis = genesis;
  return headers;
}

/* ---- REST ---- */

async function getJSON(url, allow404) {
  const r = await fetch(url, { cache: "no-store" });
  if (allow404 && r.status === 404) return null;
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${(await r.text()).trim()}`);
  return r.json();
}

async function getBinary(url) {
  const r = await fetch(url, { cache: "no-store" });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.arrayBuffer();
}

/* ---- rendering ---- */

/* Base units (10^8 per coin) as a decimal string with 8 places. */
function fmtAmount(v) {
  v = BigInt(v);
  const neg = v < 0n;
  if (neg) v = -v;
  const frac = (v % COIN).toString().padStart(8, "0");
  return `${neg ? "-" : ""}${(v / COIN).toLocaleString("en-US")}.${frac}`;
}

function setFigure(id, value, text, cls) {
  const el = document.getElementById(id);
  el.dataset.value = String(value);
  el.textContent = text;
  el.className = "value" + (cls ? " " + cls : "");
}

function setStatus(text, error) {
  const el = document.getElementById("status");
  el.textContent = text;
  el.className = "status" + (error ? " error" : "");
}

function renderInfo(info) {
  const a = info.assets[0];
  state.info = info;
  state.asset = a;
  setFigure("height", info.height, String(info.height));
  setFigure("supply", a.supply, `${fmtAmount(a.supply)} ${a.ticker}`);
  setFigure("collateral", a.total_collateral, `${fmtAmount(a.total_collateral)} HMC`);
  const r = a.system_ratio_pct;
  setFigure("ratio", r === null ? "null" : r, r === null ? "no supply" : `${r} %`,
            r !== null && r < a.parameters.liquidation_ratio_pct ? "bad" : "");
  setFigure("price", a.price, `${fmtAmount(a.price)} ${a.ticker}/HMC${a.price_fresh ? "" : " (stale)"}`, a.price_fresh ? "" : "bad");
  setFigure("breaker", a.breaker_active, a.breaker_active ? `tripped: minting blocked until height ${a.breaker_until}` : "not tripped",
            a.breaker_active ? "bad" : "good");
  const paused = a.paused;
  setFigure("paused", paused, paused ? "paused by the issuer" : "open", paused ? "bad" : "good");
  setFigure("vault-count", a.vault_count, String(a.vault_count));
  document.getElementById("history-len").textContent = String(a.price_history.length);
  drawChart(a.price_history, a.ticker);
}

const SVG = "http://www.w3.org/2000/svg";
function svgEl(name, attrs, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/* The price history as an SVG line: heights across, price up. */
function drawChart(points, ticker) {
  const box = document.getElementById("chart");
  box.textContent = "";
  const W = 800, H = 240, L = 90, R = 10, T = 10, B = 30;
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `${ticker} price per HMC` });
  if (points.length === 0) { box.textContent = "No blocks."; return; }
  const prices = points.map((p) => Number(p.price) / 1e8);
  let lo = Math.min(...prices), hi = Math.max(...prices);
  if (hi === lo) { hi += 1; lo = Math.max(0, lo - 1); }
  const h0 = points[0].height, h1 = points[points.length - 1].height;
  const x = (h) => L + (h1 === h0 ? (W - L - R) / 2 : ((h - h0) / (h1 - h0)) * (W - L - R));
  const y = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  svg.appendChild(svgEl("line", { class: "axis", x1: L, y1: T, x2: L, y2: H - B }));
  svg.appendChild(svgEl("line", { class: "axis", x1: L, y1: H - B, x2: W - R, y2: H - B }));
  svg.appendChild(svgEl("text", { x: L - 6, y: y(hi) + 4, "text-anchor": "end" }, hi.toFixed(2)));
  svg.appendChild(svgEl("text", { x: L - 6, y: y(lo) + 4, "text-anchor": "end" }, lo.toFixed(2)));
  svg.appendChild(svgEl("text", { x: L, y: H - 8, "text-anchor": "start" }, `height ${h0}`));
  svg.appendChild(svgEl("text", { x: W - R, y: H - 8, "text-anchor": "end" }, `height ${h1}`));
  /* A step line: a price holds until the next update. */
  let d = "";
  points.forEach((p, i) => {
    const px = x(p.height), py = y(prices[i]);
    d += i === 0 ? `M${px},${py}` : `H${px}V${py}`;
  });
  svg.appendChild(svgEl("path", { class: "line", d, "data-points": points.length }));
  box.appendChild(svg);
}

function renderVaults(list) {
  state.pages = Math.max(1, list.pages);
  const tbody = document.querySelector("#vaults tbody");
  tbody.textContent = "";
  const ticker = state.asset ? state.asset.ticker : "";
  for (const v of list.vaults) {
    const tr = document.createElement("tr");
    tr.dataset.outpoint = v.outpoint;
    tr.dataset.ratio = v.ratio === null ? "null" : String(v.ratio);
    const cell = (text, cls) => { const td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td); return td; };
    cell(v.outpoint, "outpoint");
    cell(fmtAmount(v.collateral), "num");
    cell(`${fmtAmount(v.debt)} ${ticker}`, "num");
    cell(v.ratio === null ? "∞ (no debt)" : `${v.ratio} %`, "num ratio");
    cell(v.liquidatable ? "liquidatable" : v.mature ? "mature" : "immature", v.liquidatable ? "bad" : "");
    const td = cell("");
    const b = document.createElement("button");
    b.type = "button";
    b.className = "verify";
    b.textContent = "verify";
    b.addEventListener("click", () => runVerify(v, b));
    td.appendChild(b);
    tbody.appendChild(tr);
  }
  document.getElementById("page-info").textContent = `page ${list.page} of ${state.pages} (${list.total} vaults)`;
  document.getElementById("prev").disabled = state.page <= 1;
  document.getElementById("next").disabled = state.page >= state.pages;
  const s = document.getElementById("sort-ratio");
  s.dataset.order = state.order;
  s.textContent = state.order === "asc" ? "Ratio ▲" : "Ratio ▼";
}

async function loadVaults() {
  const list = await getJSON(`/rest/vaults.json?sort=ratio&order=${state.order}&page=${state.page}&per_page=${PER_PAGE}`);
  renderVaults(list);
  document.body.dataset.vaultsLoaded = `${state.order}:${state.page}:${list.height}`;
}

async function runVerify(vault, button) {
  const box = document.getElementById("verify-result");
  box.dataset.status = "running";
  box.dataset.outpoint = vault.outpoint;
  box.textContent = `Verifying ${vault.outpoint}…`;
  button.disabled = true;
  const log = [];
  let passed = false, error = "";
  try {
    if (!window.crypto || !crypto.subtle) throw new CheckFailed("this browser gives no WebCrypto here (it needs https or localhost)");
    const [txid, n] = vault.outpoint.split(":");
    const r = await fetch(`/rest/reserveproof/${txid}-${n}.json`, { cache: "no-store" });
    if (!r.ok) throw new CheckFailed(`no proof: HTTP ${r.status} ${(await r.text()).trim()}`);
    const j = await r.json();
    let bytes;
    try { bytes = hexToBytes(j.proof); } catch (e) { throw new CheckFailed("the proof is not hex"); }
    passed = await verifyProof(bytes, vault, log);
  } catch (e) {
    error = e.message;
    if (!(e instanceof CheckFailed)) log.push({ ok: false, text: `error: ${e.message}` });
  }
  box.textContent = "";
  const head = document.createElement("p");
  head.className = passed ? "good" : "bad";
  head.textContent = passed ? `Vault ${vault.outpoint} is in the reserves the chain commits to. Checked:`
                            : `Verification of ${vault.outpoint} FAILED: ${error}`;
  box.appendChild(head);
  const ol = document.createElement("ol");
  for (const c of log) {
    const li = document.createElement("li");
    li.className = c.ok ? "ok" : "no";
    li.textContent = (c.ok ? "✓ " : "✗ ") + c.text;
    ol.appendChild(li);
  }
  box.appendChild(ol);
  box.dataset.status = passed ? "pass" : "fail";
  button.disabled = false;
}

async function refresh() {
  try {
    renderInfo(await getJSON(`/rest/issuance.json?history=${HISTORY_BLOCKS}`));
    await loadVaults();
    setStatus(`Tip ${state.info.bestblock} at height ${state.info.height}.`);
    document.body.dataset.loaded = "1";
  } catch (e) {
    setStatus(`Could not load: ${e.message}`, true);
    document.body.dataset.loaded = "error";
  }
}

function pageTo(page) {
  state.page = page;
  loadVaults().catch((e) => setStatus(`Could not load the vaults: ${e.message}`, true));
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("sort-ratio").addEventListener("click", () => {
    state.order = state.order === "asc" ? "desc" : "asc";
    pageTo(1);
  });
  document.getElementById("prev").addEventListener("click", () => pageTo(Math.max(1, state.page - 1)));
  document.getElementById("next").addEventListener("click", () => pageTo(Math.min(state.pages, state.page + 1)));
  refresh();
});
