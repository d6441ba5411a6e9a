// The `notifiers/*` calls.
import type { HandlersFor } from '../ipc/router';
import type { NotifyService } from './notify-service';

export function notifierHandlers(notify: NotifyService): HandlersFor<'notifiers'> {
  return {
    'notifiers/list': () => notify.list(),
    'notifiers/save': ({ id, notifier }) => notify.save({ ...notifier, id }),
    'notifiers/remove': ({ id }) => {
      notify.remove(id);
      return { removed: true };
    },
    'notifiers/test': ({ id }) => notify.test(id),
  };
}
