export function locateElectron(options?: { download?: boolean }): {
  path: string | null;
  reason: string | null;
  noDisplay?: boolean;
};
