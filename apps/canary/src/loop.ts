/** Work that runs in the background from start() until stop() (which waits for it to end). */
export abstract class BackgroundLoop {
  protected running = false;
  private loop?: Promise<void>;

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.interrupt();
    await this.loop;
  }

  protected abstract run(): Promise<void>;

  /** Cut short a wait in run() (an open stream). */
  protected interrupt(): void {}
}
