// A target's name as the console says it: the built-in simulator in the console's language, any other by the name
// its profile gives, with the id where the name does not already say it.
import type { MessageKey } from '../i18n';

export function targetLabel(
  target: { id: string; name: string; builtin: boolean },
  t: (key: MessageKey) => string,
): string {
  if (target.builtin) return t('sim.title');
  return target.name === target.id ? target.name : `${target.name} (${target.id})`;
}
