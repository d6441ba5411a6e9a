// Commands load the application (store, engine, simulator, captcha, …) only when they run: `tminus --help` and the
// benchmarks' helper processes stay small and start fast.
import type { App, AppOptions } from '../app';

export async function openApp(options: AppOptions): Promise<App> {
  const { createApp } = await import('../app');
  return createApp(options);
}
