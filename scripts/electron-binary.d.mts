export function locateElectron(): { path: string | null; reason: string | null; noDisplay?: boolean };
