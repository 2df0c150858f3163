// Starts and stops an actodo server for one test file: fresh data dir, port 0
// (or a given port, for restarts), the UI served from web/ui via --ui-dir.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BIN = path.resolve(process.env.ACTODO_BIN || path.join(here, '..', '..', '..', 'build', 'release', 'actodo'));
// Empty (the default under CTest): the copy embedded in the binary, as users get it.
export const UI_DIR = process.env.ACTODO_UI_DIR === undefined
  ? path.resolve(path.join(here, '..', '..', '..', 'web', 'ui'))
  : process.env.ACTODO_UI_DIR && path.resolve(process.env.ACTODO_UI_DIR);

export class Server {
  constructor({ auth = 'local', extraArgs = [] } = {}) {
    this.auth = auth;
    this.extraArgs = extraArgs;
    this.dataDir = mkdtempSync(path.join(tmpdir(), 'actodo-ui-test-'));
    this.port = 0;
    this.proc = null;
    this.log = '';
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Start (again): the first time on port 0, later on the port it had. */
  async start() {
    const args = ['serve', `--port=${this.port}`, '--admin-port=-1', `--data-dir=${this.dataDir}`,
      ...(UI_DIR ? [`--ui-dir=${UI_DIR}`] : []), `--auth=${this.auth}`, ...this.extraArgs];
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.spawnOnce(args);
        return this;
      } catch (e) {
        // a restart on a fixed port may race the old socket's release
        if (this.port === 0 || attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  spawnOnce(args) {
    return new Promise((resolve, reject) => {
      // The test's own ACTODO_* settings are not server configuration.
      const env = Object.fromEntries(Object.entries(process.env)
        .filter(([k]) => !['ACTODO_BIN', 'ACTODO_UI_DIR', 'ACTODO_SCREENSHOTS'].includes(k)));
      const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
      let out = '';
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`actodo did not start within 20 s:\n${out}`));
      }, 20_000);
      const onData = (d) => {
        out += d;
        this.log += d;
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          this.port = Number(m[1]);
          this.proc = proc;
          resolve();
        }
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.on('error', (e) => { clearTimeout(timer); reject(e); });
      proc.on('exit', (code) => {
        if (this.proc !== proc) {
          clearTimeout(timer);
          reject(new Error(`actodo exited with ${code}:\n${out}`));
        }
      });
    });
  }

  /** Stop by PID: SIGTERM (clean) or SIGKILL (crash); resolves once the process is gone. */
  async stop(signal = 'SIGTERM') {
    const proc = this.proc;
    if (!proc) return;
    this.proc = null;
    if (proc.exitCode != null || proc.signalCode != null) return;
    const gone = new Promise((r) => proc.once('exit', r));
    process.kill(proc.pid, signal);
    const t = setTimeout(() => { try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
    await gone;
    clearTimeout(t);
  }

  async dispose() {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
