// Record verification in the browser: for each entry the party may see (GET /v1/receipts/{seq}), recompute
// the entry hash (format deconflict.record.v1, docs/record.md: BLAKE2b-256 of the length-prefixed fields)
// and check the server's Ed25519 signature over it (WebCrypto), with the server key of GET /v1/record/head.
// Where two consecutive entries are both visible, the later one's prev must be the earlier one's hash.
import { blake2b } from 'blakejs';

const enc = new TextEncoder();
const hex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
export function unhex(s) {
  if (typeof s !== 'string' || s.length % 2 || /[^0-9a-f]/i.test(s)) throw new Error('not hex');
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}

// The bytes that are hashed, all integers big-endian, strings as u32 length + UTF-8.
export function hashedBytes(e) {
  const parts = [];
  const u32 = (n) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n); parts.push(b); };
  const u64 = (n) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(n)); parts.push(b); };
  const i64 = (n) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigInt64(0, BigInt(n)); parts.push(b); };
  const str = (s) => { const b = enc.encode(s); u32(b.length); parts.push(b); };
  parts.push(enc.encode('deconflict.record.v1'));
  u64(e.seq);
  i64(e.time_us);
  str(e.kind);
  str(e.actor);
  u32(e.audience.length);
  for (const p of e.audience) str(p);
  str(e.payload);
  parts.push(unhex(e.prev));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export const entryHash = (e) => hex(blake2b(hashedBytes(e), undefined, 32));

// Checks one entry; returns null when good, else the reason.
export async function checkEntry(e, key) {
  let h;
  try { h = entryHash(e); } catch (err) { return `malformed entry: ${err.message}`; }
  if (h !== e.hash) return 'hash does not match content';
  try {
    const ok = await crypto.subtle.verify('Ed25519', key, unhex(e.signature), unhex(e.hash));
    return ok ? null : 'signature does not verify with the server key';
  } catch (err) {
    return `signature not checkable: ${err.message}`;
  }
}

// The receipts of entries first..last the party may fetch (others are skipped), six requests at a time.
// Returns Map seq -> {e, key, bad?}.
export async function fetchEntries(api, first, last, progress = () => {}) {
  const seqs = [];
  for (let q = first; q <= last; q++) seqs.push(q);
  const entries = new Map();
  let done = 0;
  const worker = async () => {
    while (seqs.length) {
      const q = seqs.shift();
      try {
        const r = await api.get(`/v1/receipts/${q}`);
        entries.set(q, { e: r.entry, key: r.server_key });
      } catch (err) {
        if (err.status !== 403 && err.status !== 404) entries.set(q, { e: { seq: q }, bad: `not readable: ${err.message}` });
      }
      progress(++done, last - first + 1);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return entries;
}

// Verifies the newest `window` entries the party can see. progress(done, total) is called as it goes.
export async function verifyRecord(api, { window = 300, progress = () => {} } = {}) {
  const head = await api.get('/v1/record/head');
  const key = await crypto.subtle.importKey('raw', unhex(head.public_key), { name: 'Ed25519' }, false, ['verify']);
  const first = Math.max(1, head.seq - window + 1);
  const entries = await fetchEntries(api, first, head.seq, progress);
  for (const x of entries.values()) if (!x.bad && x.key !== head.public_key) x.bad = 'receipt names another server key';
  const results = [];
  for (const q of [...entries.keys()].sort((a, b) => a - b)) {
    const x = entries.get(q);
    let bad = x.bad || (x.e.seq !== q ? `receipt for seq ${q} carries seq ${x.e.seq}` : await checkEntry(x.e, key));
    const prev = entries.get(q - 1);
    if (!bad && prev && !prev.bad && x.e.prev !== prev.e.hash) bad = `prev does not match the hash of entry ${q - 1}`;
    results.push({ seq: q, kind: x.e.kind, actor: x.e.actor, time_us: x.e.time_us, bad });
  }
  return { head, results, checked: results.length, bad: results.filter((r) => r.bad).length };
}
