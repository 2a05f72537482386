import { type Child } from './children';
import { say } from './output';

/**
 * The demo's children and how they stop: on Ctrl-C or SIGTERM, in the reverse order of their start
 * (provinces first, so nothing new arrives; then the hub, which finishes its jobs; then the portal),
 * each with SIGTERM, waiting for it. A child that dies on its own stops the rest, and the demo exits 1.
 */
export class Supervisor {
  private readonly children: Child[] = [];
  stopping = false;
  exitCode = 0;

  /** Stops everything on SIGINT (Ctrl-C) and SIGTERM. */
  handleSignals(): void {
    process.on('SIGINT', () => this.shutdown('Ctrl-C'));
    process.on('SIGTERM', () => this.shutdown('SIGTERM'));
  }

  add<C extends Child>(child: C): C {
    this.children.push(child);
    return child;
  }

  async stopAll(): Promise<void> {
    for (const child of [...this.children].reverse()) {
      if (!child.running) continue;
      say(`stopping ${child.name}…`);
      const code = await child.stop();
      if (code !== 0 && code !== null) say(`${child.name} exited with ${code}`);
    }
  }

  shutdown(signal: string): void {
    if (this.stopping) return;
    this.stopping = true;
    say(`${signal}: stopping the demo`);
    void this.stopAll().then(() => {
      say('stopped');
      process.exit(this.exitCode);
    });
  }

  /**
   * Resolves once a child has exited. One that exits on its own ends the demo (non-zero): the demo
   * without it would mislead.
   */
  watch(): Promise<void> {
    return Promise.race(
      this.children.map((child) =>
        child.exited().then((code) => {
          if (this.stopping) return;
          this.exitCode = 1;
          say(`${child.name} stopped unexpectedly (exit ${code}); stopping the rest`);
          this.shutdown('error');
        }),
      ),
    );
  }

  /** After a failed start: stops what runs and exits 1 (unless a signal is already stopping it). */
  async fail(): Promise<void> {
    this.exitCode = 1;
    if (!this.stopping) {
      this.stopping = true;
      await this.stopAll();
      process.exit(1);
    }
  }
}
