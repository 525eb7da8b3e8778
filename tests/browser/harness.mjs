// Shared helpers of the browser tests: start/stop `moebius server` on a fresh data directory and
// port 0, a JSON client for the REST API, and Debian's chromium through playwright-core.
import zlib from 'node:zlib';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..');
export const BIN = process.env.MOEBIUS_BIN || join(REPO, 'build', 'moebius');
export const OUT = join(HERE, 'out');
export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

/**
 * Starts the server and resolves with {proc, base, dataDir, logs} once it prints its URL.
 * `args` are extra `moebius server` flags (e.g. ['--sql-source-root', dir]).
 */
export function startServer({ args = [] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'moebius-ui-data-'));
  // MOEBIUS_WEB_DIR serves the UI from a `npm run build` output instead of the binary's own copy.
  const webDir = process.env.MOEBIUS_WEB_DIR ? ['--web-dir', process.env.MOEBIUS_WEB_DIR] : [];
  const proc = spawn(BIN, ['server', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', ...args, ...webDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  return new Promise((resolvePromise, reject) => {
    let buf = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server did not print its URL within 30 s; output:\n${logs.join('')}`));
    }, 30_000);
    const onData = (chunk) => {
      const s = chunk.toString();
      logs.push(s);
      buf += s;
      const m = /listening on (http:\/\/[^\s]+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        proc.stdout.off('data', onData);
        proc.stdout.on('data', (c) => logs.push(c.toString()));
        resolvePromise({ proc, base: m[1].replace(/\/$/, ''), dataDir, logs });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (c) => logs.push(c.toString()));
    proc.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (code ${code}, signal ${signal}); output:\n${logs.join('')}`));
    });
  });
}

/**
 * Whether `moebius server` accepts `flag` (from its --help), so a test can pass flags that only
 * newer servers have (e.g. `--workers 0`) and still run against older ones.
 */
export function serverHasFlag(flag) {
  try {
    const help = execFileSync(BIN, ['server', '--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return new RegExp(`(^|[\\s,])${flag.replace(/[-]/g, '\\-')}(?![\\w-])`).test(help);
  } catch {
    return false;
  }
}

export async function stopServer(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** The initial admin password the server wrote into its data directory. */
export function adminPassword(server) {
  return readFileSync(join(server.dataDir, 'initial-admin-password'), 'utf8').trim();
}

/** A JSON client for the REST API with a bearer token. */
export function client(base, token) {
  return async function call(method, path, body) {
    const res = await fetch(base + path, {
      method,
      headers: {
        'Content-Type': 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return text ? JSON.parse(text) : {};
  };
}

/** Logs in as admin over the API and returns a client with its token. */
export async function adminClient(base, password) {
  const { token } = await client(base)('POST', '/api/v1/auth/login', { username: 'admin', password });
  if (!token) throw new Error('login returned no token');
  return { api: client(base, token), token };
}

/** A headless chromium with a throwaway profile (remove `profile` afterwards). */
export async function launchBrowser(profile, { locale = 'en-US', viewport = { width: 1440, height: 1000 } } = {}) {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    locale,
    viewport,
  });
}

/**
 * What every browser test starts with: a server (started with `args`) and a Chromium profile,
 * removed with `dirs` when test `t` ends. `openPage()` launches Chromium and returns its page
 * (20 s default timeout), the page errors seen so far, and `shot(name)` for screenshots in OUT.
 */
export async function browserSession(t, name, { args = [], dirs = [] } = {}) {
  if (!existsSync(BIN)) throw new Error(`server binary not found at ${BIN} (build it, or set MOEBIUS_BIN)`);
  mkdirSync(OUT, { recursive: true });
  const server = await startServer({ args });
  const profile = mkdtempSync(join(tmpdir(), `moebius-${name}-chromium-`));
  let context;
  t.after(async () => {
    if (context) await context.close().catch(() => {});
    await stopServer(server.proc);
    for (const dir of [profile, server.dataDir, ...dirs]) rmSync(dir, { recursive: true, force: true });
  });
  const openPage = async () => {
    context = await launchBrowser(profile);
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const shot = (file) => page.screenshot({ path: join(OUT, file), fullPage: true });
    return { page, pageErrors, shot };
  };
  return { server, password: adminPassword(server), openPage };
}

/** Fills the login form at `base` and waits for the signed-in header. */
export async function loginInBrowser(page, base, password, startPath = '/projects') {
  await page.goto(`${base}${startPath}`);
  await page.waitForURL(/\/login/);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.getByTestId('current-user').waitFor();
}

/** Signs the current user out (unless the login page is open) and `user` in through the login form. */
export async function signInAs(page, user, password) {
  if (!/\/login/.test(page.url())) {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
  }
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.getByTestId('current-user').waitFor();
}

/** Number of non-transparent pixels in the first ECharts canvas inside `selector`. */
export async function paintedPixels(page, selector) {
  return page.evaluate((sel) => {
    const canvas = document.querySelector(`${sel} canvas`);
    if (!canvas || canvas.width === 0 || canvas.height === 0) return 0;
    const ctx = canvas.getContext('2d');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
    return n;
  }, selector);
}

// ---- tar archives built in memory (ustar, regular files only)

function octal(n, width) {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** A ustar archive of {path: Buffer|string} files. */
export function buildTar(files) {
  const blocks = [];
  for (const [path, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const header = Buffer.alloc(512, 0);
    if (Buffer.byteLength(path) > 100) throw new Error(`path too long for this tar writer: ${path}`);
    header.write(path, 0, 'utf8');
    header.write(octal(0o644, 8), 100, 'ascii');
    header.write(octal(0, 8), 108, 'ascii');
    header.write(octal(0, 8), 116, 'ascii');
    header.write(octal(data.length, 12), 124, 'ascii');
    header.write(octal(Math.floor(Date.now() / 1000), 12), 136, 'ascii');
    header.fill(' ', 148, 156);
    header.write('0', 156, 'ascii');
    header.write('ustar\0', 257, 'ascii');
    header.write('00', 263, 'ascii');
    let sum = 0;
    for (const b of header) sum += b;
    header.write(octal(sum, 7) + ' ', 148, 'ascii');
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512, 0));
  }
  blocks.push(Buffer.alloc(1024, 0));
  return Buffer.concat(blocks);
}

/** A tiny PNG-looking file (the vision content check reads the signature). */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A real (decodable) 4×4 RGB PNG whose colour depends on `seed`, so every seed is distinct content. */
export function tinyPng(seed) {
  const w = 4;
  const h = 4;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc(h * (1 + w * 3));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) raw.set([(seed * 37) & 255, (x * 60) & 255, (y * 60) & 255], y * (1 + w * 3) + 1 + x * 3);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
