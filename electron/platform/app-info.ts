// `app/info`: what this installation is and where it keeps its data.
import { arch, platform } from 'node:os';
import type { AppInfo } from '../ipc/contract';
import { reportOnnxRuntime, type OnnxRuntimeReport } from './onnx-providers';
import { version } from '../../package.json';

export const APP_VERSION: string = version;

// What onnxruntime offers does not change while the process runs.
let onnxRuntimeReport: OnnxRuntimeReport | undefined;

export function collectAppInfo(context: {
  dataDir: string;
  databaseFile: string;
  schemaVersion: number;
  captcha: AppInfo['captcha'];
}): AppInfo {
  const electronVersion = process.versions.electron ?? null;
  return {
    name: 'Tminus',
    version: APP_VERSION,
    dataDir: context.dataDir,
    databaseFile: context.databaseFile,
    schemaVersion: context.schemaVersion,
    runtime: electronVersion ? 'electron' : 'node',
    platform: { os: platform(), arch: arch(), node: process.versions.node, electron: electronVersion },
    onnxruntime: (onnxRuntimeReport ??= reportOnnxRuntime()),
    captcha: context.captcha,
  };
}
