// Which onnxruntime execution providers this installation can offer, without creating a session: the CPU provider
// ships inside onnxruntime-node; the CUDA provider's library is only present where its install step fetched it.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ProviderAvailability {
  name: string;
  available: boolean;
  note?: string;
}

export interface OnnxRuntimeReport {
  version: string | null;
  providers: ProviderAvailability[];
}

const CUDA_LIBRARY: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'libonnxruntime_providers_cuda.so',
  win32: 'onnxruntime_providers_cuda.dll',
};

/** The providers to try, best first: CUDA only where its library is installed (elsewhere it only logs a failure). */
export function offeredProviders(): Array<'cuda' | 'cpu'> {
  return reportOnnxRuntime().providers.some((provider) => provider.name === 'cuda' && provider.available)
    ? ['cuda', 'cpu']
    : ['cpu'];
}

export function reportOnnxRuntime(): OnnxRuntimeReport {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    packageDir = dirname(dirname(require.resolve('onnxruntime-node')));
  } catch {
    return { version: null, providers: [{ name: 'cpu', available: false, note: 'onnxruntime-node is not installed' }] };
  }
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version?: string };
  const binDir = join(packageDir, 'bin', 'napi-v6', process.platform, process.arch);
  const cpu = existsSync(binDir)
    ? { name: 'cpu', available: true }
    : { name: 'cpu', available: false, note: `no onnxruntime binary for ${process.platform}-${process.arch}` };
  const cudaLibrary = CUDA_LIBRARY[process.platform];
  const cuda =
    cudaLibrary === undefined
      ? { name: 'cuda', available: false, note: `CUDA is not offered on ${process.platform}` }
      : existsSync(join(binDir, cudaLibrary))
        ? { name: 'cuda', available: true }
        : {
            name: 'cuda',
            available: false,
            note: 'CUDA provider library not installed (onnxruntime-node was installed with ONNXRUNTIME_NODE_INSTALL=skip)',
          };
  return { version: manifest.version ?? null, providers: [cpu, cuda] };
}
