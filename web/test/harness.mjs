// Test harness: the real `deconflict serve --demo` on a free loopback port with a fresh data directory, and
// Debian's Chromium driven by playwright-core (no browser download: executablePath is the system one).
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const BIN = process.env.DECONFLICT_BIN || new URL('../../build/deconflict', import.meta.url).pathname;
export const ARTIFACTS = process.env.ARTIFACTS || new URL('../test-artifacts', import.meta.url).pathname;

export async function startServer({ demo = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dc-console-'));
  const proc = spawn(BIN, ['serve', ...(demo ? ['--demo', '--guidance'] : []), '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const banner = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s:\n${out}\n${err}`)), 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      if (demo ? /export RED=\S+/.test(out) && /export BLUE=\S+/.test(out) : /stop with Ctrl-C/.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${out}\n${err}`)); });
  });
  const base = banner.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)[1];
  const tokens = demo ? { blue: banner.match(/export BLUE=(\S+)/)[1], red: banner.match(/export RED=(\S+)/)[1] } : {};
  const stop = async () => {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { base, tokens, stop, banner, stderr: () => err, dataDir: join(dir, 'data') };
}

// A /v1 call with a bearer token, as any other client would make it.
export async function apiAs(base, token, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export async function launchBrowser() {
  mkdirSync(ARTIFACTS, { recursive: true });
  // playwright-core gives each launch a fresh temporary profile (--user-data-dir) and removes it at close.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

// A browser context that records every request and every page error or CSP violation.
export async function recordedContext(browser) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  const requests = [];
  const problems = [];
  ctx.on('request', (r) => requests.push(r.url()));
  const page = await ctx.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // HTTP errors the tests provoke (a wrong token, a forged write) are logged by Chromium as failed loads;
  // anything else logged as an error (a CSP refusal, a script error) is a problem.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console error: ${m.text()}`);
  });
  await page.exposeFunction('__cspViolation', (what) => problems.push(`CSP violation: ${what}`));
  await page.addInitScript(() => document.addEventListener('securitypolicyviolation',
    (e) => window.__cspViolation(`${e.violatedDirective} ${e.blockedURI}`)));
  return { ctx, page, requests, problems };
}

export async function waitFor(fn, { timeout = 30000, interval = 250, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${last && last.message ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
