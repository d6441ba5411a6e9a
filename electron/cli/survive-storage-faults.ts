// For the long-running hosts (`tminus serve`, `tminus daemon`): a storage fault that still reaches the top of the
// event loop (a disk full under a write no room caught) is logged and survived — the record keeps what it has in
// memory and writes it once the disk takes it. Any other uncaught error is a bug: logged, and the process exits.
import { storageFaultCode } from '../store/storage-fault';

export function surviveStorageFaults(log: (message: string) => void): void {
  const handle = (error: unknown): void => {
    const code = storageFaultCode(error);
    if (code !== null) {
      log(`storage fault survived (${code}): ${(error as Error).message}`);
      return;
    }
    log(`fatal: ${(error as Error)?.stack ?? String(error)}`);
    process.exit(70);
  };
  process.on('uncaughtException', handle);
  process.on('unhandledRejection', handle);
}
