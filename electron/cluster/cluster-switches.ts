// The desktop app joins a cluster with the same options as `tminus serve`: `--cluster URL` and `--name N` on its
// command line (`--cluster=URL` too, as Chromium writes switches), or TMINUS_CLUSTER and TMINUS_NODE_NAME in its
// environment (a shortcut or a launcher that cannot pass arguments). The URL is checked here, before anything opens.
import { TminusError } from '../errors';
import { parseClusterUrl, type ClusterUrl } from './cluster-url';

export interface ClusterSwitches {
  url: ClusterUrl;
  /** How this console is shown in the cluster; null: the host name. */
  name: string | null;
}

function switchValue(argv: readonly string[], name: string): string | undefined {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (arg === `--${name}`) {
      const value = argv[index + 1];
      if (value === undefined || value.startsWith('--'))
        throw new TminusError('INVALID_ARGUMENT', `--${name}: a value is needed`);
      return value;
    }
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

/** The cluster to join, from the command line first and the environment second; null when neither names one. */
export function clusterSwitches(argv: readonly string[], env: NodeJS.ProcessEnv): ClusterSwitches | null {
  const text = switchValue(argv, 'cluster') ?? env.TMINUS_CLUSTER;
  const name = switchValue(argv, 'name') ?? env.TMINUS_NODE_NAME;
  if (text === undefined || text === '') {
    if (name !== undefined)
      throw new TminusError('INVALID_ARGUMENT', '--name: it names this node in a cluster; give --cluster too');
    return null;
  }
  if (name !== undefined && name.trim() === '') throw new TminusError('INVALID_ARGUMENT', '--name: empty');
  return { url: parseClusterUrl(text), name: name?.trim() ?? null };
}
